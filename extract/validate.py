"""SHACL validation with pySHACL: data, ontology and shapes kept as three inputs.

The data and the ontology are copied into a throw-away graph backed by pyoxigraph (oxrdflib),
so that the shapes' SPARQL targets and constraints run on oxigraph's engine; validation never
writes into what pikg publishes. The whole ontology goes in, not only its axioms (pySHACL's
``ont_graph`` inoculates just those): the rules read level labels, ``skos:broader`` and the
declarations of terms. No inference: the shapes need none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from pikg import resources, vocab
from pikg.namespace import PIK

SHAPES = "https://w3id.org/pikg/shapes#"
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


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for item in sorted(resources.shapes().iterdir(), key=lambda p: p.name):
        if item.name.endswith(".ttl"):
            graph.parse(data=item.read_text(encoding="utf-8"), format="turtle")
    return graph


@cache
def ontology_graph() -> Graph:
    return vocab.ontology_graph()


def validate(
    triples: Iterable[tuple[Node, Node, Node]], satisfaction_floor: Decimal | None = None
) -> Report:
    data = Graph(store="Oxigraph")
    data.addN((s, p, o, data) for s, p, o in triples)
    data.addN((s, p, o, data) for s, p, o in ontology_graph())
    if satisfaction_floor is not None:
        data.add(
            (_SETTINGS, PIK.satisfactionFloor, Literal(satisfaction_floor, datatype=XSD.decimal))
        )
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
