"""The reporting hot path's plain statements (open requests, a request as the flow reads it,
the earlier report) agree with the ORM reductions they replaced, on SQLite and PostgreSQL.

Generated data: units in collectives (各乡镇 for townships), tasks assigned with every role to
units and to collectives (some assignments retired), three months of requests in every state,
versions of reports on some of them, 销号 asked on some tasks, another active plan and a
retired one asking some of the units in the same month.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.domain.reporting import Month
from bot.reporting.asked import asked, earlier_of
from bot.reporting.latest import pair_latest, request_latest
from bot.reporting.requests import OPEN_STATES, RequestView, goal_of, open_requests, unit_roles
from bot.storage.models import (
    Assignment,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
    TaskClosure,
    Unit,
    UnitMember,
)

ROLES = ("lead", "responsible", "cooperating")


async def _build(seed: int) -> list[int]:
    """A plan with generated units, collectives, assignments, requests and reports; the unit ids."""
    rng = random.Random(seed)  # noqa: S311 - generated test data, not secrets
    plan = await Plan.create(
        title="P", source_name="p.md", columns=[], headers={}, asks_problems=seed % 2 == 1
    )
    units = [await Unit.create(name=f"unit {i}", kind="department") for i in range(8)]
    collectives = [await Unit.create(name=f"collective {i}", kind="collective") for i in range(2)]
    for unit in units[:5]:
        for collective in rng.sample(collectives, rng.randint(1, 2)):
            await UnitMember.create(collective=collective, member=unit)
    tasks = [
        await Task.create(
            plan=plan,
            number=str(i),
            position=10 - i,
            title=f"task {i}",
            requirements=[f"goal {i}", f"more {i}。"][: rng.randint(0, 2)],
        )
        for i in range(6)
    ]
    for task in tasks:
        for holder in rng.sample([*units, *collectives], 5):
            await Assignment.create(
                task=task, unit=holder, role=rng.choice(ROLES),
                retired_at=datetime(2026, 1, 1, tzinfo=UTC) if rng.random() < 0.2 else None,
            )  # fmt: skip
    for key in ("2026-09", "2026-10", "2026-11"):
        month = Month.parse(key)
        assert month is not None
        period = await ReportingPeriod.create(
            plan=plan, kind="month", key=key, starts=month.starts, ends=month.ends,
            due_on=month.ends if rng.random() < 0.7 else None,
        )  # fmt: skip
        for task in tasks:
            for unit in rng.sample(units, 4):
                request = await ReportRequest.create(
                    period=period, task=task, unit=unit,
                    state=rng.choice(("open", "answered", "closed")),
                )  # fmt: skip
                for version in range(1, rng.randint(0, 3) + 1):
                    await ProgressReport.create(
                        request=request, task=task, unit=unit, version=version,
                        status="in_progress", percent=version * 10, text=f"v{version}",
                        submitted_at=datetime(2026, 11, rng.randint(1, 5), tzinfo=UTC),
                    )  # fmt: skip
    for i, task in enumerate(tasks):  # 销号 asked, granted, sent back, or never
        state = ("pending", "closed", "returned", None)[i % 4]
        if state:
            await TaskClosure.create(task=task, state=state, requested_at=datetime.now(UTC))
    # another active plan asks some units in 2026-11 (twins possible), a retired one others
    for title, retired, chosen in (("Q", None, units[:3]), ("R", datetime.now(UTC), units[3:6])):
        other = await Plan.create(
            title=title, source_name=f"{title}.md", columns=[], headers={}, retired_at=retired
        )
        month = Month(2026, 11)
        period = await ReportingPeriod.create(
            plan=other, kind="month", key="2026-11", starts=month.starts, ends=month.ends
        )
        task = await Task.create(plan=other, number="1", position=1, title="other")
        for unit in chosen:
            await ReportRequest.create(period=period, task=task, unit=unit, state="open")
    return [u.id for u in units]


async def _orm_open(unit_id: int) -> list[RequestView]:
    """The ORM reduction ``open_requests`` replaced."""
    rows = (
        await ReportRequest.filter(unit_id=unit_id, state__in=OPEN_STATES)
        .order_by("period__starts", "period__plan_id", "task__position", "id")
        .select_related("period__plan", "task", "unit")
    )
    roles = await unit_roles({(r.task_id, r.unit_id) for r in rows})
    return [
        RequestView(
            id=r.id,
            period=r.period.key,
            due_on=r.period.due_on,
            number=r.task.number,
            title=r.task.title,
            unit=r.unit.name,
            answered=r.state == "answered",
            unit_id=r.unit_id,
            goal=goal_of(r.task.requirements),
            role=roles.get((r.task_id, r.unit_id)),
            plan_id=r.period.plan_id,
            plan=r.period.plan.short_name or str(r.period.plan_id),
            asks=(r.period.plan.asks_problems, r.period.plan.asks_next_steps),
        )
        for r in rows
    ]


async def test_open_requests_agree_with_the_orm_reduction(db: str) -> None:
    units = await _build(7)
    assert await open_requests(None) == []
    seen: list[RequestView] = []
    for unit_id in units:
        found = await open_requests(unit_id)
        assert found == await _orm_open(unit_id)
        seen += found
    assert len(seen) > 20
    assert {v.role for v in seen} >= {None, *ROLES}  # every part, and none, occurs


async def test_a_request_as_the_flow_reads_it(db: str) -> None:
    await _build(11)
    requests = await ReportRequest.all().select_related("period", "task", "unit")
    assert requests
    checked: dict[tuple[bool, bool, bool], bool] = {}
    for r in requests:
        read = await asked(r.id)
        assert read is not None
        versions = await ProgressReport.filter(request_id=r.id).count()
        roles = await unit_roles({(r.task_id, r.unit_id)})
        assert (read.id, read.state, read.unit_id, read.task_id, read.period_id) == (
            r.id, r.state, r.unit_id, r.task_id, r.period_id,
        )  # fmt: skip
        assert (read.period, read.starts, read.due_on, read.plan_id) == (
            r.period.key, r.period.starts, r.period.due_on, r.period.plan_id,
        )  # fmt: skip
        assert (read.number, read.title, read.unit) == (r.task.number, r.task.title, r.unit.name)
        assert read.goal == goal_of(r.task.requirements)
        assert read.role == roles.get((r.task_id, r.unit_id))
        assert read.versions == versions
        plan = await Plan.get(id=r.period.plan_id)
        assert (read.asks_problems, read.asks_next_steps) == (
            plan.asks_problems, plan.asks_next_steps,
        )  # fmt: skip
        assert read.leads == await Assignment.exists(
            task_id=r.task_id, unit_id=r.unit_id, role="lead", retired_at=None
        )
        assert read.closing == await TaskClosure.exists(
            task_id=r.task_id, state__in=("pending", "closed")
        )
        assert (
            read.shared
            == await ReportRequest.filter(
                unit_id=r.unit_id, period__key=r.period.key, period__plan__retired_at=None
            )
            .exclude(period__plan_id=r.period.plan_id)
            .exists()
        )
        checked[read.shared, read.leads, read.closing] = True
        newest = await ProgressReport.filter(request_id=r.id).order_by("-version").first()
        latest = await request_latest(r.id)
        got = (latest.id, latest.version, latest.period_id) if latest else None
        assert got == ((newest.id, newest.version, r.period_id) if newest else None)
        earlier = await earlier_of(r.task_id, r.unit_id, r.period.starts)
        assert earlier == await pair_latest(r.task_id, r.unit_id, before=r.period.starts)
    assert await asked(10**6) is None
    for i in range(3):  # each of shared, leads, closing seen both ways
        assert {k[i] for k in checked} == {True, False}
