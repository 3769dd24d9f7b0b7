"""Tables of cells → plan tasks: find the header by its words, read the rows under it.

Every table format (Markdown/HTML, .docx, .xlsx, .csv) is first turned into rows of cell strings;
this module does the rest, so the formats agree on what a plan is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.domain.deadlines import parse_deadline
from bot.domain.messages import N_, Message, msg
from bot.domain.plan import ROLE_OF_COLUMN, Assignment, Column, PlanTask, Role, split_requirements
from bot.domain.text import chinese_numeral, clean_cell, squeeze, strip_tags, to_halfwidth_digits
from bot.domain.units import split_units
from bot.importers.errors import PlanFileError

MAX_TASKS = 20_000  # a county or city plan has tens to hundreds; a province's fits

Row = Sequence[str]

# Checked in this order: 县教育局牵头联络股室 is the liaison column, not the lead column.
_HEADER_WORDS: tuple[tuple[Column, tuple[str, ...]], ...] = (
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
    (Column.TITLE, ("任务", "事项", "工作内容", "项目", "内容")),
)
_NOT_A_UNIT_COLUMN = ("领导", "责任人", "联系人", "电话")
_NUMBER = re.compile(
    r"^[（(]?\s*(\d{1,6}(?:[.\-]\d{1,3})*|[一二三四五六七八九十百零〇]{1,4})\s*[)）.、．]?$"
)
_FIRST_LISTED_IS_LEAD = re.compile(r"(?:排在?第一位|排名第一|第一个|首位)的?(?:单位|部门)?为牵头")


def column_of(header_cell: str) -> Column | None:
    """Which register column a header cell names, if any."""
    word = squeeze(strip_tags(header_cell)).replace(" ", "")
    if not word or len(word) > 30:
        return None
    for column, keywords in _HEADER_WORDS:
        if any(k in word for k in keywords):
            if column in ROLE_OF_COLUMN and any(n in word for n in _NOT_A_UNIT_COLUMN):
                return None
            return column
    return None


def header_map(row: Row) -> dict[int, Column] | None:
    """Column positions if ``row`` is a plan header (序号, a task column and a unit column)."""
    found: dict[int, Column] = {}
    for index, cell in enumerate(row):
        column = column_of(cell)
        if column is not None and column not in found.values():
            found[index] = column
    kinds = set(found.values())
    if (
        Column.NUMBER in kinds
        and kinds & {Column.TITLE, Column.REQUIREMENTS}
        and kinds & set(ROLE_OF_COLUMN)
    ):
        return found
    return None


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


@dataclass(slots=True)
class _Draft:
    number: str
    cells: dict[Column, list[str]] = field(default_factory=dict)

    def add(self, column: Column, text: str) -> None:
        if text and text not in self.cells.get(column, []):
            self.cells.setdefault(column, []).append(text)


def tasks_from_rows(rows: Iterable[Row], *, context: str = "") -> GridResult:
    """Read every task under the first header row; repeated headers and blank rows are skipped.

    ``context`` is the text around the table (the notice), read for conventions such as
    "排在第一位的为牵头单位" (the first listed unit leads).
    """
    mapping: dict[int, Column] | None = None
    result = GridResult()
    drafts: list[_Draft] = []
    for row in rows:
        cells = [c if isinstance(c, str) else "" if c is None else str(c) for c in row]
        if not any(cell.strip() for cell in cells):
            continue
        found = header_map(cells)
        if found is not None:
            if mapping is None:
                mapping = found
                result.columns = [found[i] for i in sorted(found)]
                result.headers = {found[i].value: clean_cell(cells[i]) for i in sorted(found)}
            continue  # a header repeated on every page
        if mapping is None:
            continue  # the document's title rows above the table
        _read_row(cells, mapping, drafts)
        if len(drafts) > MAX_TASKS:  # stop reading: a plan this size is refused anyway
            raise PlanFileError(
                N_("The plan has more than {limit} tasks; one plan may have at most {limit}."),
                limit=MAX_TASKS,
            )
    if mapping is None:
        return result
    first_leads = bool(_FIRST_LISTED_IS_LEAD.search(context)) and Column.LEAD not in result.columns
    for draft in drafts:
        result.tasks.append(_task_from_draft(draft, first_leads, result.warnings))
    return result


def _read_row(cells: list[str], mapping: dict[int, Column], drafts: list[_Draft]) -> None:
    values = {col: cells[i] if i < len(cells) else "" for i, col in mapping.items()}
    number = parse_number(values.get(Column.NUMBER, ""))
    distinct = {clean_cell(c) for c in cells if clean_cell(c)}
    if number is None:
        if len(distinct) <= 1 or not drafts:
            return  # a section heading merged across the row, or text above the first task
        target = drafts[-1]  # a task continued on the next row (page break in Word)
    else:
        target = _Draft(number)
        drafts.append(target)
    for column, raw in values.items():
        if column is Column.NUMBER:
            continue
        keep_lines = column in ROLE_OF_COLUMN or column is Column.REQUIREMENTS
        text = squeeze(strip_tags(raw), keep_newlines=keep_lines) if keep_lines else clean_cell(raw)
        target.add(column, text)


def _task_from_draft(draft: _Draft, first_leads: bool, warnings: list[Message]) -> PlanTask:
    def text(column: Column, sep: str = "") -> str:
        return sep.join(draft.cells.get(column, []))

    requirements = split_requirements(text(Column.REQUIREMENTS, "\n"))
    title = text(Column.TITLE)
    if not title and requirements:
        title = re.split(r"[。；;]", requirements[0], maxsplit=1)[0]
    assignments: list[Assignment] = []
    for column, role in ROLE_OF_COLUMN.items():
        for mention in split_units(text(column, "、")):
            unit_role = Role.LEAD if mention.marked_lead else role
            if first_leads and role is Role.RESPONSIBLE and not assignments:
                unit_role = Role.LEAD
            assignment = Assignment(mention.name, unit_role)
            if assignment not in assignments:
                assignments.append(assignment)
    deadline_text = text(Column.DEADLINE)
    deadline, understood = parse_deadline(deadline_text)
    if not understood:
        warnings.append(
            msg(
                N_("Task {number}: the deadline “{text}” names no date; it was left empty."),
                number=draft.number,
                text=deadline_text,
            )
        )
    if not assignments:
        warnings.append(msg(N_("Task {number} names no unit."), number=draft.number))
    return PlanTask(
        number=draft.number,
        title=title,
        requirements=requirements,
        assignments=assignments,
        liaison=text(Column.LIAISON, "、") or None,
        deadline=deadline,
    )


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
