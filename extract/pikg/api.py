"""pikg's public API: one entry point per job, shared by the CLI and by notebooks.

    import pikg
    result = pikg.check(["examples"])          # extract, map and validate
    result.rows[0].name, result.findings       # typed records
    result.to_frame()                          # a pandas DataFrame (pikg[compare])
    store = pikg.Store("kg")                   # a persistent pyoxigraph store
    store.load(result)
    store.query("documents").to_frame()

Every error raised on purpose is a ``pikg.PikgError`` with a one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pikg import batch
from pikg.batch import Options, Outcome, Parallel
from pikg.checking.validate import DEFAULT_ENGINE, Finding, Report
from pikg.errors import DocumentError, UsageError
from pikg.model import Extraction, IndicatorRow, Unparsed
from pikg.reading.decode import MAX_SIZE
from pikg.reading.files import walk
from pikg.reading.summary import Summary

if TYPE_CHECKING:
    import pandas

    from pikg.storage.endpoint import Auth
    from pikg.storage.publish import Published

PathLike = str | Path
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Failure:
    """A file that could not be read, and why; the batch went on without it."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class Result:
    """What ``extract`` or ``check`` found in a batch of documents."""

    documents: list[Extraction]
    failures: list[Failure] = field(default_factory=list)
    report: Report | None = None  # the validation, for ``check``

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for doc in self.documents for row in doc.rows]

    @property
    def unparsed(self) -> list[Unparsed]:
        return [item for doc in self.documents for item in doc.unparsed]

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings if self.report is not None else []

    def records(self, min_severity: str = "Info", lang: str = "zh") -> Iterator[dict[str, Any]]:
        """Row objects with their findings, then project and document objects; each finding
        names its document and, where it has a place, its offsets and 1-based line (a line
        pikg could not read is a document finding, unparsed-line, with its text)."""
        from pikg.checking.run import records

        yield from records(self.documents, self.findings, min_severity, lang)

    def unparsed_records(self) -> list[dict[str, Any]]:
        """Each line pikg could not read as ``{"scope": "unparsed", "doc", "start", "end",
        "text"}``, what ``extract`` prints after the rows."""
        from pikg.checking.run import unparsed_records

        return list(unparsed_records(self.documents))

    def summary(self) -> Summary:
        """Documents read by format, rows, failures: the line that ends a batch."""
        done = Summary(failed=len(self.failures))
        for doc in self.documents:
            done.read(doc.format, len(doc.rows))
        return done

    def to_frame(self) -> pandas.DataFrame:
        """One row per indicator row (and its finding codes), for pandas."""
        pandas = _pandas()
        rows = [r for r in self.records() if r["scope"] == "row"]
        for row in rows:
            row["findings"] = [f["code"] for f in row["findings"]]
        return pandas.DataFrame(rows)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise UsageError("tables as DataFrames need pandas: pip install 'pikg[compare]'") from exc
    return pandas


def _paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def extract(
    paths: PathLike | Iterable[PathLike],
    *,
    progress: Progress | None = None,
    jobs: int | None = None,
    dask: str | None = None,
    meta: PathLike | None = None,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
) -> Result:
    """Extract every document (a folder stands for the documents below it), on ``jobs``
    worker processes (default: every core) or a Dask cluster (``dask``: its address, or
    ``local``); the order is the documents' whatever the workers. ``meta`` is a CSV with a
    row per document whose facts override the text's; without a row, a document's
    ``DOC.meta.json`` beside it does. A file of more than ``max_size`` bytes is a failure,
    not read."""
    result = Result([])
    settings = options(jobs=jobs, dask=dask, meta=meta, max_size=max_size, ocr=ocr)
    outcomes = batch.extract(_paths(paths), settings)
    for outcome in _progressed(outcomes, progress):
        _collect(result, outcome)
    return result


def _meta(meta: PathLike | None) -> batch.Meta:
    from pikg.reading.sidecar import read_meta_csv

    return read_meta_csv(Path(meta)) if meta is not None else None


def _progressed(outcomes: Iterable[Outcome], progress: Progress | None) -> Iterator[Outcome]:
    for outcome in outcomes:
        yield outcome
        if progress is not None:
            progress(outcome.path)


def _collect(result: Result, outcome: Outcome) -> None:
    if outcome.problem is not None:
        result.failures.append(Failure(outcome.path, outcome.problem))
    elif outcome.result is not None:
        result.documents.append(outcome.result)


