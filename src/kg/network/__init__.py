"""The graph explorer's model: a networkx projection of people, organisations, groups,
events and places whose every edge is a claim (projection), the kinds of node and edge
(kinds), the SPARQL that builds it (queries), analyses (analysis), the JSON the explorer
reads (views), and the claims and evidence behind an edge (claims)."""
