"""The SPARQL an entity page reads, and the caps that keep a hub's page fast.

Every query is anchored on the entity's IRI (a selective pattern the engine answers from
its indexes) and capped, so a page stays fast when the entity is the hub of tens of
thousands of victims. Queries are few and flat: Oxigraph evaluates nested OPTIONALs and
UNIONs over the whole store instead of pushing the entity's IRI into them.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.datevalues import date_pattern
from kg.namespaces import sparql_prefixes

PREFIXES = sparql_prefixes()
#: Claims about the entity shown per page (a hub event has thousands).
MAX_CLAIMS = 25
MAX_LINKS_PER_PROPERTY = 25
MAX_EVENTS = 30
#: Incoming links scanned to count them per property: a hub has more than can be counted
#: per request, so counts stop here and are shown as lower bounds.
MAX_INCOMING_SCAN = 250
#: A claim asserting more participations or memberships than this (a list of named victims)
#: is shown with their number; fewer are read one by one.
MAX_ASSERTED = 8


def value(row: Any, name: str) -> str | None:
    """The value of a row's variable; None where an OPTIONAL left it unbound."""
    term = row[name]
    return term.value if term is not None else None


def own_triples(e: ox.NamedNode) -> dict[str, str]:
    """The entity's outgoing triples, and how many subjects point at it by each property."""
    return {
        "out": f"SELECT DISTINCT ?p ?o WHERE {{ {e} ?p ?o }} LIMIT 2000",
        "in": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s ?p WHERE {{ ?s ?p {e} }} "
              f"LIMIT {MAX_INCOMING_SCAN} }} FILTER(isIRI(?s)) }} GROUP BY ?p"}


def incoming_subjects(e: ox.NamedNode, prop: ox.NamedNode) -> str:
    """The first few subjects pointing at the entity by `prop` (no ORDER BY: a hub event
    has a link from every victim, and sorting them all costs the page)."""
    return (f"SELECT DISTINCT ?s WHERE {{ ?s {prop} {e} FILTER(isIRI(?s)) }} "
            f"LIMIT {MAX_LINKS_PER_PROPERTY}")


def date_values(e: ox.NamedNode) -> str:
    """The entity's kg:DateValue objects (named or blank), with their parts."""
    return (PREFIXES + f"SELECT ?p ?d ?v ?prec ?lo ?hi ?inf WHERE {{ {e} ?p ?d . "
            f"{date_pattern()} }}")


def blank_objects(e: ox.NamedNode) -> str:
    """The properties of the entity's blank-node objects (a grading, a quantity)."""
    return (f"SELECT ?p ?b ?bp ?bo WHERE {{ {e} ?p ?b FILTER(isBlank(?b)) ?b ?bp ?bo }} "
            "LIMIT 500")


def claim_page(e: ox.NamedNode, offset: int) -> dict[str, str]:
    """How many claims are about the entity, and which are on the page from `offset`."""
    return {
        "total": PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c kg:about {e} }}",
        "page": PREFIXES + f"SELECT DISTINCT ?c WHERE {{ ?c kg:about {e} FILTER(isIRI(?c)) }} "
                f"LIMIT {MAX_CLAIMS} OFFSET {max(offset, 0)}"}


def claim_rows(scope: str) -> dict[str, str]:
    """What a claim card is read from, for the claims `scope` binds to ?c. Each query costs
    a lookup per claim: one reads every outgoing triple of the claims; others the nodes
    they hold (counts, dates), their graphs and their evidence."""
    head = PREFIXES + f"SELECT * WHERE {{ {scope} "
    return {
        "props": head + "?c ?p ?o FILTER(?p != kg:asserts) }",
        # A list of named victims asserts hundreds of participations: count, not fetch.
        "sizes": head.replace("SELECT *", "SELECT ?c (COUNT(?a) AS ?n)", 1)
        + "?c kg:asserts ?a } GROUP BY ?c",
        "graphs": head + "GRAPH ?g { ?c dcterms:source ?gpub } }",
        "values": head + "?c ?p ?x . ?x ?q ?y FILTER(?p IN (kg:count, kg:date, "
        "kg:beginDate, kg:endDate)) }",
        # An attribute claim's value when it is a date (kg:DateValue).
        "attr_dates": head + f"?c kg:value ?d . {date_pattern()} }}",
        "selectors": head + "?ann oa:hasBody ?c ; oa:hasTarget ?t . ?t oa:hasSelector ?s . "
        "?s ?p ?o FILTER(?p != rdf:type) }",
        "cited": head + "?ann oa:hasBody ?c ; kg:citedWording ?cited "
        "OPTIONAL { ?ann kg:locator ?loc } }",
    }


def claims_of(claims: list[str]) -> str:
    """A `claim_rows` scope binding ?c to these claims."""
    return "VALUES ?c { " + " ".join(str(ox.NamedNode(c)) for c in claims) + " }"


def asserted(claims: list[str]) -> dict[str, str]:
    """What claims asserting a few participations or memberships assert, with their dates."""
    head = PREFIXES + "SELECT * WHERE { " + claims_of(claims) + " ?c kg:asserts ?a . "
    return {
        "dates": head + f"?a ?p ?d . {date_pattern()} "
        "FILTER(?p IN (kg:date, kg:beginDate, kg:endDate)) }",
        "parts": head + "?a kg:participant ?who ; kg:inEvent ?what "
        "OPTIONAL { ?a sem:roleType ?role } OPTIONAL { ?a kg:involvement ?how } }",
        "members": head + "?a org:member ?who ; org:organization ?what "
        "OPTIONAL { ?a org:role ?role } }",
    }


def claims_made_total(e: ox.NamedNode) -> str:
    """How many sourced claims the entity is the claimant of."""
    return (PREFIXES + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ "
            f"?c prov:wasAttributedTo {e} ; dcterms:source ?pub }}")


def claims_made(e: ox.NamedNode) -> str:
    """The first MAX_CLAIMS of them: what each says, and in which publication."""
    return (PREFIXES + "SELECT ?c (SAMPLE(?st) AS ?s) (SAMPLE(?pub) AS ?p) WHERE { "
            f"{{ SELECT DISTINCT ?c WHERE {{ ?c prov:wasAttributedTo {e} ; dcterms:source ?x }} "
            f"LIMIT {MAX_CLAIMS} }} "
            "?c dcterms:source ?pub . OPTIONAL { ?c kg:statement ?st } } GROUP BY ?c")


def events_of(e: ox.NamedNode) -> tuple[str, ...]:
    """Events the entity takes part in (?ev with ?role, the role concept, any role), is a
    sub-event of, or has claims that name (?ev). Three small queries, not one UNION:
    Oxigraph does not push the entity's IRI into UNION branches, and the union form cost
    seconds on a large store."""
    return (
        PREFIXES + f"SELECT DISTINCT ?ev ?role WHERE {{ ?part kg:participant {e} ; "
        "kg:inEvent ?ev . OPTIONAL { ?part sem:roleType ?role } } "
        f"LIMIT {MAX_EVENTS}",
        PREFIXES + f"SELECT DISTINCT ?ev WHERE {{ {e} sem:subEventOf ?ev }} LIMIT {MAX_EVENTS}",
        PREFIXES + f"SELECT DISTINCT ?ev WHERE {{ {{ SELECT ?c WHERE {{ ?c kg:about {e} }}"
        f" LIMIT {MAX_CLAIMS * 4} }} ?c kg:about ?ev . ?ev a kg:Event "
        f"FILTER(?ev != {e}) }} LIMIT {MAX_EVENTS}",
    )
