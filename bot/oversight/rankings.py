"""通报排名 (units ranked by timeliness) and what the secretariat's digest adds for 督办.

Rankings are off unless ``DUBAN_RANKINGS`` is set, and then shown only to the secretariat (its
digest and ``duban rankings``), never to units. The digest also names every 督办单 whose reply
date has passed without a reply (the escalation of an unanswered notice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import Translator
from bot.oversight.notices import list_notices
from bot.oversight.supervision import SupervisionRules
from bot.storage.models import ProgressReport, ReportRequest


@dataclass(frozen=True, slots=True)
class UnitRank:
    """A unit's place: requests asked in the year's months, answered on time, late, never."""

    rank: int
    unit: str
    asked: int
    on_time: int
    late: int
    missing: int

    @property
    def rate(self) -> int:
        """On-time reports in percent of the requests."""
        return round(100 * self.on_time / self.asked) if self.asked else 0

    def to_json(self) -> dict[str, Any]:
        """The ``duban rankings --json`` shape."""
        return {
            "rank": self.rank,
            "unit": self.unit,
            "asked": self.asked,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "rate": self.rate,
        }


async def unit_rankings(year: int, *, plan_id: int | None = None) -> list[UnitRank]:
    """Units by the share of their year's monthly requests answered on time (then fewer
    missing, then name); equal figures share a place."""
    scope: dict[str, Any] = {"period__kind": "month", "period__key__startswith": f"{year}-"}
    if plan_id is not None:
        scope["period__plan_id"] = plan_id
    first_late = dict(
        await ProgressReport.filter(version=1, **{f"request__{k}": v for k, v in scope.items()})
        .values_list("request_id", "late")
    )  # fmt: skip
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for request_id, unit in await ReportRequest.filter(**scope).values_list("id", "unit__name"):
        row = counts[str(unit)]
        row[0] += 1
        if request_id not in first_late:
            row[3] += 1
        elif first_late[request_id]:
            row[2] += 1
        else:
            row[1] += 1

    def order(item: tuple[str, list[int]]) -> tuple[float, int, str]:
        unit, (asked, on_time, _, missing) = item
        return (-(on_time / asked if asked else 0), missing, unit)

    ranks: list[UnitRank] = []
    previous: tuple[float, int] | None = None
    for position, (unit, row) in enumerate(sorted(counts.items(), key=order), 1):
        figures = order((unit, row))[:2]
        ranks.append(UnitRank(ranks[-1].rank if figures == previous else position, unit, *row))
        previous = figures
    return ranks


def ranking_lines(tr: Translator, ranks: list[UnitRank]) -> list[str]:
    """One line per unit: place, name, the on-time rate and its figures."""
    return [
        tr.gettext(
            "{rank}. {unit} {rate}% on time ({on_time} of {asked}; late {late}, missing {missing})",
            rank=r.rank,
            unit=r.unit,
            rate=r.rate,
            on_time=r.on_time,
            asked=r.asked,
            late=r.late,
            missing=r.missing,
        )
        for r in ranks
    ]


async def digest_additions(
    tr: Translator, *, plan_id: int | None, today: date, rules: SupervisionRules | None = None
) -> str:
    """What the secretariat's digest adds: 督办单 unanswered past their date, and the ranking
    when rankings are on; ``""`` when there is nothing to add."""
    rules = rules or SupervisionRules.current()
    parts: list[str] = []
    unanswered = await list_notices(plan_id=plan_id, unanswered_on=today)
    if unanswered:
        lines = [
            tr.gettext(
                "{number} {unit} (task {task}): reply due {date}",
                number=v.number,
                unit=v.unit,
                task=v.task,
                date=v.reply_by.isoformat(),
            )
            for v in reversed(unanswered)
        ]
        title = tr.gettext("Supervision notices not answered by their date:")
        parts.append("\n".join([title, *lines]))
    if rules.rankings:
        ranks = await unit_rankings(today.year, plan_id=plan_id)
        if ranks:
            title = tr.gettext(
                "Ranking of units by timeliness (通报排名, {year}):", year=today.year
            )
            parts.append("\n".join([title, *ranking_lines(tr, ranks)]))
    return "\n\n".join(parts)
