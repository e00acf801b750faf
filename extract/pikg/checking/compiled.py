"""The shapes compiled to SPARQL and run on pyoxigraph: the fast validation engine.

Each SPARQL-based node shape of ``shapes/`` becomes one query per ``sh:sparql`` constraint:
its targets (``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf`` and SHACL-AF ``sh:SPARQLTarget``) select the focus nodes once, as a set,
and the constraint's own SELECT follows in a ``LATERAL`` group (pyoxigraph's SEP-0006
extension), which evaluates it for each focus node with ``$this`` bound: SHACL's pre-binding,
so a rule is written once, in the shapes, and both engines read it. ``FILTER NOT EXISTS``
over plain patterns is compiled to an anti-join, which pyoxigraph evaluates once rather than
once per solution; with it, each shape costs time linear in the store. Messages, severities
and the de-duplication of solutions follow pySHACL, the reference; the equivalence test runs
both engines over every test document, and over a multi-document batch as one store. A shape
the compiler cannot translate (core constraints such as ``sh:property``, pre-bound
``$shapesGraph``, ASK validators …) is left to pySHACL, with the reason, in
``Compiled.fallback``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
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
        query = (
            f"{header}SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE {{\n"
            f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}\n"
            f"LATERAL {{ {select} }}\n}}"
        )
        yield CompiledShape(
            str(shape),
            SEVERITY_NAMES[URIRef(str(severity))],
            _anti_joins(query),
            variables,
            messages,
        )


# What the compiler reads past in a query: string literals (which may hold braces, as a regex
# quantifier does), IRIs and comments.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n]*"
)
_NOT_EXISTS = re.compile(r"\bFILTER\s+NOT\s+EXISTS\s*\{", re.IGNORECASE)
# A NOT EXISTS group holding one of these is not a plain pattern; it is left as written.
_NESTED = re.compile(
    r"[{}]|\b(?:OPTIONAL|UNION|MINUS|EXISTS|GRAPH|SERVICE|VALUES|SELECT|BIND)\b", re.IGNORECASE
)


def _mask(query: str) -> str:
    """The query with its literals, IRIs and comments blanked out, offsets kept."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), query)


def _closing(masked: str, start: int) -> int:
    """The offset of the brace that closes the group open at ``start`` (just past its ``{``)."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            if depth == 0:
                return i
            depth -= 1
    raise NotCompiled("unbalanced braces")


def _anti_joins(query: str) -> str:
    """Each ``FILTER NOT EXISTS { P }`` over plain triple patterns (and filters) as an
    anti-join: ``OPTIONAL { P BIND(true AS ?m) } FILTER(!BOUND(?m))`` at the end of its group.

    pyoxigraph evaluates NOT EXISTS by scanning P again for every solution, which made a
    shape's cost grow with the square of the store; the left join is evaluated once, as a
    hash join. The two are the same: a FILTER applies to its whole group, as the left join
    at the group's end does, and a solution of the group is kept by either exactly when no
    solution of P is compatible with it (P has no nested groups, so its solutions bind all
    its variables)."""
    found = [m for m in _NOT_EXISTS.finditer(_mask(query))]
    # From the last one back: an edit only moves text after the one it rewrites.
    for n, match in reversed(list(enumerate(found))):
        masked = _mask(query)
        close = _closing(masked, match.end())
        if _NESTED.search(masked, match.end(), close):
            continue
        pattern = query[match.end() : close].strip()
        end = _closing(masked, close + 1)
        marker = f"?__absent{n}"
        query = (
            query[: match.start()]
            + query[close + 1 : end].rstrip()
            + f"\n  OPTIONAL {{ {pattern} BIND(true AS {marker}) }} FILTER(!BOUND({marker}))\n"
            + query[end:]
        )
    return query


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
    the union of all its graphs), streamed."""
    for shape in compiled.shapes:
        result = store.query(shape.query, use_default_graph_as_union=union)
        assert isinstance(result, ox.QuerySolutions)
        # pySHACL's order: the other variables in projection order, then this, path, value.
        order = [v for v in shape.variables if v not in _SPECIAL] + [
            v for v in _SPECIAL if v in shape.variables
        ]
        for solution in result:
            focus = solution["this"]
            assert focus is not None
            texts = [(v, _text(t)) for v in order if (t := solution[v]) is not None]
            yield Hit(
                shape,
                focus.value,
                tuple((lang, _fill(template, texts)) for lang, template in shape.messages),
            )


def _fill(template: str, texts: list[tuple[str, str]]) -> str:
    """A message with {?var} and {$var} filled in, in the given order (as pySHACL fills them
    one after another); unbound variables stay as written."""
    for var, text in texts:
        template = template.replace(f"{{?{var}}}", text).replace(f"{{${var}}}", text)
    return template


_STRINGS = {str(XSD.string), str(RDF.langString)}


def _text(term: _Term) -> str:
    """str() of the rdflib term pySHACL sees through oxrdflib, which fills its messages: the
    IRI, the blank node's id, a string as it is, and other literals in rdflib's canonical
    lexical form (``01`` as an integer is ``1``)."""
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return term.value if datatype in _STRINGS else _lexical(term.value, datatype)
    return str(term)


@lru_cache(maxsize=65536)
def _lexical(value: str, datatype: str) -> str:
    return str(Literal(value, datatype=URIRef(datatype)))
