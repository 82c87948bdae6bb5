"""What the graph says about one entity, read for its page: the library half of entity pages.

Plain Python over the Store (no Flask, no wording): the web layer (`kg.web.entities`, with
the page's wording in `kg.web.entity_view`) renders it as HTML and as the JSON twin.

    model        the dataclasses a page is made of (Ref, Value, Quote, Claim, Entity...)
    queries      the SPARQL the page reads, each anchored on the entity's IRI and capped
    parallel     the thread pool the page's independent queries run on side by side
    refs         entity IRIs <-> page paths; which IRIs are the model's plumbing
    claim_index  every claim's rows, read once per store version
    claims       claims about an entity (and claims it makes), built from their rows
    events       the events an entity takes part in, dated
    reader       `read_entity`: one entity, gathered from all of the above
"""
