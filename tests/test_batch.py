"""Batches on every core and on a Dask cluster: output byte-identical to one worker, shards,
a store whose replacements are atomic (issue 15) and whose new documents are bulk-loaded,
whole or not at all (issue 12)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from pikg import extract_text
from pikg.cli import app
from pikg.storage.store import STAGING, VOCABULARY, Store

from .conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
INPUTS = [str(EXAMPLES)] + [str(p) for p in sorted((HERE / "flawed").glob("*.txt"))]
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _dump(path: Path) -> bytes:
    store = Store(path)
    lines = (store.store.dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines()
    return b"\n".join(sorted(lines))


@pytest.mark.parametrize(
    "command",
    [
        ["extract", "--format", "nq"],
        ["extract", "--format", "jsonl"],
        ["extract", "--summary", "--format", "json"],
        ["check", "--format", "jsonl", "--severity", "info"],
        ["check", "--format", "text"],
        ["check", "--format", "json"],
    ],
    ids=" ".join,
)
def test_jobs_2_output_is_byte_identical_to_jobs_1(command: list[str]) -> None:
    one = _run(*command, *INPUTS, "--jobs", "1")
    assert one and one == _run(*command, *INPUTS, "--jobs", "2")


def test_check_prints_documents_in_path_order() -> None:
    out = _run("check", str(HERE / "flawed"), "--jobs", "2", "--severity", "info")
    names = sorted(p.name for p in (HERE / "flawed").glob("*.txt"))
    positions = [out.index(name) for name in names]
    assert positions == sorted(positions)


def test_load_with_jobs_2_stores_what_jobs_1_stores(tmp_path: Path) -> None:
    _run("load", *INPUTS, "--store", str(tmp_path / "one"), "--jobs", "1")
    _run("load", *INPUTS, "--store", str(tmp_path / "two"), "--jobs", "2")
    assert _dump(tmp_path / "one") == _dump(tmp_path / "two")


def test_shards_hold_one_document_each_and_add_up_to_the_batch(tmp_path: Path) -> None:
    whole = _run("extract", "--format", "nq", *INPUTS, "--jobs", "2")
    _run("extract", *INPUTS, "--shards", str(tmp_path / "shards"), "--jobs", "2")
    shards = sorted(p for p in (tmp_path / "shards").glob("*.nq") if p.name != "vocabulary.nq")
    assert len(shards) == len(list(EXAMPLES.glob("*.txt"))) + len(INPUTS) - 1
    lines = {line for shard in shards for line in shard.read_text(encoding="utf-8").splitlines()}
    assert "".join(f"{line}\n" for line in sorted(lines)) == whole


def test_bulk_loaded_shards_with_findings_are_the_store_load_makes(tmp_path: Path) -> None:
    """The README's path from a cluster run to a served store, on one machine."""
    shards = tmp_path / "shards"
    _run("extract", *INPUTS, "--shards", str(shards), "--findings", "--jobs", "2")
    bulk = ox.Store(str(tmp_path / "bulk"))
    for shard in sorted(shards.glob("*.nq")):
        bulk.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
    bulk.flush()
    del bulk
    _run("load", *INPUTS, "--store", str(tmp_path / "loaded"), "--jobs", "2")
    assert _dump(tmp_path / "bulk") == _dump(tmp_path / "loaded")


