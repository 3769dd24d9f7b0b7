"""The review sheet: the register as the secretariat checks it, before it is stored.

One row per task (number, section, title, units by role, leader, deadline) and a 备注 column
naming what the importer was unsure of; each uncertain cell is filled and carries the note as a
comment. Above the header: the title, how to check, and what the importer said of the whole
file (which version it used, a convention it applied). Headers are in the operator's language;
A4 landscape, one page wide, frozen header. A hidden sheet marks the file as ours
(``bot/domain/review.py``), so importing it back reads it exactly (``bot/importers/review.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import NoteKind, ParsedPlan, PlanTask, TaskNote, join_requirements
from bot.domain.review import (
    MARKER,
    MARKER_SHEET,
    ROLE_OF_REVIEW_COLUMN,
    UNIT_COLUMNS,
    UNIT_SEPARATOR,
    ReviewColumn,
    plan_json,
    review_columns,
)
from bot.domain.units import UnitKind, unit_kind
from bot.render.cells import put_text
from bot.render.page import landscape_a4
from bot.render.register import row_height

Say = Callable[[Message], str]

HEADERS: dict[ReviewColumn, str] = {
    ReviewColumn.NUMBER: N_("No."),
    ReviewColumn.SECTION: N_("Section"),
    ReviewColumn.TITLE: N_("Task"),
    ReviewColumn.REQUIREMENTS: N_("Requirements"),
    ReviewColumn.LEAD: N_("Lead units"),
    ReviewColumn.RESPONSIBLE: N_("Responsible units"),
    ReviewColumn.COOPERATING: N_("Cooperating units"),
    ReviewColumn.LEADER: N_("Leader"),
    ReviewColumn.LIAISON: N_("Liaison office"),
    ReviewColumn.DEADLINE: N_("Deadline"),
    ReviewColumn.NOTES: N_("Notes"),
}
WIDTHS = {
    ReviewColumn.NUMBER: 6,
    ReviewColumn.SECTION: 18,
    ReviewColumn.TITLE: 30,
    ReviewColumn.REQUIREMENTS: 40,
    ReviewColumn.LEAD: 16,
    ReviewColumn.RESPONSIBLE: 20,
    ReviewColumn.COOPERATING: 20,
    ReviewColumn.LEADER: 10,
    ReviewColumn.LIAISON: 12,
    ReviewColumn.DEADLINE: 12,
    ReviewColumn.NOTES: 36,
}
_CELL_LIMIT = 30_000
UNCERTAIN_FILL = "FFF2A8"  # a light yellow, readable when printed in grey


def cell_text(task: PlanTask, column: ReviewColumn) -> str:
    """What the review sheet (and the terminal preview) shows of ``task`` in ``column``."""
    if column in ROLE_OF_REVIEW_COLUMN:
        return UNIT_SEPARATOR.join(task.units(ROLE_OF_REVIEW_COLUMN[column]))
    values = {
        ReviewColumn.NUMBER: task.number,
        ReviewColumn.SECTION: task.section or "",
        ReviewColumn.TITLE: task.title,
        ReviewColumn.REQUIREMENTS: join_requirements(task.requirements)
        if task.requirements
        else "",
        ReviewColumn.LEADER: task.leader or "",
        ReviewColumn.LIAISON: task.liaison or "",
        ReviewColumn.DEADLINE: task.deadline_as_written,
    }
    return values.get(column, "")


def _holding(task: PlanTask, wanted: Callable[[str, bool], bool]) -> list[ReviewColumn]:
    """The unit columns holding a unit ``wanted(name, separately)`` accepts."""
    return [
        c
        for c in UNIT_COLUMNS
        if any(
            wanted(a.unit, a.separately)
            for a in task.assignments
            if a.role is ROLE_OF_REVIEW_COLUMN[c]
        )
    ]


def note_columns(task: PlanTask, note: TaskNote) -> list[ReviewColumn]:
    """The cells a note is about: the ones to highlight."""
    filled = [c for c in UNIT_COLUMNS if task.units(ROLE_OF_REVIEW_COLUMN[c])]
    kind = note.kind
    named = note.message.params.get("unit")  # the unit the note speaks of, when it names one
    if named and (holding := _holding(task, lambda name, _: name == named)):
        return holding
    if kind in (NoteKind.GUESSED_COLUMN, NoteKind.SPLIT):
        return [ReviewColumn.TITLE]
    if kind is NoteKind.DEADLINE:
        return [ReviewColumn.DEADLINE]
    if kind is NoteKind.CONVENTION:
        return [ReviewColumn.LEAD]
    if kind is NoteKind.NO_UNIT:
        return list(UNIT_COLUMNS)
    if kind is NoteKind.COLLECTIVE:
        return _holding(task, lambda name, _: unit_kind(name) is UnitKind.COLLECTIVE) or filled
    if kind is NoteKind.SEPARATELY:
        return _holding(task, lambda _, separately: separately) or [ReviewColumn.LEAD]
    if kind in (NoteKind.CUT_OFF, NoteKind.NOT_A_UNIT):
        return filled or [ReviewColumn.TITLE]
    return [ReviewColumn.NUMBER]


def uncertain_cells(task: PlanTask) -> dict[ReviewColumn, list[TaskNote]]:
    """Each uncertain cell of ``task`` with the notes about it, in the notes' order."""
    cells: dict[ReviewColumn, list[TaskNote]] = {}
    for note in task.notes:
        for column in note_columns(task, note):
            cells.setdefault(column, []).append(note)
    return cells


