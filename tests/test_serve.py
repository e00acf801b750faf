"""``pikg serve``: SPARQL at /sparql and every pikg IRI with content negotiation, the pages a
researcher reads, and the limits that keep the server safe (issue 15 defect 5, issue 16)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from pikg.errors import UsageError
from pikg.namespace import PIK
from pikg.web.serve import run, server
from pikg.web.sparql_guard import federation

from .webfixtures import HOSTILE, NAME, PROJECT, SCRIPT_LABEL, Site, get, page, site

__all__ = ["site"]  # the fixture, imported for pytest

COUNT_TARGETS = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/pikg/ontology#IndicatorTarget> }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _sparql(
    site: Site, query: str, accept: str = "application/sparql-results+json"
) -> tuple[int, str, str]:
    return get(f"{site.base}/sparql?query={urllib.parse.quote(query)}", accept)


# ---- negotiation -------------------------------------------------------------------------

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_indicator_in_every_rdf_syntax(site: Site, media: str) -> None:
    status, kind, body = page(site, site.target, media)
    assert status == 200 and kind.startswith(media)
    graph = Graph().parse(data=body, format=RDF_TYPES[media])
    assert (URIRef(site.target), PIK.indicatorName, Literal(NAME, lang="zh")) in graph


@pytest.mark.parametrize(("key", "media"), [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"), ("rdf", "application/rdf+xml"), ("html", "text/html")])  # fmt: skip
def test_format_parameter_overrides_accept(site: Site, key: str, media: str) -> None:
    status, kind, _ = get(f"{site.base}{page_path(site.target)}?format={key}", "image/png")
    assert status == 200 and kind.startswith(media)


def page_path(iri: str) -> str:
    from pikg.web.serve import local

    return local(iri)


def test_what_cannot_be_served_is_406(site: Site) -> None:
    assert page(site, site.target, "image/png")[0] == 406
    assert get(f"{site.base}{page_path(site.target)}?format=pdf")[0] == 406
    status, kind, _ = page(site, site.target, "image/png, */*;q=0.1")
    assert status == 200 and kind.startswith("text/html")


def test_head_gives_headers_without_body(site: Site) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", int(site.base.rsplit(":", 1)[1]), timeout=10)
    conn.request("HEAD", page_path(site.target), headers={"Accept": "text/turtle"})
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("text/turtle")
    assert int(response.getheader("Content-Length", "0")) > 100
    assert response.read() == b""
    conn.close()


def test_sparql_protocol(site: Site) -> None:
    status, kind, body = _sparql(site, COUNT_TARGETS)
    assert status == 200 and kind == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "22"  # two documents
    status, kind, body = _sparql(site, COUNT_TARGETS, "text/csv")
    assert (status, kind, body.split()) == (200, "text/csv", ["n", "22"])


def test_unknown_iri_is_404(site: Site) -> None:
    assert get(f"{site.base}/id/org/cn/nobody")[0] == 404


def test_curl_gets_turtle(site: Site) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    out = subprocess.run(
        [curl, "-s", "-H", "Accept: text/turtle", site.base + page_path(site.target)],
        capture_output=True,
        check=True,
    )
    assert f'"{NAME}"@zh' in out.stdout.decode("utf-8")


# ---- pages -------------------------------------------------------------------------------


def test_project_page_lists_its_violation_linked_to_the_row(site: Site) -> None:
    status, _, html = page(site, site.project)
    assert status == 200
    text = unescape(html)
    assert "没有校验发现" not in text
    findings = text.split("校验发现 · Findings", 1)[1].split("指标 · Indicators", 1)[0]
    assert "satisfaction-upper-bound" in findings and NAME in findings
    anchor = re.search(r'<tr id="(row-\d+)">(?:(?!</tr>).)*' + NAME, html)
    assert anchor is not None and f'href="#{anchor.group(1)}"' in findings


def test_findings_are_sorted_by_severity(site: Site) -> None:
    html = page(site, site.document)[2]
    severities = re.findall(r'<li class="(Violation|Warning|Info)">', html)
    assert severities and "Violation" in severities
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    assert [order[s] for s in severities] == sorted(order[s] for s in severities)


def test_levels_show_labels_not_iris(site: Site) -> None:
    html = unescape(page(site, site.project)[2])
    table = html.split("指标 · Indicators", 1)[1]
    assert "满意度指标" in table and "https://w3id.org/pikg/framework" not in table


def test_indicator_page_links_project_and_document(site: Site) -> None:
    html = unescape(page(site, site.target)[2])
    assert NAME in html and "<=80%" in html and "satisfaction-upper-bound" in html
    assert f'href="{page_path(site.project)}"' in html
    assert PROJECT in unescape(page(site, site.project)[2])


def test_department_page_lists_documents_and_projects_by_year(site: Site) -> None:
    html = unescape(page(site, site.department)[2])
    assert "2023 年" in html
    year = html.split("2023 年", 1)[1]
    assert year.count(PROJECT) == 2  # in each of the two documents
    assert "wuhou_revised.txt" in year and "wuhou_education_2023_prose_flawed.txt" in year


def test_index_titles_are_distinguishable(site: Site) -> None:
    html = get(site.base + "/")[2]
    rows = re.findall(r"<tr><td><a.*?</tr>", html)
    texts = [re.sub(r"<[^>]+>", " ", r) for r in rows]
    assert len(texts) == 2 and len(set(texts)) == 2
    assert 'name="q"' in html  # the search box


def test_search_finds_an_indicator(site: Site) -> None:
    html = get(f"{site.base}/search?q={urllib.parse.quote('教师满意')}")[2]
    assert NAME in unescape(html) and page_path(site.target) in html


def test_sparql_page_has_a_form_and_shows_results_as_a_table(site: Site) -> None:
    status, kind, html = get(f"{site.base}/sparql")
    assert status == 200 and kind.startswith("text/html") and "<textarea" in html
    status, _, html = _sparql(site, COUNT_TARGETS, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and "<table>" in html and "<td>22</td>" in html
    status, _, html = _sparql(site, "SELECT nonsense", "text/html")
    assert status == 400 and "<textarea" in html


def test_ontology_page(site: Site) -> None:
    html = unescape(get(f"{site.base}/ontology")[2])
    for part in ("目录 · Contents", "类层次 · Class hierarchy", "定义域 · Domain", "值域 · Range"):
        assert part in html
    assert "0.1.0" in html.split("Version", 1)[1][:60]
    # pik:department: from a document to its department, cross-linked to both classes
    entry = html.split('id="department"', 1)[1].split("</section>", 1)[0]
    assert 'href="#Disclosure"' in entry and 'href="#Department"' in entry


# ---- issue 15, defect 5: what the server refuses and bounds --------------------------------


def test_issue15_service_is_refused_and_nothing_is_fetched(site: Site) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    status, _, body = _sparql(
        site, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    )
    assert status == 403 and "SERVICE" in body
    with pytest.raises(TimeoutError):
        listener.accept()  # the server never connected to it
    listener.close()


def test_issue15_service_found_as_a_keyword_only() -> None:
    assert federation("select * { service <http://x/> { ?s ?p ?o } }")
    assert federation("SELECT * {\n# a comment\nSERVICE SILENT <http://x/> {}}")
    assert not federation('SELECT ?service WHERE { ?service <http://x/SERVICE> "SERVICE" }')
    assert not federation("SELECT * { ?s ?p ?o } # SERVICE <http://x/>")
    assert not federation("SELECT * { ?s ex:SERVICE ?o }")


def test_issue15_host_header_is_checked(site: Site) -> None:
    port = site.base.rsplit(":", 1)[1]
    assert get(site.base + "/", Host="attacker.example")[0] == 421
    assert get(site.base + "/", Host=f"attacker.example:{port}")[0] == 421
    assert get(site.base + "/", Host="127.0.0.1:1")[0] == 421
    assert get(site.base + "/", Host=f"localhost:{port}")[0] == 200


def test_issue15_update_is_refused(site: Site) -> None:
    before = site.store.count()
    port = int(site.base.rsplit(":", 1)[1])
    update = "DELETE WHERE { ?s ?p ?o }"
    for body, kind in (
        (update, "application/sparql-update"),
        (urllib.parse.urlencode({"update": update}), "application/x-www-form-urlencoded"),
    ):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/sparql", body=body.encode(), headers={"Content-Type": kind})
        assert conn.getresponse().status == 403
        conn.close()
    assert _sparql(site, update)[0] == 400  # not a query
    assert site.store.count() == before > 0


def test_issue15_request_body_is_limited(site: Site) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", int(site.base.rsplit(":", 1)[1]), timeout=10)
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
    conn.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert conn.getresponse().status == 413
    conn.close()


def _children() -> set[int]:
    """Process ids whose parent is this process (the query workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_issue15_runaway_query_is_stopped(site: Site) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the worker processes")
    before = _children()
    start = time.monotonic()
    status, _, body = _sparql(site, RUNAWAY)
    took = time.monotonic() - start
    assert status == 503 and "stopped after 2 s" in body
    assert 2 <= took < 10
    after = _children()
    assert before - after, "the worker that ran the query was not stopped"
    assert _sparql(site, COUNT_TARGETS)[0] == 200  # a new worker took its place


def test_issue15_idle_connection_is_closed(site: Site) -> None:
    idle = socket.create_connection(("127.0.0.1", int(site.base.rsplit(":", 1)[1])))
    idle.settimeout(15)
    start = time.monotonic()
    assert idle.recv(1) == b""  # closed by the server, after about idle_timeout (2 s)
    assert time.monotonic() - start < 15
    idle.close()


def test_issue15_500_concurrent_requests_are_all_served(site: Site) -> None:
    barrier = threading.Barrier(500, timeout=30)

    def one(_: int) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", int(site.base.rsplit(":", 1)[1]), timeout=60)
        barrier.wait()
        conn.request("GET", f"/sparql?query={urllib.parse.quote(COUNT_TARGETS)}", headers={"Accept": "text/csv"})  # fmt: skip
        status = conn.getresponse().status
        conn.close()
        return status

    with ThreadPoolExecutor(500) as pool:
        statuses = list(pool.map(one, range(500)))
    assert statuses.count(200) == 500


@pytest.mark.parametrize(
    "path",
    ["/id/a%3E%20%7B%20?s%20?p%20?o", "/id/x%22%20.%20%7D", "/id/%FF%FE", "/id/a%0Ab", "/id/"],
)
def test_issue15_malformed_id_paths_are_404(site: Site, path: str) -> None:
    status, kind, _ = get(site.base + path)
    assert status == 404 and kind.startswith("text/plain")


def test_issue15_javascript_links_are_not_clickable(site: Site) -> None:
    status, _, html = page(site, HOSTILE)
    assert status == 200
    assert "javascript:alert(1)" in unescape(html)  # shown as text
    assert 'href="javascript' not in html.lower()
    assert 'href="https://example.org/ok"' in html
    assert SCRIPT_LABEL not in html and "&lt;script&gt;" in html


def test_issue15_busy_port_is_one_usage_error(site: Site) -> None:
    port = int(site.base.rsplit(":", 1)[1])
    with pytest.raises(UsageError) as info:
        run(site.store, port, lambda url: None)
    assert "\n" not in str(info.value) and str(port) in str(info.value)


def test_server_helper_stops_cleanly(site: Site) -> None:
    with server(site.store) as base:
        assert get(base + "/")[0] == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=2)
