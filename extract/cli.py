"""The ``pikg`` command: argument parsing and printing only; the work is in the library.

Exit codes: 0 success; 1 some input could not be read (the others were still processed);
2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pyoxigraph as ox
import typer
from rdflib import Dataset
from rdflib.term import Node
from rich.console import Console
from rich.table import Table

from pikg import __version__
from pikg import report as render
from pikg.checking import check as run_check
from pikg.checking import records
from pikg.mapping import add_extraction, extraction_time, new_dataset, serialize
from pikg.model import Extraction
from pikg.pipeline import extract_file
from pikg.reading import DocumentError, decode
from pikg.store import Store, sniff_rdf
from pikg.validate import Report
from pikg.validate import validate as run_validation

RDFLIB_FORMATS = {"nq": "nquads", "nt": "nt", "trig": "trig", "ttl": "turtle", "jsonld": "json-ld"}

app = typer.Typer(
    help="pikg: performance targets of Chinese budget disclosures as linked data.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.callback()
def _group() -> None:
    """pikg: performance targets of Chinese budget disclosures as linked data."""


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"
    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"


RDF_OUTPUT = {"ttl", "nt", "nq", "trig", "jsonld"}


def documents(paths: list[Path]) -> Iterator[Path]:
    """Each path, a folder standing for every non-hidden file below it, in name order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    p.startswith(".") for p in child.relative_to(path).parts
                ):
                    yield child
        else:
            yield path


def extract_all(paths: list[Path]) -> tuple[list[Extraction], int]:
    """Extract every document; report unreadable ones on stderr and count them."""
    done: list[Extraction] = []
    failed = 0
    for path in documents(paths):
        try:
            result = extract_file(path)
        except DocumentError as exc:
            err.print(f"error: {exc}", markup=False)
            failed += 1
            continue
        for item in result.unparsed:
            text = " ".join(item.text.split())
            err.print(f"{result.doc}:{item.start}-{item.end}: unparsed: {text}", markup=False)
        done.append(result)
    return done, failed


def row_objects(result: Extraction) -> Iterator[dict[str, Any]]:
    for row in result.rows:
        yield {"scope": "row", **row.to_dict()}


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _summary_table(results: list[Extraction]) -> None:
    out = Console(highlight=False)
    for result in results:
        facts = result.facts
        table = Table(title=result.doc, show_header=False, title_justify="left")
        table.add_row("department", facts.department or "—")
        table.add_row("region", " / ".join(facts.region) or "—")
        table.add_row("year", str(facts.year or "—"))
        table.add_row("kind", facts.kind)
        table.add_row("projects", str(len(result.projects)))
        table.add_row("rows", str(len(result.rows)))
        table.add_row("unparsed lines", str(len(result.unparsed)))
        out.print(table)
        for project in result.projects:
            rows = sum(1 for r in result.rows if r.project == project.name)
            amount = f"  {project.amount} {project.amount_unit}" if project.amount else ""
            out.print(f"  • {project.name}{amount}: {rows} rows", markup=False)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Documents, or folders of documents.")],
    fmt: Annotated[
        ExtractFormat | None,
        typer.Option(
            "--format", help="jsonl (rows, the default), json, or table (--summary's default)."
        ),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="One record per document instead of rows.")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Record this ISO time (or `now`) as the extraction's time in RDF; "
            "default SOURCE_DATE_EPOCH, else none, so output is reproducible.",
        ),
    ] = None,
) -> None:
    """Extract documents' facts, projects and indicator rows, as JSON or as RDF."""
    results, failed = extract_all(paths)
    if fmt is not None and fmt.value in RDF_OUTPUT:
        dataset = new_dataset()
        when = extraction_time(at)
        for result in results:
            add_extraction(dataset, result, __version__, when)
        sys.stdout.write(serialize(dataset, fmt.value))
    elif summary:
        if fmt is None or fmt is ExtractFormat.table:
            _summary_table(results)
        else:
            for result in results:
                _print_json(result.summary())
    elif fmt is ExtractFormat.table:
        _summary_table(results)
    else:
        for result in results:
            for obj in row_objects(result):
                _print_json(obj)
    if failed:
        raise typer.Exit(1)


