"""The official table with 进展情况 filled (xlsx, docx), and the chart of lights (png).

The xlsx keeps the plan's own columns and print layout (A4 landscape fit to one page wide,
frozen header repeated on every printed page, wrapped cells), colours each task's 进展情况 by
its light, writes 未报送 where nothing was reported (readable in black-and-white print), puts a
legend under the table, and adds one sheet per unit with its reporting record. The docx is the
written material (书面材料) in 公文 format (:mod:`bot.render.official`): the title, a heading
per task with its summary or progress, then the filled table with columns sized by content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from bot.domain.plan import Column
from bot.render import official
from bot.render.official import TABLE_TEXT, landscape_section, official_document, paragraph
from bot.render.register import RegisterTable, docx_table, register_sheet, row_height
from bot.render.sheetstyles import BODY, CAPTION, HEADER, LIGHT_FILLS, light_style
from bot.render.sheetstyles import LEGEND as LEGEND_STYLE
from bot.render.xlsxbook import Book

UNREPORTED = "未报送"
LIGHT_MARKS = {"green": "〔绿〕", "yellow": "〔黄〕", "red": "〔红〕"}
LEGEND = [
    "图例：绿色底纹——按计划推进或已完成；黄色底纹——进度滞后、有单位本期未报送或30日内到期"
    "尚未完成；红色底纹——超过完成时间尚未完成，或连续两期未报送。",
    "“未报送”——本期未收到该任务（该单位）的进展情况。",
]
LEGEND_MARKS = [
    "注：进展情况前的〔绿〕〔黄〕〔红〕为本期督办灯色。〔绿〕按计划推进或已完成；〔黄〕进度滞后、"
    "有单位本期未报送或30日内到期尚未完成；〔红〕超过完成时间尚未完成，或连续两期未报送。",
]
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
RECORD_STATUS, RECORD_TEXT = 2, 4  # positions of 状态 and 进展情况 in a record row
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
    # task number → units asked that did not report: each a line "单位：未报送" in 进展情况
    missing: dict[str, list[str]] = field(default_factory=dict)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid worksheet name (≤ 31 characters, none of []:*?/\\, no ' at either end) that no
    name in ``taken`` has, in any case (Excel's names ignore it); ``taken`` holds them folded."""
    base = _SHEET_FORBIDDEN.sub("_", name)[:28].strip("'") or "单位"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{base[:26]}_{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def progress_rows(document: ProgressDocument) -> list[list[str]]:
    """The table's rows with 进展情况 that says who did not report: 未报送 for a task with no
    report, and a line "单位：未报送" for each unit in :attr:`ProgressDocument.missing`."""
    table = document.table
    if Column.PROGRESS not in table.columns:
        return table.rows
    progress = table.columns.index(Column.PROGRESS)
    number = table.columns.index(Column.NUMBER) if Column.NUMBER in table.columns else None
    rows = []
    for values in table.rows:
        task = values[number] if number is not None else ""
        lines = [values[progress]] if values[progress] else []
        lines += [f"{unit}：{UNREPORTED}" for unit in document.missing.get(task, [])]
        rows.append([*values[:progress], "\n".join(lines) or UNREPORTED, *values[progress + 1 :]])
    return rows


def _record_row(values: list[str]) -> list[str]:
    """A unit's row; a request with no report (no status, no text) says 未报送."""
    if len(values) > RECORD_TEXT and not values[RECORD_STATUS] and not values[RECORD_TEXT]:
        return [*values[:RECORD_STATUS], UNREPORTED, *values[RECORD_STATUS + 1 :]]
    return values


def write_progress_xlsx(document: ProgressDocument, path: Path) -> None:
    """The filled table (with a legend under it) plus a sheet per unit, each printable on A4
    landscape one page wide with its header row on every page."""
    book = Book(path)
    table = document.table
    numbers = (
        [row[table.columns.index(Column.NUMBER)] for row in table.rows]
        if Column.NUMBER in table.columns
        else []
    )

    def fill(index: int) -> str:
        light = document.lights.get(numbers[index]) if numbers else None
        return light_style(light) if light in LIGHT_FILLS else BODY

    filled = RegisterTable(
        table.title, table.preface, table.columns, table.header, progress_rows(document),
        table.headings,
    )  # fmt: skip
    sheet = register_sheet(book, filled, fill, title="进展情况")
    row = sheet.last_row + 2
    for line in LEGEND:
        sheet.line(row, line, LEGEND_STYLE)
        row += 1
    taken = {sheet.title.casefold()}
    for record in document.records:
        unit_sheet = book.sheet(sheet_name(record.unit, taken), RECORD_WIDTHS)
        unit_sheet.row(1, [record.unit], CAPTION)
        unit_sheet.row(2, RECORD_HEADER, HEADER)
        unit_sheet.repeat_header(2)
        for row, values in enumerate(record.rows, start=3):
            shown = _record_row(values)
            unit_sheet.row(row, shown, BODY, height=row_height(shown, RECORD_WIDTHS))
    book.close()


def write_progress_docx(document: ProgressDocument, path: Path) -> None:
    """The written material in 公文 format: the title, the period, a heading per section (黑体)
    and per task (楷体) with its progress, then the filled table on landscape pages and its
    legend. A task's light stands in words before its progress (〔红〕), as print has no colour."""
    word = official_document()
    table = document.table
    official.mark(word, 0)
    width = landscape_section(word)
    official.mark(word, 1)
    marked = progress_rows(document)
    if Column.PROGRESS in table.columns and Column.NUMBER in table.columns:
        progress, number = (table.columns.index(c) for c in (Column.PROGRESS, Column.NUMBER))
        for row in marked:
            if light := LIGHT_MARKS.get(document.lights.get(row[number], "")):
                row[progress] = f"{light}{row[progress]}"
    filled = RegisterTable(
        table.title, table.preface, table.columns, table.header, marked, table.headings
    )
    legend = [*LEGEND_MARKS, LEGEND[-1]] if document.lights else LEGEND[-1:]
    pages = chain(
        [paragraph(table.title, "Title")],
        docx_table(filled, width),
        (paragraph(line, TABLE_TEXT) for line in legend),
    )
    official.save_streamed(word, path, [_material(document), pages])


def _material(document: ProgressDocument) -> Iterator[str]:
    """The written material's paragraphs, one at a time."""
    table = document.table
    for line in table.preface:
        yield paragraph(line, centred=True)
    yield paragraph(table.title, "Title")
    yield paragraph(document.heading, centred=True)
    aligned = len(document.sections) == len(table.rows)  # one section per task, in order
    for index, (heading, body) in enumerate(document.sections):
        if aligned and index in table.headings:
            yield paragraph(table.headings[index], "Heading1")
        yield paragraph(heading, "Heading2")
        for line in body.split("\n"):
            yield paragraph(line)
