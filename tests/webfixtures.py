"""A small served store for the web tests: the flawed Wuhou document, a second Wuhou document
of the same department, year and kind (told apart only by its file name), and a resource
carrying hostile RDF (a ``javascript:`` IRI, markup in a label)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from pikg import extract_file, extract_text
from pikg.graph import iris
from pikg.namespace import ID
from pikg.storage.store import Store
from pikg.web.serve import Limits, local, server

HERE = Path(__file__).resolve().parent
DOC = HERE / "flawed" / "wuhou_education_2023_prose_flawed.txt"
NAME = "参训教师满意度"
PROJECT = "教师培训专项经费项目"
HOSTILE = f"{ID}test/hostile"
SCRIPT_LABEL = "<script>alert(1)</script>坏标签"
LIMITS = Limits(query_timeout=2, idle_timeout=2, max_body=64 * 1024)


@dataclass(frozen=True)
class Site:
    base: str
    target: str  # the IRI of the indicator 参训教师满意度 <=80%
    project: str
    document: str
    department: str
    store: Store


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    store = Store()
    store.load_vocabulary()
    result = extract_file(DOC)
    store.load_extraction(result)
    text = DOC.read_text(encoding="utf-8") + "\n（修订稿）\n"
    store.load_extraction(extract_text(text, str(DOC.with_name("wuhou_revised.txt"))))
    graph = ox.NamedNode(f"{HOSTILE}/graph")
    node = ox.NamedNode(HOSTILE)
    for p, o in (
        ("http://www.w3.org/2000/01/rdf-schema#seeAlso", ox.NamedNode("javascript:alert(1)")),
        ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(SCRIPT_LABEL)),
        ("http://xmlns.com/foaf/0.1/page", ox.NamedNode("https://example.org/ok")),
    ):
        store.store.add(ox.Quad(node, ox.NamedNode(p), o, graph))
    row = next(r for r in result.rows if r.name == NAME)
    doc = iris.disclosure(result, result.digest)
    with server(store, 0, LIMITS) as base:
        yield Site(
            base,
            iris.target(doc, row),
            iris.project(doc, PROJECT),
            doc,
            iris.department(result),
            store,
        )


def get(url: str, accept: str = "text/html", **headers: str) -> tuple[int, str, str]:
    """(status, Content-Type, body) — error statuses too."""
    request = urllib.request.Request(url, headers={"Accept": accept, **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def page(site: Site, iri: str, accept: str = "text/html") -> tuple[int, str, str]:
    return get(site.base + local(iri), accept)
