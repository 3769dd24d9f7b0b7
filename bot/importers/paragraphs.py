"""Plans written as numbered paragraphs, their units stated in words.

``7．加强图书馆建设。推进……（牵头单位：县文旅局；配合单位：县财政局、住建局）``: the units may
stand in brackets at the end, on lines of their own under the task (``牵头单位:区教育局``), as a
list without labels (``(县教育局、县财政局牵头,各乡镇按职责分工负责)``), or as fields separated
by spaces. A task is a numbered paragraph that names units; the numbered paragraphs above it
(``一、`` ``(一)``) are its section. One paragraph may hold several tasks, each sentence group
closed by its own unit bracket: they become tasks ``N.1``, ``N.2`` ….
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.domain.deadlines import deadline_wording, parse_deadline
from bot.domain.messages import N_, Message, msg
from bot.domain.plan import Assignment, PlanTask, Role, split_requirements
from bot.domain.text import squeeze
from bot.importers import notes
from bot.importers.families import groups, merge_families
from bot.importers.outline import Block, outline
from bot.importers.statement import FIRST_LISTED_IS_LEAD, Statement
from bot.importers.statements import Cut, Found, find_statements

_BODY_DEADLINE = re.compile(
    r"(?:^|[。；;，,\s])((?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:份)?(?:底|末|中旬|上旬|下旬)?(?:前|底前))"
)
_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_WORDS = ("方案", "计划", "要点", "分工", "任务", "清单", "分解")
_ENDS_SENTENCE = ("。", "！", "？", "”", "）", ")", "；", ";")


@dataclass(slots=True)
class ParagraphResult:
    """Tasks read from numbered paragraphs, the lines about the plan, and what was seen."""

    tasks: list[PlanTask] = field(default_factory=list)
    meta_lines: list[str] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    blocks: int = 0  # numbered paragraphs seen, tasks or not
    context: list[str] = field(default_factory=list)  # the sections that are no task
    convention: str | None = None  # the words of a first-listed-leads convention, if any


def plan_year(lines: Sequence[str]) -> int | None:
    """The plan's year, for deadlines written without one (``6月底前``)."""
    for line in lines:
        if len(line) <= 60 and any(w in line for w in _TITLE_WORDS) and (m := _YEAR.search(line)):
            return int(m.group(1))
    years = [int(m.group(1)) for line in lines for m in _YEAR.finditer(line)]
    return years[-1] if years else None


def _cut_short(block: Block, trailing: str) -> bool:
    """True when the file stops inside a sentence that follows the last unit statement on
    its line (``…(牵头单位:X)围绕市场主体…专项行``); a line of its own after the task, such as
    ``附件：重点项目清单``, is not a task cut short."""
    if not trailing or trailing.endswith(_ENDS_SENTENCE):
        return False
    last = squeeze(block.lines[-1]) if block.lines else ""
    tail = squeeze(trailing)
    return last.endswith(tail) and len(last) > len(tail)


def _title_and_requirements(body: str) -> tuple[str, list[str]]:
    body = squeeze(body).strip(" ，,；;")
    title, _, rest = body.partition("。")
    if not rest and "；" in title:
        title, _, rest = title.partition("；")
    return title.rstrip("。").strip(), split_requirements(rest)


def _deadline(task: PlanTask, statement: Statement, body: str, year: int | None) -> Message | None:
    for text in statement.deadlines:
        value = text if _YEAR.search(text) or year is None else f"{year}年{text}"
        found, understood = parse_deadline(value)
        if found or understood:
            task.deadline, task.deadline_text = found, deadline_wording(value)
            return None
        return notes.unreadable_deadline(task, text)
    dates: list[tuple[date, str]] = []
    for m in _BODY_DEADLINE.finditer(squeeze(body)):
        if m["y"] or year:
            found, _ = parse_deadline(m.group(1) if m["y"] else f"{year}年{m.group(1)}")
            if found:
                dates.append((found, m.group(1)))
    if dates:
        task.deadline, text = max(dates)
        task.deadline_text = deadline_wording(text)
        notes.deadline_from_text(task, text)
    return None


