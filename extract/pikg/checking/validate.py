"""SHACL validation with pySHACL: data, ontology and shapes kept as three inputs.

The data and the ontology are copied into a throw-away graph backed by pyoxigraph (oxrdflib),
so that the shapes' SPARQL targets and constraints run on oxigraph's engine; validation never
writes into what pikg publishes. The whole ontology goes in, not only its axioms (pySHACL's
``ont_graph`` inoculates just those): the rules read level labels, ``skos:broader`` and the
declarations of terms. No inference: the shapes need none.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from pikg import resources
from pikg.namespace import PIK, SHAPES

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
RANK = {"Info": 0, "Warning": 1, "Violation": 2}
_SETTINGS = URIRef("urn:pikg:validation-settings")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    focus: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def as_dict(self, lang: str = "zh") -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message(lang)}


@dataclass
class Report:
    findings: list[Finding]
    graph: Graph  # pySHACL's validation report
    data: Graph  # the working copy that was validated: data and ontology

    @property
    def conforms(self) -> bool:
        """True when nothing is worse than Info."""
        return all(f.severity == "Info" for f in self.findings)


RULE_FILES = ("prefixes.ttl", "rows.ttl", "projects.ttl", "documents.ttl")
RELEASE_FILES = ("release.ttl",)


def _shapes(names: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(data=(resources.shapes() / name).read_text(encoding="utf-8"), format="turtle")
    return graph


@cache
def shapes_graph() -> Graph:
    """The rules on targets, projects and documents."""
    return _shapes(RULE_FILES)


@cache
def release_shapes() -> Graph:
    """The shape of a release's VoID + DCAT description."""
    return _shapes(RELEASE_FILES)


def validate(
    triples: Iterable[tuple[Node, Node, Node]], satisfaction_floor: Decimal | None = None
) -> Report:
    data = Graph(store="Oxigraph")
    data.addN((s, p, o, data) for s, p, o in triples)
    data.addN((s, p, o, data) for s, p, o in resources.ontology_graph())
    if satisfaction_floor is not None:
        data.add(
            (_SETTINGS, PIK.satisfactionFloor, Literal(satisfaction_floor, datatype=XSD.decimal))
        )
    import pyshacl  # loaded only when a graph is validated: it is slow to import

    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        inplace=True,
        allow_infos=True,
    )
    assert isinstance(report, Graph)
    return Report(findings=sorted(_findings(report), key=_order), graph=report, data=data)


def release_problems(description: Graph) -> str | None:
    """None when a release's VoID + DCAT description conforms to ``shapes/release.ttl``,
    else pySHACL's report text."""
    import pyshacl

    conforms, _, text = pyshacl.validate(description, shacl_graph=release_shapes())
    return None if conforms else str(text)


def add_findings(dataset: Dataset, findings: Iterable[Finding], doc: str) -> URIRef:
    """The findings on one document as its own named graph, ``{doc}/findings``.

    Each finding is an sh:ValidationResult with an IRI minted from its focus node and code
    (pySHACL's report uses blank nodes, which pikg does not publish).
    """
    name = URIRef(f"{doc}/findings")
    graph = dataset.graph(name)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for f in sorted(findings, key=lambda f: (f.focus, f.code, f.message_zh)):
        n = seen[(f.focus, f.code)]
        seen[(f.focus, f.code)] += 1
        node = URIRef(f"{f.focus}/finding/{f.code}" + (f"/{n}" if n else ""))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, URIRef(f.focus)))
        graph.add((node, SH.resultSeverity, SH[f.severity]))
        graph.add((node, SH.sourceShape, URIRef(f"{SHAPES}{f.code}")))
        graph.add((node, SH.resultMessage, Literal(f.message_zh, lang="zh")))
        graph.add((node, SH.resultMessage, Literal(f.message_en, lang="en")))
        graph.add((node, PIK.inDisclosure, URIRef(doc)))
    return name


def _order(f: Finding) -> tuple[str, int, str]:
    return (f.focus, -RANK[f.severity], f.code)


def _findings(report: Graph) -> Iterable[Finding]:
    for result in set(report.subjects(SH.resultSeverity, None)):
        shape = str(report.value(result, SH.sourceShape))
        messages = {_language(m): str(m) for m in report.objects(result, SH.resultMessage)}
        severity = report.value(result, SH.resultSeverity)
        yield Finding(
            code=shape.removeprefix(SHAPES),
            severity=SEVERITIES.get(URIRef(str(severity)), "Violation"),
            focus=str(report.value(result, SH.focusNode)),
            message_zh=messages.get("zh", ""),
            message_en=messages.get("en", ""),
        )


def _language(message: Node) -> str:
    """The language of a result message; pySHACL drops the tag when it fills in variables,
    and then the English one is told by its run of Latin words."""
    tag = getattr(message, "language", None)
    if tag:
        return str(tag)
    return "en" if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", str(message)) else "zh"
