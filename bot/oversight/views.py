"""``/status`` and ``/overdue`` as the chat shows them, in the reader's language.

Both walk the whole plan (they are read from the period's digest), so the handlers defer them
(``bot.oversight.jobs``) and the job worker renders the answer here, without a ``Turn``.
"""

from __future__ import annotations

from bot.domain.conversation import Outbound
from bot.domain.messages import N_
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.oversight.status import Lights, Overdue, StatusAnswer, TaskStatus
from bot.reporting.prompts import status_text

CLOSED = N_("closed (已销号)")
EXTENDED = N_("extended to {date}")


def _said(tr: Translator, status: Status | None, percent: int | None) -> str:
    return status_text(tr, status, percent) if status else tr.gettext("not reported")


def status_message(tr: Translator, answer: StatusAnswer) -> Outbound:
    """The lights; one task; or a unit's tasks."""
    if isinstance(answer, Lights):
        lines = [
            f"{t.light.symbol} {t.number}. {shorten(t.title, 24)} — "
            + (tr.gettext(CLOSED) if t.closed else _said(tr, t.status, None))
            for t in answer.tasks
        ]
        text, title = "\n".join(lines), tr.gettext("Status {period}", period=answer.period)
    elif isinstance(answer, TaskStatus):
        task = answer.task
        lines = [
            f"{task.light.symbol} {task.number}. {task.title}",
            tr.gettext("Lead: {units}", units="、".join(task.lead) or "—"),
        ]
        if task.closed or task.extended_to:  # 已销号, 延期至…
            day = task.extended_to.isoformat() if task.extended_to else ""
            lines.append(tr.gettext(CLOSED) if task.closed else tr.gettext(EXTENDED, date=day))
        if task.latest:
            lines.append(task.latest)
        if task.missing_units:
            lines.append(tr.gettext("not reported: {units}", units="、".join(task.missing_units)))
        text, title = "\n".join(lines), tr.gettext("Status {period}", period=answer.period)
    else:
        lines = [  # the deadline as the plan wrote it (长期坚持, 2026年12月), as /mytasks shows it
            f"{t.number}. {shorten(t.title, 30)} — {_said(tr, t.status, t.percent)}"
            + (f" ⏰{t.deadline_as_written}" if t.deadline_as_written else "")
            for t in answer.tasks
        ]
        text = "\n".join(lines) or "—"
        title = tr.gettext("Tasks of {unit} ({count})", unit=answer.unit, count=len(answer.tasks))
    return Outbound(text=text, title=title, locale=tr.locale)


def overdue_message(tr: Translator, found: Overdue) -> Outbound:
    """Tasks past their deadline, and units that missed the latest due day."""
    lines = [
        tr.gettext("Task {number} {title} — deadline {deadline}, lead {lead}", number=o.number,
                   title=shorten(o.title, 30), deadline=o.deadline_as_written or "—",
                   lead=o.lead or "—")
        for o in found.tasks
    ]  # fmt: skip
    if found.late_units:
        lines.append(
            tr.gettext(
                "Not reported after the deadline {due}: {units}",
                due=found.due_on.isoformat() if found.due_on else "",
                units="、".join(found.late_units),
            )
        )
    return Outbound(
        text="\n".join(lines) or tr.gettext("Nothing is overdue."),
        title=tr.gettext("Overdue ({period})", period=found.period),
        locale=tr.locale,
    )