def test_a_dask_cluster_gives_the_nquads_and_findings_of_jobs_2() -> None:
    """A LocalCluster of threads in this process (fast to start); bench/ runs --dask local,
    whose workers are processes."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        for command in (["extract", "--format", "nq"], ["check", "--format", "jsonl"]):
            jobs = _run(*command, *INPUTS, "--jobs", "2")
            assert _run(*command, *INPUTS, "--dask", cluster.scheduler_address) == jobs


# ---- atomic replacement (issue 15, defect 1) ----------------------------------------------


class _Interrupted(Exception):
    """Stands for a Ctrl-C or a crash at a chosen point."""


class _FailingStore:
    """A pyoxigraph store that is interrupted on ``update`` (the swap) or midway through
    ``extend`` (the staging write)."""

    def __init__(self, store: ox.Store, fail: str) -> None:
        self._store, self._fail = store, fail

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def update(self, sparql: str) -> None:
        if self._fail == "update":
            raise _Interrupted
        self._store.update(sparql)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        def interrupted() -> Iterator[ox.Quad]:
            for n, quad in enumerate(quads):
                if n == 50:
                    raise _Interrupted
                yield quad

        self._store.extend(interrupted() if self._fail == "extend" else quads)


def _state(store: Store) -> list[str]:
    return sorted(
        str(q)
        for q in store.store.quads_for_pattern(None, None, None)
        if not str(q.graph_name).startswith(f"<{STAGING}")
    )


@pytest.mark.parametrize("fail", ["update", "extend"])
def test_issue15_an_interrupted_reload_leaves_the_old_document_whole(
    tmp_path: Path, fail: str
) -> None:
    text = (EXAMPLES / "zunyi_agriculture_2024_lists.txt").read_text(encoding="utf-8")
    store = Store(tmp_path / "store")
    store.load_vocabulary()
    result = extract_text(text, "zunyi.txt")
    store.load_extraction(result)
    before, count = _state(store), store.count()
    result.rows = result.rows[:3]  # the same document, mapped anew with fewer rows
    real = store.store
    store.store = _FailingStore(real, fail)  # type: ignore[assignment]
    with pytest.raises(_Interrupted):
        store.load_extraction(result)
    store.store = real
    assert _state(store) == before and store.count() == count
    store.drop_staging()
    assert not any(g.value.startswith(STAGING) for g in real.named_graphs())
    store.load_extraction(result)  # and the next load replaces it
    assert store.count() < count


@pytest.mark.parametrize("fail", ["update", "extend"])
def test_issue15_an_interrupted_vocabulary_reload_keeps_the_vocabulary(
    tmp_path: Path, fail: str
) -> None:
    store = Store(tmp_path / "store")
    store.load_vocabulary()
    size = len(list(store.store.quads_for_pattern(None, None, None, VOCABULARY)))
    real = store.store
    store.store = _FailingStore(real, fail)  # type: ignore[assignment]
    with pytest.raises(_Interrupted):
        store.load_vocabulary()
    store.store = real
    assert len(list(real.quads_for_pattern(None, None, None, VOCABULARY))) == size > 1000


# ---- bulk loading of new documents (issue 12) ----------------------------------------------


def _versions(folder: Path) -> list[Path]:
    """Documents in path order: the examples, then a corrected copy of one (same file name,
    a row fewer), then an identical copy of another under a new name."""
    originals = sorted(EXAMPLES.glob("*.txt"))
    (folder / "1").mkdir(parents=True)
    for path in originals:
        (folder / "1" / path.name).write_bytes(path.read_bytes())
    corrected = folder / "2" / originals[-1].name
    corrected.parent.mkdir()
    lines = originals[-1].read_text(encoding="utf-8").splitlines(keepends=True)
    corrected.write_text("".join(lines[:-1]), encoding="utf-8")
    copy = folder / "3" / "copy.txt"
    copy.parent.mkdir()
    copy.write_bytes(originals[0].read_bytes())
    return [*sorted((folder / "1").glob("*.txt")), corrected, copy]


def test_issue12_a_batch_stores_what_a_transaction_per_document_stores(tmp_path: Path) -> None:
    from pikg import batch
    from pikg.parsing.pipeline import extract_file

    paths = _versions(tmp_path / "docs")
    one_by_one = Store(tmp_path / "one")
    one_by_one.load_vocabulary()
    for path in paths:
        one_by_one.load_extraction(extract_file(path))
    one_by_one.flush()
    del one_by_one
    bulk = Store(tmp_path / "bulk")
    outcomes = list(batch.load([tmp_path / "docs"], bulk))
    assert [o.path for o in outcomes] == [str(p) for p in paths]
    assert not any(o.failed for o in outcomes)
    del bulk
    assert _dump(tmp_path / "bulk") == _dump(tmp_path / "one")


class _FailingBulkStore:
    """A pyoxigraph store whose bulk load is interrupted after writing half its input."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def bulk_load(self, data: bytes, format: ox.RdfFormat) -> None:
        lines = data.splitlines(keepends=True)
        self._store.bulk_load(b"".join(lines[: len(lines) // 2]), format=format)
        raise _Interrupted


def test_issue12_an_interrupted_bulk_load_leaves_nothing_after_the_next_load(
    tmp_path: Path,
) -> None:
    from pikg.parsing.pipeline import extract_file
    from pikg.storage.store import document_graphs

    store = Store(tmp_path / "store")
    store.load_vocabulary()
    docs = [document_graphs(extract_file(p)) for p in sorted(EXAMPLES.glob("*.txt"))]
    real = store.store
    store.store = _FailingBulkStore(real)  # type: ignore[assignment]
    with pytest.raises(_Interrupted):
        store.load_new_documents(docs)
    store.store = real
    assert store.graphs()  # half-written documents
    store.drop_staging()
    assert store.graphs() == []
    assert not any(g.value.startswith(STAGING) for g in real.named_graphs())
    store.load_new_documents(docs)  # and the next load writes them whole
    assert store.graphs() == sorted(g for doc in docs for g in doc.graphs)


def test_issue13_load_takes_documents_and_rdf_from_a_folder_and_nothing_else(
    tmp_path: Path,
) -> None:
    """A download folder also holds notes and tables of one's own: `load` of the folder stores
    the documents and the RDF files below it, and does not report the rest as failures."""
    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    text = (EXAMPLES / "zunyi_agriculture_2024_lists.txt").read_text(encoding="utf-8")
    (folder / "zunyi.txt").write_text(text, encoding="utf-8")
    (folder / "sub" / "yichang.ttl").write_text(
        _run("extract", "--format", "ttl", str(EXAMPLES / "yichang_health_2022_cells.txt")),
        encoding="utf-8",
    )
    (folder / "README.md").write_text("# 我的下载\n", encoding="utf-8")
    (folder / "list.csv").write_text("文件,地区\nzunyi.txt,遵义市\n", encoding="utf-8")
    result = runner.invoke(app, ["load", str(folder), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    stored = {g.rsplit("/", 2)[-2] for g in Store(tmp_path / "store").graphs()}
    assert len(stored) == 2 and "README" not in result.output and "list.csv" not in result.output