@app.command()
def load(
    paths: Annotated[
        list[Path], typer.Argument(help="Documents or RDF files, or folders of them.")
    ],
    store: Annotated[Path, typer.Option("--store", help="Folder of the persistent store.")],
) -> None:
    """Load documents (extracted and mapped) or RDF files into the embedded store.

    Loading a document again replaces its named graph.
    """
    db = Store(store)
    failed = 0
    for path in documents(paths):
        try:
            if sniff_rdf(decode(path.read_bytes(), str(path))) is not None:
                db.load_rdf(path)
            else:
                result, bad = extract_all([path])
                failed += bad
                for item in result:
                    db.load_extraction(item)
        except DocumentError as exc:
            err.print(f"error: {exc}", markup=False)
            failed += 1
        except OSError as exc:
            err.print(f"error: {path}: cannot be read ({exc.strerror})", markup=False)
            failed += 1
    db.flush()
    typer.echo(f"{db.count()} triples in {len(db.graphs())} graphs in {store}")
    if failed:
        raise typer.Exit(1)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    ttl = "ttl"


class CheckFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"
    json = "json"


class Severity(str, Enum):
    info = "Info"
    warning = "Warning"
    violation = "Violation"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


SeverityOption = Annotated[
    Severity,
    typer.Option(
        "--severity", help="Show findings of this severity and worse.", case_sensitive=False
    ),
]
FloorOption = Annotated[
    float | None,
    typer.Option(
        "--satisfaction-floor", help="Warn on satisfaction floors below this % (default 80)."
    ),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the messages.")]


def _floor(value: float | None) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _rdf_triples(path: Path) -> list[tuple[Node, Node, Node]]:
    text = decode(path.read_bytes(), str(path))
    fmt = sniff_rdf(text)
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=RDFLIB_FORMATS[fmt or "ttl"])
    except Exception as exc:  # rdflib raises many kinds; each means the file is not valid RDF
        raise DocumentError(str(path), f"RDF syntax error: {exc}") from exc
    return [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="RDF files or documents.")] = None,
    store: Annotated[
        Path | None, typer.Option("--store", help="Validate the store instead.")
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="text, json or ttl.")
    ] = ReportFormat.text,
    severity: SeverityOption = Severity.warning,
    satisfaction_floor: FloorOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """Validate graphs against pikg's SHACL shapes.

    Exit codes: 0 conforms (nothing worse than Info), 1 does not, 2 error.
    """
    triples: list[tuple[Node, Node, Node]] = []
    try:
        if store is not None:
            dump = Store(store).store.dump(format=ox.RdfFormat.N_QUADS)
            dataset = Dataset()
            dataset.parse(data=dump.decode("utf-8") if dump else "", format="nquads")
            triples.extend((s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None)))
        for path in documents(paths or []):
            if sniff_rdf(decode(path.read_bytes(), str(path))) is not None:
                triples.extend(_rdf_triples(path))
            else:
                triples.extend(_mapped([extract_file(path)]))
    except (DocumentError, OSError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    if not triples:
        err.print("error: nothing to validate: give RDF files, documents or --store", markup=False)
        raise typer.Exit(2)
    report = run_validation(triples, _floor(satisfaction_floor))
    _print_report(report, fmt.value, severity.value, lang.value)
    raise typer.Exit(0 if report.conforms else 1)


def _mapped(results: list[Extraction]) -> list[tuple[Node, Node, Node]]:
    dataset = new_dataset()
    for result in results:
        add_extraction(dataset, result, __version__)
    return [(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))]


def _print_report(report: Report, fmt: str, severity: str, lang: str) -> None:
    if fmt == "ttl":
        sys.stdout.write(render.turtle(report))
    elif fmt == "json":
        sys.stdout.write(render.as_json(report, severity, lang))
    else:
        sys.stdout.write(render.text(report, severity, lang))


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Documents, or folders of documents.")],
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", help="text (a report), jsonl (rows with findings) or json."),
    ] = CheckFormat.text,
    severity: SeverityOption = Severity.warning,
    satisfaction_floor: FloorOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """Extract, map and validate in one go: the main job.

    Exit codes: 0 every document conforms, 1 some do not, 2 some input could not be read.
    """
    results, failed = extract_all(paths)
    checked = run_check(results, _floor(satisfaction_floor))
    if fmt is CheckFormat.text:
        _print_report(checked.report, "text", severity.value, lang.value)
    elif fmt is CheckFormat.json:
        _print_report(checked.report, "json", severity.value, lang.value)
    else:
        for obj in records(checked, severity.value, lang.value):
            _print_json(obj)
    if failed:
        raise typer.Exit(2)
    raise typer.Exit(0 if checked.report.conforms else 1)


def main() -> None:
    app(prog_name="pikg")
