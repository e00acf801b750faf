"""The data that ships inside the wheel: ontology, shapes, queries and extractor data."""

from importlib.resources import files
from importlib.resources.abc import Traversable


def ontology(name: str) -> Traversable:
    return files("pikg.ontology") / name


def shapes() -> Traversable:
    return files("pikg.shapes")


def queries() -> Traversable:
    return files("pikg.queries")


def data(name: str) -> Traversable:
    return files("pikg.data") / name


def read_data_lines(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, comments and blank lines left out."""
    rows = []
    for line in data(name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows
