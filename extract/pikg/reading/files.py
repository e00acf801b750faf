"""Which files a batch reads: the paths given, a folder standing for every file below it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pikg.errors import DocumentError
from pikg.reading.sidecar import is_sidecar


def walk(paths: Iterable[Path]) -> Iterator[Path | DocumentError]:
    """Each file in name order, hidden ones and sidecars (``DOC.meta.json``) left out; a path that cannot be read is yielded as
    the error that names it, so the batch goes on."""
    for path in paths:
        if path.is_dir():
            yield from _below(path)
        elif path.exists():
            yield path
        else:
            yield DocumentError(str(path), "no such file")


def _below(folder: Path) -> Iterator[Path | DocumentError]:
    """The files below ``folder`` in name order, and each subfolder that cannot be listed
    (Path.rglob skips those silently)."""
    found: list[tuple[str, Path | DocumentError]] = []

    def unreadable(exc: OSError) -> None:
        name = exc.filename or str(folder)
        found.append((str(name), DocumentError(str(name), f"cannot be listed ({exc.strerror})")))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            child = Path(root) / name
            if not name.startswith(".") and not is_sidecar(child):
                found.append((str(child), child))
    for _, item in sorted(found, key=lambda pair: Path(pair[0]).parts):
        yield item
