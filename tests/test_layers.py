"""The package shows its pipeline: each stage imports only the stages before it (issue 9)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pikg

from .conftest import ROOT

PACKAGE = ROOT / "extract" / "pikg"
# The order data flows in; a module may import its own stage and any stage to its left.
STAGES = ("reading", "parsing", "graph", "checking", "storage", "comparing", "web")
BASE = {"errors", "model", "namespace", "resources", "data"}  # what every stage may use
TOP = {
    "api",
    "batch",
    "output",
    "cli",
    "__main__",
    "__init__",
}  # the public surface, above every stage


def _rank(module: str) -> int:
    head = module.split(".")[0]
    if head in BASE:
        return -1
    if head in STAGES:
        return STAGES.index(head)
    return len(STAGES)  # api, cli


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pikg"):
            parts = node.module.split(".")[1:]
            if parts:
                found.add(".".join(parts))
            else:  # from pikg import x
                found.update(alias.name for alias in node.names if alias.name != "__version__")
        elif isinstance(node, ast.Import):
            found.update(a.name[5:] for a in node.names if a.name.startswith("pikg."))
    return found


def wrong_way_imports(package: Path) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package).with_suffix("").as_posix().replace("/", ".")
        here = _rank(module)
        if module.split(".")[0] in TOP:
            continue
        for imported in sorted(_imports(path)):
            if _rank(imported) > here:
                problems.append(f"{module} imports {imported}")
    return problems


def test_every_stage_imports_only_earlier_stages() -> None:
    assert wrong_way_imports(PACKAGE) == []


def test_a_wrong_way_import_is_caught(tmp_path: Path) -> None:
    (tmp_path / "parsing").mkdir()
    (tmp_path / "parsing" / "rows.py").write_text("from pikg.storage.store import Store\n")
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "iris.py").write_text("from pikg.parsing import targets\n")
    assert wrong_way_imports(tmp_path) == ["parsing.rows imports storage.store"]


def test_every_module_belongs_to_a_stage() -> None:
    heads = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")}
    assert heads <= set(STAGES) | BASE | TOP


def test_the_suite_imports_the_working_tree() -> None:
    """An installed copy would let a broken source pass: the tests must run this checkout."""
    assert Path(pikg.__file__).resolve().parent == PACKAGE.resolve()


def test_import_loads_neither_jieba_nor_pyshacl() -> None:
    code = "import sys, pikg, pikg.cli; print(sorted(m for m in ('jieba', 'pyshacl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
