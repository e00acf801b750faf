"""Reading speed of the file formats (issue 13), on documents this script writes itself.

usage: python bench/bench_formats.py [--pages N] [--rows N] [--docs N]
prints: PDF pages/s (reading only, and extraction), XLSX rows/s (reading and extraction), pinned
to one core; and the speed-up of ``jobs=2`` over ``jobs=1`` on a batch of mixed documents. Each
figure by wall time and by CPU time (this process and its workers).
"""

from __future__ import annotations

import argparse
import html
import os
import tempfile
import time
from pathlib import Path

LEVELS = [
    ("产出指标", "数量指标", "培训人次", "≥{n}人次"),
    ("产出指标", "质量指标", "验收合格率", "≥9{d}%"),
    ("产出指标", "时效指标", "完成及时率", "100%"),
    ("效益指标", "社会效益指标", "受益群众人数", "≥{n}人"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥9{d}%"),
]
HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def rows(count: int) -> list[list[str]]:
    out = []
    for i in range(count):
        l1, l2, name, value = LEVELS[i % len(LEVELS)]
        out.append([l1, l2, f"{name}{i}", value.format(n=100 + i, d=i % 10)])
    return out


def title(i: int) -> list[str]:
    return [f"某某县第{i}局2025年项目支出绩效目标表", f"项目名称：第{i}号民生项目"]


def write_xlsx(path: Path, body: list[list[str]], i: int = 0) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in [[t] for t in title(i)] + [HEADER] + body:
        sheet.append(line)
    book.save(path)


def write_docx(path: Path, body: list[list[str]], i: int = 0) -> None:
    import docx

    document = docx.Document()
    for text in title(i):
        document.add_paragraph(text)
    table = document.add_table(rows=len(body) + 1, cols=4)
    for r, line in enumerate([HEADER, *body]):
        for c, text in enumerate(line):
            table.cell(r, c).text = text
    document.save(str(path))


def write_html(path: Path, body: list[list[str]], i: int = 0) -> None:
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(t)}</td>" for t in line) + "</tr>"
        for line in [HEADER, *body]
    )
    paragraphs = "".join(f"<p>{t}</p>" for t in title(i))
    page = f'<html><head><meta charset="gbk"></head><body>{paragraphs}<table>{cells}</table></body></html>'
    path.write_bytes(page.encode("gbk"))


def write_pdf(path: Path, body: list[list[str]], i: int = 0) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=9, leading=12)
    story = [Paragraph(t, style) for t in title(i)]
    grid = [[Paragraph(t, style) for t in line] for line in [HEADER, *body]]
    story.append(Table(grid, repeatRows=1, style=[("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the batch's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def rate(label: str, count: int, unit: str, action: object) -> float:
    """Run ``action`` once; print its rate by wall time and its CPU time (the machine is
    shared, so wall time alone is inflated by other work)."""
    assert callable(action)
    start, cpu = time.perf_counter(), _cpu()
    action()
    seconds, used = time.perf_counter() - start, _cpu() - cpu
    print(
        f"{label}: {count / seconds:,.1f} {unit}/s wall, {count / used:,.1f} {unit}/s CPU "
        f"({count} {unit} in {seconds:.2f} s wall, {used:.2f} s CPU)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20, help="pages of the PDF")
    parser.add_argument("--rows", type=int, default=2000, help="rows of the workbook")
    parser.add_argument("--docs", type=int, default=200, help="documents of the mixed batch")
    args = parser.parse_args()

    import pdfplumber

    import pikg
    from pikg.parsing.pipeline import extract_file
    from pikg.reading.formats import read_document

    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})  # the single-document figures: one core
    with tempfile.TemporaryDirectory(prefix="pikg-bench-") as tmp:
        folder = Path(tmp)
        pdf = folder / "long.pdf"
        write_pdf(pdf, rows(args.pages * 28))  # about 28 rows a page
        with pdfplumber.open(pdf) as document:
            pages = len(document.pages)
        extract_file(folder / "long.pdf")  # warm-up: imports, dictionaries, ontology
        rate("PDF read", pages, "pages", lambda: read_document(pdf))
        rate("PDF extract", pages, "pages", lambda: extract_file(pdf))

        xlsx = folder / "long.xlsx"
        write_xlsx(xlsx, rows(args.rows))
        rate("XLSX read", args.rows, "rows", lambda: read_document(xlsx))
        rate("XLSX extract", args.rows, "rows", lambda: extract_file(xlsx))

        batch = folder / "batch"
        batch.mkdir()
        writers = [(write_xlsx, "xlsx"), (write_docx, "docx"), (write_html, "html")]
        writers.append((write_pdf, "pdf"))
        for i in range(args.docs):
            writer, suffix = writers[i % len(writers)]
            writer(batch / f"doc{i:03}.{suffix}", rows(25), i)
        os.sched_setaffinity(0, cores)
        print(f"batch of {args.docs} documents (xlsx, docx, html, pdf) on {len(cores)} cores")
        one = rate("batch, jobs=1", args.docs, "documents", lambda: pikg.extract(batch, jobs=1))
        two = rate("batch, jobs=2", args.docs, "documents", lambda: pikg.extract(batch, jobs=2))
        print(f"speed-up of jobs=2: {one / two:.2f}x")


if __name__ == "__main__":
    main()
