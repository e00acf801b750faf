"""Batches of documents over every core, or over a Dask cluster: the one parallel map that
extract, check and load use.

Each document is a task (extract it; map it; validate it), run by process workers
(``jobs``) or by a Dask cluster (``dask``: a scheduler address, or ``local`` for a
LocalCluster on this machine). Results come back in document order whatever finishes first,
so the output of any number of workers is byte-identical to ``jobs=1``; at most
``WINDOW_PER_WORKER`` tasks per worker are in flight, so memory does not grow with the
batch. Writing to the store stays in the calling process (a store has one writer); for ``load`` the
workers hand it each document ready to write (``store.DocumentGraphs``), so that process
only writes.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path, PurePath
from typing import Any, TypeVar

import pyoxigraph as ox

from pikg.checking.run import DocumentCheck, check_documents
from pikg.checking.validate import DEFAULT_ENGINE
from pikg.errors import DocumentError
from pikg.graph.formats import SYNTAXES
from pikg.graph.mapping import nquads_text
from pikg.model import DocumentMeta, Extraction
from pikg.parsing.pipeline import extract_file
from pikg.reading.decode import MAX_SIZE
from pikg.reading.files import walk
from pikg.reading.formats import SUFFIXES
from pikg.storage.store import (
    BULK_DOCUMENTS,
    DocumentGraphs,
    Store,
    document_quads,
    documents_graphs,
    sniff_file,
    vocabulary_quads,
)

T = TypeVar("T")
R = TypeVar("R")
WINDOW_PER_WORKER = 4  # tasks in flight per worker: enough to keep it busy, few to hold
# Documents per check or load task, validated together: measured, ~21 ms of CPU each alone,
# ~10 ms at 8 together, ~9.7 ms at 16.
DOCUMENTS_PER_TASK = 8
LOCAL = "local"  # --dask local: a LocalCluster on this machine
# What `load` takes from a folder: documents, and RDF by its syntaxes' extensions (and OWL's);
# a file named outright is sniffed whatever its name.
LOAD_SUFFIXES = SUFFIXES | {f".{s.extension}" for s in SYNTAXES.values()} | {".owl"}


@dataclass(frozen=True)
class Parallel:
    """How to spread a batch: ``jobs`` workers (None: every core), or a Dask cluster."""

    jobs: int | None = None
    dask: str | None = None

    @property
    def workers(self) -> int:
        return max(1, self.jobs or os.cpu_count() or 1)


Meta = dict[str, DocumentMeta] | None  # --meta: a document's facts by its path or file name


@dataclass(frozen=True)
class Options:
    """How a batch reads and checks its documents: one object from the API to the workers."""

    parallel: Parallel = Parallel()
    meta: Meta = None
    max_size: int = MAX_SIZE
    ocr: bool = False  # read scanned PDF pages with tesseract
    satisfaction_floor: Decimal | None = None
    engine: str = DEFAULT_ENGINE


Item = Path | tuple[str, str]  # a file to read, or (path, problem) for one that cannot be


def items(paths: Iterable[Path], suffixes: frozenset[str] = SUFFIXES) -> Iterator[Item]:
    """The files a batch reads, in name order; a path that cannot be read as (path, problem),
    which a task passes through, so failures keep their place in the order. A folder stands
    for its files with one of ``suffixes`` (the document formats, by default)."""
    for item in walk(paths, suffixes):
        yield (item.path, item.problem) if isinstance(item, DocumentError) else item


def ordered_map(fn: Callable[[T], R], items: Iterable[T], parallel: Parallel) -> Iterator[R]:
    """``map(fn, items)`` on the workers ``parallel`` names, in the order of ``items``; a
    single item runs here, where starting workers would cost more than it."""
    items = iter(items)
    head = [item for _, item in zip(range(2), items, strict=False)]
    if len(head) < 2:
        yield from map(fn, head)
        return
    todo = itertools.chain(head, items)
    if parallel.dask is not None:
        yield from _dask_map(fn, todo, parallel)
    elif parallel.workers == 1:
        yield from map(fn, todo)
    else:
        _warm()
        with ProcessPoolExecutor(parallel.workers) as pool:
            yield from _windowed(pool.submit, fn, todo, parallel.workers)


def _warm() -> None:
    """Load the tokenizer's dictionary, the ontology and the compiled shapes here, once:
    forked workers inherit them instead of each loading its own."""
    from pikg.checking.validate import compiled_rules, working_store
    from pikg.parsing.segment import tokenizer

    tokenizer()
    compiled_rules()
    working_store([])


def _windowed(
    submit: Callable[..., Any], fn: Callable[[T], R], items: Iterable[T], workers: int
) -> Iterator[R]:
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(submit(fn, item))
        if len(pending) >= workers * WINDOW_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _dask_map(fn: Callable[[T], R], items: Iterable[T], parallel: Parallel) -> Iterator[R]:
    from distributed import Client, LocalCluster  # optional: only a cluster run needs it

    if parallel.dask == LOCAL:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=parallel.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    else:
        cluster, client = None, Client(parallel.dask)  # type: ignore[no-untyped-call]
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _windowed(partial(client.submit, pure=False), fn, items, workers)
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()


@dataclass
class Outcome:
    """One document of a batch: its path, and its result or why it could not be read."""

    path: str
    problem: str | None = None
    result: Extraction | None = None
    check: DocumentCheck | None = None
    graphs: DocumentGraphs | None = None  # load: the document, ready to store
    nquads: str | None = None  # its N-Quads, sorted
    rdf: bool = False  # load: the file is RDF, for the store to read itself

    @property
    def failed(self) -> bool:
        return self.problem is not None


def extract_task(item: Item, options: Options = Options()) -> Outcome:
    if isinstance(item, tuple):
        return Outcome(item[0], problem=item[1])
    try:
        result = extract_file(item, options.meta, options.max_size, options.ocr)
    except DocumentError as exc:
        return Outcome(exc.path, problem=exc.problem)
    return Outcome(str(item), result=result)


def check_task(chunk: list[Item], options: Options = Options()) -> list[Outcome]:
    """A few documents extracted, then mapped and validated together (``check_documents``)."""
    outcomes = [extract_task(item, options) for item in chunk]
    read = [o for o in outcomes if o.result is not None]
    checks = check_documents(
        [o.result for o in read if o.result is not None],
        options.satisfaction_floor,
        options.engine,
    )
    for outcome, checked in zip(read, checks, strict=True):
        outcome.check = checked
    return outcomes


def _chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    """``DOCUMENTS_PER_TASK`` items at a time, in order."""
    items = iter(items)
    while chunk := list(itertools.islice(items, DOCUMENTS_PER_TASK)):
        yield chunk


def _flat(outcomes: Iterable[list[Outcome]]) -> Iterator[Outcome]:
    for chunk in outcomes:
        yield from chunk


def nquads_task(
    item: Item,
    options: Options = Options(),
    at: datetime | None = None,
    shards: Path | None = None,
    findings: bool = False,
) -> Outcome:
    """A document as sorted N-Quads (with ``findings``, its findings graph too); with
    ``shards``, also written as one file there (a folder every worker can reach), named by
    its file and content."""
    outcome = extract_task(item, replace(options, ocr=False))
    if outcome.result is not None:
        text = nquads_text(document_quads(outcome.result, findings, options.engine, at))
        if shards is not None:
            name = f"{PurePath(outcome.result.doc).stem}-{outcome.result.digest[:12]}.nq"
            (shards / name).write_text(text, encoding="utf-8")
        outcome.nquads = text
    return outcome


def load_task(
    chunk: list[Item], options: Options = Options(), findings: bool = True
) -> list[Outcome]:
    """A few documents (or RDF files, for the store to read itself) ready to store, mapped
    and validated together (``documents_graphs``)."""
    outcomes = []
    for item in chunk:
        try:
            if not isinstance(item, tuple) and sniff_file(item) is not None:
                outcomes.append(Outcome(str(item), rdf=True))
                continue
        except DocumentError as exc:
            outcomes.append(Outcome(exc.path, problem=exc.problem))
            continue
        outcomes.append(extract_task(item, options))
    read = [o for o in outcomes if o.result is not None]
    graphs = documents_graphs(
        [o.result for o in read if o.result is not None], findings, options.engine
    )
    for outcome, doc in zip(read, graphs, strict=True):
        outcome.graphs = doc
        outcome.result = None  # what the store needs is in graphs: not sent back
    return outcomes


def extract(paths: Iterable[Path], options: Options = Options()) -> Iterator[Outcome]:
    """Every document extracted, in order; a file over ``max_size`` bytes is a failure;
    ``ocr`` reads scanned PDF pages with tesseract."""
    return ordered_map(partial(extract_task, options=options), items(paths), options.parallel)


def check(paths: Iterable[Path], options: Options = Options()) -> Iterator[Outcome]:
    """Every document extracted, mapped and validated on its own, in order."""
    task = partial(check_task, options=options)
    return _flat(ordered_map(task, _chunks(items(paths)), options.parallel))


def nquads(
    paths: Iterable[Path],
    options: Options = Options(),
    at: datetime | None = None,
    shards: Path | None = None,
    findings: bool = False,
) -> Iterator[Outcome]:
    """Every document as N-Quads, in order; with ``shards``, also one file per document there,
    and ``vocabulary.nq``, so that bulk-loading the folder gives what ``load`` stores."""
    if shards is not None:
        shards.mkdir(parents=True, exist_ok=True)
        text = ox.serialize(vocabulary_quads(), format=ox.RdfFormat.N_QUADS) or b""
        (shards / "vocabulary.nq").write_bytes(b"\n".join(sorted(text.splitlines())) + b"\n")
    task = partial(nquads_task, options=options, at=at, shards=shards, findings=findings)
    return ordered_map(task, items(paths), options.parallel)


def merged_nquads(outcomes: Iterable[Outcome]) -> str:
    """The N-Quads of many documents as one sorted text without repeated lines: what
    mapping them all at once writes (shared entities appear once)."""
    lines: set[str] = set()
    for outcome in outcomes:
        if outcome.nquads:
            lines.update(outcome.nquads.removesuffix("\n").split("\n"))  # not U+2028
    return "".join(f"{line}\n" for line in sorted(lines))


def load(
    paths: Iterable[Path], store: Store, findings: bool = True, options: Options = Options()
) -> Iterator[Outcome]:
    """Load every document (extracted, mapped and validated by the workers) or RDF file
    into ``store``, in order: new documents ``BULK_DOCUMENTS`` at a time with the bulk
    loader, one that replaces stored graphs (or a document still waiting to be written) in
    a transaction of its own, RDF files likewise; yields each outcome once it is stored
    (failures included, for the caller to report)."""
    store.drop_staging()
    store.load_vocabulary()
    task = partial(load_task, options=options, findings=findings)
    waiting: list[Outcome] = []  # new documents, for the next bulk load
    names: set[str] = set()  # their file names and graphs: a later version must not pass them

    def written() -> Iterator[Outcome]:
        if waiting:
            store.load_new_documents([o.graphs for o in waiting if o.graphs is not None])
        for outcome in waiting:
            outcome.graphs = None  # stored: not kept
        yield from waiting
        waiting.clear()
        names.clear()

    for outcome in _flat(ordered_map(task, _chunks(items(paths, LOAD_SUFFIXES)), options.parallel)):
        doc = outcome.graphs
        if doc is not None and names.isdisjoint((doc.file_name, *doc.graphs)) and store.is_new(doc):
            waiting.append(outcome)
            names.update((doc.file_name, *doc.graphs))
            if len(waiting) >= BULK_DOCUMENTS:
                yield from written()
            continue
        yield from written()  # in order, and before anything that may replace them
        try:
            if outcome.rdf:
                store.load_rdf(Path(outcome.path))
            elif doc is not None:
                store.load_document(doc)
        except DocumentError as exc:
            outcome.path, outcome.problem = exc.path, exc.problem
        outcome.graphs = None  # stored: not kept
        yield outcome
    yield from written()
    store.flush()
