"""The data that ships with pikg: ontology, shapes, queries and extractor data, in one place.

In a wheel the top-level ``ontology/``, ``shapes/`` and ``queries/`` folders are installed
inside the package; in a source checkout (an editable install, or the tests) they are read
where they stand, beside ``extract/``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from rdflib import Graph

ONTOLOGY_FILES = ("pikg.ttl", "framework.ttl", "comparators.ttl", "units.ttl")


def _folder(name: str) -> Traversable:
    packaged = files("pikg") / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def ontology(name: str) -> Traversable:
    return _folder("ontology") / name


def shapes() -> Traversable:
    return _folder("shapes")


def queries() -> Traversable:
    return _folder("queries")


def data(name: str) -> Traversable:
    return files("pikg.data") / name


def read_data_lines(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, comments and blank lines left out."""
    rows = []
    for line in data(name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@cache
def ontology_graph(*names: str) -> Graph:
    """The named ontology files (all of them by default) as one graph; callers must not change it."""
    graph = Graph()
    for name in names or ONTOLOGY_FILES:
        graph.parse(data=ontology(name).read_text(encoding="utf-8"), format="turtle")
    return graph
