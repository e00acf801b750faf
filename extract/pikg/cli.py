"""The ``pikg`` command: parses arguments, calls ``pikg.api`` and prints. No work is done here.

Exit codes, the same for every command (``pikg.errors``): 0 it ran; 1 a finding worse than
Info (``validate``, or ``check --strict``); 2 some input could not be read (the rest was
processed); 3 usage error; 4 a store or endpoint is unavailable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.console import Console
from typer.core import TyperGroup

from pikg import __version__, api, batch, errors, output
from pikg.checking.validate import ENGINES
from pikg.reading.decode import MAX_SIZE, printable

# Click's usage errors (typer ≥0.29 vendors click, so reach them as typer.BadParameter's base).
_CLICK_USAGE = cast(type[Exception], typer.BadParameter.__base__)


class _Group(TyperGroup):
    """Click's own usage errors (an unknown option, command or value) exit 2, the code pikg's
    table gives to unreadable input: here they exit 3, as every other usage error does."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        with _usage_exit():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _usage_exit():
            return super().invoke(ctx)


@contextmanager
def _usage_exit() -> Iterator[None]:
    try:
        yield
    except _CLICK_USAGE as exc:
        vars(exc)["exit_code"] = errors.USAGE  # the class's 2, shadowed for this error
        raise


app = typer.Typer(
    cls=_Group,
    help="pikg: performance targets (绩效目标) of Chinese budget disclosures as linked data.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = output.out
state = {"verbose": 0, "quiet": False}


def say(text: str) -> None:
    """A diagnostic on stderr, with terminal escapes from documents taken out."""
    if not state["quiet"]:
        err.print(printable(text), markup=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pikg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print version.")
    ] = False,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="More detail.")] = 0,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No diagnostics.")] = False,
) -> None:
    """pikg: performance targets (绩效目标) of Chinese budget disclosures as linked data."""
    state.update(verbose=verbose, quiet=quiet)


