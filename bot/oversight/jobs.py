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


async def export_request(args: str) -> tuple[str, Month]:
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
    month = await reporting_month(given)
    await month_period(month)  # refused now, in chat, if it was never dispatched
    return fmt, month


async def defer_export(month: Month, fmt: str, asker: Asker, *, today: date) -> int:
    """Queue the export of ``month`` in ``fmt`` for ``asker``, as of ``today``."""
    return await defer(
        EXPORT, {"month": month.key, "format": fmt, "today": today.isoformat()}, asker
    )


async def defer_digest(month: Month, asker: Asker, *, today: date) -> int:
    """Queue the digest of ``month`` (with its filled table) for ``asker``, as of ``today``."""
    return await defer(DIGEST, {"month": month.key, "today": today.isoformat()}, asker)


async def defer_status(query: str, asker: Asker, *, today: date) -> int:
    """Queue ``/status [N|unit]`` for ``asker``, as of ``today``."""
    return await defer(STATUS, {"query": query, "today": today.isoformat()}, asker)


async def defer_overdue(asker: Asker, *, today: date) -> int:
    """Queue ``/overdue`` for ``asker``, as of ``today``."""
    return await defer(OVERDUE, {"today": today.isoformat()}, asker)


def _month(args: dict[str, Any]) -> Month:
    month = Month.parse(str(args["month"]))
    if month is None:
        raise ValueError(f"not a month: {args['month']!r}")
    return month


async def run_export(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """Write the export (under a stable name per month, locale and format) and attach it."""
    month, fmt, locale = _month(args), str(args["format"]), context.asker.locale
    relative = f"exports/chat-{month.key}-{locale}.{fmt}"
    await export_month(
        month,
        fmt,
        context.data_dir / relative,
        today=date.fromisoformat(args["today"]),
        zone=context.zone,
        locale=locale,
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
        plan_id=None,
    )
    return [outbound]


async def run_status(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """The lights, one task or one unit, in the asker's language."""
    answer = await status(str(args["query"]), today=date.fromisoformat(args["today"]))
    return [status_message(Translator(context.asker.locale), answer)]


async def run_overdue(args: dict[str, Any], context: JobContext) -> list[Outbound]:
    """What is overdue, in the asker's language."""
    found = await overdue(today=date.fromisoformat(args["today"]))
    return [overdue_message(Translator(context.asker.locale), found)]


JOBS: dict[str, JobRunner] = {
    EXPORT: run_export,
    DIGEST: run_digest,
    STATUS: run_status,
    OVERDUE: run_overdue,
}
"""The oversight feature's deferred jobs, by kind (the kind is also the command that asked)."""
