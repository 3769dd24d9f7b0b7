"""Property-based: arbitrary input either imports or is refused clearly, never crashes."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.deadlines import parse_deadline
from bot.domain.units import split_units
from bot.importers import PlanFileError, read_plan_bytes

PLAN_ALPHABET = st.sampled_from(
    list(
        "|序号目标任务具体要求牵头责任配合单位部门县委政府教育局财政"
        "、，,；;：:（）()①②③ \n\t-1234567890年月底各乡镇党<p>"
    )
)
plan_like = st.text(alphabet=PLAN_ALPHABET, max_size=400)


def _read(data: bytes) -> None:
    try:
        plan = read_plan_bytes(data, name="fuzz.md")
    except PlanFileError as exc:
        assert exc.message.msgid
        return
    assert plan.tasks
    assert len({t.number for t in plan.tasks}) == len(plan.tasks)
    for task in plan.tasks:
        assert all(a.unit for a in task.assignments)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    _read(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    _read(text.encode("utf-8", errors="replace"))  # lone surrogates cannot be encoded


@settings(max_examples=300, deadline=None)
@given(plan_like)
def test_plan_shaped_text(text: str) -> None:
    header = "| 序号 | 目标任务 | 牵头单位 | 责任单位 | 完成时间 |\n"
    _read((header + text).encode())
    _read(text.encode("gb18030"))


@settings(max_examples=300, deadline=None)
@given(plan_like)
def test_unit_cells_and_deadlines(text: str) -> None:
    for mention in split_units(text):
        assert mention.name
        # 、 stands only in the township collective or inside brackets: 各县(市、区)人民政府
        outside = re.sub(r"[（(][^（()）]*[）)]", "", mention.name.replace("各乡镇党委、政府", ""))
        while outside != (inner := re.sub(r"[（(][^（()）]*[）)]", "", outside)):
            outside = inner
        assert "、" not in outside
    parsed, understood = parse_deadline(text)
    assert parsed is None or understood