@contextmanager
def progress(label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal (never when piped), advanced once per item."""
    if state["quiet"] or not err.is_terminal:
        yield lambda _: None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda _: bar.advance(task)


def _fail(exc: errors.PikgError) -> typer.Exit:
    say(f"error: {exc}")
    return typer.Exit(exc.exit_code)


def _report_outcome(outcome: batch.Outcome) -> None:
    """A document's failure, or its unparsed lines, on stderr."""
    _report_failures(
        api.Result(
            [outcome.result] if outcome.result else [],
            [api.Failure(outcome.path, outcome.problem)] if outcome.problem else [],
        )
    )


def _report_failures(result: api.Result) -> None:
    for failure in result.failures:
        say(f"error: {failure}")
    for doc in result.documents:
        for item in doc.unparsed:
            say(f"{doc.doc}:{item.start}-{item.end}: unparsed: {' '.join(item.text.split())}")


def _exit_on_failures(result: api.Result) -> None:
    """A batch with a file that could not be read (each reported already) exits non-zero."""
    if result.failures:
        raise typer.Exit(errors.UNREADABLE)


def _choice(name: str, allowed: tuple[str, ...], help: str) -> Any:
    """An option taking one of ``allowed``, in any case; anything else is a usage error."""

    def parse(value: str) -> str:
        if value.casefold() not in allowed:
            raise typer.BadParameter(f"is one of {', '.join(allowed)}, not {value!r}")
        return value.casefold()

    return typer.Option(
        name,
        parser=parse,
        metavar="|".join(allowed),
        autocompletion=lambda incomplete: [a for a in allowed if a.startswith(incomplete)],
        help=help,
    )


def _formats(*allowed: str) -> Any:
    """The --format option of a command: its own formats, the first the default."""
    return _choice("--format", allowed, f"Output format (default {allowed[0]}; see the README).")


Paths = Annotated[list[Path], typer.Argument(help="Documents, or folders of documents.")]
Severity = Annotated[
    str, _choice("--severity", ("info", "warning", "violation"), "Least severe finding shown.")
]
Floor = Annotated[
    float | None, typer.Option("--satisfaction-floor", help="Warn below this % (default 80).")
]
Lang = Annotated[str, _choice("--lang", ("zh", "en"), "Language of messages.")]
StoreDir = Annotated[Path, typer.Option("--store", help="Folder of the persistent store.")]
MaxSize = Annotated[
    int, typer.Option("--max-size", min=1, help="Largest file read, in bytes (100 MB).")
]
Ocr = Annotated[
    bool, typer.Option("--ocr", help="Read scanned PDF pages with tesseract (chi_sim).")
]
Jobs = Annotated[
    int | None, typer.Option("--jobs", min=1, help="Worker processes (default: every core).")
]
Dask = Annotated[
    str | None,
    typer.Option("--dask", help="Run on a Dask cluster: its scheduler address, or `local`."),
]
Meta = Annotated[
    Path | None,
    typer.Option("--meta", help="CSV of document facts (doc, source_url, region, …) to apply."),
]
Engine = Annotated[
    str, _choice("--engine", ENGINES, "Validation engine: sparql (the shapes compiled) or pyshacl.")
]
# In a checkout, documents whose targets are flawed on purpose: where a clean run points to.
FLAWED_EXAMPLES = Path("tests") / "flawed"
_SEVERITIES = {"info": "Info", "warning": "Warning", "violation": "Violation"}


@app.command()
def extract(
    paths: Paths,
    fmt: Annotated[
        str | None, _formats("jsonl", "json", "table", "ttl", "nt", "nq", "trig", "jsonld")
    ] = None,
    summary: Annotated[bool, typer.Option("--summary", help="One record per document.")] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="Extraction time for RDF: ISO time or `now`.")
    ] = None,
    ocr: Ocr = False,
    jobs: Jobs = None,
    dask: Dask = None,
    max_size: MaxSize = MAX_SIZE,
    shards: Annotated[
        Path | None,
        typer.Option("--shards", help="Write each document's N-Quads as a file in this folder."),
    ] = None,
    findings: Annotated[
        bool,
        typer.Option("--findings", help="With nq or --shards: each document's findings too."),
    ] = False,
    meta: Meta = None,
) -> None:
    """Extract documents' facts, projects and indicator rows, as JSON or as RDF."""
    try:
        chosen = (fmt or ("table" if summary else "jsonl")).casefold()
        if shards is not None or chosen == "nq":
            settings = api.options(jobs=jobs, dask=dask, meta=meta, max_size=max_size)
            _extract_nquads(paths, settings, at, shards, findings)
            return
        with progress("extracting") as step:
            result = api.extract(
                paths, progress=step, jobs=jobs, dask=dask, meta=meta, max_size=max_size, ocr=ocr
            )
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    _report_failures(result)
    if any(path.is_dir() for path in paths):  # a batch: say what it came to
        say(result.summary().line())
    if chosen in ("ttl", "nt", "nq", "trig", "jsonld"):
        from pikg.graph.mapping import extraction_time, map_extractions, serialize

        dataset = map_extractions(result.documents, extraction_time(at))
        sys.stdout.write(serialize(dataset, chosen))
    elif chosen == "table":
        output.summary_tables(result.documents)
    elif summary:
        output.dump([doc.summary() for doc in result.documents], chosen)
    else:
        output.dump(
            [r for r in result.records() if r["scope"] == "row"] + result.unparsed_records(), chosen
        )
    _exit_on_failures(result)


def _extract_nquads(
    paths: list[Path], settings: batch.Options, at: str | None, shards: Path | None, findings: bool
) -> None:
    """N-Quads made by the workers, document by document: on stdout as one sorted text, or
    with ``shards`` as one file per document."""
    from pikg.graph.mapping import extraction_time

    with progress("extracting") as step:
        outcomes = []
        for outcome in batch.nquads(paths, settings, extraction_time(at), shards, findings):
            _report_outcome(outcome)
            outcomes.append(
                outcome if shards is None else batch.Outcome(outcome.path, outcome.problem)
            )
            step(outcome.path)
    if shards is None:
        sys.stdout.write(batch.merged_nquads(outcomes))
    if any(o.problem for o in outcomes):
        raise typer.Exit(errors.UNREADABLE)


