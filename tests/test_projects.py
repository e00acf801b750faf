from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from pikg.model import Project
from pikg.parsing.pipeline import _key, _Projects


def _by_scan(names: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """The projects as a scan of every known name in order finds them: the reference."""
    items: dict[str, Project] = {}
    for name, amount in names:
        key = _key(name)
        known = next((k for k in items if key in k or k in key), None)
        if known is None:
            items[key] = Project(name=name, amount=amount)
        elif items[known].amount is None:
            items[known].amount = amount
    return [(p.name, p.amount) for p in items.values()]


@example([("项目", None), ("资金", None), ("项目资金", "5")])  # two known names in a new one
@given(
    st.lists(
        st.tuples(st.text(alphabet="项目资 金", max_size=5), st.sampled_from([None, "1", "2"])),
        max_size=25,
    )
)
def test_issue10_projects_found_through_indexes_as_by_a_scan(
    names: list[tuple[str, str | None]],
) -> None:
    projects = _Projects()
    for name, amount in names:
        projects.add(Project(name=name, amount=amount))
    assert [(p.name, p.amount) for p in projects.items.values()] == _by_scan(names)
