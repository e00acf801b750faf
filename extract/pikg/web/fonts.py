"""The CJK font the pages are set in, served at /static/ so they read on any machine.

Noto Sans CJK comes from PyPI (``noto-cjk-sans-otc``, SIL Open Font License 1.1) as an
OpenType collection. Browsers take the first face of a collection, which is the Japanese
one, so the Simplified Chinese face is cut out of it once with fontTools and kept in memory.
Where the package is missing the pages fall back to the system's fonts.
"""

from __future__ import annotations

import io
from functools import cache

FAMILY = "Noto Sans CJK SC"  # the face taken from the collection
FONT_NAME = "NotoSansCJKsc-Regular.otf"
FONT_URL = f"/static/{FONT_NAME}"


@cache
def font_file() -> bytes | None:
    """The Simplified Chinese face as an OpenType font, or None without the font package."""
    try:
        from fontTools.ttLib import TTCollection
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    with FONT_PATH.open("rb") as handle:
        collection = TTCollection(handle)
        face = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
        out = io.BytesIO()
        face.save(out)
    return out.getvalue()
