"""Charts of a comparison with matplotlib, Chinese labels set in a CJK font pikg finds.

The font comes from the ``noto-cjk-sans-otc`` package of the ``compare`` extra, or else from a
CJK font installed on the system; without one, charting refuses rather than draw boxes.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from pikg.errors import UsageError

# Families that cover Simplified Chinese, tried when no packaged font is installed.
SYSTEM_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
MAX_PANELS = 12  # concepts drawn in one figure; more is unreadable


@cache
def cjk_font() -> str:
    """The family name of a font with Chinese glyphs, registered with matplotlib."""
    from matplotlib import font_manager

    try:
        from noto_cjk_sans_otc import FONT_PATH

        font_manager.fontManager.addfont(str(FONT_PATH))
        return str(font_manager.FontProperties(fname=str(FONT_PATH)).get_name())
    except ImportError:
        pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in SYSTEM_CJK:
        if family in installed:
            return family
    raise UsageError("no CJK font found for chart labels: pip install 'pikg[compare]'")


def chart(rows: list[dict[str, Any]], out: Path) -> None:
    """One panel per concept and unit: each target's value by region and year, peers' median."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if isinstance(r.get("value"), float):
            groups[(r.get("concept_label") or "", r.get("unit") or "")].append(r)
    if not groups:
        raise UsageError("nothing to chart: no numeric targets in the comparison")
    panels = sorted(groups)[:MAX_PANELS]
    family = cjk_font()
    with plt.rc_context(
        {"font.family": family, "axes.unicode_minus": False, "svg.hashsalt": "pikg"}
    ):
        height = max(2.5, max(len(groups[p]) for p in panels) * 0.35 + 1.2)
        fig, axes = plt.subplots(len(panels), 1, figsize=(9, height * len(panels)), squeeze=False)
        for ax, panel in zip(axes[:, 0], panels, strict=False):
            items = groups[panel]
            labels = [
                f"{r.get('region') or '—'} {r.get('year') or ''} {r.get('name') or ''}"
                for r in items
            ]
            values = [r["value"] for r in items]
            colours = ["#c0392b" if r.get("outlier") else "#2e86c1" for r in items]
            ax.barh(range(len(items)), values, color=colours)
            ax.set_yticks(range(len(items)), labels=labels, fontsize=8)
            ax.invert_yaxis()
            medians = [r["peer_median"] for r in items if r.get("peer_median") is not None]
            if medians:
                ax.axvline(
                    sorted(medians)[len(medians) // 2],
                    color="#555",
                    linestyle="--",
                    label="同类中位数",
                )
                ax.legend(loc="lower right", fontsize=8)
            ax.set_title(f"{panel[0]}（{panel[1] or '无单位'}）", fontsize=10)
            ax.set_xlabel(f"目标值 {panel[1]}")
        fig.tight_layout()
        metadata = {"Date": None} if out.suffix.lower() == ".svg" else {"Software": None}
        fig.savefig(out, metadata=metadata)
        plt.close(fig)
