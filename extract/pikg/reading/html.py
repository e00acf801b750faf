"""Web pages through lxml: text and tables in order, rowspan/colspan expanded, chrome apart.

The charset comes from the bytes (a BOM) or the page's ``<meta>``, else from the text
decoder's detection (UTF-8, then GB18030, which covers GBK and GB2312). Navigation, banners
and footers are kept out of the rows; their text is on ``Source.chrome`` for document facts.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from pikg.errors import DocumentError
from pikg.reading.decode import decode
from pikg.reading.extras import needs
from pikg.reading.layout import Cell, Layout, Paragraph, Table, grid_from_cells

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn"}
_SKIP = {"script", "style", "noscript", "template", "head", "select", "button", "iframe"}
_CHROME_TAGS = {"nav", "header", "footer", "aside", "menu"}
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|footer|foot|header|topbar|breadcrumbs?|crumbs?|sidebar|"
    r"banner|copyright|toolbar)(?:$|[\s_\-\d])",
    re.I,
)
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "tr", "td", "th", "table", "section", "article", "main", "blockquote", "pre", "form",
    "center", "hr", "caption", "title", "body", "tbody", "thead", "tfoot",
}  # fmt: skip
# A rowspan/colspan beyond this is a page error, not a layout; clamp rather than blow up.
MAX_SPAN = 500


def charset(data: bytes) -> str | None:
    """The encoding a page declares in its first bytes, GBK family widened to GB18030."""
    m = _META_CHARSET.search(data[:8192])
    if m is None:
        return None
    name = m.group(1).decode("ascii").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def page_text(data: bytes, path: str) -> str:
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    declared = None if data.startswith(boms) else charset(data)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a page whose declaration is wrong: detect from the bytes
    return decode(data, path)


def _is_chrome(el: Any) -> bool:
    if el.tag in _CHROME_TAGS:
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''} {el.get('role') or ''}"
    # A block holding a table is content whatever its class says.
    return _CHROME_NAMES.search(names) is not None and not el.xpath("self::table|.//table")


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


def _cell_text(el: Any) -> str:
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in el.iter("p", "div", "li"):
        block.tail = "\n" + (block.tail or "")
    return str(el.text_content())


def _table(el: Any, index: int) -> Table:
    """The grid of a table, its rowspans and colspans expanded."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    rows = el.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            height = min(_span(td.get("rowspan")), len(rows) - r)
            width = _span(td.get("colspan"))
            cells.append(Cell(_cell_text(td), r, c, height, width))
            taken.update((r + i, c + j) for i in range(height) for j in range(width))
            c += width
    return Table(grid_from_cells(cells), index=index)


class _Walker:
    def __init__(self) -> None:
        self.layout = Layout(format="html")
        self.buffer: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if text.strip():
            self.layout.blocks.append(Paragraph(text))

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if _is_chrome(el):
            text = " ".join(" ".join(el.itertext()).split())
            if text:
                self.layout.chrome.append(text)
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            for caption in el.xpath("./caption"):  # often the table's title: a fact source
                self.layout.blocks.append(Paragraph(" ".join(caption.text_content().split())))
            self.layout.blocks.append(_table(el, self.tables))
            self.tables += 1
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.buffer.append(el.text or "")
        for child in el:
            self.walk(child)
            self.buffer.append(child.tail or "")
        if block:
            self.flush()


# <meta> tags that describe the page (a site's ArticleTitle, PubDate, ContentSource, …);
# a description is text, the others fields the document facts read.
_META_SKIP = frozenset({"viewport", "robots", "generator", "renderer", "format-detection"})
_META_TEXT = frozenset({"description"})


def _meta_lines(root: Any) -> list[str]:
    """The page's named <meta> tags as chrome lines, in the ``<meta name content>`` form a
    converted page carries in its text."""
    lines = []
    for meta in root.xpath("//head/meta[@name][@content]"):
        name = str(meta.get("name")).strip()
        content = " ".join(str(meta.get("content")).split())
        if not content or name.lower() in _META_SKIP or not re.fullmatch(r"[A-Za-z]+", name):
            continue
        if name.lower() in _META_TEXT:
            lines.append(content)
        else:
            lines.append(f'<meta name="{name}" content="{content}">')
    return lines


def read(path: Path) -> Layout:
    with needs("html", str(path)):
        import lxml.html
    data = path.read_bytes()
    text = page_text(data, str(path))
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text.lstrip("\ufeff")))
    except Exception as exc:  # lxml raises ParserError or ValueError on pages it cannot parse
        raise DocumentError(str(path), f"not a readable web page ({exc})") from exc
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    walker.layout.chrome.extend(_meta_lines(root))
    # The page title often names department and year; keep it unless the body repeats it.
    title = " ".join(" ".join(str(t.text_content()).split()) for t in root.xpath("//head/title"))
    first = walker.layout.blocks[0] if walker.layout.blocks else None
    if title and not (isinstance(first, Paragraph) and first.text.strip() == title):
        walker.layout.blocks.insert(0, Paragraph(title))
    return walker.layout
