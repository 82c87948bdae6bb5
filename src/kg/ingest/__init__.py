"""Bringing records in: tables (CSV with CSVW metadata) turned into sourced claims, checked
before anything is written. Where CSV rows become triples, one job per module:

- `mapping`  CSVW metadata (or a bundled template, `templates/`) -> which column becomes
             which claim; found as CSVW says (`TABLE.csv-metadata.json` beside the table).
- `table`    the file's bytes, hash and encoding; records numbered as RFC 7111 numbers them.
- `values`   cell text -> RDF value (names, integers, concepts, dates via
             `kg.written_dates`, existing entities via `lookup`, folded by `kg.names`).
- `rows`     rows -> triples: record, person, one claim per cell, its cell evidence.
- `report`   every error as `FILE:ROW:COLUMN: 'value': what is wrong — the fix`; the report.
- `diff`     a write's quad changes -> claims added, changed, removed, moved.
- `provlog`  the import log (PROV activities in `graph/imports`) and its query.
- `archive`  imported files kept by SHA-256 in a folder the store owns.
- `cells`    verifying cell evidence against the archived table; its display text.
- `run`      the import: read, check, diff, SHACL on what changes, write, log.

The model (decided in notes/RECORDS.md): the table is a `kg:Source` (`id/source/<table>`,
title, publisher, `kg:published`, `kg:sha256`, `kg:archivedText`, `csvw:dialect`); each row
a `kg:Record` (`id/record/<table>-<id>`) describing a person (`id/person/<table>-<id>`, or the
`kg_iri` a matcher confirmed); each non-empty cell (each `;`-separated item of a list cell)
a `kg:AttributeClaim` (`id/claim/<table>-<id>-<column>[-n]`: `kg:about`, `kg:property`,
`kg:value`, `dcterms:source`, `prov:wasAttributedTo` the publisher, `kg:claimStatus`
asserted) evidenced by `id/annotation/<same>`, whose target has two selectors: `#cell`, an
`oa:FragmentSelector` conforming to RFC 7111 with `rdf:value "cell=ROW,COL"`, and `#text`,
an `oa:TextQuoteSelector` whose `oa:exact` is the cell's text verbatim (cells longer than 12
words keep `kg:textSha256` on `#cell` instead, and the claim a short excerpt).

Numbering: as RFC 7111 (and CSVW's `csvw:url <table.csv#row=2>` for the first data row),
rows are the file's records counted from 1 with the header line as row 1, so row numbers are
the spreadsheet's row numbers; a quoted cell spanning lines is one row; columns count from 1.
Error messages use the same row numbers and the column's name. Graphs: public rows in
`graph/table/<table>`, restricted rows (`access` = restricted) in
`graph/restricted/table/<table>` with every node they mint marked `kg:accessLevel
kg:Restricted`; no blank nodes anywhere, so the same file gives the same triples.
"""
