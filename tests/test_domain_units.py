"""Unit-list rules: splitting, level-prefix inheritance, collectives, aliases."""

from __future__ import annotations

import pytest

from bot.domain.units import (
    COLLECTIVE_TOWNSHIPS,
    UnitKind,
    level_prefix,
    resolve_aliases,
    split_units,
    unit_kind,
)


def names(cell: str) -> list[str]:
    return [m.name for m in split_units(cell)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("县发改委、财政局、住建局", ["县发改委", "县财政局", "县住建局"]),
        ("县委编办、人社局", ["县委编办", "县人社局"]),
        ("县委、政府", ["县委", "县政府"]),
        ("各乡镇党委、政府", [COLLECTIVE_TOWNSHIPS]),
        ("县委宣传部，各乡镇党委、政府", ["县委宣传部", COLLECTIVE_TOWNSHIPS]),
        (
            "县委编办、县人社局、县财政局，各县乡镇党委、政府",
            ["县委编办", "县人社局", "县财政局", COLLECTIVE_TOWNSHIPS],
        ),
        ("各乡（镇）党委、乡（镇）人民政府", [COLLECTIVE_TOWNSHIPS]),
        (
            "县自然资源 规划局，县财 政局，县住 建局，各乡 镇党委、 政府",
            ["县自然资源规划局", "县财政局", "县住建局", COLLECTIVE_TOWNSHIPS],
        ),
        ("县公安局、团县委、县妇联", ["县公安局", "团县委", "县妇联"]),
        ("各中小学校、新华书店", ["各中小学校", "新华书店"]),
        ("县教育局、中小学", ["县教育局", "中小学"]),
        ("辰溪县教育局、财政局", ["辰溪县教育局", "辰溪县财政局"]),
        ("县市场监督管理局,县公安局；县民政局", ["县市场监督管理局", "县公安局", "县民政局"]),
        ("市场监督管理局、县公安局", ["市场监督管理局", "县公安局"]),
        ("<p>县公安局、县检察院</p>", ["县公安局", "县检察院"]),
        ("县财政局、县财政局", ["县财政局"]),
        ("县财政局等", ["县财政局"]),
        ("", []),
    ],
)
def test_split_units(cell: str, expected: list[str]) -> None:
    assert names(cell) == expected


def test_a_bare_government_is_never_a_unit_after_a_township_collective() -> None:
    units = names("县委办、县人大办、县政府办，县政协办、县委组织部、县委编办，各乡镇党委、政府")
    assert "政府" not in units
    assert "县政府" not in units
    assert units[-1] == COLLECTIVE_TOWNSHIPS


def test_lead_marker_is_read_and_removed() -> None:
    mentions = split_units("县教育局（牵头）、财政局")
    assert [(m.name, m.marked_lead) for m in mentions] == [("县教育局", True), ("县财政局", False)]


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("县委编办", "县"),
        ("辰溪县教育局", "辰溪县"),
        ("团县委", None),
        ("市场监督管理局", None),
        ("新华书店", None),
        ("县委", "县"),
    ],
)
def test_level_prefix(name: str, prefix: str | None) -> None:
    assert level_prefix(name) == prefix


def test_aliases_map_bare_names_to_the_single_full_name() -> None:
    aliases = resolve_aliases({"教育局", "县教育局", "财政局", "县财政局", "市财政局", "新华书店"})
    assert aliases == {"教育局": "县教育局"}  # 财政局 is ambiguous: county or city


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (COLLECTIVE_TOWNSHIPS, UnitKind.COLLECTIVE),
        ("县委组织部", UnitKind.PARTY),
        ("县教育局", UnitKind.GOVERNMENT),
        ("县中职学校", UnitKind.SCHOOL),
        ("团县委", UnitKind.OTHER),
    ],
)
def test_unit_kind(name: str, kind: UnitKind) -> None:
    assert unit_kind(name) is kind