def notes_text(task: PlanTask, say: Say) -> str:
    """The 备注 cell: one localized sentence per note, one a line."""
    return "\n".join(say(n.message) for n in task.notes)


def write_review(plan: ParsedPlan, path: Path, say: Say, *, import_hint: str) -> None:
    """Write ``plan`` as a review sheet to ``path`` (``import_hint``: the command to run after)."""
    from openpyxl import Workbook  # noqa: PLC0415 - heavy import, only the review needs it
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    columns = review_columns(plan.tasks)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = say(msg(N_("Review")))[:31]
    header_row = _above(sheet, plan, say, import_hint, len(columns))
    header = [say(msg(HEADERS[c])) for c in columns]
    widths = [WIDTHS[c] for c in columns]
    for index, text in enumerate(header, start=1):
        put_text(sheet, header_row, index, text)
        sheet.column_dimensions[get_column_letter(index)].width = widths[index - 1]
    _style(sheet, header_row, header_row, bold=True)
    for offset, task in enumerate(plan.tasks, start=1):
        _task_row(sheet, header_row + offset, task, columns, say)
    _style(sheet, header_row + 1, sheet.max_row, bold=False)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    landscape_a4(sheet)
    marker = book.create_sheet(MARKER_SHEET)
    put_text(marker, 1, 1, MARKER)
    kept = json.dumps(
        plan_json(plan) | {"sheet": sheet.title, "header": dict(zip(header, columns, strict=True))},
        ensure_ascii=False,
    )
    for index in range(0, len(kept), _CELL_LIMIT):  # a cell holds 32767 characters at most
        put_text(marker, 2 + index // _CELL_LIMIT, 1, kept[index : index + _CELL_LIMIT])
    marker.sheet_state = "hidden"
    book.save(path)


def _above(sheet: Any, plan: ParsedPlan, say: Say, import_hint: str, width: int) -> int:
    """The title, how to check, and what was said of the whole file; the header's row."""
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415

    guide = msg(
        N_(
            "Check every row. Yellow cells are what the importer was unsure of (see the "
            "notes). Write one unit per line and deadlines as 2026-12-31. Then run: {command}"
        ),
        command=import_hint,
    )
    notes = [n.message for t in plan.tasks for n in t.notes]
    about_plan = [w for w in plan.warnings if w not in notes]  # versions, conventions
    above = [(plan.meta.title, Font(size=16, bold=True)), (say(guide), Font(italic=True))]
    above += [(say(w), Font(italic=True, color="9C0006")) for w in about_plan]
    for row, (text, font) in enumerate(above, start=1):
        cell = put_text(sheet, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        if row > 1:
            sheet.row_dimensions[row].height = 32
    return len(above) + 1


def _task_row(sheet: Any, row: int, task: PlanTask, columns: list[ReviewColumn], say: Say) -> None:
    """One task's cells; the uncertain ones filled, their notes as comments."""
    from openpyxl.comments import Comment  # noqa: PLC0415
    from openpyxl.styles import PatternFill  # noqa: PLC0415

    fill = PatternFill("solid", fgColor=UNCERTAIN_FILL)
    values = [
        notes_text(task, say) if c is ReviewColumn.NOTES else cell_text(task, c) for c in columns
    ]
    uncertain = uncertain_cells(task)
    for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
        cell = put_text(sheet, row, index, value)
        cell.number_format = "@"  # text: 2.1 stays 2.1, a date stays as written
        if column in uncertain:
            cell.fill = fill
            words = "\n".join(say(n.message) for n in uncertain[column])
            cell.comment = Comment(words, "duban", width=300, height=120)
    sheet.row_dimensions[row].height = row_height(values, [WIDTHS[c] for c in columns])


def _style(sheet: Any, first: int, last: int, *, bold: bool) -> None:
    """Borders, wrapping, and a bold header."""
    from openpyxl.styles import Alignment, Border, Font, Side  # noqa: PLC0415

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    alignment = Alignment(wrap_text=True, vertical="center" if bold else "top")
    for cells in sheet.iter_rows(min_row=first, max_row=last):
        for cell in cells:
            cell.border, cell.alignment = border, alignment
            if bold:
                cell.font = Font(bold=True)
