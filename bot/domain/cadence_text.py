"""How a plan's cadence reads to a person: its rules as translatable messages.

The commands render these (``Runtime.say``); a rule made of parts is rendered part first,
then the sentence around it, since :class:`Message` parameters are plain values.
"""

from __future__ import annotations

from bot.domain.cadence import MONTH_END, Cadence
from bot.domain.messages import N_, Message, msg

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def due_rule(cadence: Cadence) -> Message | None:
    """``by day 25 of each month`` (每月25日前), or None for a dispatch-day cadence."""
    if cadence.due_day is None:
        return None
    if cadence.due_next_month:
        if cadence.due_day >= MONTH_END:
            return msg(N_("by the end of the following month"))
        return msg(N_("by day {day} of the following month"), day=cadence.due_day)
    if cadence.due_day >= MONTH_END:
        return msg(N_("by the end of each month"))
    return msg(N_("by day {day} of each month"), day=cadence.due_day)


def quarter_rule(cadence: Cadence) -> Message | None:
    """``by day 25 of each quarter's last month`` (每季度末月25日前), or None."""
    if cadence.quarter_due_day is None:
        return None
    if cadence.quarter_due_day >= MONTH_END:
        return msg(N_("by the end of each quarter"))
    return msg(N_("by day {day} of each quarter's last month"), day=cadence.quarter_due_day)


def stated_rule(cadence: Cadence, due: str, quote: str | None) -> Message:
    """The sentence for a due-day cadence; ``due`` is :func:`due_rule` rendered."""
    if quote:
        return msg(
            N_(
                "Reports due: {due} (the plan says “{quote}”); dispatch {lead} working days before."
            ),
            due=due,
            quote=quote,
            lead=cadence.dispatch_lead_workdays,
        )
    return msg(
        N_("Reports due: {due}; dispatch {lead} working days before."),
        due=due,
        lead=cadence.dispatch_lead_workdays,
    )


def dispatch_rule(cadence: Cadence) -> Message:
    """The sentence for a dispatch-day cadence (the default)."""
    return msg(
        N_(
            "Dispatch on the first working day from day {day} of each month; reports due "
            "{count} working days later."
        ),
        day=cadence.dispatch_day,
        count=cadence.due_workdays,
    )


def follow_up_rule(cadence: Cadence) -> Message:
    """Reminders and escalation, relative to the due day."""
    return msg(
        N_(
            "Reminders {days} working days before the due day (0: on it); escalation and the "
            "digest {after} working days after it."
        ),
        days=", ".join(str(d) for d in sorted(set(cadence.remind_before), reverse=True)),
        after=cadence.escalate_after,
    )
