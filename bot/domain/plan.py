"""The plan register as pure data: tasks, assignments, requirements, and revision diffs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.deadlines import as_written, still_written
from bot.domain.messages import Message
from bot.domain.text import squeeze


class Role(StrEnum):
    """A unit's part in a task."""

    LEAD = "lead"  # 牵头
    RESPONSIBLE = "responsible"  # 责任
    COOPERATING = "cooperating"  # 配合 / 协办


class Column(StrEnum):
    """The columns a plan table can have, in the words of the register."""

    NUMBER = "number"  # 序号
    TITLE = "title"  # 目标任务 / 主要任务 / 重点任务
    REQUIREMENTS = "requirements"  # 具体要求 / 工作目标
    PROGRESS = "progress"  # 进展情况
    LEAD = "lead"  # 牵头部门 / 牵头单位
    RESPONSIBLE = "responsible"  # 责任部门 / 责任单位
    COOPERATING = "cooperating"  # 配合部门 / 配合单位
    LIAISON = "liaison"  # 联络股室
    DEADLINE = "deadline"  # 完成时间
    # 责任领导 / 牵头县领导: a person, never a unit. Read by the importer into PlanTask.leader;
    # never listed in ParsedPlan.columns until the exports know how to lay it out.
    LEADER = "leader"


ROLE_OF_COLUMN = {
    Column.LEAD: Role.LEAD,
    Column.RESPONSIBLE: Role.RESPONSIBLE,
    Column.COOPERATING: Role.COOPERATING,
}

DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column.NUMBER,
    Column.TITLE,
    Column.REQUIREMENTS,
    Column.PROGRESS,
    Column.LEAD,
    Column.RESPONSIBLE,
    Column.LIAISON,
)


@dataclass(frozen=True, slots=True)
class Assignment:
    """A unit's role in one task (task × unit × role)."""

    unit: str
    role: Role
    # 分别牵头: this unit leads its own part of the task. A mark only: it takes no part in
    # equality, so stored assignments (which do not keep it yet) compare equal.
    separately: bool = field(default=False, compare=False)


class NoteKind(StrEnum):
    """What the importer was unsure of, or decided on its own, about one task."""

    GUESSED_COLUMN = "guessed_column"  # the task column had no known name: the longest text
    CUT_OFF = "cut_off"  # the unit list (or the task) ends where the file ends
    CONVENTION = "convention"  # 排名第一位的为牵头单位: the first unit listed became the lead
    COLLECTIVE = "collective"  # 各乡镇党委、政府, 相关乡镇: a collective, not one unit
    SEPARATELY = "separately"  # 县农业农村局分别牵头: each marked unit leads its own part
    NOT_A_UNIT = "not_a_unit"  # a bare level word (县) or note found in a unit list, dropped
    NO_UNIT = "no_unit"  # the task names no unit
    DEADLINE = "deadline"  # the deadline names no date, or was read from the text
    SPLIT = "split"  # one numbered paragraph held several tasks, each with its own units


@dataclass(frozen=True, slots=True)
class TaskNote:
    """One uncertainty about a task, for the review sheet's 备注 column and warnings."""

    kind: NoteKind
    message: Message


@dataclass(slots=True)
class PlanTask:
    """One numbered task (序号) of a plan."""

    number: str
    title: str
    requirements: list[str] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    liaison: str | None = None
    deadline: date | None = None
    section: str | None = None  # the headings above the task: 二、主要任务 / (一)开办企业领域
    leader: str | None = None  # 牵头领导 / 责任领导: a person's name as written, never a unit
    notes: list[TaskNote] = field(default_factory=list)
    deadline_text: str | None = None  # 完成时间 as written (长期坚持, 2026年12月), not a plain date

    @property
    def deadline_words(self) -> str | None:
        """The deadline in the plan's words while they still say its date (see
        :func:`bot.domain.deadlines.still_written`)."""
        return still_written(self.deadline_text, self.deadline)

    @property
    def deadline_as_written(self) -> str:
        """The deadline in the plan's words, else its date (ISO), else empty."""
        return as_written(self.deadline_text, self.deadline)

    def units(self, role: Role) -> list[str]:
        """Names of the units that have ``role`` in this task, in plan order."""
        return [a.unit for a in self.assignments if a.role == role]

    def fingerprint(self) -> tuple[Any, ...]:
        """What a revision compares: a changed fingerprint is a changed task."""
        return (
            self.title,
            tuple(self.requirements),
            tuple(self.assignments),
            self.liaison,
            self.deadline,
            self.deadline_text,
        )

    def to_json(self) -> dict[str, Any]:
        """The task in the shape of the ``duban import --json`` contract."""
        return {
            "number": self.number,
            "title": self.title,
            "requirements": list(self.requirements),
            "assignments": [{"unit": a.unit, "role": a.role.value} for a in self.assignments],
            "liaison": self.liaison,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }

    def details_json(self, render: Callable[[Message], str]) -> dict[str, Any]:
        """What the import contract does not carry yet: section, leader, notes, marks."""
        return {
            "number": self.number,
            "section": self.section,
            "leader": self.leader,
            "separately": [a.unit for a in self.assignments if a.separately],
            "notes": [{"kind": n.kind.value, "text": render(n.message)} for n in self.notes],
        }

    def note(self, kind: NoteKind, message: Message) -> Message:
        """Record an uncertainty once; the message, for a plan warning too."""
        entry = TaskNote(kind, message)
        if entry not in self.notes:
            self.notes.append(entry)
        return message


