"""/reconcile served by a real `kg serve`, asked the way OpenRefine asks: form-encoded
`queries=` batches over HTTP, CORS for browser clients, answers valid per the spec's schemas."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

from tests.conftest import LiveServer
from tests.reconcile_schemas import check


def _post(server: LiveServer, fields: dict[str, str]) -> tuple[dict, dict[str, str]]:
    data = urllib.parse.urlencode(fields).encode("utf-8")
    request = urllib.request.Request(
        server.url + "/reconcile", data=data, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                 "Origin": "http://127.0.0.1:3333", "User-Agent": "OpenRefine 3.8"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read()), {k.lower(): v for k, v in response.headers.items()}


def test_openrefine_batch_over_http(live_server: LiveServer) -> None:
    with urllib.request.urlopen(live_server.url + "/reconcile", timeout=30) as response:
        check("manifest", json.loads(response.read()))
    queries = {
        "q0": {"query": "Khosrowi", "type": "https://schema.org/Person",
               "type_strict": "should", "limit": 3},
        "q1": {"query": "غلامرضا خسروی", "type": "https://schema.org/Person",
               "type_strict": "should"},
        "q2": {"query": "Gholam Reza Khosravi", "type": "https://schema.org/Person",
               "type_strict": "should",
               "properties": [{"pid": "date_of_death", "v": "2014-06-01"}]},
    }
    check("reconciliation-query-batch", queries)
    body, headers = _post(live_server, {"queries": json.dumps(queries)})
    check("reconciliation-result-batch", body)
    assert headers["access-control-allow-origin"] == "*"
    for key in queries:
        assert body[key]["result"][0]["id"] == "person/gholamreza-khosravi"
    assert [body[k]["result"][0]["match"] for k in ("q0", "q1", "q2")] == [False, False, True]


def test_extension_over_http(live_server: LiveServer) -> None:
    query = {"ids": ["person/gholamreza-khosravi"],
             "properties": [{"id": "label_fa"}, {"id": "date_of_death"}, {"id": "prison"}]}
    body, _ = _post(live_server, {"extend": json.dumps(query)})
    check("data-extension-response", body)
    assert body["rows"]["person/gholamreza-khosravi"]["label_fa"] == [{"str": "غلامرضا خسروی"}]
