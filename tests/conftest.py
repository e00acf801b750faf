from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("../shared (seed documents and gold rows) is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def scorer(shared: Path) -> ModuleType:
    """The shared scorer, loaded from its file so the test and the tool share one logic."""
    spec = importlib.util.spec_from_file_location(
        "pikg_shared_score", shared / "tools" / "score.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