def check(
    paths: PathLike | Iterable[PathLike],
    *,
    satisfaction_floor: Decimal | float | None = None,
    progress: Progress | None = None,
    engine: str = DEFAULT_ENGINE,
    jobs: int | None = None,
    dask: str | None = None,
    meta: PathLike | None = None,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
) -> Result:
    """Extract, map to RDF and validate with pikg's SHACL shapes: the main job. Each document
    is validated on its own, with ``engine`` (``sparql``, the shapes compiled, or
    ``pyshacl``, the reference); ``jobs`` and ``dask`` as for ``extract``."""
    from pikg.checking.run import merged

    result = Result([])
    reports = []
    for outcome in check_each(
        paths,
        satisfaction_floor=satisfaction_floor,
        engine=engine,
        jobs=jobs,
        dask=dask,
        meta=meta,
        max_size=max_size,
        ocr=ocr,
    ):
        _collect(result, outcome)
        if outcome.check is not None:
            reports.append(outcome.check.report)
        if progress is not None:
            progress(outcome.path)
    result.report = merged(reports)
    return result


def check_each(
    paths: PathLike | Iterable[PathLike],
    *,
    satisfaction_floor: Decimal | float | None = None,
    engine: str = DEFAULT_ENGINE,
    jobs: int | None = None,
    dask: str | None = None,
    meta: PathLike | None = None,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
) -> Iterator[Outcome]:
    """``check`` as a stream: each document's outcome (``.check`` holds its findings, or
    ``.problem`` why it could not be read) in document order, as soon as it is done, so
    memory does not grow with the batch."""
    settings = options(
        jobs=jobs,
        dask=dask,
        meta=meta,
        max_size=max_size,
        ocr=ocr,
        satisfaction_floor=satisfaction_floor,
        engine=engine,
    )
    return batch.check(_paths(paths), settings)


