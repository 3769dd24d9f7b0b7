"""Tables of cells → plan tasks: find the header by its words, read the rows under it.

Every table format (Markdown/HTML, .docx, .xlsx, .csv, tables pasted from web pages) is first
turned into rows of cell strings; this module does the rest, so the formats agree on what a
plan is. A row holding one heading (``一、公共文化设施``) is the section of the tasks below it.
A table whose numbers start again at 1 after a new header is another version of the plan (a
draft, a revision): the last complete one is read. A table of another kind (a feedback table:
序号 | 意见建议 | 采纳情况) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain.messages import N_, Message
from bot.domain.plan import ROLE_OF_COLUMN, Column, PlanPart, PlanTask
from bot.domain.text import chinese_numeral, clean_cell, squeeze, strip_tags, to_halfwidth_digits
from bot.importers.drafts import draft_title
from bot.importers.errors import PlanFileError
from bot.importers.header import (
    SHEET_MARK,
    PartialHeader,
    cells_value,
    column_of,
    complete_header,
    header_map,
    looks_like_header,
    number_rows,
    section_row,
)
from bot.importers.rows import Draft, task_from_draft
from bot.importers.versions import TablePart, choose_version, merge_sections

__all__ = ["MAX_TASKS", "GridResult", "column_of", "header_map", "parse_number", "tasks_from_rows"]

MAX_TASKS = 20_000  # a county or city plan has tens to hundreds; a province's fits

Row = Sequence[str]

_NUMBER = re.compile(
    r"^[（(]?\s*(\d{1,6}(?:[.\-]\d{1,3})*|[一二三四五六七八九十百零〇]{1,4})\s*[)）.、．]?$"
)
_FIRST_LISTED_IS_LEAD = re.compile(
    r"(?:(?:排名|排在|排列|排|列|列在)(?:在)?(?:第一|首)(?:位|个)?|排名第一|第一个|首位)"
    r"(?:的|者)?(?:单位|部门)?(?:为|是)(?:工作)?牵头"
)
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|第.{1,3}[部篇章])"
)
_SAME_AS_ABOVE = re.compile(r"^(?:同上|同上单位|同上。)$")
_FEEDBACK = re.compile(r"意见|建议|采纳|反馈")


def parse_number(cell: str) -> str | None:
    """A task number as written in 序号 (``5``, ``05``, ``（五）``, ``1.2``), else None."""
    match = _NUMBER.match(to_halfwidth_digits(clean_cell(cell)))
    if not match:
        return None
    value = match.group(1)
    if value[0].isdigit():
        return ".".join(str(int(p)) for p in re.split(r"[.\-]", value))
    number = chinese_numeral(value)
    return str(number) if number else None


@dataclass(slots=True)
class GridResult:
    """What a table yields: tasks, the columns it had, its header words, and warnings."""

    tasks: list[PlanTask] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)
    parts: list[PlanPart] = field(default_factory=list)  # several versions: which was read
    guessed: str | None = None  # the header of a task column guessed by its text
    partial: PartialHeader | None = None  # a header lacking the task column, nothing guessed
    convention: str | None = None  # the words saying the first unit listed leads


@dataclass(slots=True)
class _State:
    mapping: dict[int, Column] | None = None
    section: str | None = None
    section_ordinal: int = 0
    qualify: str = ""  # numbers restart per section: "2." before each number of section 二
    heading_since_task: bool = False
    parts: list[TablePart] = field(default_factory=list)
    skipping: bool = False  # inside a table of another kind
    pending: str | None = None  # a version's title line seen above its table


def tasks_from_rows(rows: Iterable[Row], *, context: str = "") -> GridResult:
    """Read every task under the plan's header row; repeated headers and blank rows are skipped.

    ``context`` is the text around the table (the notice), read for conventions such as
    "排在第一位的为牵头单位" (the first listed unit leads).
    """
    table = [[c if isinstance(c, str) else "" if c is None else str(c) for c in r] for r in rows]
    result = GridResult()
    result.guessed, result.partial = complete_header(table)
    if not any(header_map(row) for row in table):
        table = number_rows(table)  # a plan table without a 序号 column: rows in order
    state = _State()
    titles = [line for line in context.splitlines() if draft_title(line.lstrip("#").strip())[0]]
    state.pending = titles[-1].lstrip("#").strip() if titles else None
    for cells in table:
        if not any(cell.strip() for cell in cells):
            continue
        _read(cells, state, result)
        if sum(len(p.drafts) for p in state.parts) > MAX_TASKS:
            raise PlanFileError(
                N_("The plan has more than {limit} tasks; one plan may have at most {limit}."),
                limit=MAX_TASKS,
            )
    if state.mapping is None and not state.parts:
        return result
    convention = _FIRST_LISTED_IS_LEAD.search(context)
    first_leads = convention is not None and Column.LEAD not in result.columns
    result.convention = convention.group(0) if first_leads and convention else None
    parts = merge_sections(state.parts)
    chosen = choose_version(parts)
    if chosen is not None and len(parts) > 1:
        result.parts = [
            PlanPart(p.label, len(p.drafts), p is chosen, p.feedback)
            for p in parts
            if p.drafts or p.feedback
        ]
    for draft in chosen.drafts if chosen else []:
        result.tasks.append(task_from_draft(draft, first_leads, result.guessed, result.warnings))
    return result


def _header(cells: list[str], found: dict[int, Column], state: _State, result: GridResult) -> None:
    state.skipping = False
    if state.mapping is None or not state.parts[-1].drafts:  # the first, or a finer second row
        state.mapping = found
        result.columns = [found[i] for i in sorted(found) if found[i] is not Column.LEADER]
        result.headers = {found[i].value: clean_cell(cells[i]) for i in sorted(found)}
        if result.guessed is not None:
            result.headers[Column.TITLE.value] = result.guessed
    if not state.parts:
        state.parts.append(TablePart(state.pending or _ordinal_label(1)))
    elif state.pending and not state.parts[-1].drafts:
        state.parts[-1].label = state.pending
    state.heading_since_task = False


def _other_table(cells: list[str], state: _State) -> None:
    state.skipping = True  # a table of another kind after the plan's
    label = "、".join(c for c in (clean_cell(x) for x in cells) if c)
    feedback = bool(_FEEDBACK.search(label))
    state.parts.append(TablePart(state.pending or label, feedback=feedback))
    state.pending = None


def _heading(cells: list[str], state: _State) -> None:
    """A row holding one text: a version's title, a section heading, or nothing to keep."""
    texts = [clean_cell(c) for c in cells if clean_cell(c)]
    text = texts[0].lstrip("#").strip() if texts else ""
    if draft_title(text)[0]:  # 《…方案》(修改稿) above the next table
        state.pending = text
    elif _HEADING.match(text) or (len(texts) >= 2 and len(text) <= 40):
        state.section = text
        state.section_ordinal += 1
        state.heading_since_task = True


