"""The secretariat's view in chat (秘书组): ``/digest``, ``/status``, ``/overdue``, ``/nudge``,
``/export``. Every answer is about the latest dispatched month unless one is named.

Each handler calls the use case the CLI calls too (``bot.oversight.status``, ``digest``,
``exports``, ``bot.cadence.jobs.nudge``) and only renders its answer. What builds a file
or walks the whole plan (``/digest``, ``/export``, ``/status``, ``/overdue``) is checked here,
deferred to a job (``bot.oversight.jobs``) and answered at once; the answer follows when the
job worker has built it (``/nudge`` stays here: it queues the reminders, 0.3 s at 2 000 tasks
× 300 units)."""

from __future__ import annotations

from bot.cadence.jobs import nudge as nudge_units
from bot.conversation.context import Handler, Turn
from bot.delivery.deferred import Asker
from bot.oversight.jobs import (
    defer_digest,
    defer_export,
    defer_overdue,
    defer_status,
    export_request,
)
from bot.people.scope import chosen_plan
from bot.reporting.records import month_period, reporting_month


def _asker(turn: Turn) -> Asker:
    inbound = turn.inbound
    return Asker(inbound.identity, inbound.chat_identity, turn.tr.locale)


async def digest(turn: Turn) -> None:
    """The digest of the latest (or a named) month, with the filled table: it follows."""
    chosen = await chosen_plan(turn)
    if chosen is None:
        return
    month = await reporting_month(chosen.args, chosen.plan_id)
    await month_period(month, chosen.plan_id)  # refused now if it was never dispatched
    await defer_digest(month, _asker(turn), today=turn.today, plan_id=chosen.plan_id)
    turn.reply(turn._("Preparing the digest of {period}…", period=month.key))


async def status(turn: Turn) -> None:
    """``/status``: the lights; ``/status N``: one task; ``/status UNIT``: a unit's tasks.

    Each is read from the period's digest, which walks the whole plan: the answer follows."""
    chosen = await chosen_plan(turn)
    if chosen is None:
        return
    await reporting_month(None, chosen.plan_id)  # refused now when nothing was dispatched
    await defer_status(chosen.args, _asker(turn), today=turn.today, plan_id=chosen.plan_id)
    turn.reply(turn._("Preparing the status…"))


async def overdue(turn: Turn) -> None:
    """Tasks past their deadline, and units that missed the latest due day: they follow."""
    chosen = await chosen_plan(turn)
    if chosen is None:
        return
    await reporting_month(None, chosen.plan_id)
    await defer_overdue(_asker(turn), today=turn.today, plan_id=chosen.plan_id)
    turn.reply(turn._("Preparing the overdue list…"))


async def nudge(turn: Turn) -> None:
    """一键催办: remind every unit that has not reported, now, and record who asked."""
    chosen = await chosen_plan(turn)
    if chosen is None:
        return
    report = await nudge_units(
        turn.now, turn.deps.timezone, actor=turn.inbound.identity, plan_id=chosen.plan_id
    )
    turn.reply(
        turn._(
            "Reminders sent to {count} reporters of units that have not reported.",
            count=report.queued,
        )
    )


async def export(turn: Turn) -> None:
    """``/export [xlsx|docx|png] [YYYY-MM]``: the file of the latest (or a named) month."""
    chosen = await chosen_plan(turn)
    if chosen is None:
        return
    fmt, month = await export_request(chosen.args, chosen.plan_id)
    await defer_export(month, fmt, _asker(turn), today=turn.today, plan_id=chosen.plan_id)
    turn.reply(turn._("Preparing the {format} export of {period}…", format=fmt, period=month.key))


HANDLERS: dict[str, Handler] = {
    "digest": digest,
    "status": status,
    "overdue": overdue,
    "nudge": nudge,
    "export": export,
}
