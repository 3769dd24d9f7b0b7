"""The official table with 进展情况 filled (xlsx, docx), and the chart of lights (png).

The xlsx keeps the plan's own columns and print layout (A4 landscape, frozen header, wrapped
cells), colours each task's 进展情况 by its light, and adds one sheet per unit with its
reporting record. The docx is the written material (书面材料): the formal header, a heading
per task with its summary or progress, then the filled table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.plan import Column
from bot.render.cells import append_text
from bot.render.page import landscape_a4
from bot.render.register import RegisterTable, add_docx_table, register_sheet, row_height

LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
RECORD_HEADER = [
    "序号",
    "目标任务",
    "状态",
    "进度",
    "进展情况",
    "报送人",
    "报送时间",
    "版本",
    "逾期",
]
RECORD_WIDTHS: list[float] = [6, 30, 10, 8, 60, 12, 18, 6, 6]
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(slots=True)
class UnitRecord:
    """One unit's reports for the period, one row per report."""

    unit: str
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class ProgressDocument:
    """Everything an export shows."""

    table: RegisterTable  # the plan's table, 进展情况 filled
    lights: dict[str, str]  # task number → green | yellow | red
    records: list[UnitRecord]
    heading: str  # e.g. 2026-11 进展情况 / 2026年第四季度工作进展
    sections: list[tuple[str, str]]  # (task heading, text) for the written material


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("_", name)[:28] or "单位"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:26]}_{n}", n + 1
    taken.add(candidate)
    return candidate


def write_progress_xlsx(document: ProgressDocument, path: Path) -> None:
    """The filled table plus a sheet per unit."""
    from openpyxl import Workbook  # noqa: PLC0415 - heavy import, exports only
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    header_row = register_sheet(book, document.table)
    sheet = book.active
    assert sheet is not None
    sheet.title = "进展情况"
    fills = {light: PatternFill("solid", fgColor=colour) for light, colour in LIGHT_FILLS.items()}
    if Column.PROGRESS in document.table.columns:
        column = document.table.columns.index(Column.PROGRESS) + 1
        number_column = (
            document.table.columns.index(Column.NUMBER) + 1
            if Column.NUMBER in document.table.columns
            else 1
        )
        for row in range(header_row + 1, sheet.max_row + 1):
            number = str(sheet.cell(row=row, column=number_column).value or "")
            light = document.lights.get(number)
            if light:
                sheet.cell(row=row, column=column).fill = fills[light]
    thin = Side(style="thin")
    taken = {sheet.title}
    for record in document.records:
        unit_sheet = book.create_sheet(sheet_name(record.unit, taken))
        append_text(unit_sheet, [record.unit])
        unit_sheet.cell(row=1, column=1).font = Font(size=14, bold=True)
        append_text(unit_sheet, RECORD_HEADER)
        for values in record.rows:
            append_text(unit_sheet, values)
            unit_sheet.row_dimensions[unit_sheet.max_row].height = row_height(values, RECORD_WIDTHS)
        for r, cells in enumerate(unit_sheet.iter_rows(min_row=2, max_row=unit_sheet.max_row)):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                if r == 0:
                    cell.font = Font(bold=True)
        for index, width in enumerate(RECORD_WIDTHS, start=1):
            unit_sheet.column_dimensions[get_column_letter(index)].width = width
        unit_sheet.freeze_panes = "A3"
        landscape_a4(unit_sheet)
    book.save(path)


def write_progress_docx(document: ProgressDocument, path: Path) -> None:
    """The written material: formal header, a section per task, the filled table."""
    import docx  # noqa: PLC0415 - heavy import, exports only
    from docx.enum.section import WD_ORIENT  # noqa: PLC0415
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Mm, Pt  # noqa: PLC0415

    word: Any = docx.Document()
    style = word.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for line in document.table.preface:
        word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = word.add_heading(document.table.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(document.heading).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for heading, text in document.sections:
        word.add_heading(heading, level=2)
        for paragraph in text.split("\n"):
            word.add_paragraph(paragraph)
    table_section = word.add_section()
    table_section.orientation = WD_ORIENT.LANDSCAPE
    table_section.page_width, table_section.page_height = Mm(297), Mm(210)
    word.add_heading(document.table.title, level=1)
    add_docx_table(word, document.table)
    word.save(str(path))
