"""The sentences the importer says about one task or the whole file, in one place.

Per-task notes (:class:`TaskNote`) are what the importer was unsure of or decided on its own;
they go to the review sheet's 备注 column. The ones a person must look at (a cut-off list, a
guessed column, a convention applied, several versions) are also plan warnings.
"""

from __future__ import annotations

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import NoteKind, ParsedPlan, PlanTask, Role
from bot.domain.units import UnitKind, unit_kind


def no_unit(task: PlanTask) -> Message:
    """The task names no unit (kept, as before, as a plan warning)."""
    return task.note(NoteKind.NO_UNIT, msg(N_("Task {number} names no unit."), number=task.number))


def unreadable_deadline(task: PlanTask, text: str) -> Message:
    """The deadline names no date; it was left empty (kept, as before, as a plan warning)."""
    return task.note(
        NoteKind.DEADLINE,
        msg(
            N_("Task {number}: the deadline “{text}” names no date; it was left empty."),
            number=task.number,
            text=text,
        ),
    )


def deadline_from_text(task: PlanTask, text: str) -> None:
    """The deadline was read from the task's own words, the plan's year supplied."""
    task.note(
        NoteKind.DEADLINE,
        msg(N_("The deadline was read from the task's text: “{text}”."), text=text),
    )


def cut_off(task: PlanTask, text: str) -> Message:
    """The unit list stops where the file stops: its last word was not read."""
    return task.note(
        NoteKind.CUT_OFF,
        msg(
            N_(
                "Task {number}: the file ends inside its unit list, at “{text}”; that word "
                "looks cut off and was not read as a unit."
            ),
            number=task.number,
            text=text,
        ),
    )


def cut_off_task(task: PlanTask, text: str) -> Message:
    """The task itself stops where the file stops, before its units."""
    return task.note(
        NoteKind.CUT_OFF,
        msg(
            N_(
                "Task {number}: the file ends inside this task, at “{text}”, before its "
                "units; it looks cut off."
            ),
            number=task.number,
            text=text,
        ),
    )


def not_a_unit(task: PlanTask, word: str) -> None:
    """A word in a unit list that is no unit (a level word alone) was left out."""
    task.note(
        NoteKind.NOT_A_UNIT,
        msg(N_("“{word}” in the unit list is not a unit; it was left out."), word=word),
    )


def first_listed_leads(task: PlanTask, unit: str) -> None:
    """The plan's convention made the first unit listed the lead."""
    task.note(
        NoteKind.CONVENTION,
        msg(
            N_("“{unit}” was read as the lead unit: the plan says the unit listed first leads."),
            unit=unit,
        ),
    )


def split_paragraph(task: PlanTask) -> None:
    """The task is one of several sentences of one numbered paragraph, each with its units."""
    task.note(
        NoteKind.SPLIT,
        msg(
            N_("One numbered paragraph holds several tasks, each with its own units; this is one.")
        ),
    )


def guessed_column(task: PlanTask, header: str) -> None:
    """The task column had no known name: the column with the longest text was read."""
    task.note(
        NoteKind.GUESSED_COLUMN,
        msg(
            N_("The task was read from the column “{header}”, the one with the longest text."),
            header=header,
        ),
    )


def unit_marks(task: PlanTask) -> None:
    """Notes on the units themselves: collectives, units that lead separately."""
    for assignment in task.assignments:
        if unit_kind(assignment.unit) is UnitKind.COLLECTIVE:
            task.note(
                NoteKind.COLLECTIVE,
                msg(
                    N_("“{unit}” stands for several bodies (a collective), not one unit."),
                    unit=assignment.unit,
                ),
            )
        if assignment.separately and assignment.role is Role.LEAD:
            task.note(
                NoteKind.SEPARATELY,
                msg(
                    N_("“{unit}” leads its own part of the task (分别牵头)."), unit=assignment.unit
                ),
            )


def convention_warning(plan: ParsedPlan, quote: str) -> None:
    """Say once that the first-listed convention was applied, and to which tasks."""
    numbers = [n for n, note in plan.task_notes() if note.kind is NoteKind.CONVENTION]
    if numbers:
        plan.warnings.append(
            msg(
                N_(
                    "As the plan says (“{quote}”), the unit listed first was read as the lead "
                    "unit of tasks {numbers}."
                ),
                quote=quote,
                numbers="、".join(dict.fromkeys(numbers)),
            )
        )


def guessed_column_warning(plan: ParsedPlan, header: str) -> None:
    """Say once that the task column was guessed."""
    plan.warnings.append(
        msg(
            N_(
                "No column is named as the task (重点任务, 工作内容 …); the column “{header}”, "
                "which holds the longest text, was read as the task."
            ),
            header=header,
        )
    )
