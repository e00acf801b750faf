"""What the commands print on stdout: JSON (one document) or JSON Lines, tables, and the main
job's report as it streams by. The CLI parses arguments and calls these; diagnostics are its
own, on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from pikg import api
from pikg.batch import Outcome
from pikg.checking import report
from pikg.checking.run import document_records
from pikg.model import Extraction
from pikg.reading.summary import Summary
from pikg.storage.sparql import NamedQuery

out = Console(highlight=False, soft_wrap=True)


def dump(objects: list[dict[str, Any]], fmt: str) -> None:
    """``json``: one JSON document (an array); else JSON Lines. Chinese is not escaped."""
    if fmt == "json":
        sys.stdout.write(json.dumps(objects, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def table(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str) -> None:
    """Rows of named columns as jsonl, json, csv or a table on the terminal."""
    if fmt in ("jsonl", "json"):
        dump([{c: row.get(c) for c in columns} for row in rows], fmt)
        return
    cells = [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows]
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows([list(columns), *cells])
        return
    shown = Table(*columns)
    for line in cells:
        shown.add_row(*line)
    out.print(shown)


def named_queries(queries: Iterable[NamedQuery]) -> None:
    """``query --list``: each named query, its parameters (``?`` optional), what it answers."""
    shown = Table("name", "params", "description")
    for q in queries:
        params = " ".join(f"{p.name}{'?' if p.optional else ''}" for p in q.params) or "—"
        shown.add_row(q.name, params, f"{q.description_zh}\n{q.description_en}")
    out.print(shown)


def solutions(result: api.Table, fmt: str) -> None:
    """A query's solutions as a table on the terminal, or as csv, json or md text."""
    if fmt != "table":
        sys.stdout.write(result.render(fmt))
        return
    shown = Table(*result.variables)
    for row in result.rows:
        shown.add_row(*(result.render_cell(row[v]) for v in result.variables))
    out.print(shown)


def summary_tables(documents: Iterable[Extraction]) -> None:
    """``extract --summary``: a table per document, then its projects and their rows."""
    for doc in documents:
        facts = doc.facts
        shown = Table(title=doc.doc, show_header=False, title_justify="left")
        shown.add_row("department", facts.department or "—")
        shown.add_row("region", " / ".join(facts.region) or "—")
        shown.add_row("year", str(facts.year or "—"))
        shown.add_row("kind", facts.kind or "—")
        shown.add_row("projects", str(len(doc.projects)))
        shown.add_row("rows", str(len(doc.rows)))
        shown.add_row("unparsed lines", str(len(doc.unparsed)))
        out.print(shown)
        for project in doc.projects:
            rows = sum(1 for r in doc.rows if r.project == project.name)
            amount = f"  {project.amount} {project.amount_unit}" if project.amount else ""
            out.print(f"  • {project.name}{amount}: {rows} rows", markup=False)


@dataclass
class CheckReport:
    """``check``'s output, printed document by document as the outcomes come (``json``, one
    array, at the end), with the counts its closing lines and exit code need."""

    fmt: str  # text, jsonl or json
    min_severity: str = "Warning"
    lang: str = "zh"
    seen: report.Tally = field(default_factory=report.Tally)
    read: Summary = field(default_factory=Summary)
    _records: list[dict[str, Any]] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        done = outcome.check
        if done is None:
            self.seen.failures += 1
            self.read.failed += 1
            return
        self.seen.add(done.result, done.report.findings)
        self.read.read(done.result.format, len(done.result.rows))
        if self.fmt == "text":
            sys.stdout.write(report.document_text(done, self.min_severity, self.lang))
            return
        records = list(document_records(done, self.min_severity, self.lang))
        if self.fmt == "jsonl":
            dump(records, self.fmt)
        else:
            self._records += records

    def close(self) -> None:
        """The text report's closing lines, or the JSON array."""
        if self.fmt == "json":
            dump(self._records, self.fmt)
        elif self.fmt == "text":
            sys.stdout.write(self.seen.closing(self.min_severity))
