"""The export writers as they were before issue 16 (commit 97a5a90), kept here only to be measured.

``bench/bench_exports.py`` runs these beside ``bot/render/progress.py`` on the same document. They
are the old code unchanged but for names: a fresh Alignment/Border per cell in the unit sheets,
``sheet.max_row`` after every append, and python-docx's ``add_heading``/``cell.text`` per call.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.domain.plan import Column
from bot.render.cells import append_text
from bot.render.page import landscape_a4
from bot.render.progress import LIGHT_FILLS, RECORD_HEADER, RECORD_WIDTHS, ProgressDocument
from bot.render.progress import sheet_name as _sheet_name
from bot.render.register import RegisterTable, row_height

_WIDTHS = {
    Column.NUMBER: 6,
    Column.TITLE: 22,
    Column.REQUIREMENTS: 60,
    Column.PROGRESS: 40,
    Column.LEAD: 16,
    Column.RESPONSIBLE: 28,
    Column.COOPERATING: 24,
    Column.LEADER: 12,
    Column.LIAISON: 16,
    Column.DEADLINE: 14,
}


def register_sheet(book: Any, table: RegisterTable) -> int:
    """The old register sheet: shared style objects, but each one hashed again per cell."""
    from openpyxl.styles import Alignment, Border, Font, Side  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    sheet = book.active
    sheet.title = "分工方案"
    width = len(table.columns)
    for line in [*table.preface, table.title]:
        append_text(sheet, [line])
        last = sheet.max_row
        sheet.merge_cells(start_row=last, start_column=1, end_row=last, end_column=width)
        sheet.cell(row=last, column=1).alignment = Alignment(horizontal="center")
    sheet.cell(row=sheet.max_row, column=1).font = Font(size=16, bold=True)
    first = sheet.max_row + 1
    append_text(sheet, table.header)
    widths = [_WIDTHS[c] for c in table.columns]
    heading_rows = []
    for index, values in enumerate(table.rows):
        if index in table.headings:
            append_text(sheet, [table.headings[index]])
            heading_rows.append(sheet.max_row)
        append_text(sheet, values)
        sheet.row_dimensions[sheet.max_row].height = row_height(values, widths)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_alignment = Alignment(wrap_text=True, vertical="center")
    body_alignment = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for r, row_cells in enumerate(sheet.iter_rows(min_row=first, max_row=sheet.max_row)):
        for cell in row_cells:
            cell.alignment = header_alignment if r == 0 else body_alignment
            cell.border = border
            if r == 0:
                cell.font = bold
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column]
    for row in heading_rows:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.cell(row=row, column=1).font = bold
    sheet.freeze_panes = f"A{first + 1}"
    sheet.print_title_rows = f"{first}:{first}"
    landscape_a4(sheet)
    return first


def add_docx_table(document: Any, table: RegisterTable) -> Any:
    """The old Word table: python-docx's ``add_row`` and ``cell.text`` for every cell."""
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
    header_props = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for index, row in enumerate(table.rows):
        if index in table.headings:
            cells = grid.add_row().cells
            cells[0].merge(cells[-1]).text = table.headings[index]
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = text
    return grid


def write_progress_xlsx(document: ProgressDocument, path: Path) -> None:
    """The old filled table plus a sheet per unit."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = Workbook()
    header_row = register_sheet(book, document.table)
    sheet = book.active
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
        unit_sheet = book.create_sheet(_sheet_name(record.unit, taken))
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
    """The old written material: python-docx calls throughout."""
    import docx  # noqa: PLC0415
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