@app.command()
def check(
    paths: Paths,
    fmt: Annotated[str | None, _formats("text", "jsonl", "json")] = None,
    severity: Severity = "warning",
    satisfaction_floor: Floor = None,
    lang: Lang = "zh",
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on a finding worse than Info.")
    ] = False,
    engine: Engine = "sparql",
    ocr: Ocr = False,
    jobs: Jobs = None,
    dask: Dask = None,
    meta: Meta = None,
    max_size: MaxSize = MAX_SIZE,
) -> None:
    """The main job: extract, map to RDF and validate with the SHACL shapes.

    Each document is validated on its own and printed when it is done, in document order."""
    try:
        printed = output.CheckReport(
            (fmt or "text").casefold(), _SEVERITIES[severity.casefold()], lang.casefold()
        )
        outcomes = api.check_each(
            paths,
            satisfaction_floor=satisfaction_floor,
            engine=engine,
            jobs=jobs,
            dask=dask,
            meta=meta,
            max_size=max_size,
            ocr=ocr,
        )
        with progress("checking") as step:
            for outcome in outcomes:
                step(outcome.path)
                _report_outcome(outcome)
                printed.add(outcome)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    if printed.fmt != "text" and any(path.is_dir() for path in paths):  # text says it itself
        say(printed.read.line())
    if not printed.seen.documents:
        say("error: no document was read, so nothing was checked")
        raise typer.Exit(errors.UNREADABLE)
    printed.close()
    if printed.fmt == "text" and printed.seen.conforms and FLAWED_EXAMPLES.is_dir():
        say(
            f"no finding worse than Info; documents with flawed targets: pikg check {FLAWED_EXAMPLES}"
        )
    if printed.seen.failures:
        raise typer.Exit(errors.UNREADABLE)
    if strict and not printed.seen.conforms:
        raise typer.Exit(errors.FINDINGS)


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="RDF files or documents.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Validate the store.")] = None,
    fmt: Annotated[str | None, _formats("text", "json", "ttl")] = None,
    severity: Severity = "warning",
    satisfaction_floor: Floor = None,
    lang: Lang = "zh",
    engine: Engine = "sparql",
) -> None:
    """Validate graphs with the shapes: exit 0 conforms (nothing worse than Info), 1 does not."""
    from pikg.checking import report

    try:
        chosen, least, language = (
            (fmt or "text").casefold(),
            _SEVERITIES[severity.casefold()],
            lang.casefold(),
        )
        result = api.validate(
            paths or [], store=store, satisfaction_floor=satisfaction_floor, engine=engine
        )
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    render = {
        "ttl": lambda: report.turtle(result),
        "json": lambda: report.as_json(result, least, language),
    }
    sys.stdout.write(render.get(chosen, lambda: report.text(result, least, language))())
    raise typer.Exit(errors.OK if result.conforms else errors.FINDINGS)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Documents or RDF files, or folders.")],
    store: StoreDir,
    findings: Annotated[
        bool, typer.Option("--findings/--no-findings", help="Store findings.")
    ] = True,
    engine: Engine = "sparql",
    ocr: Ocr = False,
    jobs: Jobs = None,
    dask: Dask = None,
    meta: Meta = None,
    max_size: MaxSize = MAX_SIZE,
) -> None:
    """Load documents (extracted, mapped, validated) or RDF files into a store.

    A document loaded again replaces its graphs."""
    try:
        db = api.Store(store)
        with progress("loading") as step:
            failures = db.load(
                paths,
                findings=findings,
                progress=step,
                engine=engine,
                jobs=jobs,
                dask=dask,
                max_size=max_size,
                meta=meta,
                ocr=ocr,
            )
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    for failure in failures:
        say(f"error: {failure}")
    typer.echo(f"{db.count()} triples in {len(db.graphs())} graphs in {store}")
    if failures:
        raise typer.Exit(errors.UNREADABLE)


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query, or a .rq file.")] = None,
    paths: Annotated[list[Path] | None, typer.Argument(help="Files to query instead.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="k=v; repeatable.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="The store to query.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="A SPARQL endpoint.")] = None,
    fmt: Annotated[str | None, _formats("table", "csv", "json", "md")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
) -> None:
    """Run a named SPARQL query on the store, on files, or on a remote endpoint."""
    from pikg.storage.sparql import named

    if list_:
        output.named_queries(named().values())
        return
    try:
        chosen = (fmt or "table").casefold()
        if name is None:
            raise errors.UsageError("give a query name (see pikg query --list)")
        values = dict(_split_param(p) for p in param or [])
        db = api.Store(store, read_only=True) if store is not None else api.Store()
        if store is None and endpoint is None:
            if not paths:
                raise errors.UsageError("give --store, --endpoint, or files to query")
            failures = db.load(paths)
            if failures:
                raise errors.DocumentError(failures[0].path, failures[0].problem)
        result = db.query(name, endpoint, **values)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    output.solutions(result, chosen)


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise errors.QueryError(f"--param takes k=v, not {text!r}")
    return key.strip(), value


@app.command()
def publish(
    store: StoreDir,
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", help="The server's base URL (services are found) or Graph Store URL."
        ),
    ],
    sparql: Annotated[str | None, typer.Option("--sparql", help="Query URL for the count.")] = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove remote pikg graphs the store no longer has.")
    ] = False,
    user: Annotated[str | None, typer.Option("--user", help="User for HTTP basic auth.")] = None,
    password: Annotated[
        str | None, typer.Option("--password", envvar="PIKG_PASSWORD", help="Its password.")
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="PIKG_TOKEN", help="HTTP bearer token.")
    ] = None,
    connect_timeout: Annotated[
        float | None, typer.Option("--connect-timeout", help="Seconds to connect (5).")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Seconds to wait for an answer (60).")
    ] = None,
) -> None:
    """Replace each named graph at a remote store (SPARQL 1.1 Graph Store Protocol)."""
    from pikg.storage.endpoint import Auth

    try:
        db = api.Store(store, read_only=True)
        with progress("publishing") as step:
            done = db.publish(
                endpoint,
                sparql=sparql,
                progress=step,
                prune=prune,
                auth=Auth(user, password, token),
                connect_timeout=connect_timeout,
                read_timeout=timeout,
            )
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    pruned = f"; removed {len(done.pruned)} stale graphs" if prune else ""
    typer.echo(
        f"published {len(done.graphs)} graphs ({done.triples} triples) to "
        f"{done.service.store_url}{pruned}; the remote store holds {done.remote_triples} "
        "triples in those graphs"
    )


