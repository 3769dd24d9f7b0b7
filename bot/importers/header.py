"""A plan table's header row: which column is the number, the task, the units, the deadline.

Columns are named in many ways (重点任务, 重点工作, 工作内容, 任务名称 …). When a table has a
序号 column and a unit column but no column named as the task, the column holding the longest
text is taken as the task, and the guess is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.plan import ROLE_OF_COLUMN, Column
from bot.domain.text import clean_cell, squeeze, strip_tags
from bot.domain.units import looks_like_unit

Row = Sequence[str]

SHEET_MARK = "\x1esheet"  # first cell of the row an .xlsx reader puts before each named sheet

# Checked in this order: 县教育局牵头联络股室 is the liaison column, not the lead column, and
# 责任领导 is a person, not the responsible units.
_HEADER_WORDS: tuple[tuple[Column, tuple[str, ...]], ...] = (
    (Column.LEADER, ("领导",)),
    (Column.LIAISON, ("联络",)),
    (Column.DEADLINE, ("完成时间", "完成时限", "时间节点", "完成期限", "时限", "完成日期")),
    (Column.PROGRESS, ("进展情况", "完成情况", "推进情况", "进展", "进度")),
    (Column.NUMBER, ("序号", "编号")),
    (Column.COOPERATING, ("配合", "协办", "协同")),
    (Column.RESPONSIBLE, ("责任", "主责", "承办")),
    (Column.LEAD, ("牵头",)),
    (
        Column.REQUIREMENTS,
        (
            "具体要求",
            "工作目标",
            "工作措施",
            "具体措施",
            "主要措施",
            "工作要求",
            "任务要求",
            "具体内容",
            "主要内容",
        ),
    ),
    (Column.TITLE, ("任务", "事项", "工作内容", "项目", "内容", "工作", "名称")),
)
_NOT_A_UNIT_COLUMN = ("责任人", "联系人", "电话", "负责人")
_TASK_COLUMNS = {Column.TITLE, Column.REQUIREMENTS}


def column_of(header_cell: str) -> Column | None:
    """Which register column a header cell names, if any."""
    word = squeeze(strip_tags(header_cell)).replace(" ", "")
    if not word or len(word) > 30:
        return None
    if any(n in word for n in _NOT_A_UNIT_COLUMN):
        return None
    for column, keywords in _HEADER_WORDS:
        if any(k in word for k in keywords):
            return column
    return None


def _columns(row: Row) -> dict[int, Column]:
    found: dict[int, Column] = {}
    for index, cell in enumerate(row):
        column = column_of(cell)
        if column is not None and column not in found.values():
            found[index] = column
    return found


def header_map(row: Row) -> dict[int, Column] | None:
    """Column positions if ``row`` is a plan header (序号, a task column and a unit column)."""
    found = _columns(row)
    kinds = set(found.values())
    if Column.NUMBER in kinds and kinds & _TASK_COLUMNS and kinds & set(ROLE_OF_COLUMN):
        return found
    return None


@dataclass(frozen=True, slots=True)
class PartialHeader:
    """A header with 序号 and units but no task column: what it has, in its own words."""

    mapping: dict[int, Column]
    words: list[str]  # every header cell as written


def partial_header(row: Row) -> PartialHeader | None:
    """A header row that lacks only the task column."""
    found = _columns(row)
    kinds = set(found.values())
    if Column.NUMBER in kinds and kinds & set(ROLE_OF_COLUMN) and not kinds & _TASK_COLUMNS:
        return PartialHeader(found, [clean_cell(c) for c in row if clean_cell(c)])
    return None


def number_rows(rows: list[list[str]]) -> list[list[str]]:
    """A table whose header has a task and a unit column but no 序号: a 序号 column is added,
    each row with a task numbered in order (rows with one text are headings, and rows with
    no task continue the one above). Other tables are returned as they are."""
    for index, row in enumerate(rows):
        found = _columns(row)
        kinds = set(found.values())
        if not (kinds & _TASK_COLUMNS and kinds & set(ROLE_OF_COLUMN) and len(found) >= 3):
            continue
        task = next(i for i, c in found.items() if c in _TASK_COLUMNS)
        units = [i for i, c in found.items() if c in ROLE_OF_COLUMN]
        numbered, count, named = [*rows[:index], ["序号", *row]], 0, 0
        for below in rows[index + 1 :]:
            texts = {clean_cell(c) for c in below if clean_cell(c)}
            if task < len(below) and clean_cell(below[task]) and len(texts) > 1:
                count += 1
                numbered.append([str(count), *below])
                named += any(i < len(below) and _names_units(below[i]) for i in units)
            else:
                numbered.append(["", *below])
        # A menu or a layout table has such words too: the rows must name units.
        return numbered if count and named * 2 >= count else rows
    return rows


def _names_units(cell: str) -> bool:
    first = re.split(r"[、,，;；\s]", clean_cell(cell), maxsplit=1)[0]
    return looks_like_unit(first)


def looks_like_header(row: Row) -> bool:
    """A row that starts a table (a 序号/编号 cell among short words), plan or not."""
    cells = [clean_cell(c) for c in row if clean_cell(c)]
    return (
        len(cells) >= 2
        and any(c in ("序号", "编号") for c in cells)
        and all(len(c) <= 12 for c in cells)
    )


def longest_column(header: PartialHeader, rows: Sequence[Row]) -> int | None:
    """The unmapped column with the most text in ``rows``, if it holds text at all."""
    totals: dict[int, int] = {}
    for row in rows[:200]:
        for index, cell in enumerate(row):
            if index not in header.mapping:
                totals[index] = totals.get(index, 0) + len(clean_cell(cell))
    best = max(totals, key=lambda i: (totals[i], -i), default=None)
    return best if best is not None and totals[best] > 0 else None


def complete_header(rows: list[list[str]]) -> tuple[str | None, PartialHeader | None]:
    """Complete a header lacking a task column with the column holding the longest text.

    Returns the guessed column's header words, or the header that could not be completed.
    """
    for index, row in enumerate(rows):
        if header_map(row) is not None:
            return None, None
        partial = partial_header(row)
        if partial is None:
            continue
        best = longest_column(partial, rows[index + 1 :])
        if best is None:
            return None, partial
        mapping = dict(partial.mapping)
        mapping[best] = Column.TITLE
        rows[index] = ["" for _ in row]
        rows.insert(index, _header_row(row, mapping))
        return (clean_cell(row[best]) if best < len(row) else ""), None
    return None, None


_WORDS = {Column.NUMBER: "序号", Column.TITLE: "任务"}


def _header_row(row: Sequence[str], mapping: dict[int, Column]) -> list[str]:
    return [_WORDS.get(mapping[i], row[i]) if i in mapping else "" for i in range(len(row))]


def section_row(cells: list[str], number_cell: str, mapping: dict[int, Column]) -> bool:
    """一 | 经济发展 | (no units): a section row numbered in words above rows numbered 1, 2 …"""
    if not re.match(r"^[（(]?[一二三四五六七八九十]", number_cell):
        return False
    return not any(clean_cell(cells_value(cells, mapping, column)) for column in ROLE_OF_COLUMN)


def cells_value(cells: Sequence[str], mapping: dict[int, Column], column: Column) -> str:
    """The cell of ``column`` in a row, or "" when the row is short."""
    for index, col in mapping.items():
        if col is column:
            return cells[index] if index < len(cells) else ""
    return ""
