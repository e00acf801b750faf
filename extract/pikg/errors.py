"""One error hierarchy for pikg, and the one table that maps it to exit codes.

Every message is one line naming the file, URL or value at fault; the CLI prints it and exits
with the code of its class. Library callers catch ``PikgError``.
"""

from __future__ import annotations

# Exit codes, the same for every command.
OK = 0  # it ran; findings are results, not failures
FINDINGS = 1  # with --strict (or `validate`): a finding worse than Info
UNREADABLE = 2  # some input could not be read; the rest was processed
USAGE = 3  # the command was asked for something it cannot do
UNAVAILABLE = 4  # a store or endpoint could not be opened or reached


class PikgError(Exception):
    """Base of every error pikg raises on purpose; ``str()`` is one line."""

    exit_code = USAGE


class DocumentError(PikgError):
    """A document pikg cannot read; the message names the file."""

    exit_code = UNREADABLE

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class UsageError(PikgError):
    """An argument or parameter that cannot be used as given."""

    exit_code = USAGE


class QueryError(UsageError):
    """A query that cannot be run as asked."""


class StoreError(PikgError):
    """A store that cannot be opened: missing, locked by another process, or not a store."""

    exit_code = UNAVAILABLE


class EndpointError(PikgError):
    """A remote endpoint that failed or could not be reached; the message names the URL."""

    exit_code = UNAVAILABLE
