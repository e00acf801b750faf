"""Named SPARQL queries: one per ``queries/*.rq``, each opening with a comment header.

    # name: projects-rows
    # description: 中文说明
    # description: English description
    # params: department:string? year:gYear?      (``?`` marks an optional one; or ``none``)

A parameter ``p`` is the variable ``?__p`` in the query; pikg binds it with a VALUES block
at the start of the first WHERE clause, and of every later WHERE clause (a subquery's) whose
group names ``?__p``, so a query file stays valid SPARQL for any other tool and a value is
never pasted into the query text. An optional parameter left out stays unbound. A query whose
outer pattern has no WHERE keyword binds its parameters in its first subquery: pyoxigraph
applies a FILTER on a VALUES variable only after all of the group's joins, and a subquery
sees nothing of the pattern around it, so a subquery that selects by a parameter names it.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pikg import resources
from pikg.errors import QueryError
from pikg.namespace import SHAPES
from pikg.storage.store import Store
from pikg.storage.values import XSD, lexical, typed


@dataclass(frozen=True)
class Param:
    name: str
    # string, zh (a string tagged @zh, to match a Chinese label as a term), integer, gYear,
    # code (a rule code: a shape of shapes/), shape (a rule code bound as its shape's IRI),
    # or the allowed values joined by | (matched ignoring case)
    type: str
    optional: bool

    def literal(self, value: str) -> str:
        """The value checked, as the SPARQL term the VALUES block binds. A ``zh`` one is
        the label itself and a ``shape`` one the shape's IRI, so a query can use it in a
        triple pattern, which a store answers from its index, where a FILTER on a label's
        text or an IRI's fragment reads every label or finding."""
        checked = self.check(value)
        if self.type == "shape":
            return f"<{SHAPES}{checked}>"
        text = json.dumps(checked, ensure_ascii=False)
        return f"{text}@zh" if self.type == "zh" else text

    def check(self, value: str) -> str:
        """The value as the query needs it; a value of the wrong kind is a QueryError."""
        if "|" in self.type:
            allowed = self.type.split("|")
            for choice in allowed:
                if choice.casefold() == value.strip().casefold():
                    return choice
            raise QueryError(f"--param {self.name} is one of {', '.join(allowed)}, not {value!r}")
        if self.type in ("code", "shape"):
            return _rule_code(self.name, value)
        if self.type in ("integer", "gYear"):
            if not value.strip().isdigit() or (self.type == "gYear" and len(value.strip()) != 4):
                raise QueryError(f"--param {self.name} takes a {self.type}, not {value!r}")
            return value.strip()
        return value


def _rule_code(param: str, value: str) -> str:
    from pikg.checking.validate import rule_codes

    codes = rule_codes()
    wanted = value.strip().casefold()
    if wanted in codes:
        return wanted
    near = difflib.get_close_matches(wanted, codes, n=3)
    hint = f"; did you mean {' or '.join(near)}?" if near else f"; one of {', '.join(codes)}"
    raise QueryError(f"--param {param} is a rule code, not {value!r}{hint}")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description_zh: str
    description_en: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: dict[str, str]) -> str:
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(
                f"query {self.name} has no parameter {', '.join(unknown)} (it takes: {', '.join(sorted(known)) or 'none'})"
            )
        missing = [p.name for p in self.params if not p.optional and p.name not in values]
        if missing:
            raise QueryError(f"query {self.name} needs --param {missing[0]}=VALUE")
        given = {p.name: p.literal(values[p.name]) for p in self.params if p.name in values}
        if not given:
            return self.text
        code = _code(self.text)
        wheres = [m.end() for m in re.finditer(r"\bWHERE\s*\{", code, re.IGNORECASE)]
        if not wheres:
            raise QueryError(f"query {self.name} has no WHERE clause to bind parameters in")
        text = self.text
        for n, start in reversed(list(enumerate(wheres))):
            group = code[start : _group_end(code, start)]
            bound = [
                name for name in given if n == 0 or re.search(rf"\?__{re.escape(name)}\b", group)
            ]
            if bound:
                names = " ".join(f"?__{name}" for name in bound)
                row = " ".join(given[name] for name in bound)
                text = f"{text[:start]}\n  VALUES ({names}) {{ ({row}) }}{text[start:]}"
        return text


# An IRI, a string literal (short or long, either quote) or a comment: where a brace, a
# keyword or a variable is not the query's own.
_NOT_CODE = re.compile(
    r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)


