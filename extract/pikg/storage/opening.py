"""Opening a store folder: read-only for readers, so `query`, `release`, `publish` and `serve`
run beside each other and beside one writer; a writer that finds the folder locked is told
which process holds it; a folder that is not a store is never silently made into one."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from pikg.errors import StoreError

# RocksDB writes CURRENT when it creates a database; a folder without it is not a store.
_MARKER = "CURRENT"


def is_store(path: Path) -> bool:
    return (path / _MARKER).is_file()


def open_store(path: Path, *, read_only: bool = False, create: bool = False) -> ox.Store:
    """The pyoxigraph store in ``path``; ``create`` makes a new one where there is none."""
    if not is_store(path):
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path}: is a file, not a store folder")
        if not create:
            raise StoreError(
                f"{path}: no store here (check the --store path; `pikg load` creates a store)"
            )
        if path.is_dir() and any(path.iterdir()):
            raise StoreError(f"{path}: the folder holds other files; give an empty or new folder")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(f"{path}: {lock_holder(path)}") from exc
        raise StoreError(f"{path}: cannot open the store ({str(exc).splitlines()[0]})") from exc


def lock_holder(path: Path) -> str:
    """Which process holds the store's lock, from the kernel's table of file locks (Linux);
    `serve` and `load` are writers, so one of them is usually the holder."""
    try:
        inode = (path / "LOCK").stat().st_ino
        with open("/proc/locks", encoding="ascii") as table:
            for line in table:
                fields = line.split()
                # "1: POSIX ADVISORY WRITE <pid> <major>:<minor>:<inode> <start> <end>"
                if len(fields) >= 6 and fields[5].rsplit(":", 1)[-1] == str(inode):
                    pid = fields[4]
                    return f"locked by process {pid} ({_command(pid)}); stop it or wait for it"
    except OSError:
        pass
    return "locked by another process (a `pikg load` or `pikg serve`?); stop it or wait for it"


def _command(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "command unknown"
    words = [w for w in raw.decode("utf-8", "replace").split("\0") if w]
    # `python -m pikg …` and the `pikg` script both show as their arguments after the program.
    shown = [os.path.basename(words[0]), *words[1:]] if words else []
    return " ".join(" ".join(shown).split())[:120] or "command unknown"
