"""The digest as chat text in the reader's locale: rates, lights, overdue, unreachable, changes.

Red and yellow tasks are listed in full, green ones by number only; the attached table holds
every detail. Channels split the text where it is too long for one message.
"""

from __future__ import annotations

from bot.domain.digest import Digest, TaskLine
from bot.domain.lights import Light
from bot.domain.narrative import PROBLEMS_LINE
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.i18n import Translator

NAMES_SHOWN = 30


def _status(tr: Translator, status: Status | None) -> str:
    return tr.gettext(status.label) if status else tr.gettext("not reported")


def _task(tr: Translator, task: TaskLine) -> str:
    lead = "、".join(task.lead) or "—"
    line = tr.gettext(
        "{light} Task {number} {title} (lead: {lead}) — {status}",
        light=task.light.symbol,
        number=task.number,
        title=shorten(task.title, 30),
        lead=lead,
        status=_status(tr, task.status),
    )
    if task.extended_to:
        line += " · " + tr.gettext("extended to {date}", date=task.extended_to.isoformat())
    if task.latest:
        line += "\n    " + task.latest
    if task.problems:
        line += "\n    " + tr.gettext(PROBLEMS_LINE, text=task.problems)
    if task.missing_units:
        names = "、".join(task.missing_units[:5]) + ("…" if len(task.missing_units) > 5 else "")
        line += "\n    " + tr.gettext("not reported: {units}", units=names)
    return line


def digest_title(tr: Translator, digest: Digest) -> str:
    """``2026-11 月度调度汇总``."""
    return tr.gettext("Monthly digest {period}", period=digest.period)


def digest_text(tr: Translator, digest: Digest) -> str:
    """The whole digest as text."""
    late = sum(u.late for u in digest.units)
    on_time = sum(u.on_time for u in digest.units)
    missing_units = [u.unit for u in digest.units if u.missing]
    asked = sum(u.asked for u in digest.units)
    answered = sum(u.reported for u in digest.units)
    lines = [
        digest.plan_title,
        tr.gettext(
            "Reporting: {reported} of {asked} units complete; {answered} of {requests} "
            "reports in ({on_time} on time, {late} late), deadline {due}.",
            reported=digest.units_reported,
            asked=digest.units_asked,
            answered=answered,
            requests=asked,
            on_time=on_time,
            late=late,
            due=digest.due_on.isoformat() if digest.due_on else "—",
        ),
    ]
    if missing_units:
        shown = "、".join(missing_units[:NAMES_SHOWN]) + (
            "…" if len(missing_units) > NAMES_SHOWN else ""
        )
        lines.append(tr.gettext("Not (fully) reported: {units}", units=shown))
    counts = {light: sum(1 for t in digest.tasks if t.light is light) for light in Light}
    lines += [
        "",
        tr.gettext(
            "Lights: {red} red · {yellow} yellow · {green} green",
            red=counts[Light.RED],
            yellow=counts[Light.YELLOW],
            green=counts[Light.GREEN],
        ),
    ]
    for light in (Light.RED, Light.YELLOW):
        lines += [_task(tr, t) for t in digest.tasks if t.light is light]
    greens = [t.number for t in digest.tasks if t.light is Light.GREEN and not t.closed]
    if greens:
        lines.append(
            f"{Light.GREEN.symbol} " + tr.gettext("Tasks {numbers}", numbers="、".join(greens))
        )
    if digest.closed:
        lines.append(
            tr.gettext("Closed (已销号): tasks {numbers}", numbers="、".join(digest.closed))
        )
    if digest.overdue:
        lines += ["", tr.gettext("Past their deadline and not done:")]
        lines += [
            tr.gettext(
                "Task {number} {title} — deadline {deadline}, lead {lead}",
                number=o["number"],
                title=shorten(o["title"], 30),
                deadline=o.get("deadline_words") or o["deadline"],
                lead=o["lead"] or "—",
            )
            for o in digest.overdue
        ]
    if digest.unreachable:
        lines += [
            "",
            tr.gettext("Cannot be reached: {contacts}", contacts="；".join(digest.unreachable)),
        ]
    if digest.changes:
        lines += ["", tr.gettext("Changed since last month:")]
        lines += [
            tr.gettext(
                "Task {number}: {before} → {after}",
                number=t.number,
                before=_status(tr, t.previous),
                after=_status(tr, t.status),
            )
            for t in digest.changes
        ]
    return "\n".join(lines)
