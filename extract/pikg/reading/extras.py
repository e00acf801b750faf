"""Optional dependencies: a missing one is a one-line message naming the extra to install."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pikg.errors import DocumentError


@contextmanager
def needs(extra: str, path: str) -> Iterator[None]:
    """Import a reader's library inside this block; if it is absent, name ``pikg[extra]``."""
    try:
        yield
    except ImportError as exc:
        raise DocumentError(
            path, f"reading it needs the {extra} extra: pip install 'pikg[{extra}]' ({exc.name})"
        ) from exc