def _code(text: str) -> str:
    """The text with its IRIs, strings and comments blanked (same length), so what is found
    in it is at the same offset as in the text."""
    return _NOT_CODE.sub(lambda m: " " * len(m.group(0)), text)


def _group_end(code: str, start: int) -> int:
    """Where the group that opens just before ``start`` closes (its closing brace)."""
    depth = 1
    for m in re.finditer(r"[{}]", code[start:]):
        depth += 1 if m.group(0) == "{" else -1
        if depth == 0:
            return start + m.start()
    return len(code)


def parse(text: str, source: str) -> NamedQuery:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"#\s*(name|description|params):\s*(.*)$", line)
        if m:
            header.setdefault(m.group(1), []).append(m.group(2).strip())
        elif line.strip() and not line.startswith("#"):
            break
    if not header.get("name") or len(header.get("description", [])) < 2 or not header.get("params"):
        raise QueryError(
            f"{source}: a named query opens with # name:, two # description: lines (zh, en) and # params:"
        )
    params = []
    for spec in header["params"][0].split():
        if spec == "none":
            continue
        name, _, kind = spec.partition(":")
        params.append(
            Param(name=name, type=kind.rstrip("?") or "string", optional=spec.endswith("?"))
        )
    zh, en = header["description"][:2]
    return NamedQuery(header["name"][0], zh, en, tuple(params), text)


@cache
def named() -> dict[str, NamedQuery]:
    found = {}
    for item in sorted(resources.queries().iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            query = parse(item.read_text(encoding="utf-8"), item.name)
            found[query.name] = query
    return found


def resolve(name_or_path: str) -> NamedQuery:
    """A named query, or a ``.rq`` file given by its path."""
    if name_or_path in named():
        return named()[name_or_path]
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            return parse(text, str(path))
        except QueryError:
            return NamedQuery(path.stem, "", "", (), text)
    raise QueryError(f"no query named {name_or_path!r}: see pikg query --list")


Rows = list[dict[str, Any]]


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return typed(term.value, term.datatype.value if term.datatype else None)
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode) else str(term)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None

# A query's closing ORDER BY of plain variables (``?a DESC(?b)``), with nothing after it.
_ORDER_BY = re.compile(
    r"\bORDER\s+BY((?:\s*(?:\?\w+|(?:ASC|DESC)\s*\(\s*\?\w+\s*\)))+)\s*$", re.IGNORECASE
)
_SORT_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.IGNORECASE)
# The query's own SELECT (the first one: subqueries come after it) of plain variables.
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROJECTION = re.compile(r"SELECT\s+(DISTINCT\s+)?((?:\?\w+\s+)+)(?:WHERE\b|\{)", re.IGNORECASE)


def run_on_store(store: Store, sparql: str) -> tuple[list[str], Rows]:
    """The variables and one dict per solution, values typed (see ``values.typed``).

    A closing ORDER BY of returned variables is applied here, on the decoded rows, where
    each sort variable holds terms of one kind (``sort_key``), in the order SPARQL gives
    them: pyoxigraph's on-disk store reads both strings back from RocksDB at every
    comparison, which made sorting 3,000 rows cost ten times the query that found them.
    Terms of mixed kinds have no order of their own; the store sorts those."""
    order = _ORDER_BY.search(sparql)
    unsorted = sparql[: order.start()] if order else sparql
    keys = (
        [
            (m.group(2), (m.group(1) or "").upper() == "DESC")
            for m in _SORT_KEY.finditer(order.group(1))
        ]
        if order
        else []
    )
    unsorted, hidden, distinct = _with_sort_keys(unsorted, [name for name, _ in keys])
    solutions = store.query(unsorted)
    variables = [v.value for v in solutions.variables]
    # A solution iterated gives its values in the order of the variables (None where
    # unbound): looking each up by name cost more than the query on 10,000 documents.
    found = (
        [list(solution) for solution in solutions]
        if all(name in variables for name, _ in keys)
        else None
    )
    if found is not None and keys:
        # Each distinct term's key is worked out once: a column repeats its years, units,
        # departments and names many times over.
        sort_keys = _Memo(sort_key)
        at = {name: variables.index(name) for name, _ in keys}
        columns = {
            name: list(map(sort_keys.__getitem__, [terms[i] for terms in found]))
            for name, i in at.items()
        }
        if any(len({kind for kind, _ in column if kind}) > 1 for column in columns.values()):
            found = None
        else:
            indexes = list(range(len(found)))
            for name, descending in reversed(keys):  # stable sorts, the last key first
                indexes.sort(key=columns[name].__getitem__, reverse=descending)
            found = [found[n] for n in indexes]
    if found is not None and hidden:
        # The sort keys added to the projection leave it again; DISTINCT keeps each
        # solution's first place, as the store's DISTINCT after its ORDER BY does.
        shown = len(variables) - len(hidden)
        variables = variables[:shown]
        found = [terms[:shown] for terms in found]
        if distinct:
            found = [list(terms) for terms in dict.fromkeys(tuple(t) for t in found)]
    if found is None:  # the store sorts
        found = [list(solution) for solution in store.query(sparql)]
    value = _Memo(_value).__getitem__  # a dict's own lookup: the memo is hit ~10 times a miss
    rows: Rows = [dict(zip(variables, map(value, terms), strict=True)) for terms in found]
    return variables, rows