def _new_draft(number: str, title: str, state: _State) -> Draft:
    part = state.parts[-1]
    last = part.drafts[-1] if part.drafts else None
    same_task = not title or title in (last.cells.get(Column.TITLE, []) if last else [])
    if last is not None and last.number == state.qualify + number and same_task:
        last.merged_rows = True
        return last  # 序号 and the task merged down over rows: one task, several rows
    if number == "1" and len(part.drafts) >= 2:
        if state.heading_since_task:  # numbering restarts per section: 2.1, 2.2 …
            state.qualify = f"{_heading_ordinal(state)}."
        else:  # the numbers start again under a new header: another version
            part = TablePart(state.pending or _ordinal_label(len(state.parts) + 1))
            state.parts.append(part)
            state.pending = None
            state.qualify = ""
    draft = Draft(state.qualify + number, section=state.section)
    state.heading_since_task = False
    part.drafts.append(draft)
    return draft


def _sheet(cells: list[str], state: _State) -> None:
    """A new sheet: a version if its name says so, else a section."""
    title = cells[1] if len(cells) > 1 else ""
    if draft_title(title)[0]:
        state.pending = title
    else:
        state.section, state.heading_since_task = title, True
        state.section_ordinal += 1


def _structure(cells: list[str], state: _State, result: GridResult) -> bool:
    """Read a row that is no task (a header, a sheet's name, another table); True if it was."""
    if cells[:1] == [SHEET_MARK]:
        _sheet(cells, state)
        return True
    found = header_map(cells)
    if found is not None:
        _header(cells, found, state, result)  # the first, or one repeated on every page
        return True
    if looks_like_header(cells) and state.mapping is not None:
        _other_table(cells, state)
        return True
    if state.mapping is None or state.skipping:
        return True  # the document's title rows above the table
    return not state.parts[-1].drafts and _sub_header(cells, state, result)


