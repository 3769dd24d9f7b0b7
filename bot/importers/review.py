"""Reading back our own review sheet (``duban import FILE --review OUT.xlsx``), exactly.

The sheet is recognised by its hidden marker sheet (``bot/domain/review.py``), never by its
looks. Each row is a task; its cells are taken as written: one unit per line, requirements
split on ①②③, deadlines as dates. The 备注 column is the importer's, and is not read. What the
sheet cannot hold is wrong is refused with one sentence naming the row.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from datetime import date, datetime
from typing import Any

from bot.domain.deadlines import deadline_wording, parse_deadline
from bot.domain.messages import N_, msg
from bot.domain.plan import Assignment, ParsedPlan, PlanTask, split_requirements
from bot.domain.review import (
    MARKER,
    MARKER_SHEET,
    ROLE_OF_REVIEW_COLUMN,
    UNIT_SEPARATOR,
    ReviewColumn,
    plan_from_json,
)
from bot.domain.units import UnitKind, unit_kind
from bot.importers.errors import PlanFileError
from bot.importers.office import open_workbook

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def is_review_sheet(data: bytes) -> bool:
    """True when ``data`` is an .xlsx workbook with our hidden marker sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return f'name="{MARKER_SHEET}"' in workbook


def read_review(data: bytes) -> ParsedPlan | None:
    """The plan in our review sheet, or None when ``data`` is not one."""
    if not is_review_sheet(data):
        return None
    book = open_workbook(data)
    if MARKER_SHEET not in book.sheetnames or book[MARKER_SHEET]["A1"].value != MARKER:
        return None
    kept = _kept(book[MARKER_SHEET])
    name = kept.get("sheet")
    sheet = book[name] if name in book.sheetnames else book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    header_at, layout = _header(rows, dict(kept.get("header", {})))
    title = _text(rows[0][0]) if rows and rows[0] else ""
    tasks = _tasks(rows, header_at, layout)
    if not tasks:
        raise PlanFileError(N_("The review sheet holds no tasks: every task row was removed."))
    plan = plan_from_json(kept, tasks)
    plan.meta.title = title or plan.meta.title
    plan.warnings = [
        msg(_ONE_UNIT, number=task.number, unit=a.unit)
        for task in tasks
        for a in task.assignments
        if "、" in a.unit and unit_kind(a.unit) is not UnitKind.COLLECTIVE
    ]
    return plan


_ONE_UNIT = N_(
    "Task {number}: “{unit}” was read as one unit, as written on its line; if it names "
    "several, write one per line."
)


def _kept(marker: Any) -> dict[str, Any]:
    text = "".join(_text(row[0]) for row in marker.iter_rows(min_row=2, values_only=True) if row)
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise PlanFileError(_DAMAGED) from exc
    if not isinstance(value, dict):
        raise PlanFileError(_DAMAGED)
    return value


_DAMAGED = N_(
    "The review sheet's hidden part was changed and cannot be read; write the sheet again "
    "with “duban import FILE --review OUT.xlsx”."
)


def _header(rows: list[list[Any]], words: dict[str, str]) -> tuple[int, dict[int, ReviewColumn]]:
    """The header row's index, and the column each of its cells stands for."""
    known = {c.value for c in ReviewColumn}
    for index, row in enumerate(rows):
        layout = {
            i: ReviewColumn(words[_text(v)])
            for i, v in enumerate(row)
            if _text(v) in words and words[_text(v)] in known
        }
        if ReviewColumn.NUMBER in layout.values() and ReviewColumn.TITLE in layout.values():
            return index, layout
    raise PlanFileError(
        N_(
            "The review sheet's header row was changed: the columns cannot be told apart; "
            "keep the headers as written."
        )
    )


def _tasks(
    rows: list[list[Any]], header_at: int, layout: dict[int, ReviewColumn]
) -> list[PlanTask]:
    tasks: list[PlanTask] = []
    seen: dict[str, int] = {}
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        cells = {column: row[i] if i < len(row) else None for i, column in layout.items()}
        if not any(_text(v) for c, v in cells.items() if c is not ReviewColumn.NOTES):
            continue  # an empty row
        line = index + 1
        number = _number(cells.get(ReviewColumn.NUMBER))
        if not number:
            raise PlanFileError(N_("Row {row} of the review sheet has no task number."), row=line)
        if number in seen:
            raise PlanFileError(
                N_("Task {number} is in the review sheet twice, in rows {first} and {row}."),
                number=number,
                first=seen[number],
                row=line,
            )
        seen[number] = line
        tasks.append(_task(number, cells, line))
    return tasks


def _task(number: str, cells: dict[ReviewColumn, Any], line: int) -> PlanTask:
    assignments: list[Assignment] = []
    for column, role in ROLE_OF_REVIEW_COLUMN.items():
        for unit in _text(cells.get(column)).split(UNIT_SEPARATOR):
            entry = Assignment(unit.strip(), role)
            if entry.unit and entry not in assignments:
                assignments.append(entry)
    return PlanTask(
        number=number,
        title=_text(cells.get(ReviewColumn.TITLE)),
        requirements=split_requirements(_text(cells.get(ReviewColumn.REQUIREMENTS))),
        assignments=assignments,
        liaison=_text(cells.get(ReviewColumn.LIAISON)) or None,
        deadline=_date(cells.get(ReviewColumn.DEADLINE), line),
        deadline_text=_wording(cells.get(ReviewColumn.DEADLINE)),
        section=_text(cells.get(ReviewColumn.SECTION)) or None,
        leader=_text(cells.get(ReviewColumn.LEADER)) or None,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _wording(value: Any) -> str | None:
    """A deadline cell's words (长期坚持, 2026年12月), kept as written; None for a date."""
    return None if isinstance(value, date) else deadline_wording(_text(value))


def _date(value: Any, line: int) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    found = _DATE.match(text)
    if found:
        with contextlib.suppress(ValueError):  # 2026-02-30 has the form but is no date
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    elif _wording(value):  # the plan's own words: 长期坚持, 2026年12月
        parsed, understood = parse_deadline(text)
        if understood:
            return parsed
    raise PlanFileError(
        N_(
            "Row {row} of the review sheet: the deadline “{text}” is not a date; "
            "write it as 2026-12-31."
        ),
        row=line,
        text=text,
    )
