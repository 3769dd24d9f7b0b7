"""The secretariat's view in chat (秘书组): ``/digest``, ``/status``, ``/overdue``, ``/nudge``,
``/export``. Every answer is about the latest dispatched month unless one is named.

Each handler calls the use case the CLI calls too (``bot.oversight.status``, ``digest``,
``exports``, ``bot.cadence.jobs.nudge``) and only renders its answer. What builds a file
(``/digest``, ``/export``) is checked here, deferred to a job (``bot.oversight.jobs``) and
answered at once; the file follows when the job worker has built it."""

from __future__ import annotations

from bot.cadence.jobs import nudge as nudge_units
from bot.conversation.context import Handler, Turn
from bot.delivery.deferred import Asker
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.oversight.jobs import defer_digest, defer_export, export_request
from bot.oversight.status import Lights, TaskStatus
from bot.oversight.status import overdue as overdue_now
from bot.oversight.status import status as task_status
from bot.reporting.chat import status_label
from bot.reporting.records import month_period, reporting_month


def _said(turn: Turn, status: Status | None, percent: int | None) -> str:
    return status_label(turn, status, percent) if status else turn._("not reported")


def _asker(turn: Turn) -> Asker:
    inbound = turn.inbound
    return Asker(inbound.identity, inbound.chat_identity, turn.tr.locale)


async def digest(turn: Turn) -> None:
    """The digest of the latest (or a named) month, with the filled table: it follows."""
    month = await reporting_month(turn.inbound.args.strip())
    await month_period(month)  # refused now if it was never dispatched
    await defer_digest(month, _asker(turn), today=turn.today)
    turn.reply(turn._("Preparing the digest of {period}…", period=month.key))


async def status(turn: Turn) -> None:
    """``/status``: the lights; ``/status N``: one task; ``/status UNIT``: a unit's tasks."""
    answer = await task_status(turn.inbound.args, today=turn.today)
    if isinstance(answer, Lights):
        lines = [
            f"{t.light.symbol} {t.number}. {shorten(t.title, 24)} — {_said(turn, t.status, None)}"
            for t in answer.tasks
        ]
        turn.reply("\n".join(lines), title=turn._("Status {period}", period=answer.period))
    elif isinstance(answer, TaskStatus):
        task = answer.task
        lines = [
            f"{task.light.symbol} {task.number}. {task.title}",
            turn._("Lead: {units}", units="、".join(task.lead) or "—"),
        ]
        if task.latest:
            lines.append(task.latest)
        if task.missing_units:
            lines.append(turn._("not reported: {units}", units="、".join(task.missing_units)))
        turn.reply("\n".join(lines), title=turn._("Status {period}", period=answer.period))
    else:
        lines = [
            f"{t.number}. {shorten(t.title, 30)} — {_said(turn, t.status, t.percent)}"
            for t in answer.tasks
        ]
        turn.reply(
            "\n".join(lines) or "—",
            title=turn._("Tasks of {unit} ({count})", unit=answer.unit, count=len(answer.tasks)),
        )


async def overdue(turn: Turn) -> None:
    """Tasks past their deadline, and units that missed the latest due day."""
    found = await overdue_now(today=turn.today)
    lines = [
        turn._("Task {number} {title} — deadline {deadline}, lead {lead}", number=o.number,
               title=shorten(o.title, 30), deadline=o.deadline.isoformat() if o.deadline else "—",
               lead=o.lead or "—")
        for o in found.tasks
    ]  # fmt: skip
    if found.late_units:
        lines.append(
            turn._(
                "Not reported after the deadline {due}: {units}",
                due=found.due_on.isoformat() if found.due_on else "",
                units="、".join(found.late_units),
            )
        )
    turn.reply(
        "\n".join(lines) or turn._("Nothing is overdue."),
        title=turn._("Overdue ({period})", period=found.period),
    )


async def nudge(turn: Turn) -> None:
    """一键催办: remind every unit that has not reported, now, and record who asked."""
    report = await nudge_units(turn.now, turn.deps.timezone, actor=turn.inbound.identity)
    turn.reply(
        turn._(
            "Reminders sent to {count} reporters of units that have not reported.",
            count=report.queued,
        )
    )


async def export(turn: Turn) -> None:
    """``/export [xlsx|docx|png] [YYYY-MM]``: the file of the latest (or a named) month."""
    fmt, month = await export_request(turn.inbound.args)
    await defer_export(month, fmt, _asker(turn), today=turn.today)
    turn.reply(turn._("Preparing the {format} export of {period}…", format=fmt, period=month.key))


HANDLERS: dict[str, Handler] = {
    "digest": digest,
    "status": status,
    "overdue": overdue,
    "nudge": nudge,
    "export": export,
}
