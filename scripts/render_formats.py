"""Render text documents as XLSX, XLS, DOCX, PDF and HTML (UTF-8, GBK) and score them (issue 13).

usage: python -m scripts.render_formats SRC_DIR GOLD.jsonl DOCS_GOLD.json OUT_DIR
       [--layout lines|gold] [--formats xlsx,xls,docx,pdf,html-utf8,html-gbk,pdf-word]

Run from the checkout's root (it writes the files with the test suite's own writers,
``tests/formats/build.py``). Two layouts:

- ``lines``: the text as published: a line with ``|`` or tab separators is a table row (runs of
  them one table, a level cell repeated down its rows merged), any other line a paragraph.
- ``gold``: each project's indicator rows, found in the text through the gold's ``raw``, become
  one real table (一级指标 | 二级指标 | 三级指标 | 指标值, 实际完成值 where the gold has one),
  level cells merged down; the lines they stood on are replaced by it, the rest stays text.

Each format's folder is then read with ``pikg check`` (rows and findings, as the plain-text
scores are taken) and ``pikg extract --summary`` (the document facts) and scored with
``../shared/tools/score.py`` and ``score_docs.py`` against the gold, the rendered file
standing for the text file of the same name. A document with no table is rendered as its
paragraphs alone.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.formats.build import BUILDERS, SUFFIX, convert, office
from tests.formats.build import docx as write_docx

# pdf-word: the Word file printed to PDF by LibreOffice, where it is installed.
FORMATS = ("xlsx", "xls", "docx", "pdf", "html-utf8", "html-gbk") + (
    ("pdf-word",) if office() else ()
)
HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]
_LEVEL_HEADERS = {"一级指标", "二级指标"}
NEUTRAL_CHROME = {
    "nav": '<div class="nav"><a href="/">首页</a> | 政务公开 | 财政预决算</div>',
    "footer": '<div id="footer">版权所有 网站标识码 0000000000</div>',
}


def _merge_down(rows: list[list[str]], columns: list[int]) -> list[list[int]]:
    """Merges for runs of the same text down each of ``columns`` (a level written per row)."""
    merges = []
    for c in columns:
        r = 0
        while r < len(rows):
            end = r
            while (
                end + 1 < len(rows)
                and rows[r][c]
                and rows[end + 1][c] == rows[r][c]
                and (c == columns[0] or rows[end + 1][columns[0]] == rows[r][columns[0]])
            ):
                end += 1
            if end > r:
                merges.append([r, c, end, c])
                for k in range(r + 1, end + 1):
                    rows[k][c] = ""
            r = end + 1
    return merges


def _table(rows: list[list[str]], level_columns: list[int]) -> dict[str, Any]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return {"rows": rows, "merges": _merge_down(rows, level_columns), "header_rows": 1}


def lines_layout(text: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    run: list[list[str]] = []

    def close() -> None:
        if not run:
            return
        header = next((r for r in run if {c.strip() for c in r} >= _LEVEL_HEADERS), None)
        levels = [i for i, c in enumerate(header) if c.strip() in _LEVEL_HEADERS] if header else []
        start = run.index(header) + 1 if header else 0
        body = [list(r) for r in run[start:]]
        table = _table(body, levels) if body and levels else None
        if header is not None and table is not None:
            width = len(table["rows"][0])
            head = [*run[:start]]
            rows = [r + [""] * (width - len(r)) for r in head] + table["rows"]
            merges = [[a + start, b, c + start, d] for a, b, c, d in table["merges"]]
            blocks.append({"table": {"rows": rows, "merges": merges}})
        else:
            blocks.append({"table": _table(run, [])})
        run.clear()

    for line in text.splitlines():
        if not line.strip():
            continue
        if "|" in line or "\t" in line:
            run.append([c.strip() for c in re.split(r"[|\t]", line.rstrip().removesuffix("|"))])
            continue
        close()
        blocks.append({"p": line.strip()})
    close()
    return blocks


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without white space, and the offset in ``text`` of each of its characters."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _target(row: dict[str, Any]) -> str:
    value = row.get("value") or ""
    if row.get("kind") == "text" or not value:
        return value
    # A word that implies the operator (及以上, 前) is not in the gold's fields: write the
    # operator it means instead.
    operator = row.get("operator") or row.get("effective_operator") or ""
    return f"{operator}{value}{row.get('unit') or ''}"


def gold_layout(text: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flat, offset = _squeezed(text)
    found: list[tuple[int, int, dict[str, Any]]] = []
    pos = 0
    for row in rows:
        raw = re.sub(r"\s+", "", row.get("raw") or "")
        at = flat.find(raw, pos) if raw else -1
        if at < 0:
            continue
        found.append((offset[at], offset[at + len(raw) - 1] + 1, row))
        pos = at + len(raw)
    groups: list[list[tuple[int, int, dict[str, Any]]]] = []
    for item in found:
        if groups and groups[-1][-1][2].get("project") == item[2].get("project"):
            groups[-1].append(item)
        else:
            groups.append([item])
    blocks: list[dict[str, Any]] = []
    done = 0
    for group in groups:
        blocks += lines_layout(text[done : group[0][0]])
        actual = any(r.get("actual") for _, _, r in group)
        body = [
            [r.get("level1") or "", r.get("level2") or "", r.get("name") or "", _target(r)]
            + ([r.get("actual") or ""] if actual else [])
            for _, _, r in group
        ]
        table = _table(body, [0, 1])
        table["rows"].insert(0, HEADER + (["实际完成值"] if actual else []))
        table["merges"] = [[a + 1, b, c + 1, d] for a, b, c, d in table["merges"]]
        blocks.append({"table": table})
        done = group[-1][1]
    return blocks + lines_layout(text[done:])


def render(src: Path, gold: Path, out: Path, layout: str, formats: list[str]) -> None:
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            by_doc.setdefault(Path(row["doc"]).name, []).append(row)
    for path in sorted(src.iterdir()):
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            continue  # an empty file is no document in any format
        if layout == "gold":
            spec = {"blocks": gold_layout(text, by_doc.get(path.name, []))}
        else:
            spec = {"blocks": lines_layout(text)}
        spec["html"] = NEUTRAL_CHROME  # the page names no unit: the facts are the body's
        for fmt in formats:
            folder = out / fmt
            folder.mkdir(parents=True, exist_ok=True)
            if fmt == "pdf-word":  # written as .docx here, printed in one run below
                (out / "pdf-word-docx").mkdir(exist_ok=True)
                write_docx(spec, out / "pdf-word-docx" / f"{path.stem}.docx")
            else:
                BUILDERS[fmt](spec, folder / f"{path.stem}.{SUFFIX.get(fmt, fmt)}")
    if "pdf-word" in formats:
        words = sorted((out / "pdf-word-docx").glob("*.docx"))
        convert(words, "pdf", out / "pdf-word")
        shutil.rmtree(out / "pdf-word-docx")
        shutil.rmtree(out / "pdf-word" / "lo-profile", ignore_errors=True)


def _renamed(output: str, src: Path) -> str:
    """The output with each rendered file standing for the text file of its name."""
    names = {p.stem: p.name for p in src.iterdir()}

    def fix(obj: Any) -> Any:
        if isinstance(obj, dict) and "doc" in obj:
            stem = Path(str(obj["doc"])).stem
            obj["doc"] = names.get(stem, obj["doc"])
        return obj

    text = output.strip()
    if text.startswith("["):
        return json.dumps([fix(o) for o in json.loads(text)], ensure_ascii=False)
    return "\n".join(json.dumps(fix(json.loads(x)), ensure_ascii=False) for x in text.splitlines())


def score(src: Path, gold: Path, docs_gold: Path, out: Path, formats: list[str]) -> None:
    pikg = str(Path(sys.executable).with_name("pikg"))
    tools = Path(__file__).resolve().parents[1].parent / "shared" / "tools"
    for fmt in formats:
        folder = out / fmt
        # ``check``, as the plain-text scores are taken: its rows carry their findings (the
        # flags scored), and an unread line is a finding, not a row object the scorer counts.
        rows = subprocess.run(
            [pikg, "check", str(folder), "--format", "jsonl", "--jobs", "1"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        summary = subprocess.run(
            [pikg, "extract", str(folder), "--summary", "--format", "json", "--jobs", "1"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        (out / f"{fmt}.jsonl").write_text(_renamed(rows, src), encoding="utf-8")
        (out / f"{fmt}.docs.json").write_text(_renamed(summary, src), encoding="utf-8")
        scored = subprocess.run(
            [sys.executable, str(tools / "score.py"), str(gold), str(out / f"{fmt}.jsonl")],
            capture_output=True, text=True, check=False,
        ).stdout.splitlines()  # fmt: skip
        facts = subprocess.run(
            [sys.executable, str(tools / "score_docs.py"), str(docs_gold), str(out / f"{fmt}.docs.json")],
            capture_output=True, text=True, check=False,
        ).stdout.splitlines()  # fmt: skip
        print(f"{fmt:10} {scored[0] if scored else '?'}")
        print(f"{'':10} {facts[-1] if facts else '?'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("docs_gold", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--layout", choices=("lines", "gold"), default="lines")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    formats = args.formats.split(",")
    render(args.src, args.gold, args.out, args.layout, formats)
    score(args.src, args.gold, args.docs_gold, args.out, formats)


if __name__ == "__main__":
    main()
