"""Old Word files (.doc, .rtf) through LibreOffice's converter to .docx, where installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pikg.errors import DocumentError
from pikg.reading import docx
from pikg.reading.layout import Layout

TIMEOUT_S = 180
INSTALL = "apt-get install libreoffice-writer-nogui"


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path, format: str) -> Layout:
    binary = office()
    if binary is None:
        raise DocumentError(
            str(path), f"is an old Word file (.{format}); reading it needs LibreOffice: {INSTALL}"
        )
    with tempfile.TemporaryDirectory(prefix="pikg-office-") as tmp:
        # A profile of its own, so that runs in parallel (and a desktop LibreOffice) don't clash.
        profile = Path(tmp, "profile").as_uri()
        # The converter names its output after the input's stem, so give it a plain one.
        plain = Path(tmp, f"document.{format}")
        shutil.copyfile(path, plain)
        try:
            done = subprocess.run(
                [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "docx", "--outdir", tmp, str(plain)],
                capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(
                str(path), f"LibreOffice took over {TIMEOUT_S} s to convert it"
            ) from exc
        out = Path(tmp, "document.docx")
        if done.returncode != 0 or not out.exists():
            problem = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise DocumentError(str(path), f"LibreOffice could not convert it: {problem}")
        return docx.read(out, format=format)
