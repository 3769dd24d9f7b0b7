"""Contacts sheets read for form: headers in both languages, roles, phones, accounts, duplicates."""

from __future__ import annotations

import pytest

from bot.domain.roster import (
    RosterError,
    RosterRow,
    column_of,
    duplicate_problems,
    parse_phone,
    parse_role,
    parse_telegram,
    parse_wecom,
    read_roster,
)
from bot.i18n import Translator

EN = Translator("en")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("单位", "unit"),
        ("单位名称", "unit"),
        ("Unit", "unit"),
        ("角色", "role"),
        ("姓名", "name"),
        ("联系人", "name"),
        ("手机号码", "phone"),
        ("联系人电话", "phone"),
        ("企业微信账号（userid）", "wecom"),
        ("WeCom userid", "wecom"),
        ("Telegram账号", "telegram"),
        ("备注", None),
        ("", None),
    ],
)
def test_header_words(header: str, column: str | None) -> None:
    assert column_of(header) == column


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0745-2345678", "0745-2345678"),
        ("07452345678", "0745-2345678"),
        ("（0745）2345678", "0745-2345678"),
        ("010-12345678", "010-12345678"),
        ("0745-2345678转123", "0745-2345678转123"),
        ("12800138000", None),  # no mobile prefix 12
        ("1380013800", None),  # ten digits
        ("2345678", None),  # a landline without its area code
        ("电话", None),
    ],
)
def test_phones(raw: str, phone: str | None) -> None:
    assert parse_phone(raw) == phone


def test_roles_and_accounts() -> None:
    assert [parse_role(r) for r in ("联络员", "Leader", "分管领导", "秘书组", "局长")] == [
        "reporter",
        "leader",
        "leader",
        "secretariat",
        None,
    ]
    assert parse_wecom("Zhang.San@x") == "Zhang.San@x"
    assert parse_wecom("张三") is None
    assert parse_wecom("-abc") is None
    assert [parse_telegram(t) for t in ("@zhang_san", "https://t.me/zhangsan", "123456789")] == [
        "@zhang_san",
        "@zhangsan",
        "123456789",
    ]
    assert parse_telegram("ab") is None


def test_every_problem_of_form_names_its_row() -> None:
    rows = [
        ["青溪县联系人名单"],  # a title above the header
        ["单位", "角色", "姓名", "手机", "企业微信账号", "Telegram"],
        ["县教育局", "联络员", "张三", "13800138000", "zhangsan", ""],
        ["", "", "", "", "", ""],  # blank rows are skipped
        ["县教育局", "", "李四", "", "", ""],
        ["县教育局", "局长", "王五", "", "", ""],
        ["", "领导", "赵六", "", "", ""],
        ["县财政局", "联络员", "钱七", "12345", "钱七", "ab"],
        ["", "秘书组", "周八", "", "", ""],  # the secretariat has no unit
    ]
    people, problems = read_roster(rows)
    assert [p.line for p in people] == [3, 5, 6, 7, 8, 9]
    assert [p.line for p in people if p.ok] == [3, 9]
    assert people[0] == RosterRow(3, "县教育局", "reporter", "张三", "13800138000", "zhangsan", "")
    texts = [EN.render(p) for p in problems]
    assert texts[0] == "Row 5: the role is missing."
    assert texts[1].startswith("Row 6: the role “局长” is not one of")
    assert texts[2] == "Row 7: the unit is missing."
    assert [t.split(":")[0] for t in texts[3:]] == ["Row 8"] * 3  # phone, userid, Telegram
    assert "12345" in texts[3]


def test_a_sheet_without_its_header_is_refused() -> None:
    with pytest.raises(RosterError):
        read_roster([["姓名", "手机"], ["张三", "13800138000"]])


def test_duplicates_by_account_phone_and_name() -> None:
    people = [
        RosterRow(2, "县教育局", "reporter", "张三", "13800138000", "zhangsan", ""),
        RosterRow(3, "教育局", "leader", "张三", "", "", ""),  # the same unit by another name
        RosterRow(4, "县财政局", "reporter", "李四", "13800138000", "", ""),
        RosterRow(5, "县财政局", "leader", "王五", "", "ZhangSan", ""),
        RosterRow(6, "县财政局", "leader", "赵六", "", "", "@zhao"),
        RosterRow(7, "县人社局", "leader", "孙七", "", "", "@Zhao"),
        RosterRow(8, "县人社局", "reporter", "张三", "", "", ""),  # another 张三, another unit
    ]
    units = {2: "县教育局", 3: "县教育局", 4: "县财政局", 5: "县财政局", 6: "县财政局"}
    units |= {7: "县人社局", 8: "县人社局"}
    texts = [EN.render(p) for p in duplicate_problems(people, units)]
    assert texts == [
        "Row 3: 张三 of 县教育局 is already on row 2.",
        "Row 4: the phone 13800138000 is already on row 2.",
        "Row 5: the WeCom account ZhangSan is already on row 2.",
        "Row 7: the Telegram account @Zhao is already on row 6.",
    ]
