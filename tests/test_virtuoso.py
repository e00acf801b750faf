"""Publishing to a real Virtuoso (Debian's virtuoso-opensource), started by the test on
127.0.0.1 with a database of its own; skipped where Virtuoso is not installed (issue 16.4)."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from pikg import extract_file
from pikg.storage.publish import publish
from pikg.storage.remote import query as remote_query
from pikg.storage.sparql import named, run_on_store
from pikg.storage.store import Store

from .conftest import EXAMPLES
from .test_remote import _free_port

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
Charset = UTF-8
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    db = tmp_path_factory.mktemp("virtuoso")
    sql, http = _free_port(), _free_port()
    (db / "virtuoso.ini").write_text(INI.format(db=db, sql=sql, http=http), encoding="utf-8")
    proc = subprocess.Popen(
        [server, "-f", "-c", str(db / "virtuoso.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"virtuoso did not start: {(db / 'virtuoso.log').read_text()[-500:]}")
            time.sleep(0.5)
    # Virtuoso's anonymous SPARQL user may only read until it is granted updates, the setup
    # its documentation gives for the Graph Store Protocol without authentication.
    subprocess.run(
        [isql, str(sql), "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
        check=True,
        capture_output=True,
    )
    yield base
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def local() -> Store:
    store = Store()
    store.load_vocabulary()
    for path in sorted(EXAMPLES.glob("*.txt"))[:3]:
        store.load_extraction(extract_file(path))
    return store


def test_issue16_publish_to_virtuoso_by_its_base_url(virtuoso: str, local: Store) -> None:
    first = publish(local, virtuoso)
    second = publish(local, virtuoso)
    assert first.service.kind == "virtuoso"
    assert first.service.store_url == f"{virtuoso}/sparql-graph-crud"
    assert first.graphs == second.graphs
    assert first.remote_triples == second.remote_triples == first.triples > 0


def test_issue16_a_named_query_on_virtuoso_gives_the_local_rows(
    virtuoso: str, local: Store
) -> None:
    publish(local, virtuoso)
    query = named()["documents"].text
    here = run_on_store(local, query)
    there = remote_query(virtuoso, query)
    assert here[0] == there[0]
    assert sorted(map(str, here[1])) == sorted(map(str, there[1])) and here[1]
