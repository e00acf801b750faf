"""Scanned PDF pages through Debian's tesseract-ocr with the chi_sim language data."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from pikg.errors import DocumentError
from pikg.reading.extras import needs

LANGUAGES = "chi_sim+eng"
DPI = 300  # tesseract's recommended resolution for body text
TIMEOUT_S = 300
INSTALL = "--ocr needs tesseract: apt-get install tesseract-ocr tesseract-ocr-chi-sim"


@cache
def available() -> bool:
    """Whether tesseract is installed with the Simplified Chinese data."""
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    listed = subprocess.run(
        [binary, "--list-langs"], capture_output=True, text=True, timeout=60, check=False
    )
    return "chi_sim" in (listed.stdout + listed.stderr).split()


def page_text(path: Path, number: int) -> str:
    """The text tesseract reads on page ``number`` (from 1) of a PDF."""
    if not available():
        raise DocumentError(str(path), INSTALL)
    with needs("pdf", str(path)):
        import pypdfium2
    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[number - 1].render(scale=DPI / 72).to_pil()
    finally:
        document.close()
    with tempfile.TemporaryDirectory(prefix="pikg-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        done = subprocess.run(
            ["tesseract", str(png), "stdout", "-l", LANGUAGES, "--psm", "6"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    if done.returncode != 0:
        problem = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise DocumentError(str(path), f"page {number}: tesseract: {problem}")
    return _join_cjk(done.stdout)


def _join_cjk(text: str) -> str:
    """Tesseract puts a space between Chinese characters; the text as printed has none."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
