"""``pikg serve``: SPARQL at /sparql and every pikg IRI with content negotiation, checked with
HTTP requests, curl, and a real headless browser (Debian's Chromium) where it is installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from pikg import extract_file
from pikg.graph import iris
from pikg.namespace import PIK
from pikg.storage.store import Store
from pikg.web.serve import local, server

HERE = Path(__file__).resolve().parent
DOC = HERE / "flawed" / "wuhou_education_2023_prose_flawed.txt"
NAME = "参训教师满意度"


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, str]]:
    """(base URL, the IRI of the indicator 参训教师满意度 <=80%)."""
    result = extract_file(DOC)
    store = Store()
    store.load_vocabulary()
    store.load_extraction(result)
    row = next(r for r in result.rows if r.name == NAME)
    iri = iris.target(iris.disclosure(result, result.digest), row)
    httpd = server(store, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", iri
    httpd.shutdown()
    httpd.server_close()


def _get(url: str, accept: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"], response.read().decode("utf-8")


def test_indicator_as_turtle_and_jsonld(site: tuple[str, str]) -> None:
    base, iri = site
    kind, body = _get(base + local(iri), "text/turtle")
    assert kind.startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(iri), PIK.indicatorName, Literal(NAME, lang="zh")) in graph
    kind, body = _get(base + local(iri), "application/ld+json")
    assert kind == "application/ld+json"
    assert (URIRef(iri), PIK.indicatorName, Literal(NAME, lang="zh")) in Graph().parse(
        data=body, format="json-ld"
    )


def test_indicator_page_links_project_and_document(site: tuple[str, str]) -> None:
    base, iri = site
    kind, page = _get(base + local(iri), "text/html")
    assert kind.startswith("text/html")
    html = unescape(page)
    assert NAME in html and "<=80%" in html and "satisfaction-upper-bound" in html
    project = local(iri.rsplit("/target/", 1)[0])
    assert f'href="{project}"' in html
    _, project_page = _get(base + project, "text/html")
    assert NAME in project_page and "教师培训专项经费项目" in project_page


def test_sparql_protocol(site: tuple[str, str]) -> None:
    base, _ = site
    query = urllib.parse.quote(
        "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/pikg/ontology#IndicatorTarget> }"
    )
    kind, body = _get(f"{base}/sparql?query={query}", "application/sparql-results+json")
    assert kind == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "11"


def test_unknown_iri_is_404(site: tuple[str, str]) -> None:
    base, _ = site
    with pytest.raises(urllib.error.HTTPError) as info:
        _get(f"{base}/id/org/cn/nobody", "text/html")
    assert info.value.code == 404


def test_curl_gets_turtle(site: tuple[str, str]) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    base, iri = site
    out = subprocess.run(
        [curl, "-s", "-H", "Accept: text/turtle", base + local(iri)],
        capture_output=True,
        check=True,
    )
    assert f'"{NAME}"@zh' in out.stdout.decode("utf-8")


def test_browser_finds_name_target_and_findings(site: tuple[str, str], tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(
            "headless Chromium is not installed (Debian package chromium); .ci/run installs it"
        )
    base, iri = site
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path}", "--dump-dom",
    ]  # fmt: skip
    out = subprocess.run([chromium, *flags, base + local(iri)], capture_output=True, timeout=60)
    dom = unescape(out.stdout.decode("utf-8"))
    assert NAME in dom, out.stderr.decode("utf-8", "replace")[-2000:]
    assert "<=80%" in dom
    assert "satisfaction-upper-bound" in dom and "满意度目标应是下限" in dom
