"""Every table layout read from every file format gives the same rows (issue 13).

Each case folder in tests/formats/ holds ``document.json`` (the document: paragraphs and
tables with merged cells, see ``tests/formats/build.py``), ``expected.jsonl`` (its rows) and
``facts.json`` (department, year, projects; ``pdf_pages``: the pages the PDF's rows are on;
``doc``: also read as an old Word file; ``pdf_word``: also as Word printed to PDF by
LibreOffice). The test writes the document in each format with the format's own library
and reads it back through ``extract_file``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pikg.model import Extraction
from pikg.parsing.pipeline import extract_file

from .formats.build import BUILDERS, NEEDS_OFFICE, SUFFIX, office

CASES_DIR = Path(__file__).resolve().parent / "formats"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "document.json").is_file())
FORMATS = [f for f in BUILDERS if f not in NEEDS_OFFICE]
READ_AS = {"html-utf8": "html", "html-gbk": "html", "pdf-word": "pdf"}


def _load(case: str) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    folder = CASES_DIR / case
    spec = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    lines = (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    return spec, [json.loads(line) for line in lines if line.strip()], facts


def _extract(case: str, fmt: str, folder: Path) -> Extraction:
    spec, _, _ = _load(case)
    path = folder / f"{case}.{SUFFIX.get(fmt, fmt)}"
    BUILDERS[fmt](spec, path)
    return extract_file(path)


def _check(result: Extraction, case: str, fmt: str) -> None:
    _, expected, facts = _load(case)
    assert len(result.rows) == len(expected), [row.name for row in result.rows]
    got = [
        {k: row.to_dict()[k] for k in want} for row, want in zip(result.rows, expected, strict=True)
    ]
    assert got == expected, result.doc
    assert result.unparsed == []
    assert (result.facts.department, result.facts.year) == (facts["department"], facts["year"])
    assert [p.name for p in result.projects] == facts["projects"]
    assert result.format == READ_AS.get(fmt, fmt)
    assert all(row.table is not None for row in result.rows)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_issue13_layout_read_from_format(case: str, fmt: str, tmp_path: Path) -> None:
    result = _extract(case, fmt, tmp_path)
    _check(result, case, fmt)
    facts = _load(case)[2]
    if fmt in ("xlsx", "xls"):
        assert all(row.sheet == "绩效目标表" and row.cells for row in result.rows)
    if fmt == "pdf":
        pages = [row.page or 0 for row in result.rows]
        assert pages == sorted(pages) and all(pages)
        if "pdf_pages" in facts:
            assert sorted(set(pages)) == facts["pdf_pages"]


@pytest.mark.skipif(office() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("case", [c for c in CASES if _load(c)[2].get("doc")])
def test_issue13_old_word_through_libreoffice(case: str, tmp_path: Path) -> None:
    _check(_extract(case, "doc", tmp_path), case, "doc")


@pytest.mark.skipif(office() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("case", [c for c in CASES if _load(c)[2].get("pdf_word")])
def test_issue13_pdf_printed_from_word(case: str, tmp_path: Path) -> None:
    """The Word file printed to PDF by LibreOffice: Word's own column widths wrap the
    cells over several lines, and the header is not repeated on the next page."""
    _check(_extract(case, "pdf-word", tmp_path), case, "pdf-word")


def test_issue13_split_table_header_once(tmp_path: Path) -> None:
    """The header row reportlab repeats on the second page is dropped when the parts join."""
    result = _extract("merged_levels_split", "pdf", tmp_path)
    from pikg.reading.formats import read_document

    text = read_document(tmp_path / "merged_levels_split.pdf").original
    assert text.count("一级指标 | 二级指标 | 三级指标 | 指标值") == 1
    assert {row.table for row in result.rows} == {1}


@pytest.mark.skipif(office() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("case", [c for c in CASES if _load(c)[2].get("pdf_word_cut")])
def test_issue13_row_cut_by_page_break_printed_from_word(case: str, tmp_path: Path) -> None:
    """The name ``pdf_word_cut`` is printed in parts on two pages (the page break cut its
    row, the header row repeated above the rest) and read as one row of the first page."""
    import pdfplumber

    result = _extract(case, "pdf-word", tmp_path)
    name = _load(case)[2]["pdf_word_cut"]
    with pdfplumber.open(tmp_path / f"{case}.pdf") as printed:
        pages = [page.extract_text().replace("\n", "") for page in printed.pages]
    assert len(pages) == 2 and all("一级指标" in page and name not in page for page in pages)
    row = next(row for row in result.rows if row.name == name)
    assert row.page == 1
    _check(result, case, "pdf-word")


@pytest.mark.skipif(office() is None, reason="LibreOffice (soffice) is not installed")
def test_issue13_paragraph_cut_by_page_break_printed_from_word(tmp_path: Path) -> None:
    """A paragraph the page's foot cuts goes on at the top of the next page as one line."""
    import pdfplumber

    from pikg.reading.formats import read_document

    from .formats.build import pdf_word

    done = "某某县农业农村局按照年度计划组织实施高标准农田建设任务。"
    part = (
        "实施后预计新增和改善灌溉面积3.2万亩，农田灌溉水有效利用系数提高到0.58以上，"
        "项目区粮食综合生产能力每亩提高100公斤，受益农户满意度达到90%以上，"
        "工程运行管护机制健全，资金使用合规率100%"
    )
    cut = f"一期工程{part}，二期工程{part}，为全县现代农业发展提供坚实的水利保障。"
    spec = {"blocks": [{"p": f"第{i}条 {done}"} for i in range(1, 24)] + [{"p": cut}]}
    pdf_word(spec, tmp_path / "cut.pdf")
    with pdfplumber.open(tmp_path / "cut.pdf") as printed:
        first = printed.pages[0].extract_text().replace("\n", "")
    assert cut[:20] in first and cut[-20:] not in first  # the page break falls inside it
    assert read_document(tmp_path / "cut.pdf").original.splitlines()[-1] == cut