def _read(cells: list[str], state: _State, result: GridResult) -> None:
    if _structure(cells, state, result) or state.mapping is None:
        return
    number_cell = clean_cell(cells_value(cells, state.mapping, Column.NUMBER))
    number = parse_number(number_cell)
    if number is None and len({clean_cell(c) for c in cells if clean_cell(c)}) <= 1:
        _heading(cells, state)
        return
    if number is not None and section_row(cells, number_cell, state.mapping):
        title = clean_cell(cells_value(cells, state.mapping, Column.TITLE))
        state.section = f"{number_cell.strip('、.．')}、{title}" if title else number_cell
        state.section_ordinal += 1
        state.heading_since_task = True
        return
    if number is None:
        if not state.parts[-1].drafts:
            return  # text above the first task
        target = state.parts[-1].drafts[-1]  # a task continued on the next row (page break)
    else:
        title = clean_cell(cells_value(cells, state.mapping, Column.TITLE))
        target = _new_draft(number, title, state)
    drafts = state.parts[-1].drafts
    above = drafts[-2] if len(drafts) > 1 and drafts[-1] is target else None
    for index, column in state.mapping.items():
        if column is Column.NUMBER:
            continue
        raw = cells[index] if index < len(cells) else ""
        keep_lines = column in ROLE_OF_COLUMN or column is Column.REQUIREMENTS
        text = squeeze(strip_tags(raw), keep_newlines=True) if keep_lines else clean_cell(raw)
        if _SAME_AS_ABOVE.match(text) and above is not None:  # 同上: the row above's cell
            for value in above.cells.get(column, []):
                target.add(column, value)
            continue
        target.add(column, text)


def _sub_header(cells: list[str], state: _State, result: GridResult) -> bool:
    """A second header row under a merged one: 责任单位 over 牵头单位 | 配合单位."""
    if state.mapping is None or parse_number(cells_value(cells, state.mapping, Column.NUMBER)):
        return False
    found = {i: c for i, cell in enumerate(cells) if (c := column_of(cell)) is not None}
    if not found or any(c is Column.NUMBER for c in found.values()):
        return False
    mapping = {i: c for i, c in state.mapping.items() if c not in found.values()}
    state.mapping = {**mapping, **found}
    result.columns = [
        state.mapping[i] for i in sorted(state.mapping) if state.mapping[i] is not Column.LEADER
    ]
    result.headers.update({c.value: clean_cell(cells[i]) for i, c in found.items()})
    return True


def _heading_ordinal(state: _State) -> int:
    text = state.section or ""
    m = re.match(r"^[（(]?([一二三四五六七八九十]{1,3})", text)
    return (chinese_numeral(m.group(1)) if m else None) or state.section_ordinal


def _ordinal_label(n: int) -> str:
    return f"#{n}"


def require_unique_numbers(tasks: list[PlanTask]) -> None:
    """Refuse a register where one 序号 stands twice: revisions are matched by number."""
    seen: set[str] = set()
    for task in tasks:
        if task.number in seen:
            raise PlanFileError(
                N_(
                    "Task number {number} appears twice in the plan; each task needs "
                    "its own number."
                ),
                number=task.number,
            )
        seen.add(task.number)
