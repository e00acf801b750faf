"""Which files a batch reads: the paths given, a folder standing for every file below it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pikg.errors import DocumentError
from pikg.reading.sidecar import is_sidecar


def walk(paths: Iterable[Path]) -> Iterator[Path | DocumentError]:
    """Each file in name order, hidden ones and sidecars (``DOC.meta.json``) left out; a path that cannot be read is yielded as
    the error that names it, so the batch goes on."""
    for path in paths:
        if path.is_dir():
            try:
                children = sorted(path.rglob("*"))
            except OSError as exc:
                yield DocumentError(str(path), f"cannot be listed ({exc.strerror})")
                continue
            for child in children:
                if (
                    child.is_file()
                    and not is_sidecar(child)
                    and not any(p.startswith(".") for p in child.relative_to(path).parts)
                ):
                    yield child
        elif path.exists():
            yield path
        else:
            yield DocumentError(str(path), "no such file")