@dataclass(frozen=True, slots=True)
class PlanPart:
    """One version found in a file that holds several (drafts, a feedback table)."""

    label: str  # the part's own title line, or where it stands ("the first table")
    tasks: int  # how many tasks it held
    used: bool  # True for the one version that was imported
    feedback: bool = False  # a table of comments (意见反馈表), never a version


@dataclass(frozen=True, slots=True)
class ReportingDay:
    """A reporting deadline the plan states, e.g. 每月25日前报送 (reports due by the 25th)."""

    day: int  # the day of the month the reports are due by; 31 stands for the month's end
    next_month: bool = False  # 每月5日前报送上月…: due in the month after the one reported on
    quote: str = ""  # the plan's own words, shown to the admin who imports it


@dataclass(slots=True)
class PlanMeta:
    """What the document says about itself: title, 文号, issuer, date, cadence."""

    title: str = ""
    doc_number: str | None = None  # 文号, e.g. 辰教小组发〔2022〕10号
    issuer: str | None = None
    issued: date | None = None
    monthly_dispatch: bool = True  # 一月一调度
    quarterly_summary: bool = True  # 一季度一总结
    report_due: ReportingDay | None = None  # 每月25日前报送: the monthly reports' deadline
    summary_due: ReportingDay | None = None  # 每季度末月25日前: in the quarter's last month

    def to_json(self) -> dict[str, Any]:
        """The plan header in the shape of the import contract."""
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued": self.issued.isoformat() if self.issued else None,
        }


@dataclass(slots=True)
class ParsedPlan:
    """A whole plan as read from a file, before it is stored."""

    meta: PlanMeta
    tasks: list[PlanTask]
    columns: list[Column] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    headers: dict[str, str] = field(default_factory=dict)  # column → header text as written
    aliases: dict[str, str] = field(default_factory=dict)  # bare name → canonical unit
    warnings: list[Message] = field(default_factory=list)
    parts: list[PlanPart] = field(default_factory=list)  # empty: the file held one version

    def to_json(self, render: Callable[[Message], str]) -> dict[str, Any]:
        """The exact object ``duban import --json`` prints; ``render`` localizes the warnings."""
        return {
            "plan": self.meta.to_json(),
            "tasks": [t.to_json() for t in self.tasks],
            "warnings": [render(w) for w in self.warnings],
        }

    def task_notes(self) -> list[tuple[str, TaskNote]]:
        """Every task's notes with its number, in plan order (the review sheet's 备注)."""
        return [(t.number, n) for t in self.tasks for n in t.notes]

    def unit_names(self) -> list[str]:
        """Every unit the plan names, in order of first appearance."""
        seen: dict[str, None] = {}
        for task in self.tasks:
            for a in task.assignments:
                seen.setdefault(a.unit)
        return list(seen)


_CIRCLED = re.compile(r"[\u2460-\u2473\u3251-\u325f]|\((?:3[6-9]|[4-9]\d)\)")


def split_requirements(text: str) -> list[str]:
    """Split 具体要求 on ①②③ into sub-items; text without markers is one item."""
    text = squeeze(text)
    if not text:
        return []
    parts = _CIRCLED.split(text)
    head, items = parts[0].strip(), [p.strip() for p in parts[1:]]
    if not items:
        return [head]
    if head:
        items.insert(0, head)
    return [item for item in items if item]


def join_requirements(items: list[str]) -> str:
    """The inverse of :func:`split_requirements`: ``①…②…`` for several items, plain for one."""
    if len(items) == 1:
        return items[0]
    return "".join(circled(i + 1) + item for i, item in enumerate(items))


def circled(n: int) -> str:
    """The circled numeral for 1…35 (①…㉟); plain ``(n)`` beyond."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if n <= 35:
        return chr(0x3251 + n - 21)
    return f"({n})"


@dataclass(slots=True)
class PlanDiff:
    """How a revised plan differs from the stored one, by task number."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing was added, changed or removed."""
        return not (self.added or self.changed or self.removed)

    def to_json(self) -> dict[str, list[str]]:
        """Plain lists, for JSON output and the audit log."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def diff_tasks(old: list[PlanTask], new: list[PlanTask]) -> PlanDiff:
    """Compare two registers by task number."""
    before = {t.number: t for t in old}
    after = {t.number: t for t in new}
    result = PlanDiff()
    for number, task in after.items():
        if number not in before:
            result.added.append(number)
        elif before[number].fingerprint() != task.fingerprint():
            result.changed.append(number)
        else:
            result.unchanged.append(number)
    result.removed = [n for n in before if n not in after]
    return result
