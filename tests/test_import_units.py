"""Unit lists as real plans write them (issue 13, classes 6, 7, 10): collectives, brackets,
roles said after the names, spaces and 和 between names, level words alone."""

from __future__ import annotations

import pytest

from bot.domain.units import UnitKind, split_units, unit_kind
from bot.importers.script import Restorer, fold
from bot.importers.statement import read_labelled, read_unlabelled


def names(cell: str) -> list[str]:
    return [m.name for m in split_units(cell)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("各县(市、区)人民政府、县财政局", ["各县(市、区)人民政府", "县财政局"]),
        ("县直相关单位和各乡镇(街道)", ["县直相关单位", "各乡镇(街道)"]),
        (
            "相关乡镇、属地政府、各有关单位、区直各部门",
            ["相关乡镇", "属地政府", "各有关单位", "区直各部门"],
        ),
        ("区教育局、相关乡镇", ["区教育局", "相关乡镇"]),  # never 区相关乡镇
        ("市交通委,各区政府,相关管委会", ["市交通委", "各区政府", "相关管委会"]),
        ("市财政局、宁波电业局", ["市财政局", "宁波电业局"]),  # an enterprise keeps its name
        ("县教育局、各乡镇人民政府、街道办事处", ["县教育局", "各乡镇人民政府", "街道办事处"]),
        ("区发展和改革局、区科技和经信局", ["区发展和改革局", "区科技和经信局"]),
        ("县卫生健康委和县医保局", ["县卫生健康委", "县医保局"]),
        ("和县教育局", ["和县教育局"]),
        ("县教育局 县财政局 县人社局", ["县教育局", "县财政局", "县人社局"]),
        ("县自然资源 规划局，县财 政局", ["县自然资源规划局", "县财政局"]),
        ("县教育局、县", ["县教育局"]),  # a level word alone is no unit
        ("市", []),
    ],
)
def test_split_units_as_real_plans_write_them(cell: str, expected: list[str]) -> None:
    assert names(cell) == expected


def test_roles_said_after_the_names_cover_every_name_since_the_last() -> None:
    mentions = split_units("县教育局、县财政局牵头,各乡镇按职责分工负责,县农业农村局分别牵头")
    assert [(m.name, m.verb, m.separately) for m in mentions] == [
        ("县教育局", "lead", False),
        ("县财政局", "lead", False),
        ("各乡镇", "responsible", False),
        ("县农业农村局", "lead", True),
    ]


@pytest.mark.parametrize(
    "name", ["相关乡镇", "属地政府", "各有关单位", "区直各部门", "县直相关单位", "街道办事处"]
)
def test_generic_words_are_collectives(name: str) -> None:
    assert unit_kind(name) is UnitKind.COLLECTIVE


def test_a_convention_bracket_names_no_unit() -> None:
    statement = read_unlabelled('除注明"分别牵头"外,列第一位的为牵头单位')
    assert statement is not None
    assert (statement.assignments, statement.first_leads) == ([], True)
    assert read_unlabelled("含民办") is None  # one plain name in mid-sentence: no unit list
    assert read_unlabelled("2023年") is None


def test_labelled_values_and_what_is_no_unit() -> None:
    statement = read_labelled(
        "牵头单位:县教育局(联系人:李四,电话:13800000000);配合单位:县财政局、县人社局"
        "(按职责分工负责)(排名不分先后);牵头县领导:王五;完成时限:2024年底",
        bracketed=True,
    )
    assert statement is not None
    assert [(a.unit, a.role.value) for a in statement.assignments] == [
        ("县教育局", "lead"),
        ("县财政局", "cooperating"),
        ("县人社局", "cooperating"),
    ]
    assert (statement.leaders, statement.deadlines) == (["王五"], ["2024年底"])


def test_fields_separated_by_spaces_end_at_a_gap() -> None:
    statement = read_labelled(
        " 牵头领导:王仁洲 责任单位:市交通委 项目责任人:劳可军 配合单位:市公安局、市城管局,各区政府"
        " 鄞州 海曙、江东 合计",
        bracketed=False,
    )
    assert statement is not None
    assert [(a.unit, a.role.value) for a in statement.assignments] == [
        ("市交通委", "responsible"),
        ("市公安局", "cooperating"),
        ("市城管局", "cooperating"),
        ("各区政府", "cooperating"),
    ]
    assert statement.leaders == ["王仁洲"]  # 项目责任人 is a person, but not the leader


def test_traditional_text_folds_and_is_given_back_as_written() -> None:
    written = "牽頭單位:縣教育局;配合單位:县財政局"
    assert fold(written) == "牵头单位:县教育局;配合单位:县财政局"
    restore = Restorer(written)
    assert restore("县教育局") == "縣教育局"
    assert restore("县财政局") == "县財政局"  # as this file wrote it, in both scripts
    assert Restorer("县教育局")("县教育局") == "县教育局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "牵头：县教育局；配合：县财政局、县人社局",
            [("县教育局", "lead"), ("县财政局", "cooperating"), ("县人社局", "cooperating")],
        ),
        (
            "牵头单位为县教育局，配合单位为县财政局",
            [("县教育局", "lead"), ("县财政局", "cooperating")],
        ),
        ("牵头单位：县教育局等10个部门", [("县教育局", "lead")]),
    ],
)
def test_shorter_labels_and_labels_said_with_wei(
    text: str, expected: list[tuple[str, str]]
) -> None:
    statement = read_labelled(text, bracketed=True)
    assert statement is not None
    assert [(a.unit, a.role.value) for a in statement.assignments] == expected


def test_a_sentence_about_responsibility_is_no_label() -> None:
    assert read_labelled("压实主体责任：各乡镇要加强领导", bracketed=True) is None


def test_a_simplified_text_quoting_one_traditional_word_keeps_its_other_names() -> None:
    restore = Restorer("县教育局、县后勤服务中心负责后勤保障工作。" * 4 + "引用：「而後」")
    assert restore("县后勤服务中心") == "县后勤服务中心"
    assert restore("县后勤中心") == "县后勤中心"  # not in the text: left as it is, not 後