def options(
    *,
    jobs: int | None = None,
    dask: str | None = None,
    meta: PathLike | None = None,
    max_size: int = MAX_SIZE,
    ocr: bool = False,
    satisfaction_floor: Decimal | float | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Options:
    """A batch's settings as the one typed object that reaches the workers, checked here: the
    ``meta`` CSV read, the engine known, the floor a Decimal."""
    return Options(
        Parallel(jobs, dask),
        _meta(meta),
        max_size,
        ocr,
        _decimal(satisfaction_floor),
        _engine(engine),
    )


def _engine(engine: str) -> str:
    from pikg.checking.validate import ENGINES

    if engine not in ENGINES:
        raise UsageError(f"--engine is one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


def validate(
    paths: PathLike | Iterable[PathLike] = (),
    *,
    store: PathLike | None = None,
    satisfaction_floor: Decimal | float | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate the union of RDF files (any syntax), documents and, with ``store``, a store."""
    from rdflib import Dataset

    from pikg.checking.validate import validate as run_shapes
    from pikg.graph.formats import sniff_rdf, syntax
    from pikg.graph.mapping import map_extractions, triples
    from pikg.parsing.pipeline import extract_file
    from pikg.reading.decode import decode
    from pikg.reading.sniff import sniff

    def parsed(text: str, fmt: str, path: str) -> Dataset:
        dataset = Dataset()
        try:
            dataset.parse(data=text, format=syntax(fmt).rdflib)
        except Exception as exc:  # rdflib raises many kinds; each means the file is not RDF
            raise DocumentError(path, f"RDF syntax error: {exc}") from exc
        return dataset

    collected: list[Any] = []
    paths = _paths(paths)
    if store is not None and not paths and engine == "sparql" and satisfaction_floor is None:
        from pikg.checking.validate import store_report
        from pikg.storage.store import VOCABULARY

        report = store_report(Store(store, read_only=True).backend.store, VOCABULARY)
        if report is not None:  # validated in place, not copied
            return report
    if store is not None:
        dump = Store(store, read_only=True).backend.store.dump(format=syntax("nq").oxigraph) or b""
        collected += triples(parsed(dump.decode("utf-8"), "nq", str(store)))
    for item in walk(paths):
        if isinstance(item, DocumentError):
            raise item
        data = _read(item)
        # Only a text file can be RDF; PDFs and office files are documents to extract.
        rdf = sniff_rdf(decode(data, str(item))) if sniff(data) == "text" else None
        if rdf is not None:
            collected += triples(parsed(decode(data, str(item)), rdf, str(item)))
        else:
            collected += triples(map_extractions([extract_file(item)]))
    if not collected:
        raise UsageError("nothing to validate: give RDF files, documents or --store")
    return run_shapes(collected, _decimal(satisfaction_floor), _engine(engine))


def _read(path: Path) -> bytes:
    from pikg.reading.decode import read_bytes

    return read_bytes(path)


def _decimal(value: Decimal | float | None) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


@dataclass
class Table:
    """The solutions of a query: variables, and rows of typed values (Decimal, int, date, bool,
    str for IRIs and text, None for unbound)."""

    variables: list[str]
    rows: list[dict[str, Any]]

    def to_frame(self) -> pandas.DataFrame:
        return _pandas().DataFrame(self.rows, columns=self.variables)

    def render(self, fmt: str) -> str:
        """csv, json or md text."""
        from pikg.storage.sparql import render

        return render(self.variables, self.rows, fmt)

    @staticmethod
    def render_cell(value: Any) -> str:
        from pikg.storage.values import lexical

        return lexical(value)


class Store:
    """A persistent (or, without a path, in-memory) pyoxigraph store of pikg documents."""

    def __init__(self, path: PathLike | None = None, *, read_only: bool = False) -> None:
        """``read_only`` opens an existing store for reading beside other readers and a
        writer; otherwise the store is opened for writing, and created where there is none."""
        from pikg.storage.store import Store as Backend

        self.path = Path(path) if path is not None else None
        self.backend = Backend(path, read_only=read_only)

    def load(
        self,
        what: Result | Extraction | PathLike | Iterable[PathLike],
        *,
        findings: bool = True,
        progress: Progress | None = None,
        engine: str = DEFAULT_ENGINE,
        jobs: int | None = None,
        dask: str | None = None,
        max_size: int = MAX_SIZE,
        meta: PathLike | None = None,
        ocr: bool = False,
    ) -> list[Failure]:
        """Load extracted documents, or documents and RDF files by path (extracted, mapped and
        validated on ``jobs`` workers or a Dask cluster, written here: new documents with the
        bulk loader, a replacement in a transaction of its own); loading a document again
        replaces its graphs. ``meta`` and ``ocr`` as for :func:`extract`. The files that could
        not be read."""
        if isinstance(what, Result | Extraction):
            self.backend.load_vocabulary()
            docs = what.documents if isinstance(what, Result) else [what]
            for doc in docs:
                self.backend.load_extraction(doc, findings, _engine(engine))
            self.backend.flush()
            return []
        settings = options(
            jobs=jobs, dask=dask, max_size=max_size, engine=engine, meta=meta, ocr=ocr
        )
        loaded = batch.load(_paths(what), self.backend, findings, settings)
        return [
            Failure(o.path, o.problem)
            for o in _progressed(loaded, progress)
            if o.problem is not None
        ]

    def query(self, name: str, endpoint: str | None = None, **params: str) -> Table:
        """Run a named query (or a ``.rq`` file) here, or at a remote endpoint."""
        from pikg.storage.sparql import resolve, run_on_store

        sparql = resolve(name).bind(params)
        if endpoint is not None:
            from pikg.storage.remote import query

            variables, rows = query(endpoint, sparql)
        else:
            variables, rows = run_on_store(self.backend, sparql)
        return Table(variables, rows)

    def count(self) -> int:
        return self.backend.count()

    def graphs(self) -> list[str]:
        return self.backend.graphs()

    def publish(
        self,
        endpoint: str,
        *,
        sparql: str | None = None,
        progress: Progress | None = None,
        prune: bool = False,
        auth: Auth | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
    ) -> Published:
        """Replace each named graph at a remote store (its base URL or Graph Store URL);
        what was published and the remote count for those graphs. Timeouts left out are
        the client's defaults."""
        from pikg.storage.publish import publish

        timeouts = {"connect_timeout": connect_timeout, "read_timeout": read_timeout}
        return publish(
            self.backend,
            endpoint,
            progress or (lambda _: None),
            sparql,
            prune,
            auth,
            **{k: v for k, v in timeouts.items() if v is not None},
        )

    def release(self, out: PathLike, **options: Any) -> list[str]:
        """Write a linked-data release into ``out``; the files written."""
        from pikg.storage.release import release

        return release(self.backend, Path(out), **options).files
