"""The shapes compiled to SPARQL and run on pyoxigraph: the fast validation engine.

Each SPARQL-based node shape of ``shapes/`` becomes one query per ``sh:sparql`` constraint:
its targets (``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf`` and SHACL-AF ``sh:SPARQLTarget``) select the focus nodes, joined with
the constraint's own SELECT, so a rule is written once, in the shapes, and both engines read
it. A join over focus nodes gives what pre-binding ``$this`` gives for the queries SHACL
allows here (``$this`` bound by the constraint's own patterns); the equivalence test runs
both engines over every test document to hold that. Messages, severities and the
de-duplication of solutions follow pySHACL, the reference. A shape the compiler cannot
translate (core constraints such as ``sh:property``, pre-bound ``$shapesGraph``, ASK
validators …) is left to pySHACL, with the reason, in ``Compiled.fallback``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# What a compiled node shape may say besides its targets and SPARQL constraints; any other
# sh: term is a constraint the compiler does not translate.
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_ALLOWED = _TARGETS | {SH.severity, SH.sparql, SH.deactivated, SH.name, SH.description}
# Variables SHACL pre-binds besides $this; a query using one needs pySHACL.
_PRE_BOUND = re.compile(r"[?$](shapesGraph|currentShape|PATH|value)\b")
# Variables pySHACL takes apart from the message ones (``this``, ``path``, ``value``).
_SPECIAL = ("this", "path", "value")


@dataclass(frozen=True)
class CompiledShape:
    code: str  # the shape's IRI
    severity: str
    query: str
    variables: tuple[str, ...]  # the constraint's projection, in its order
    messages: tuple[tuple[str, str], ...]  # (language, template)


@dataclass(frozen=True)
class Hit:
    """One solution of a compiled shape: what pySHACL makes one validation result of."""

    shape: CompiledShape
    focus: str
    messages: tuple[tuple[str, str], ...]  # (language, text)


@dataclass
class Compiled:
    shapes: list[CompiledShape] = field(default_factory=list)
    fallback: dict[str, str] = field(default_factory=dict)  # shape IRI -> why not compiled
    fallback_graph: Graph | None = None  # the fallback shapes, for pySHACL


class NotCompiled(Exception):
    """A shape the compiler does not translate; the message says why."""


def compile_shapes(shapes: Graph) -> Compiled:
    compiled = Compiled()
    left: list[Node] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        try:
            compiled.shapes.extend(_compile_shape(shapes, shape))
        except NotCompiled as exc:
            compiled.fallback[str(shape)] = str(exc)
            left.append(shape)
    if left:
        compiled.fallback_graph = _subgraph(shapes, left)
    return compiled


def _compile_shape(shapes: Graph, shape: Node) -> Iterator[CompiledShape]:
    if not isinstance(shape, URIRef):
        raise NotCompiled("a shape without an IRI has no rule code")
    extra = {str(p) for p in shapes.predicates(shape, None) if str(p).startswith(str(SH))} - {
        str(p) for p in _ALLOWED
    }
    if extra:
        raise NotCompiled(f"uses {', '.join(sorted(extra))}")
    if (shape, RDF.type, RDFS.Class) in shapes:
        raise NotCompiled("implicit class target")
    severity = shapes.value(shape, SH.severity) or SH.Violation
    if severity not in SEVERITY_NAMES:
        raise NotCompiled(f"severity {severity}")
    targets, prefixes = _targets(shapes, shape)
    if not targets:
        return
    constraints = [
        c
        for c in shapes.objects(shape, SH.sparql)
        if shapes.value(c, SH.deactivated) != Literal(True)
    ]
    if not constraints:
        raise NotCompiled("no SPARQL constraint")
    for constraint in sorted(constraints, key=lambda c: str(shapes.value(c, SH.select))):
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise NotCompiled("a constraint without sh:select (ASK validators are not compiled)")
        if _PRE_BOUND.search(str(select)):
            raise NotCompiled("a pre-bound variable other than $this")
        messages = tuple(
            sorted(
                (m.language or "", str(m))
                for m in shapes.objects(constraint, SH.message)
                if isinstance(m, Literal)
            )
        )
        if not messages:
            raise NotCompiled("a constraint without sh:message")
        header = _header(prefixes | _prefixes(shapes, constraint))
        variables = _projection(header, str(select))
        if "this" not in variables:
            raise NotCompiled("the constraint does not select $this")
        union = " UNION ".join(f"{{ {t} }}" for t in targets)
        body = _body(str(select))
        query = (
            f"{header}SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE {{\n"
            f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}\n"
            + (body if body is not None else f"{{ {select} }}")
            + "\n}"
        )
        yield CompiledShape(
            str(shape), SEVERITY_NAMES[URIRef(str(severity))], query, variables, messages
        )


_MODIFIERS = re.compile(
    r"\b(?:GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY|VALUES)\b"
    r"|\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(",
    re.IGNORECASE,
)


def _body(select: str) -> str | None:
    """The WHERE group of a constraint's SELECT, to join in place after the focus nodes, so
    the engine evaluates it for them only (a subquery would be evaluated for every node and
    joined after); None when the SELECT has aggregates or solution modifiers, which only a
    subquery keeps."""
    where = re.search(r"\bWHERE\s*\{", select, re.IGNORECASE)
    end = select.rstrip()
    if _MODIFIERS.search(select) or where is None or not end.endswith("}"):
        return None
    return end[where.end() : -1]


def _targets(shapes: Graph, shape: Node) -> tuple[list[str], dict[str, str]]:
    """The target patterns of a shape, each binding ?this, and the prefixes they need."""
    patterns: list[str] = []
    prefixes: dict[str, str] = {}
    for cls in sorted(shapes.objects(shape, SH.targetClass), key=str):
        patterns.append(f"?this a/<{RDFS.subClassOf}>* {_iri(cls)} .")
    for node in sorted(shapes.objects(shape, SH.targetNode), key=str):
        patterns.append(f"VALUES ?this {{ {_term(node)} }}")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        patterns.append(f"?this {_iri(prop)} ?__object .")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        patterns.append(f"?__subject {_iri(prop)} ?this .")
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            raise NotCompiled("a target that is not a SPARQL target")
        if _PRE_BOUND.search(str(select)):
            raise NotCompiled("a target using a pre-bound variable")
        prefixes |= _prefixes(shapes, target)
        patterns.append(f"{{ {select} }}")
    return sorted(patterns), prefixes


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise NotCompiled(f"{node} is not an IRI")
    return f"<{node}>"


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise NotCompiled("a blank node target")
    return str(node.n3())


def _prefixes(shapes: Graph, holder: Node) -> dict[str, str]:
    """The prefixes a query's sh:prefixes declares (with the ontologies it imports)."""
    found: dict[str, str] = {}
    seen: set[Node] = set()
    todo = list(shapes.objects(holder, SH.prefixes))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for declaration in shapes.objects(node, SH.declare):
            prefix = str(shapes.value(declaration, SH.prefix))
            namespace = str(shapes.value(declaration, SH.namespace))
            if found.get(prefix, namespace) != namespace:
                raise NotCompiled(f"prefix {prefix} declared twice")
            found[prefix] = namespace
        todo.extend(shapes.objects(node, URIRef("http://www.w3.org/2002/07/owl#imports")))
    return found