@dataclass(slots=True)
class _Reader:
    year: int | None
    last_block: int
    result: ParagraphResult = field(default_factory=ParagraphResult)
    first_leads: bool = False  # a convention holds from here on
    seen: set[str] = field(default_factory=set)
    qualified: set[tuple[tuple[str, ...], int]] = field(default_factory=set)
    headings: list[Block] = field(default_factory=list)
    task_level: int | None = None  # the level of the last task, while items under it follow
    inherited: dict[int, Statement] = field(default_factory=dict)  # a heading's own units

    def convention(self, text: str) -> bool:
        if m := FIRST_LISTED_IS_LEAD.search(text):
            self.result.convention = self.result.convention or m.group(0)
            return True
        return False

    def number(self, block: Block) -> str:
        # (1) under 2. is task 2.1: numbers under an arabic-numbered heading carry its number.
        parents = [
            str(h.number)
            for h in self.headings
            if h.level < block.level and (h.level >= 2 or id(h) in self.inherited)
        ]
        top = [
            str(h.number)
            for h in self.headings
            if h.level < min(block.level, 2) and id(h) not in self.inherited
        ]
        number = ".".join([*parents, str(block.number)])
        key = (tuple(top), block.level)  # once numbers restart in a section, all of it is qualified
        if number in self.seen or key in self.qualified:
            number = ".".join([*top[-1:], *parents, str(block.number)])
            if number in self.seen:
                number = ".".join([*top, *parents, str(block.number)])
            while number in self.seen:
                number += "'"
            if key not in self.qualified:
                self.qualified.add(key)
                self.result.warnings.append(
                    msg(
                        N_(
                            "Task numbers restart in a new section; the repeated number "
                            "{old} was stored as {new}."
                        ),
                        old=block.number,
                        new=number,
                    )
                )
        self.seen.add(number)
        return number

    def section(self, block: Block, extra: str | None = None) -> str | None:
        parts = [h.heading() for h in self.headings if h.level < block.level]
        return " / ".join([*parts, extra] if extra else parts) or None

    def read(self, block: Block, position: int, *, group: bool = False) -> None:
        self.headings = [h for h in self.headings if h.level < block.level]
        at_end = position == self.last_block
        found, cut = find_statements(block.text, at_end=at_end)
        groups = [f for f in found if f.statement.is_task]
        if group and groups:  # units for the tasks under it: a section they inherit from
            inherited = Statement()
            for f in groups:
                inherited.merge(f.statement)
            self.inherited[id(block)] = inherited
            groups, cut = [], None
        for f in found:
            if not f.statement.is_task and f.statement.first_leads:
                self.first_leads = True
                self.convention(block.text[f.start : f.end])
        if not groups and cut is None and self._under_task(block):
            return
        if not groups and cut is None:
            self.task_level = None
            self.first_leads |= self.convention(block.text)
            self.result.context.append(block.text)
            self.headings.append(block)
            if not self.result.tasks:
                self.result.meta_lines.extend(block.lines[1:])
            return
        self.task_level = block.level
        self._tasks(block, groups, cut, at_end)

    def _with_inherited(self, block: Block, statement: Statement) -> Statement:
        """The task's statement completed by its headings' units: roles it does not name,
        the leader and deadline when it has none."""
        merged = Statement(
            assignments=list(statement.assignments),
            leaders=list(statement.leaders),
            deadlines=list(statement.deadlines),
            first_leads=statement.first_leads,
            carries_on=statement.carries_on,
            dropped=list(statement.dropped),
            same_as_above=list(statement.same_as_above),
        )
        for heading in self.headings:
            above = self.inherited.get(id(heading))
            if above is None or heading.level >= block.level:
                continue
            roles = {a.role for a in merged.assignments}
            merged.assignments += [a for a in above.assignments if a.role not in roles]
            merged.leaders = merged.leaders or list(above.leaders)
            merged.deadlines = merged.deadlines or list(above.deadlines)
        return merged

    def _under_task(self, block: Block) -> bool:
        """A numbered item under a task, naming no unit (its measures ①, (1) …): kept as
        that task's requirement, not as a section."""
        if self.task_level is None or block.level <= self.task_level or not self.result.tasks:
            return False
        self.result.tasks[-1].requirements.append(squeeze(block.marker + block.text))
        return True

    def _tasks(self, block: Block, groups: list[Found], cut: Cut | None, at_end: bool) -> None:
        text = block.text
        number = self.number(block)
        pieces: list[tuple[str, Statement, str | None]] = []
        ends = 0
        for f in groups:
            if cut is not None and f.start > cut.start:
                break
            pieces.append((text[ends : f.start], f.statement, None))
            ends = f.end
        trailing = text[ends:].strip(" ，,；;")
        if cut is not None:  # the file ends inside this paragraph's last unit list
            pieces.append((text[ends : cut.start], cut.statement, cut.text))
        elif at_end and _cut_short(block, trailing):
            pieces.append((trailing, Statement(), ""))  # the file ends inside a task
        if len(pieces) == 1:
            task = self._task(number, block, *pieces[0])
            if cut is None and len(squeeze(trailing)) > 1 and not at_end:
                task.requirements.append(squeeze(trailing))  # text after its own unit lines
            return
        head, _ = _title_and_requirements(pieces[0][0])
        title, _, rest = squeeze(pieces[0][0]).partition("。")
        pieces[0] = (rest or title, pieces[0][1], pieces[0][2])
        section = self.section(block, block.marker + head)
        for k, (body, statement, cut_text) in enumerate(pieces, start=1):
            task = self._task(f"{number}.{k}", block, body, statement, cut_text, section=section)
            notes.split_paragraph(task)

    def _task(
        self,
        number: str,
        block: Block,
        body: str,
        statement: Statement,
        cut: str | None = None,
        *,
        section: str | None = None,
    ) -> PlanTask:
        title, requirements = _title_and_requirements(body)
        statement = self._with_inherited(block, statement)
        task = PlanTask(
            number=number,
            title=title,
            requirements=requirements,
            assignments=list(statement.assignments),
            section=section or self.section(block),
            leader="、".join(statement.leaders) or None,
        )
        if statement.same_as_above and self.result.tasks:  # 同上: the task above's units
            above = self.result.tasks[-1].assignments
            task.assignments += [a for a in above if a.role in statement.same_as_above]
        if warning := _deadline(task, statement, body, self.year):
            self.result.warnings.append(warning)
        local = statement.first_leads and self.convention(block.text)
        if statement.first_leads and statement.carries_on:
            self.first_leads = True
        if (local or self.first_leads) and not any(a.separately for a in task.assignments):
            _first_listed_leads(task)
        for word in statement.dropped:
            notes.not_a_unit(task, word)
        if cut:
            self.result.warnings.append(notes.cut_off(task, cut))
        elif cut is not None:
            self.result.warnings.append(notes.cut_off_task(task, squeeze(body)[-12:]))
        if cut is None and not task.assignments:
            self.result.warnings.append(notes.no_unit(task))
        notes.unit_marks(task)
        self.result.tasks.append(task)
        return task


def _first_listed_leads(task: PlanTask) -> None:
    if any(a.role is Role.LEAD for a in task.assignments):
        return
    first = next((a for a in task.assignments if a.role is Role.RESPONSIBLE), None)
    if first is None:
        return
    index = task.assignments.index(first)
    task.assignments[index] = Assignment(first.unit, Role.LEAD, separately=first.separately)
    notes.first_listed_leads(task, first.unit)


def tasks_from_paragraphs(lines: Sequence[str], *, context: str = "") -> ParagraphResult:
    """Tasks found in numbered paragraphs, the lines that describe the plan, and warnings."""
    blocks, preamble = outline(lines)
    blocks = merge_families(blocks)
    grouping = groups(blocks)
    reader = _Reader(year=plan_year(preamble), last_block=len(blocks) - 1)
    reader.result.meta_lines = list(preamble)
    reader.result.blocks = len(blocks)
    reader.first_leads = reader.convention("\n".join([context, *preamble]))
    for position, block in enumerate(blocks):
        if not reader.result.tasks and reader.year is None:
            reader.year = plan_year(reader.result.meta_lines)
        reader.read(block, position, group=position in grouping)
    return reader.result
