"""The secretariat's slow answers, deferred: ``/export`` (the table, the written material, the
chart), ``/digest`` (the digest with its filled table), ``/status`` and ``/overdue`` (read from
the digest, which walks the whole plan: 1.6–2.4 s at 2 000 tasks × 300 units).

The handler checks the request and calls a ``defer_…`` use case inside its transaction, then
answers at once; the job worker (``bot.delivery.jobs``) runs
:data:`JOBS` outside any transaction and queues what they return for the person who asked.
The CLI (``duban export``, ``duban digest``) calls the same use cases directly
(:func:`bot.oversight.exports.export_month`, :func:`bot.oversight.publish.digest_message`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.delivery.deferred import Asker, JobContext, JobRunner, defer
from bot.domain.conversation import Outbound, OutFile
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.oversight.exports import FORMATS, MIMES, export_month
from bot.oversight.publish import digest_message
from bot.oversight.status import overdue, status
from bot.oversight.views import overdue_message, status_message
from bot.reporting.records import month_period, reporting_month

EXPORT, DIGEST, STATUS, OVERDUE = "export", "digest", "status", "overdue"


async def export_request(args: str, plan_id: int | None = None) -> tuple[str, Month]:
    """``/export`` arguments (a format, a month, both, or neither) → (format, dispatched month).

    Refused in one sentence: a word that is neither a format nor a month, a month never
    dispatched.
    """
    fmt, given = "xlsx", ""
    for word in args.lower().split():
        if word in FORMATS:
            fmt = word
        elif word[:1].isdigit():
            given = word  # reporting_month refuses it if it is no month
        else:
            raise RefusedError(
                msg(
                    N_(
                        "“{value}” is neither an export format (xlsx, docx, png) nor a month "
                        "(YYYY-MM, e.g. 2026-10)."
                    ),
                    value=word[:20],
                )
            )
    month = await reporting_month(given, plan_id)
    await month_period(month, plan_id)  # refused now, in chat, if it was never dispatched
    return fmt, month


async def defer_export(
    month: Month, fmt: str, asker: Asker, *, today: date, plan_id: int | None = None
) -> int:
    """Queue the export of ``month`` in ``fmt`` for ``asker``, as of ``today``."""
    args = {"month": month.key, "format": fmt, "today": today.isoformat(), "plan": plan_id}
    return await defer(EXPORT, args, asker)


async def defer_digest(
    month: Month, asker: Asker, *, today: date, plan_id: int | None = None
) -> int:
    """Queue the digest of ``month`` (with its filled table) for ``asker``, as of ``today``."""
    args = {"month": month.key, "today": today.isoformat(), "plan": plan_id}
    return await defer(DIGEST, args, asker)


async def defer_status(query: str, asker: Asker, *, today: date, plan_id: int | None = None) -> int:
    """Queue ``/status [N|unit]`` for ``asker``, as of ``today``."""
    return await defer(STATUS, {"query": query, "today": today.isoformat(), "plan": plan_id}, asker)


async def defer_overdue(asker: Asker, *, today: date, plan_id: int | None = None) -> int:
    """Queue ``/overdue`` for ``asker``, as of ``today``."""
    return await defer(OVERDUE, {"today": today.isoformat(), "plan": plan_id}, asker)


def _plan(args: dict[str, Any]) -> int | None:
    """The plan the job is about (None in jobs queued before plans were named)."""
    plan = args.get("plan")
    return plan if isinstance(plan, int) else None


def _month(args: dict[str, Any]) -> Month:
    month = Month.parse(str(args["month"]))
    if month is None:
        raise ValueError(f"not a month: {args['month']!r}")
    return month


async def run_export(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """Write the export (under a stable name per month, locale and format) and attach it."""
    month, fmt, locale = _month(args), str(args["format"]), context.asker.locale
    plan_id = _plan(args)
    named = f"plan{plan_id}-" if plan_id else ""  # one file per plan when several run
    relative = f"exports/chat-{named}{month.key}-{locale}.{fmt}"
    await export_month(
        month,
        fmt,
        context.data_dir / relative,
        today=date.fromisoformat(args["today"]),
        zone=context.zone,
        locale=locale,
        plan_id=plan_id,
    )
    tr = Translator(locale)
    name = tr.gettext("Progress {period}.xlsx", period=month.key).rsplit(".", 1)[0] + f".{fmt}"
    return [
        Outbound(
            text=tr.gettext("The {format} export of {period}.", format=fmt, period=month.key),
            files=(OutFile(relative, name, MIMES[fmt]),),
            locale=tr.locale,
        )
    ]


async def run_digest(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """The digest of the month in the asker's language, with the filled table."""
    _, outbound = await digest_message(
        _month(args),
        locale=context.asker.locale,
        data_dir=context.data_dir,
        today=date.fromisoformat(args["today"]),
        zone=context.zone,
        plan_id=_plan(args),
    )
    return [outbound]


async def run_status(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """The lights, one task or one unit, in the asker's language."""
    answer = await status(
        str(args["query"]), today=date.fromisoformat(args["today"]), plan_id=_plan(args)
    )
    return [status_message(Translator(context.asker.locale), answer)]


async def run_overdue(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """What is overdue, in the asker's language."""
    found = await overdue(today=date.fromisoformat(args["today"]), plan_id=_plan(args))
    return [overdue_message(Translator(context.asker.locale), found)]


JOBS: dict[str, JobRunner] = {
    EXPORT: run_export,
    DIGEST: run_digest,
    STATUS: run_status,
    OVERDUE: run_overdue,
}
"""The oversight feature's deferred jobs, by kind (the kind is also the command that asked)."""
