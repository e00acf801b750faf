"""Opening stores (issue 16, item 5; issue 15, defects 8 and 9): readers open read-only beside
a writer, a blocked writer is told which process holds the lock, a mistyped --store is an
error instead of a new empty store, and reloading RDF with blank nodes adds nothing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pikg.cli import app
from pikg.errors import StoreError
from pikg.parsing.pipeline import extract_text
from pikg.storage.store import Store

from .test_issue15 import DOC

HOLD = """
import sys, time
from pikg.storage.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = Store(path)
    store.load_vocabulary()
    store.load_extraction(extract_text(DOC, "anping.txt"))
    store.flush()
    del store
    return path


@pytest.fixture
def writer(store_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store open for writing, as `pikg load` does."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield proc
    proc.communicate("", timeout=30)


def test_issue16_readers_open_beside_a_writer(store_dir: Path, writer: object) -> None:
    expected = Store(store_dir, read_only=True).count()
    assert expected > 50
    runner = CliRunner()
    for args in (["query", "documents", "--store", str(store_dir), "--format", "csv"],):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "anping.txt" in result.stdout or "安平县卫生健康局" in result.stdout


def test_issue16_a_blocked_writer_is_told_which_process_holds_the_lock(
    store_dir: Path, writer: subprocess.Popen[str]
) -> None:
    with pytest.raises(StoreError) as info:
        Store(store_dir)
    message = str(info.value)
    assert message.startswith(f"{store_dir}: locked by process {writer.pid} (")
    assert "\n" not in message
    result = CliRunner().invoke(
        app, ["load", str(store_dir / "CURRENT"), "--store", str(store_dir)]
    )
    assert result.exit_code == 4
    assert f"locked by process {writer.pid}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["query", "publish", "release", "validate"])
def test_issue15_a_mistyped_store_is_an_error_not_a_new_store(tmp_path: Path, command: str) -> None:
    typo = tmp_path / "stroe"
    args = {
        "query": ["query", "documents", "--store", str(typo)],
        "publish": ["publish", "--store", str(typo), "--endpoint", "http://127.0.0.1:9/store"],
        "release": ["release", "--store", str(typo), "--out", str(tmp_path / "out")],
        "validate": ["validate", "--store", str(typo)],
    }[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 4, result.output
    assert (
        result.stderr.strip()
        == f"error: {typo}: no store here (check the --store path; `pikg load` creates a store)"
    )
    assert not typo.exists()


def test_issue15_rdf_with_blank_nodes_loads_once(tmp_path: Path) -> None:
    data = tmp_path / "notes.ttl"
    data.write_text(
        "@prefix ex: <https://example.org/> .\n"
        'ex:review ex:note [ ex:text "抽查 12 家卫生院" ; ex:by [ ex:name "审计组" ] ] .\n',
        encoding="utf-8",
    )
    store = Store(tmp_path / "store")
    store.load_rdf(data)
    first = len(store.store)
    store.load_rdf(data)
    assert len(store.store) == first == 4
    # Other labels for the same statements give the same names.
    data.write_text(
        "@prefix ex: <https://example.org/> .\n"
        'ex:review ex:note _:n1 . _:n1 ex:by _:who . _:who ex:name "审计组" .\n'
        '_:n1 ex:text "抽查 12 家卫生院" .\n',
        encoding="utf-8",
    )
    store.load_rdf(data)
    assert len(store.store) == 4


def test_issue15_a_corrected_copy_replaces_the_old_document(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.load_extraction(extract_text(DOC, "budgets/anping.txt"))
    graphs = store.graphs()
    count = store.count()
    # A CRLF copy is the same document: the same graphs, nothing added.
    store.load_extraction(extract_text(DOC.replace("\n", "\r\n"), "budgets/anping.txt"))
    assert store.graphs() == graphs and store.count() == count
    # A one-character correction of the same file replaces it.
    store.load_extraction(extract_text(DOC.replace("≥98%", "≥99%"), "budgets/anping.txt"))
    assert len(store.graphs()) == len(graphs) and store.graphs() != graphs
    values = {
        str(row["v"].value)
        for row in store.query(
            "SELECT ?v WHERE { ?t <https://w3id.org/pikg/ontology#valueWritten> ?v }"
        )
    }
    assert "99" in values and "98" not in values
    # Another document of the same department and year, with another file name, stays.
    store.load_extraction(extract_text(DOC.replace("≥30台", "≥40台"), "budgets/anping-2.txt"))
    assert len(store.graphs()) == 2 * len(graphs)
