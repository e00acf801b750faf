"""The README documents every command and option the CLI has (issue 9)."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from pikg.cli import app

from .conftest import ROOT


def _commands() -> dict[str, Any]:
    """Every command by its full name (``concepts build``), walking sub-groups."""
    found: dict[str, Any] = {}

    def walk(prefix: str, command: Any) -> None:
        for name, sub in command.commands.items():
            full = f"{prefix} {name}".strip()
            if hasattr(sub, "commands"):
                walk(full, sub)
            else:
                found[full] = sub

    walk("", typer.main.get_command(app))
    return found


def undocumented(readme: str) -> list[str]:
    missing = []
    for name, command in sorted(_commands().items()):
        if not re.search(rf"`pikg {re.escape(name)}\b", readme):
            missing.append(f"pikg {name}")
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",) and opt not in readme:
                    missing.append(f"pikg {name} {opt}")
    return missing


def test_every_command_and_option_is_in_the_readme() -> None:
    assert undocumented((ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_a_missing_option_is_caught() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("--satisfaction-floor", "")
    assert "pikg check --satisfaction-floor" in undocumented(readme)
