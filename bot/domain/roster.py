"""Contacts sheets (联系人名单): header words, roles, phone numbers and chat accounts, checked.

Pure: rows of cells in, checked rows and row-numbered problems out. Headers may be Chinese or
English (单位/unit, 角色/role, 姓名/name, 手机/phone, 企业微信账号/userid, Telegram); roles may be
written 联络员/领导/秘书组 or reporter/leader/secretariat. Resolving units and finding people
already bound is the service's part.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.messages import N_, Message, msg
from bot.domain.text import squeeze

COLUMNS = ("unit", "role", "name", "phone", "wecom", "telegram")
# Checked in this order, first hit wins: "联系人电话" is a phone, "Telegram账号" not a WeCom one.
_HEADER_WORDS = (
    ("phone", ("手机", "电话", "联系方式", "phone", "mobile")),
    ("telegram", ("telegram", "电报", "tg")),
    ("wecom", ("企业微信", "企微", "政务微信", "userid", "wecom", "账号", "帐号")),
    ("role", ("角色", "身份", "职责", "类别", "role")),
    ("unit", ("单位", "部门", "unit")),
    ("name", ("姓名", "名字", "联系人", "name")),
)
ROLE_WORDS = {
    "reporter": ("reporter", "联络员", "聯絡員", "信息员", "报送人", "填报人"),
    "leader": ("leader", "领导", "領導", "分管领导", "主要领导", "负责人"),
    "secretariat": ("secretariat", "秘书组", "秘書組", "秘书", "管理员"),
}
_ROLE_STEMS = (
    ("领导", "leader"),
    ("領導", "leader"),
    ("联络", "reporter"),
    ("秘书", "secretariat"),
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
# area codes: 010 and 020–029 have three digits, the others four (0745)
_LANDLINE = re.compile(
    r"(0[12]\d|0[3-9]\d{2})-?([1-9]\d{6,7})(?:(?:转|-|ext\.?|x)(\d{1,6}))?", re.IGNORECASE
)
_WECOM_USERID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}")
_TELEGRAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_TELEGRAM_LINK = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/", re.IGNORECASE)
HEADER_SEARCH_ROWS = 10


class RosterError(Exception):
    """The sheet as a whole cannot be read (no header row); ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One person of the sheet, checked for form; ``line`` is the row number a reader sees."""

    line: int
    unit: str
    role: str  # reporter | leader | secretariat ("" when not understood)
    name: str
    phone: str
    wecom: str  # a WeCom userid, or ""
    telegram: str  # "@username", a numeric id, or ""
    ok: bool = True  # False: the row has problems of form (its unit is still checked)


def column_of(header: str) -> str | None:
    """Which column a header cell names, if any."""
    cell = re.sub(r"[\s（）()/:：_\-]", "", unicodedata.normalize("NFKC", header)).lower()
    if not cell:
        return None
    for column, words in _HEADER_WORDS:
        if any(word in cell for word in words):
            return column
    return None


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row's index and column → cell index; the first row naming unit and role."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for position, cell in enumerate(row):
            column = column_of(cell)
            if column is not None and column not in mapping:
                mapping[column] = position
        if "unit" in mapping and "role" in mapping:
            return index, mapping
    raise RosterError(
        msg(
            N_(
                "No header row with the columns 单位 (unit) and 角色 (role) was found in the "
                "first {count} rows; add one (also 姓名, 手机, 企业微信账号, Telegram as known)."
            ),
            count=HEADER_SEARCH_ROWS,
        )
    )


def parse_role(value: str) -> str | None:
    """``reporter``/``leader``/``secretariat`` for a role written in either language."""
    word = re.sub(r"\s", "", unicodedata.normalize("NFKC", value)).lower()
    for role, words in ROLE_WORDS.items():
        if word in words:
            return role
    return next((role for stem, role in _ROLE_STEMS if stem in word), None)


def parse_phone(value: str) -> str | None:
    """A mainland mobile (``13800138000``) or a landline with its area code (``0745-2345678``)."""
    text = re.sub(r"[\s()（）—–]", "", unicodedata.normalize("NFKC", value))
    digits = re.sub(r"^(?:\+?86|0086)(?=1\d{10}$)", "", text.replace("-", ""))
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(text)
    if landline is None:
        return None
    area, number, extension = landline.groups()
    return f"{area}-{number}" + (f"转{extension}" if extension else "")


def parse_wecom(value: str) -> str | None:
    """A WeCom userid: letters, digits and ``_-@.``, starting with a letter or digit, ≤ 64."""
    text = value.strip()
    return text if _WECOM_USERID.fullmatch(text) else None


def parse_telegram(value: str) -> str | None:
    """``@username`` (also written bare or as a t.me link) or a numeric user id."""
    text = _TELEGRAM_LINK.sub("", value.strip()).lstrip("@").rstrip("/")
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**53:
        return text
    return f"@{text}" if _TELEGRAM_NAME.fullmatch(text) else None


def _cell(row: list[str], mapping: dict[str, int], column: str) -> str:
    position = mapping.get(column)
    if position is None or position >= len(row):
        return ""
    return squeeze(str(row[position] or ""))


def read_roster(rows: list[list[str]]) -> tuple[list[RosterRow], list[Message]]:
    """The sheet's people and every problem of form, each naming its row.

    A row with problems is kept (``ok`` False) so that its unit and duplicates are checked
    too: the reader sees every problem of the sheet at once.
    """
    header, mapping = find_header(rows)
    people: list[RosterRow] = []
    problems: list[Message] = []
    for index in range(header + 1, len(rows)):
        row, line = rows[index], index + 1
        values = {column: _cell(row, mapping, column) for column in COLUMNS}
        if not any(values.values()):
            continue
        found = len(problems)
        role = parse_role(values["role"]) if values["role"] else None
        if not values["role"]:
            problems.append(msg(N_("Row {row}: the role is missing."), row=line))
        elif role is None:
            problems.append(
                msg(
                    N_(
                        "Row {row}: the role “{role}” is not one of 联络员 (reporter), "
                        "领导 (leader), 秘书组 (secretariat)."
                    ),
                    row=line,
                    role=values["role"],
                )
            )
        if not values["unit"] and role != "secretariat":
            problems.append(msg(N_("Row {row}: the unit is missing."), row=line))
        phone = parse_phone(values["phone"]) if values["phone"] else ""
        if phone is None:
            problems.append(
                msg(
                    N_(
                        "Row {row}: the phone “{phone}” is neither a mainland mobile number "
                        "(11 digits from 13…19) nor a landline with its area code (0745-2345678)."
                    ),
                    row=line,
                    phone=values["phone"],
                )
            )
        wecom = parse_wecom(values["wecom"]) if values["wecom"] else ""
        if wecom is None:
            problems.append(
                msg(
                    N_(
                        "Row {row}: “{account}” is not a WeCom userid (letters, digits and "
                        "_-@. only, at most 64)."
                    ),
                    row=line,
                    account=values["wecom"],
                )
            )
        telegram = parse_telegram(values["telegram"]) if values["telegram"] else ""
        if telegram is None:
            problems.append(
                msg(
                    N_("Row {row}: “{account}” is not a Telegram username (@name) or user id."),
                    row=line,
                    account=values["telegram"],
                )
            )
        people.append(
            RosterRow(
                line,
                values["unit"],
                role or "",
                values["name"],
                phone or "",
                wecom or "",
                telegram or "",
                ok=len(problems) == found,
            )
        )
    return people, problems


def duplicate_problems(people: list[RosterRow], units: dict[int, str]) -> list[Message]:
    """The same person twice in the sheet: by account, by phone, or by name within a unit.

    ``units`` maps a row's line to the unit it resolved to, so 教育局 and 县教育局 agree.
    """
    problems: list[Message] = []
    seen: dict[tuple[str, str], int] = {}
    for person in people:
        keys = [
            ("wecom", person.wecom.lower()),
            ("telegram", person.telegram.lower()),
            ("phone", person.phone),
            ("name", f"{units.get(person.line, person.unit)}\x00{person.name}"),
        ]
        for kind, value in keys:
            if not value or (kind == "name" and not person.name):
                continue
            other = seen.setdefault((kind, value), person.line)
            if other != person.line:
                problems.append(_duplicate(kind, person, other, units))
                break
    return problems


def _duplicate(kind: str, person: RosterRow, other: int, units: dict[int, str]) -> Message:
    if kind == "wecom":
        return msg(
            N_("Row {row}: the WeCom account {account} is already on row {other}."),
            row=person.line,
            account=person.wecom,
            other=other,
        )
    if kind == "telegram":
        return msg(
            N_("Row {row}: the Telegram account {account} is already on row {other}."),
            row=person.line,
            account=person.telegram,
            other=other,
        )
    if kind == "phone":
        return msg(
            N_("Row {row}: the phone {phone} is already on row {other}."),
            row=person.line,
            phone=person.phone,
            other=other,
        )
    return msg(
        N_("Row {row}: {name} of {unit} is already on row {other}."),
        row=person.line,
        name=person.name,
        unit=units.get(person.line, person.unit) or "—",
        other=other,
    )
