"""One table row (or several, when a task runs over a page break) → one plan task."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.deadlines import deadline_wording, parse_deadline
from bot.domain.messages import Message
from bot.domain.plan import ROLE_OF_COLUMN, Assignment, Column, PlanTask, Role, split_requirements
from bot.importers import notes
from bot.importers.statement import Statement, add_units


@dataclass(slots=True)
class Draft:
    """The cells of one task as read so far, column by column."""

    number: str
    cells: dict[Column, list[str]] = field(default_factory=dict)
    section: str | None = None
    merged_rows: bool = False  # one task over several rows, each with its own measure

    def add(self, column: Column, text: str) -> None:
        """Keep ``text`` for ``column`` unless the same text is already there."""
        if text and text not in self.cells.get(column, []):
            self.cells.setdefault(column, []).append(text)

    def text(self, column: Column, sep: str = "") -> str:
        """Everything read for ``column``, joined with ``sep``."""
        return sep.join(self.cells.get(column, []))


def _units(draft: Draft, task: PlanTask) -> bool:
    """Read the unit columns into ``task``; True when a cell says the first listed leads."""
    first_leads = False
    for column, role in ROLE_OF_COLUMN.items():
        cell = draft.text(column, "、")
        if not cell:
            continue
        statement = Statement()
        add_units(cell, role, statement)
        first_leads |= statement.first_leads
        for word in statement.dropped:
            notes.not_a_unit(task, word)
        for assignment in statement.assignments:
            if assignment not in task.assignments:
                task.assignments.append(assignment)
    return first_leads


def task_from_draft(
    draft: Draft, first_leads: bool, guessed: str | None, warnings: list[Message]
) -> PlanTask:
    """The task a draft row holds; warnings for what it lacks are added to ``warnings``."""
    if draft.merged_rows:
        requirements = [
            r for cell in draft.cells.get(Column.REQUIREMENTS, []) for r in split_requirements(cell)
        ]
    else:
        requirements = split_requirements(draft.text(Column.REQUIREMENTS, "\n"))
    title = draft.text(Column.TITLE)
    if not title and requirements:
        title = re.split(r"[。；;]", requirements[0], maxsplit=1)[0]
    task = PlanTask(
        number=draft.number,
        title=title,
        requirements=requirements,
        liaison=draft.text(Column.LIAISON, "、") or None,
        section=draft.section,
        leader=draft.text(Column.LEADER, "、") or None,
    )
    first_leads |= _units(draft, task)
    if first_leads and not any(a.role is Role.LEAD or a.separately for a in task.assignments):
        first = next((a for a in task.assignments if a.role is Role.RESPONSIBLE), None)
        if first is not None:
            index = task.assignments.index(first)
            task.assignments[index] = Assignment(first.unit, Role.LEAD)
            notes.first_listed_leads(task, first.unit)
    deadline_text = draft.text(Column.DEADLINE)
    task.deadline, understood = parse_deadline(deadline_text)
    task.deadline_text = deadline_wording(deadline_text)
    if not understood:
        warnings.append(notes.unreadable_deadline(task, deadline_text))
    if guessed is not None:
        notes.guessed_column(task, guessed)
    if not task.assignments:
        warnings.append(notes.no_unit(task))
    notes.unit_marks(task)
    return task
