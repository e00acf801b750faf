"""A load that wrote many new documents with the bulk loader compacts the store when it
flushes (issue 12: every seek of a named query looked into each file the bulk loader had
added beside the store's); a small one leaves the store as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pikg import extract_file
from pikg.storage import store as stores
from pikg.storage.store import Store, document_graphs

from .conftest import EXAMPLES


def _files(folder: Path) -> int:
    return len(list(folder.glob("*.sst")))


def test_issue12_a_big_bulk_load_is_compacted_on_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stores, "COMPACT_AFTER_DOCUMENTS", 3)
    store = Store(tmp_path / "store")
    docs = [document_graphs(extract_file(p)) for p in sorted(EXAMPLES.glob("*.txt"))[:4]]
    store.load_new_documents(docs[:1])
    store.flush()  # one document: below the setting
    assert store.bulk_loaded == 1
    for doc in docs[1:]:  # a bulk load each, each adding its own files
        store.load_new_documents([doc])
    before, triples = _files(tmp_path / "store"), store.count()
    store.flush()
    assert store.bulk_loaded == 0
    assert _files(tmp_path / "store") < before
    assert store.count() == triples
