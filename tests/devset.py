"""The devset with the sidecars that supply what its excerpts do not say (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

# The facts the devset's gold takes from outside each excerpt (its notes say where): the
# page's address, the platform it is on, the publication date in the URL.
DEVSET_SIDECARS: dict[str, dict[str, object]] = {
    "07_lvliang_nursing-training_2021_selfeval.txt": {"department": "gold"},
    "08_ningde_talent-station_2023_selfeval.txt": {"department": "gold"},
    "12_taizhou-linhai_greening_2024_target.txt": {
        "source_url": "https://www.linhai.gov.cn/art/2024/6/7/art_1229304929_3933549.html",
        "region": "浙江省台州市临海市",
        "published": "2024-06-07",
        "department": "gold",
    },
    "13_wuzhou_unit-budget_2024_prose.txt": {
        "region": "广西壮族自治区梧州市",
        "year": 2024,
        "department": "gold",
    },
}


def devset_with_sidecars(shared: Path, folder: Path) -> Path:
    """A copy of the devset's documents in ``folder`` with a ``DOC.meta.json`` beside each
    document whose gold takes a fact from outside the excerpt."""
    devset = shared / "devset"
    gold = json.loads((devset / "docs_gold.json").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(p.name for p in (devset / "raw").iterdir()):
        (folder / name).write_bytes((devset / "raw" / name).read_bytes())
        if name in DEVSET_SIDECARS:
            meta = {
                k: gold[name]["department"] if v == "gold" else v
                for k, v in DEVSET_SIDECARS[name].items()
            }
            sidecar = folder / (name.removesuffix(".txt") + ".meta.json")
            sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder
