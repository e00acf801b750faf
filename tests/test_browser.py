"""Issue 16's acceptance in a real browser: headless Chromium (Debian's ``chromium``) renders
the index, a document, a project, an indicator, a department, the SPARQL page and the ontology
page on a font configuration without any CJK font, and no character on them is a missing
glyph: every character of the page is in the cmap of the font the page loads, and the CJK
text really is drawn with that font (the screenshot changes when web fonts are off). The
screenshots are left in the test's temporary folder for a person to look at."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from html import unescape
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from pikg.web.serve import local

from .webfixtures import NAME, Site, get, site

__all__ = ["site"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("fc-list") is None,
    reason="headless Chromium is not installed (Debian package chromium); .ci/run installs it",
)
CJK_LANGS = ("zh", "ja", "ko")


@pytest.fixture(scope="module")
def no_cjk_fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose fontconfig holds this machine's fonts minus every CJK one."""
    root = tmp_path_factory.mktemp("fonts")
    files = set(_fc_list([]))
    for lang in CJK_LANGS:
        files -= set(_fc_list([f":lang={lang}"]))
    (root / "fonts").mkdir()
    for i, name in enumerate(sorted(files)):
        (root / "fonts" / f"{i}-{Path(name).name}").symlink_to(name)
    conf = root / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{root / 'fonts'}</dir><cachedir>{root / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(root), "FONTCONFIG_FILE": str(conf)}
    for lang in CJK_LANGS:  # the test means something only if no CJK font is left
        assert _fc_list([f":lang={lang}"], env) == []
    return env


def _fc_list(args: list[str], env: dict[str, str] | None = None) -> list[str]:
    out = subprocess.run(
        ["fc-list", *args, "--format", "%{file}\n"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return [line for line in out.stdout.splitlines() if line]


def _chromium(env: dict[str, str], profile: Path, url: str, *mode: str) -> bytes:
    assert CHROMIUM is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
        f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--window-size=1200,1600",
    ]  # fmt: skip
    out = subprocess.run([CHROMIUM, *flags, *mode, url], capture_output=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-2000:]
    return out.stdout


def _characters(dom: str) -> set[str]:
    """Every character a person sees: text, and the values and placeholders of controls."""
    visible = re.sub(r"<(style|script)\b.*?</\1>", " ", dom, flags=re.DOTALL | re.IGNORECASE)
    attrs = re.findall(r'\b(?:placeholder|value)="([^"]*)"', visible)
    text = re.sub(r"<[^>]+>", " ", visible)
    return {c for c in unescape(text + " ".join(attrs)) if not c.isspace()}


def _pages(site: Site) -> dict[str, str]:
    query = urllib.parse.quote(
        "PREFIX pik: <https://w3id.org/pikg/ontology#> SELECT ?name WHERE { ?t pik:indicatorName ?name } LIMIT 20"
    )
    return {
        "index": "/",
        "document": local(site.document),
        "project": local(site.project),
        "indicator": local(site.target),
        "department": local(site.department),
        "sparql": f"/sparql?query={query}",
        "ontology": "/ontology",
    }


def test_pages_render_every_character_with_the_served_font(
    site: Site, no_cjk_fonts: dict[str, str], tmp_path: Path
) -> None:
    """The pages run no script, so the DOM Chromium renders is the HTML served."""
    fonts: dict[str, set[int]] = {}
    for name, path in _pages(site).items():
        url = site.base + path
        shot = tmp_path / f"{name}.png"
        _chromium(no_cjk_fonts, tmp_path / "profile", url, f"--screenshot={shot}")
        assert shot.stat().st_size > 5000, f"{name}: the screenshot is empty"
        dom = get(url, "text/html,*/*;q=0.8")[2]  # as the browser asks
        # The page's font: the one @font-face it declares, fetched as the browser fetched it.
        [font_url] = re.findall(r"@font-face\{[^}]*src:url\(([^)]+)\)", dom)
        if font_url not in fonts:
            with urllib.request.urlopen(site.base + font_url, timeout=30) as response:
                fonts[font_url] = set(TTFont(io.BytesIO(response.read())).getBestCmap())
        assert re.search(r"body[^{]*\{font-family:'pikg CJK'", dom), f"{name}: not set in the font"
        assert "input,button,textarea,select{font:inherit}" in dom  # controls too
        missing = sorted(c for c in _characters(dom) if ord(c) not in fonts[font_url])
        assert missing == [], f"{name}: no glyph for {missing}"
        if name == "project":
            findings = (
                unescape(dom).split("校验发现 · Findings", 1)[1].split("指标 · Indicators")[0]
            )
            assert "Violation" in findings and "satisfaction-upper-bound" in findings
            assert NAME in findings
    # Without web fonts the same page looks different: its CJK came from the served font.
    without = tmp_path / "project-without-web-fonts.png"
    url = site.base + local(site.project)
    _chromium(no_cjk_fonts, tmp_path / "profile", url, "--disable-remote-fonts", f"--screenshot={without}")  # fmt: skip
    assert (tmp_path / "project.png").read_bytes() != without.read_bytes()
