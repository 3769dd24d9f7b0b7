"""The review sheet's layout, shared by its writer (``bot/render/review.py``) and its reader
(``bot/importers/review.py``).

``duban import FILE --review OUT.xlsx`` writes the register one row per task for the
secretariat to check; ``duban import OUT.xlsx`` reads the corrected sheet back exactly. A hidden
sheet named :data:`MARKER_SHEET` holds :data:`MARKER` in A1 (that is how the sheet is
recognised, never by guessing) and, in A2, the JSON of what the visible sheet does not show:
the plan header, the plan's own column layout and aliases, and the header text of each column.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.plan import Column, ParsedPlan, PlanMeta, PlanTask, ReportingDay, Role

MARKER_SHEET = "duban"
MARKER = "duban review sheet, format 1"
UNIT_SEPARATOR = "\n"  # one unit per line: 各乡镇党委、政府 holds a 、 of its own


class ReviewColumn(StrEnum):
    """The review sheet's columns, in order."""

    NUMBER = "number"
    SECTION = "section"
    TITLE = "title"
    REQUIREMENTS = "requirements"
    LEAD = "lead"
    RESPONSIBLE = "responsible"
    COOPERATING = "cooperating"
    LEADER = "leader"
    LIAISON = "liaison"
    DEADLINE = "deadline"
    NOTES = "notes"  # 备注: what the importer was unsure of; never read back


ROLE_OF_REVIEW_COLUMN = {
    ReviewColumn.LEAD: Role.LEAD,
    ReviewColumn.RESPONSIBLE: Role.RESPONSIBLE,
    ReviewColumn.COOPERATING: Role.COOPERATING,
}
UNIT_COLUMNS = tuple(ROLE_OF_REVIEW_COLUMN)


def review_columns(tasks: list[PlanTask]) -> list[ReviewColumn]:
    """Every column, but requirements and the liaison office only when some task has them."""
    skip = set()
    if not any(t.requirements for t in tasks):
        skip.add(ReviewColumn.REQUIREMENTS)
    if not any(t.liaison for t in tasks):
        skip.add(ReviewColumn.LIAISON)
    return [c for c in ReviewColumn if c not in skip]


def _day_json(day: ReportingDay | None) -> dict[str, Any] | None:
    if day is None:
        return None
    return {"day": day.day, "next_month": day.next_month, "quote": day.quote}


def _day(value: Any) -> ReportingDay | None:
    if not isinstance(value, dict):
        return None
    return ReportingDay(int(value["day"]), bool(value.get("next_month")), str(value.get("quote")))


def plan_json(plan: ParsedPlan) -> dict[str, Any]:
    """What the hidden sheet keeps of ``plan`` besides its tasks."""
    meta = plan.meta
    return {
        "title": meta.title,
        "doc_number": meta.doc_number,
        "issuer": meta.issuer,
        "issued": meta.issued.isoformat() if meta.issued else None,
        "monthly_dispatch": meta.monthly_dispatch,
        "quarterly_summary": meta.quarterly_summary,
        "report_due": _day_json(meta.report_due),
        "summary_due": _day_json(meta.summary_due),
        "columns": [c.value for c in plan.columns],
        "headers": dict(plan.headers),
        "aliases": dict(plan.aliases),
    }


def plan_from_json(value: dict[str, Any], tasks: list[PlanTask]) -> ParsedPlan:
    """The plan :func:`plan_json` describes, holding ``tasks``; aliases of units gone are gone."""
    issued = value.get("issued")
    meta = PlanMeta(
        title=str(value.get("title") or ""),
        doc_number=value.get("doc_number"),
        issuer=value.get("issuer"),
        issued=date.fromisoformat(issued) if issued else None,
        monthly_dispatch=bool(value.get("monthly_dispatch", True)),
        quarterly_summary=bool(value.get("quarterly_summary", True)),
        report_due=_day(value.get("report_due")),
        summary_due=_day(value.get("summary_due")),
    )
    known = {c.value for c in Column}
    units = {a.unit for t in tasks for a in t.assignments}
    return ParsedPlan(
        meta=meta,
        tasks=tasks,
        columns=[Column(c) for c in value.get("columns", []) if c in known],
        headers={str(k): str(v) for k, v in dict(value.get("headers", {})).items()},
        aliases={str(k): str(v) for k, v in dict(value.get("aliases", {})).items() if v in units},
    )