def _header(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))


def _projection(header: str, select: str) -> tuple[str, ...]:
    """The variables a constraint's SELECT projects, in its order (as pySHACL reads them)."""
    try:
        result = ox.Store().query(header + select)
    except SyntaxError as exc:
        raise NotCompiled(f"the query does not parse: {exc}") from exc
    if not isinstance(result, ox.QuerySolutions):
        raise NotCompiled("not a SELECT query")
    return tuple(v.value for v in result.variables)


def _subgraph(shapes: Graph, roots: Iterable[Node]) -> Graph:
    """The shapes ``roots`` with every blank node they reach and the prefixes they use."""
    out = Graph()
    todo = list(roots)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or p == SH.prefixes:
                todo.append(o)
    return out


def run(compiled: Compiled, store: ox.Store, union: bool = False) -> Iterator[Hit]:
    """Every solution of every compiled shape over the store's default graph (with ``union``,
    the union of all its graphs)."""
    for shape in compiled.shapes:
        result = store.query(shape.query, use_default_graph_as_union=union)
        assert isinstance(result, ox.QuerySolutions)
        for solution in result:
            bound = {v: solution[v] for v in shape.variables}
            focus = bound["this"]
            assert focus is not None
            yield Hit(
                shape,
                focus.value,
                tuple((lang, _fill(text, shape.variables, bound)) for lang, text in shape.messages),
            )


def _fill(template: str, variables: tuple[str, ...], bound: dict[str, _Term | None]) -> str:
    """A message with {?var} and {$var} filled in, in pySHACL's order: the other variables in
    projection order, then this, path and value; unbound variables stay as written."""
    order = [v for v in variables if v not in _SPECIAL] + [v for v in _SPECIAL if v in variables]
    for var in order:
        value = bound.get(var)
        if value is not None:
            text = str(_rdflib(value))
            template = template.replace(f"{{?{var}}}", text).replace(f"{{${var}}}", text)
    return template


def _rdflib(term: _Term) -> Node:
    """The rdflib term pySHACL sees through oxrdflib, whose str() fills its messages."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return Literal(str(term))