@app.command()
def release(
    store: StoreDir,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the release files.")],
    base: Annotated[str | None, typer.Option("--base", help="URL it is published at.")] = None,
    publisher: Annotated[str, typer.Option("--publisher", help="Publisher's name.")] = "pikg",
    license_url: Annotated[str | None, typer.Option("--license", help="Licence URL.")] = None,
    endpoint: Annotated[str | None, typer.Option("--endpoint", help="Public SPARQL URL.")] = None,
) -> None:
    """Write a linked-data release: dumps, VoID + DCAT, the ontology's documentation."""
    options = {"base": base, "license_url": license_url, "endpoint": endpoint}
    try:
        files = api.Store(store, read_only=True).release(
            out_dir, publisher=publisher, **{k: v for k, v in options.items() if v is not None}
        )
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    typer.echo(f"wrote {', '.join(files)} to {out_dir}")


@app.command()
def serve(
    store: StoreDir,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Serve the store on 127.0.0.1: SPARQL at /sparql, every pikg IRI as HTML or RDF."""
    from pikg.web.serve import run

    try:
        run(
            api.Store(store, read_only=True).backend,
            port,
            lambda url: say(f"serving {store} at {url}; Ctrl-C stops"),
        )
    except errors.PikgError as exc:
        raise _fail(exc) from exc


# ---- comparison (issue 14): concepts, compare, stats, export -----------------------------

concepts_app = typer.Typer(
    cls=_Group, help="The indicator concept scheme (指标库).", no_args_is_help=True
)
app.add_typer(concepts_app, name="concepts")


@concepts_app.command("build")
def concepts_build(
    paths: Paths,
    to: Annotated[Path, typer.Option("--out", help="The scheme to write (Turtle).")] = Path(
        "ontology/concepts.ttl"
    ),
    review: Annotated[
        Path, typer.Option("--review", help="Merge/split decisions a person made (TSV).")
    ] = Path("ontology/concepts-review.tsv"),
) -> None:
    """Build the concept scheme from a corpus: rules, a similarity graph, the review file."""
    from pikg.parsing.concept_build import build, published, read_review, write

    try:
        with progress("extracting") as step:
            result = api.extract(paths, progress=step)
        write(build(result.documents, read_review(review), published(to)), to)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    _report_failures(result)
    _exit_on_failures(result)


def _tidy(paths: list[Path], checked: bool) -> tuple[api.Result, list[dict[str, Any]]]:
    from pikg.comparing.table import records

    with progress("extracting") as step:
        result = (api.check if checked else api.extract)(paths, progress=step)
    _report_failures(result)
    return result, records(result.documents, result.findings)


@app.command()
def compare(
    paths: Paths,
    concept: Annotated[str | None, typer.Option("--concept", help="IRI, key or label.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="一级 or 二级 name.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region, any level.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Budget year.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="A word of the department's name.")
    ] = None,
    fmt: Annotated[str | None, _formats("table", "csv", "jsonl", "json")] = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="Also draw .png/.svg.")] = None,
) -> None:
    """Targets by concept × region × year with peers' median, min/max, previous year, outliers."""
    from pikg.comparing.compare import COMPARE_COLUMNS, TABLE_COLUMNS, Filters
    from pikg.comparing.compare import compare as run

    try:
        chosen = (fmt or "table").casefold()
        result, tidy = _tidy(paths, checked=False)
        rows = run(tidy, Filters(concept, level, region, year, department))
        output.table(rows, TABLE_COLUMNS if chosen == "table" else COMPARE_COLUMNS, chosen)
        if chart is not None:
            from pikg.comparing.charts import chart as draw

            draw(rows, chart)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    _exit_on_failures(result)


@app.command()
def stats(
    paths: Paths,
    by: Annotated[
        str, _choice("--by", ("doc", "province", "region", "year"), "What a row counts.")
    ] = "doc",
    fmt: Annotated[str | None, _formats("table", "csv", "jsonl", "json")] = None,
) -> None:
    """Quality statistics with explicit denominators, per document, region or year."""
    from pikg.comparing.stats import STATS_COLUMNS
    from pikg.comparing.stats import stats as run

    try:
        chosen = (fmt or "table").casefold()
        result, tidy = _tidy(paths, checked=True)
        output.table(run(tidy, by.casefold()), STATS_COLUMNS, chosen)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    _exit_on_failures(result)


@app.command()
def export(
    paths: Paths,
    to: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[str | None, _formats("csv", "parquet", "xlsx")] = None,
) -> None:
    """One row per indicator with document facts, concept, target, findings; and a dictionary."""
    from pikg.comparing.export import export as run

    try:
        chosen = (fmt or "csv").casefold()
        result, tidy = _tidy(paths, checked=True)
        dictionary = run(tidy, to, chosen)
    except errors.PikgError as exc:
        raise _fail(exc) from exc
    say(f"{to}: {len(tidy)} rows; columns described in {dictionary}")
    _exit_on_failures(result)


def main() -> None:
    app(prog_name="pikg")
