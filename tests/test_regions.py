from __future__ import annotations

from pikg import resources
from pikg.parsing import regions


def test_issue10_a_countys_townships_read_alone_are_the_tables() -> None:
    """Townships are read county by county, when a text's county is resolved: each county's
    are those of the whole table, streets with their 办/办事处 names too."""
    whole = regions._townships(resources.read_data_lines("townships.tsv"))
    for county in (*sorted(whole)[:3], *sorted(whole)[-3:], "350305", "999999"):
        assert regions.townships(county) == whole.get(county, regions.Townships({}, {}))
    street = next(n for n in regions.townships("350305").by_name if n.endswith("街道"))
    code = regions.townships("350305").by_name[street]
    assert regions.townships("350305").by_name[street + "办事处"] == code
    assert regions.region_name(code) == street and regions.chain(code)[-1] == code
