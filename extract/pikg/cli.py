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
from rich.progress import Progress
from rich.table import Table

from pikg.checking import report as render
from pikg.checking.run import check as run_check
from pikg.checking.run import records
from pikg.checking.validate import Report
from pikg.checking.validate import validate as run_validation
from pikg.errors import DocumentError, EndpointError, QueryError
from pikg.graph.mapping import extraction_time, map_extractions, serialize, triples
from pikg.model import Extraction
from pikg.parsing.pipeline import extract_file
from pikg.reading.decode import decode
from pikg.storage.endpoint import Endpoint
from pikg.storage.publish import graphs_to_publish
from pikg.storage.publish import publish as run_publish
from pikg.storage.release import DEFAULT_BASE, DEFAULT_LICENSE
from pikg.storage.release import release as run_release
from pikg.storage.sparql import named as named_queries
from pikg.storage.sparql import render as render_results
from pikg.storage.sparql import resolve as resolve_query
from pikg.storage.sparql import run_on_store
from pikg.storage.store import Store, sniff_rdf
from pikg.web.serve import server as make_server

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
    yield from result.unparsed_records()


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
        sys.stdout.write(serialize(map_extractions(results, extraction_time(at)), fmt.value))
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
    findings: Annotated[
        bool,
        typer.Option(
            "--findings/--no-findings", help="Validate each document and store its findings."
        ),
    ] = True,
) -> None:
    """Load documents (extracted, mapped and validated) or RDF files into the embedded store.

    Loading a document again replaces its named graphs (data and findings).
    """
    db = Store(store)
    db.load_vocabulary()
    failed = 0
    for path in documents(paths):
        try:
            if sniff_rdf(decode(path.read_bytes(), str(path))) is not None:
                db.load_rdf(path)
            else:
                result, bad = extract_all([path])
                failed += bad
                for item in result:
                    db.load_extraction(item, findings)
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


def _rdf_dataset(text: str, fmt: str, path: str) -> Dataset:
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=RDFLIB_FORMATS[fmt])
    except Exception as exc:  # rdflib raises many kinds; each means the file is not valid RDF
        raise DocumentError(path, f"RDF syntax error: {exc}") from exc
    return dataset


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
    collected: list[tuple[Node, Node, Node]] = []
    try:
        if store is not None:
            dump = Store(store).store.dump(format=ox.RdfFormat.N_QUADS) or b""
            collected += triples(_rdf_dataset(dump.decode("utf-8"), "nq", str(store)))
        for path in documents(paths or []):
            text = decode(path.read_bytes(), str(path))
            rdf = sniff_rdf(text)
            if rdf is not None:
                collected += triples(_rdf_dataset(text, rdf, str(path)))
            else:
                collected += triples(map_extractions([extract_file(path)]))
    except (DocumentError, OSError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    if not collected:
        err.print("error: nothing to validate: give RDF files, documents or --store", markup=False)
        raise typer.Exit(2)
    report = run_validation(collected, _floor(satisfaction_floor))
    _print_report(report, fmt.value, severity.value, lang.value)
    raise typer.Exit(0 if report.conforms else 1)


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
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 when any finding is worse than Info (a CI gate)."),
    ] = False,
) -> None:
    """Extract, map and validate in one go: the main job.

    Exit codes: 0 it ran (findings are its results; with --strict, 0 only when every document
    conforms and 1 otherwise), 2 some input could not be read.
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
    if strict and not checked.report.conforms:
        raise typer.Exit(1)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query, or a .rq file.")] = None,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="RDF files or documents to query.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="A parameter, k=v; repeatable.")
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Query the embedded store.")] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Query a remote SPARQL endpoint.")
    ] = None,
    fmt: Annotated[
        QueryFormat, typer.Option("--format", help="table, csv, json or md.")
    ] = QueryFormat.table,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
) -> None:
    """Run a named SPARQL query on the store, on files, or on a remote endpoint.

    Exit codes: 0 success, 1 the query failed, 2 usage error.
    """
    if list_:
        table = Table("name", "params", "description")
        for q in named_queries().values():
            params = " ".join(f"{p.name}{'?' if p.optional else ''}" for p in q.params) or "—"
            table.add_row(q.name, params, f"{q.description_zh}\n{q.description_en}")
        Console(highlight=False).print(table)
        return
    if name is None:
        err.print("error: give a query name (see --list)", markup=False)
        raise typer.Exit(2)
    try:
        values = dict(_split_param(p) for p in param or [])
        sparql = resolve_query(name).bind(values)
        if endpoint is not None:
            variables, rows = Endpoint(endpoint).select(sparql)
        else:
            db = Store(store) if store is not None else _scratch_store(paths or [])
            variables, rows = run_on_store(db, sparql)
    except (QueryError, EndpointError, DocumentError, OSError, SyntaxError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2 if isinstance(exc, QueryError) else 1) from exc
    if fmt is QueryFormat.table:
        table = Table(*variables)
        for row in rows:
            table.add_row(*(row[v] or "" for v in variables))
        Console(highlight=False).print(table)
    else:
        sys.stdout.write(render_results(variables, rows, fmt.value))


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise QueryError(f"--param takes k=v, not {text!r}")
    return key.strip(), value


def _scratch_store(paths: list[Path]) -> Store:
    """An in-memory store of the given files, with the vocabulary, for a one-off query."""
    if not paths:
        raise QueryError("give --store, --endpoint, or files to query")
    db = Store()
    db.load_vocabulary()
    for path in documents(paths):
        if sniff_rdf(decode(path.read_bytes(), str(path))) is not None:
            db.load_rdf(path)
        else:
            db.load_extraction(extract_file(path))
    return db


@app.command()
def publish(
    store: Annotated[Path, typer.Option("--store", help="The embedded store to publish.")],
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store."
        ),
    ],
    sparql: Annotated[
        str | None,
        typer.Option("--sparql", help="Query URL for the count (default: beside --endpoint)."),
    ] = None,
) -> None:
    """Publish each named graph to a remote store, replacing it there (SPARQL 1.1 GSP)."""
    db = Store(store)
    graphs = graphs_to_publish(db)
    try:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("publishing", total=len(graphs))
            count = run_publish(db, endpoint, lambda _: bar.advance(task), sparql)
    except EndpointError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from exc
    typer.echo(f"published {len(graphs)} graphs; the remote store reports {count} triples")


@app.command()
def release(
    store: Annotated[Path, typer.Option("--store", help="The embedded store to release.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the release files.")],
    base: Annotated[
        str, typer.Option("--base", help="URL the release will be published at.")
    ] = DEFAULT_BASE,
    publisher: Annotated[str, typer.Option("--publisher", help="Name of the publisher.")] = "pikg",
    license_url: Annotated[
        str, typer.Option("--license", help="Licence of the data (a URL).")
    ] = DEFAULT_LICENSE,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Public SPARQL endpoint, for VoID.")
    ] = None,
) -> None:
    """Write a linked-data release: dumps, VoID + DCAT, and the ontology's documentation."""
    done = run_release(Store(store), out, base, publisher, license_url, endpoint)
    typer.echo(f"{done.triples} triples; wrote {', '.join(done.files)} to {out}")


@app.command()
def serve(
    store: Annotated[Path, typer.Option("--store", help="The embedded store to serve.")],
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Serve the store on 127.0.0.1: SPARQL at /sparql, and every pikg IRI as HTML, Turtle or JSON-LD."""
    httpd = make_server(Store(store), port)
    err.print(
        f"serving {store} at http://127.0.0.1:{port}/ (SPARQL at /sparql); Ctrl-C stops",
        markup=False,
    )
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


def main() -> None:
    app(prog_name="pikg")