class _Memo(dict[Term, Any]):
    """``function`` of a term, each distinct term's worked out once, when first looked up."""

    def __init__(self, function: Callable[[Term], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, term: Term) -> Any:
        found = self[term] = self.function(term)
        return found


def _with_sort_keys(sparql: str, keys: list[str]) -> tuple[str, list[str], bool]:
    """The query with the sort keys its SELECT leaves out (``ORDER BY ?start`` of rows that
    do not show their offset) projected last, so its rows can be sorted here rather than
    by the store; those keys; and whether the SELECT is DISTINCT. A query that groups, or
    selects more than plain variables, keeps its own projection (the store sorts it)."""
    first = _SELECT.search(sparql)
    projection = _PROJECTION.match(sparql, first.start()) if first else None
    if projection is None or re.search(r"\bGROUP\s+BY\b", sparql[sparql.rfind("}") :], re.I):
        return sparql, [], False
    shown = projection.group(2).split()
    hidden = [k for k in dict.fromkeys(keys) if f"?{k}" not in shown]
    extra = "".join(f"?{k} " for k in hidden)
    at = projection.end(2)
    return sparql[:at] + extra + sparql[at:], hidden, bool(projection.group(1))


_NUMERIC = {
    f"{XSD}{t}"
    for t in [
        *("decimal", "integer", "int", "long", "short", "byte", "double", "float"),
        *("nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger"),
        *("unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"),
    ]
}
_DECIMALS = _NUMERIC - {f"{XSD}double", f"{XSD}float"}
_VALUED = {f"{XSD}{t}" for t in ("gYear", "date", "dateTime", "boolean")}


def sort_key(term: Term) -> tuple[str, Any]:
    """A term's kind and where it sorts among terms of that kind in SPARQL's ORDER BY:
    IRIs and strings by code point (a language tag is a kind of its own), numbers, years,
    dates and booleans by value. Unbound has no kind and sorts first."""
    if term is None:
        return ("", "")
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    unordered = (f"?{term}", 0)  # a kind of its own: a column holding it is the store's to sort
    if not isinstance(term, ox.Literal):
        return unordered  # blank nodes, quoted triples
    datatype = term.datatype.value
    if datatype in _NUMERIC or datatype in _VALUED:
        value = typed(term.value, datatype if datatype not in _DECIMALS else f"{XSD}decimal")
        if isinstance(value, str) or value != value:  # not of its datatype, or NaN
            return unordered
        if datatype in _NUMERIC:
            return ("number", value)
        return (f"{datatype}{getattr(value, 'tzinfo', None) is None}", value)
    if term.language:
        return (f"@{term.language}", term.value)
    return (datatype, term.value)


def render(variables: list[str], rows: Rows, fmt: str) -> str:
    """csv, json (a list of objects), md (a Markdown table); `table` is drawn by the CLI."""
    if fmt == "json":
        return (
            json.dumps(
                [{k: _json(v) for k, v in row.items()} for row in rows],
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([[lexical(row[v]) for v in variables] for row in rows])
        return out.getvalue()
    if fmt == "md":

        def cell(value: Any) -> str:
            return lexical(value).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(variables) + " |", "|" + " --- |" * len(variables)]
        lines += ["| " + " | ".join(cell(row[v]) for v in variables) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    raise QueryError(f"unknown result format {fmt!r}")


def _json(value: Any) -> Any:
    """JSON keeps numbers and booleans; dates and decimals as their lexical form."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return lexical(value)
