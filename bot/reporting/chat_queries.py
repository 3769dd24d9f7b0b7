"""Read-only answers: ``/mytasks`` (我的任务) and ``/history N`` (历史 N)."""

from __future__ import annotations

from bot.conversation.context import Handler, Turn
from bot.domain.narrative import progress_text
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.reporting.chat import status_label
from bot.reporting.history import task_history, unit_tasks

ROLE_MARKS = {"lead": "牵头", "responsible": "责任", "cooperating": "配合"}
HISTORY_CHARS = 500


async def my_tasks(turn: Turn) -> None:
    """The unit's tasks with their last status."""
    assert turn.contact is not None
    assert turn.contact.unit is not None
    tasks = await unit_tasks(turn.contact.unit.id)
    if not tasks:
        turn.reply(turn._("{unit} has no tasks in the current plan.", unit=turn.contact.unit.name))
        return
    lines = []
    for task in tasks:
        status = (
            status_label(turn, task.status, task.percent)
            if task.status
            else turn._("not reported yet")
        )
        deadline = f" ⏰{task.deadline_as_written}" if task.deadline_as_written else ""
        lines.append(f"{task.number}. {shorten(task.title, 40)} — {status}{deadline}")
    turn.reply(
        "\n".join(lines),
        title=turn._("Tasks of {unit} ({count})", unit=turn.contact.unit.name, count=len(tasks)),
    )


async def history(turn: Turn) -> None:
    """The latest reports on one task: the unit's own, or every unit's for the secretariat."""
    number = turn.inbound.args.strip()
    if not number or len(number) > 20 or not number.replace("-", "").isalnum():
        turn.reply(turn._("Send the task number, for example “/history 3” or “历史 3”."))
        return
    everyone = turn.contact is None or turn.contact.role == "secretariat"
    unit_id = None if everyone else turn.contact.unit_id  # type: ignore[union-attr]
    reports = await task_history(number, unit_id)
    if not reports:
        turn.reply(turn._("No reports on task {number} yet.", number=number))
        return
    blocks = []
    for report in reports:
        when = report.submitted_at.astimezone(turn.deps.timezone).strftime("%Y-%m-%d %H:%M")
        head = turn._(
            "{period} · {unit} · version {version} · {status} · {when}",
            period=report.request.period.key,
            unit=report.unit.name,
            version=report.version,
            status=status_label(turn, Status(report.status), report.percent),
            when=when,
        )
        if report.late:
            head += " · " + turn._("late")
        files = len(report.attachments)
        tail = "\n" + turn._("Files attached: {count}", count=files) if files else ""
        text = progress_text(
            shorten(report.text, HISTORY_CHARS), report.problems, report.next_steps, turn._
        )
        blocks.append(f"{head}\n{text}{tail}")
    turn.reply("\n\n".join(blocks), title=turn._("Reports on task {number}", number=number))


HANDLERS: dict[str, Handler] = {
    "mytasks": my_tasks,
    "history": history,
}
