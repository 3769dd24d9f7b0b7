"""The plan register written back in the plan's own column layout (xlsx, docx, csv).

Importing a file written here gives the same register: requirements are joined with ①②③,
units with 、, deadlines as full dates, the title and 文号 stand above the table, each task's
section is a heading row above its first task, and the leader (责任领导) has a column.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.plan import ROLE_OF_COLUMN, Column, PlanMeta, PlanTask, join_requirements
from bot.render.cells import append_text, csv_text
from bot.render.page import landscape_a4

DEFAULT_HEADERS = {
    Column.NUMBER: "序号",
    Column.TITLE: "目标任务",
    Column.REQUIREMENTS: "具体要求",
    Column.PROGRESS: "进展情况",
    Column.LEAD: "牵头部门",
    Column.RESPONSIBLE: "责任部门",
    Column.COOPERATING: "配合部门",
    Column.LEADER: "责任领导",
    Column.LIAISON: "联络股室",
    Column.DEADLINE: "完成时间",
}
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


@dataclass(slots=True)
class RegisterTable:
    """The register as a header row, data rows, and the column of each position."""

    title: str
    preface: list[str]  # 文号, issuer, date: the lines above the title, as on the paper
    columns: list[Column]
    header: list[str]
    rows: list[list[str]]
    headings: dict[int, str] = field(default_factory=dict)  # row index → the section above it


def register_table(
    meta: PlanMeta,
    tasks: list[PlanTask],
    columns: list[str],
    headers: dict[str, str],
    progress: dict[str, str] | None = None,
) -> RegisterTable:
    """Lay the register out in the plan's own columns, adding any the data needs."""
    layout = [Column(c) for c in columns] or list(DEFAULT_HEADERS)
    needed = {Column(role.value) for t in tasks for a in t.assignments for role in [a.role]}
    if any(t.deadline for t in tasks):
        needed.add(Column.DEADLINE)
    if any(t.liaison for t in tasks):
        needed.add(Column.LIAISON)
    if any(t.leader for t in tasks):
        needed.add(Column.LEADER)
    for column in DEFAULT_HEADERS:
        if column in needed and column not in layout:
            layout.append(column)
    progress = progress or {}
    rows = [[_cell(task, column, progress) for column in layout] for task in tasks]
    issued = f"{meta.issued.year}年{meta.issued.month}月{meta.issued.day}日" if meta.issued else ""
    preface = [x for x in (meta.doc_number, meta.issuer, issued) if x]
    return RegisterTable(
        title=meta.title,
        preface=preface,
        columns=layout,
        header=[headers.get(c.value) or DEFAULT_HEADERS[c] for c in layout],
        rows=rows,
        headings=section_headings(tasks),
    )


def section_headings(tasks: list[PlanTask]) -> dict[int, str]:
    """Where a new section starts: the index of its first task → the section's headings."""
    headings: dict[int, str] = {}
    current: str | None = None
    for index, task in enumerate(tasks):
        if task.section and task.section != current:
            headings[index] = task.section
        current = task.section
    return headings


def _cell(task: PlanTask, column: Column, progress: dict[str, str]) -> str:
    if column is Column.NUMBER:
        return task.number
    if column is Column.TITLE:
        return task.title
    if column is Column.REQUIREMENTS:
        return join_requirements(task.requirements) if task.requirements else ""
    if column is Column.PROGRESS:
        return progress.get(task.number, "")
    if column in ROLE_OF_COLUMN:
        return "、".join(task.units(ROLE_OF_COLUMN[column]))
    if column is Column.LIAISON:
        return task.liaison or ""
    if column is Column.LEADER:
        return task.leader or ""
    return (
        f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日"
        if task.deadline
        else ""
    )


def write_xlsx(table: RegisterTable, path: Path) -> None:
    """An A4-landscape sheet: title, 文号, frozen bold header, wrapped cells, sensible widths."""
    from openpyxl import Workbook  # noqa: PLC0415 - heavy import, only exports need it

    book = Workbook()
    register_sheet(book, table)
    book.save(path)


def register_sheet(book: Any, table: RegisterTable) -> int:
    """Fill the workbook's first sheet with the register; returns the header's row number."""
    from openpyxl.styles import Alignment, Border, Font, Side  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    sheet = book.active
    assert sheet is not None
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


def text_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    lines = 0
    for part in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)  # CJK takes two columns
        lines += max(1, -(-units // max(int(width) - 1, 1)))
    return lines


def row_height(values: Sequence[str], widths: Sequence[float]) -> float:
    """A row height (points) that shows every wrapped cell whole, within Excel's 409."""
    lines = max((text_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
    return min(409.0, 15.0 * lines + 2)


def write_docx(table: RegisterTable, path: Path) -> None:
    """A Word document: title, 文号 line, and the table with a repeating header row."""
    import docx  # noqa: PLC0415 - heavy import, only exports need it
    from docx.enum.section import WD_ORIENT  # noqa: PLC0415
    from docx.shared import Mm  # noqa: PLC0415

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for line in table.preface:
        document.add_paragraph(line)
    document.add_heading(table.title, level=1)
    add_docx_table(document, table)
    document.save(str(path))


def add_docx_table(document: Any, table: RegisterTable) -> Any:
    """Append the register as a Word table with a header row repeated on every page."""
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
    header_props = grid.rows[0]._tr.get_or_add_trPr()  # repeat the header on every page
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


def write_csv(table: RegisterTable, path: Path) -> None:
    """A UTF-8 CSV (with BOM, so Excel opens it correctly) of the header and rows; a cell that
    Excel would take for a formula is written with a leading ``'`` (read back without it)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_text(cell) for cell in table.header])
        for index, row in enumerate(table.rows):
            if index in table.headings:
                writer.writerow([csv_text(table.headings[index])] + [""] * (len(row) - 1))
            writer.writerow([csv_text(cell) for cell in row])
