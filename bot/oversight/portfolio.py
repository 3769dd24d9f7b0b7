"""The portfolio digest for the deployment's admin: every active plan on one line, monthly.

Each line says the plan's latest dispatched month, its reporting rate (requests answered of
those asked, as the plan's own digest counts them) and its red and yellow tasks. It goes to the
admins (secretariat people and chats bound to no plan) once a month, when more than one plan
is active and every plan's digest of that month is due, the same tick as the last digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.cadence.calendar import workday_overrides
from bot.cadence.jobs import active_plans
from bot.delivery.outbox import enqueue
from bot.domain.cadence import Cadence, digest_time
from bot.domain.conversation import Outbound
from bot.domain.lights import Light
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.oversight.digest import build_digest
from bot.people import recipients
from bot.reporting.records import latest_period
from bot.storage.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One plan in the portfolio digest."""

    plan_id: int
    name: str  # its short name
    period: str
    requests: int
    answered: int
    red: int
    yellow: int

    @property
    def rate(self) -> int:
        """Requests answered, in percent of those asked."""
        return round(100 * self.answered / self.requests) if self.requests else 0


async def portfolio(today: date) -> list[PlanLine]:
    """Every active plan with a dispatched month: its latest month's figures."""
    lines = []
    for plan in await active_plans():
        period = await latest_period(plan)
        month = Month.parse(period.key) if period is not None else None
        if month is None:
            continue
        digest = await build_digest(month, today=today, plan_id=plan.id)
        lights = [t.light for t in digest.tasks]
        lines.append(
            PlanLine(
                plan_id=plan.id,
                name=plan.short_name or str(plan.id),
                period=month.key,
                requests=sum(u.asked for u in digest.units),
                answered=sum(u.reported for u in digest.units),
                red=lights.count(Light.RED),
                yellow=lights.count(Light.YELLOW),
            )
        )
    return lines


def portfolio_message(tr: Translator, month: str, lines: list[PlanLine]) -> Outbound:
    """The portfolio digest in one locale."""
    text = "\n".join(
        tr.gettext(
            "{plan} ({period}): {rate}% reported ({answered} of {requests}), "
            "🔴 {red} red, 🟡 {yellow} yellow",
            plan=line.name,
            period=line.period,
            rate=line.rate,
            answered=line.answered,
            requests=line.requests,
            red=line.red,
            yellow=line.yellow,
        )
        for line in lines
    )
    title = tr.gettext("All plans {period}", period=month)
    return Outbound(text=text, title=title, locale=tr.locale)


async def run_portfolio(now: datetime, zone: ZoneInfo) -> int:
    """Queue the month's portfolio digest to the admins once every plan's digest is due."""
    plans = await active_plans()
    if len(plans) < 2:
        return 0
    overrides, local, keys = await workday_overrides(), now.astimezone(zone), []
    for plan in plans:
        period = await latest_period(plan)
        if period is None or period.due_on is None:
            continue
        if digest_time(period.due_on, Cadence.from_json(plan.cadence), zone, overrides) > local:
            return 0  # one plan's digest is still to come: the portfolio waits for it
        keys.append(period.key)
    admins = await recipients.admins()
    if not keys or not admins:
        return 0
    month = max(keys)
    sent = [f"portfolio:{month}:{person.key}" for person in admins]
    if await OutboxMessage.filter(key__in=sent).count() == len(sent):
        return 0  # sent already: the plans' digests are not rebuilt on every tick
    lines, queued = await portfolio(local.date()), 0
    for person in admins:
        outbound = portfolio_message(Translator(person.locale), month, lines)
        key = f"portfolio:{month}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued
