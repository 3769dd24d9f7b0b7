"""The register on the terminal and in ``--json``: sections, leaders, and what the importer was
unsure of (the uncertain cells highlighted, the notes beside them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text

from bot.domain.messages import N_, Message
from bot.domain.plan import ParsedPlan, PlanMeta, PlanTask, Role
from bot.domain.review import ReviewColumn
from bot.plans.importing import task_json
from bot.render.review import uncertain_cells
from bot.shell.runtime import Runtime

UNCERTAIN = "bold black on yellow"

# Where each review column shows on the terminal: responsible and cooperating share a column.
_VIEW_COLUMN = {
    ReviewColumn.NUMBER: "number",
    ReviewColumn.TITLE: "title",
    ReviewColumn.LEAD: "lead",
    ReviewColumn.RESPONSIBLE: "others",
    ReviewColumn.COOPERATING: "others",
    ReviewColumn.LEADER: "leader",
    ReviewColumn.LIAISON: "liaison",
    ReviewColumn.DEADLINE: "deadline",
}
_HEADERS = {
    "number": N_("No."),
    "title": N_("Task"),
    "lead": N_("Lead unit"),
    "others": N_("Responsible / cooperating"),
    "leader": N_("Leader"),
    "liaison": N_("Liaison office"),
    "deadline": N_("Deadline"),
    "notes": N_("Notes"),
}


def _values(task: PlanTask) -> dict[str, str]:
    return {
        "number": task.number,
        "title": task.title,
        "lead": "、".join(task.units(Role.LEAD)),
        "others": "、".join(task.units(Role.RESPONSIBLE) + task.units(Role.COOPERATING)),
        "leader": task.leader or "",
        "liaison": task.liaison or "",
        "deadline": task.deadline_as_written,
    }


def register_view(rt: Runtime, meta: PlanMeta, tasks: list[PlanTask]) -> Table:
    """The register as a rich table: a row per section heading and per task; the cells the
    importer was unsure of highlighted, its notes in the last column."""
    caption = " · ".join(str(x) for x in (meta.doc_number, meta.issuer, meta.issued) if x)
    table = Table(title=meta.title, caption=caption or None, show_lines=True, expand=True)
    shown = ["number", "title", "lead", "others"]
    shown += [name for name in ("leader", "liaison") if any(_values(t)[name] for t in tasks)]
    shown.append("deadline")
    if any(t.notes for t in tasks):
        shown.append("notes")
    for name in shown:
        table.add_column(rt.translator.gettext(_HEADERS[name]), overflow="fold")
    section: str | None = None
    for task in tasks:
        if task.section and task.section != section:
            table.add_row(
                *("" if name != "title" else task.section for name in shown), style="bold"
            )
        section = task.section
        values = _values(task) | {"notes": "\n".join(rt.say(n.message) for n in task.notes)}
        flagged = {_VIEW_COLUMN.get(c, "number") for c in uncertain_cells(task)}
        table.add_row(
            *(Text(values[name], style=UNCERTAIN if name in flagged else "") for name in shown)
        )
    return table


def register_task_json(task: PlanTask) -> dict[str, object]:
    """A task as ``duban import --json`` and ``plan show --json`` print it: its deadline as a
    date and in the plan's words (``deadline_text``: 长期坚持, 2026年12月; null when the plan
    wrote a whole date or nothing)."""
    return task_json(task) | {"deadline_text": task.deadline_words}


def register_json(plan: ParsedPlan, say: Callable[[Message], str]) -> dict[str, Any]:
    """What ``duban import --json`` prints: the register (each task's deadline as a date and
    in the plan's words), warnings, each task's notes with its number, and which parts of the
    file were used or ignored."""
    payload = plan.to_json(say)
    payload["tasks"] = [register_task_json(t) for t in plan.tasks]
    payload["notes"] = [
        {"task": number, "kind": note.kind.value, "text": say(note.message)}
        for number, note in plan.task_notes()
    ]
    payload["parts"] = [
        {"label": p.label, "tasks": p.tasks, "used": p.used, "feedback": p.feedback}
        for p in plan.parts
    ]
    return payload
