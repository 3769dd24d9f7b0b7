"""The plan register written back in the plan's own column layout (xlsx, docx, csv).

Importing a file written here gives the same register: requirements are joined with ①②③,
units with 、, deadlines as full dates, the title and 文号 stand above the table, each task's
section is a heading row above its first task, and the leader (责任领导) has a column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.plan import ROLE_OF_COLUMN, Column, PlanMeta, PlanTask, join_requirements
from bot.render.cells import csv_text
from bot.render.official import (
    landscape_section,
    mark,
    official_document,
    paragraph,
    save_streamed,
)
from bot.render.sheetstyles import BODY, CAPTION, HEADER, SECTION, TITLE
from bot.render.wordtable import column_widths, table_parts
from bot.render.xlsxbook import Book, Sheet

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
    *,
    deadlines: Mapping[str, str] | None = None,
) -> RegisterTable:
    """Lay the register out in the plan's own columns, adding any the data needs.

    ``deadlines`` is each task's 完成时间 as the plan wrote it (长期坚持, 2026年12月), by task
    number; it is shown as written. Without it a deadline is the full date (2026年12月31日)."""
    layout = [Column(c) for c in columns] or list(DEFAULT_HEADERS)
    needed = {Column(role.value) for t in tasks for a in t.assignments for role in [a.role]}
    written = deadlines or {}
    if any(t.deadline or written.get(t.number) for t in tasks):
        needed.add(Column.DEADLINE)
    if any(t.liaison for t in tasks):
        needed.add(Column.LIAISON)
    if any(t.leader for t in tasks):
        needed.add(Column.LEADER)
    for column in DEFAULT_HEADERS:
        if column in needed and column not in layout:
            layout.append(column)
    progress = progress or {}
    rows = [[_cell(task, column, progress, written) for column in layout] for task in tasks]
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


def _cell(
    task: PlanTask, column: Column, progress: dict[str, str], written: Mapping[str, str]
) -> str:
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
    if as_written := written.get(task.number):
        return as_written
    return (
        f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日"
        if task.deadline
        else ""
    )


def write_xlsx(table: RegisterTable, path: Path) -> None:
    """An A4-landscape sheet: title, 文号, frozen bold header, wrapped cells, sensible widths."""
    book = Book(path)
    register_sheet(book, table)
    book.close()


def register_sheet(
    book: Book,
    table: RegisterTable,
    progress_style: Callable[[int], str] | None = None,
    *,
    title: str = "分工方案",
) -> Sheet:
    """Add the register as the workbook's next sheet named ``title``; returns the sheet.

    ``progress_style`` gives the named style (:mod:`bot.render.sheetstyles`) of the 进展情况
    cell of the row of each index (a light's fill)."""
    widths = [_WIDTHS[c] for c in table.columns]
    sheet = book.sheet(title, widths)
    row = 0
    lines = [*table.preface, table.title]
    for row, line in enumerate(lines, start=1):
        sheet.line(row, line, TITLE if row == len(lines) else CAPTION)
    first = row + 1
    sheet.row(first, table.header, HEADER)
    sheet.repeat_header(first)
    progress = table.columns.index(Column.PROGRESS) if Column.PROGRESS in table.columns else None
    row = first
    for index, values in enumerate(table.rows):
        if index in table.headings:
            row += 1
            sheet.line(row, table.headings[index], SECTION)
        row += 1
        styled = (
            {progress: progress_style(index)}
            if progress is not None and progress_style is not None
            else None
        )
        sheet.row(row, values, BODY, height=row_height(values, widths), styled=styled)
    return sheet


def text_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a wrapped cell ``width`` characters wide."""
    lines = 0
    room = max(int(width) - 1, 1)
    for part in str(text).split("\n"):
        # columns: a Chinese character (three bytes in UTF-8) takes two, a Latin letter one
        units = (len(part.encode()) + len(part)) // 2
        lines += max(1, -(-units // room))
    return lines


def row_height(values: Sequence[str], widths: Sequence[float]) -> float:
    """A row height (points) that shows every wrapped cell whole, within Excel's 409."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        text = str(value)
        # a character takes at most 2.5 columns (four bytes in UTF-8): a short one-line text
        # fits without counting
        if "\n" in text or len(text) * 5 // 2 > max(int(width) - 1, 1):
            lines = max(lines, text_lines(text, width))
    return min(409.0, 15.0 * lines + 2)


def write_docx(table: RegisterTable, path: Path) -> None:
    """A Word document in 公文 format: 文号 lines, the title, and the table on landscape pages."""
    document = official_document()
    mark(document, 0)
    width = landscape_section(document)
    mark(document, 1)
    head = [*(paragraph(line, centred=True) for line in table.preface)]
    head.append(paragraph(table.title, "Title"))
    save_streamed(document, path, [head, docx_table(table, width)])


def docx_table(table: RegisterTable, width: int) -> Iterator[str]:
    """The register as a Word table (XML text) ``width`` twips wide, columns sized by content,
    with a header row repeated on every page."""
    widths = column_widths(table.columns, table.header, table.rows, width * 25.4 / 1440)
    return table_parts(table.header, table.rows, widths, table.headings)


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
