"""The latest-report and open-request queries (bot/reporting/latest.py) on real storage.

Two plans, two months, revisions written out of order and submissions at the same second: each
query's rows are asserted exactly, on SQLite and on PostgreSQL, and then checked against a
plain reduction over every stored version on generated data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.domain.reporting import Month
from bot.reporting.latest import (
    last_statuses,
    last_version,
    latest_in_period,
    latest_in_periods,
    pair_latest,
    request_latest,
)
from bot.reporting.requests import OPEN_STATES, RequestView, open_requests, period_requests
from bot.storage.models import (
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
    Unit,
)


def at(month: int, day: int, hour: int = 10) -> datetime:
    """A submission time in 2026 (UTC)."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class World:
    """Ids of what ``build`` stored."""

    units: dict[str, int]
    tasks: dict[str, int]
    periods: dict[str, int]
    requests: dict[tuple[str, str, str], int]


async def _period(plan: Plan, key: str) -> ReportingPeriod:
    month = Month.parse(key)
    assert month is not None
    return await ReportingPeriod.create(
        plan=plan, kind="month", key=key, starts=month.starts, ends=month.ends,
        dispatch_on=month.starts, due_on=month.ends,
    )  # fmt: skip


async def build() -> World:
    """Plan P (tasks 1, 2) with October and November; plan Q (task 9) with November."""
    p = await Plan.create(title="P", source_name="p.md", columns=[], headers={})
    q = await Plan.create(title="Q", source_name="q.md", columns=[], headers={})
    units = {n: (await Unit.create(name=f"{n} bureau", kind="department")).id for n in "BAC"}
    tasks = {
        "1": (await Task.create(plan=p, number="1", position=1, title="Schools")).id,
        "2": (await Task.create(plan=p, number="2", position=2, title="Roads")).id,
        "9": (await Task.create(plan=q, number="9", position=3, title="Water")).id,
    }
    periods = {
        "P-10": (await _period(p, "2026-10")).id,
        "P-11": (await _period(p, "2026-11")).id,
        "Q-11": (await _period(q, "2026-11")).id,
    }
    asked = {
        ("P-10", "1", "A"): "closed", ("P-10", "1", "B"): "closed",
        ("P-10", "2", "A"): "closed", ("P-10", "2", "C"): "closed",
        ("P-11", "1", "A"): "answered", ("P-11", "1", "B"): "answered",
        ("P-11", "2", "A"): "answered", ("P-11", "2", "C"): "open",
        ("Q-11", "9", "A"): "answered",
    }  # fmt: skip
    requests = {}
    for (period, task, unit), state in asked.items():
        request = await ReportRequest.create(
            period_id=periods[period], task_id=tasks[task], unit_id=units[unit], state=state
        )
        requests[(period, task, unit)] = request.id
    world = World(units, tasks, periods, requests)
    # (period, task, unit, version, status, percent, submitted), in the order they are stored
    for row in [
        ("P-10", "1", "A", 1, "in_progress", 30, at(10, 20)),
        ("P-10", "1", "A", 2, "behind", 40, at(10, 25)),
        ("P-10", "1", "B", 1, "done", None, at(10, 26)),
        ("P-10", "2", "C", 1, "in_progress", 50, at(10, 27)),
        ("P-11", "1", "A", 2, "in_progress", 60, at(11, 22)),  # stored before its version 1
        ("P-11", "1", "A", 1, "done", None, at(11, 20)),
        ("P-11", "1", "B", 1, "in_progress", 80, at(11, 21)),
        ("P-11", "1", "B", 2, "done", None, at(11, 21)),  # the same second as version 1
        ("P-11", "2", "A", 1, "not_started", None, at(11, 23)),
        ("Q-11", "9", "A", 1, "done", None, at(11, 24)),
    ]:
        await report(world, row)
    return world


Version = tuple[str, str, str, int, str, int | None, datetime]


async def report(world: World, row: Version) -> ProgressReport:
    """Store one version (period, task, unit, version, status, percent, time), named in its text."""
    period, task, unit, version, status, percent, submitted = row
    return await ProgressReport.create(
        request_id=world.requests[(period, task, unit)], task_id=world.tasks[task],
        unit_id=world.units[unit], version=version, status=status, percent=percent,
        text=f"{period} {task}{unit} v{version}", late=version > 1, submitted_at=submitted,
    )  # fmt: skip


async def test_latest_in_a_period_is_the_highest_version_in_plan_order(db: str) -> None:
    world = await build()
    rows = await latest_in_period(world.periods["P-10"])
    assert [(r.text, r.status, r.percent, r.version, r.late) for r in rows] == [
        ("P-10 1A v2", "behind", 40, 2, True),
        ("P-10 1B v1", "done", None, 1, False),
        ("P-10 2C v1", "in_progress", 50, 1, False),
    ]
    first = rows[0]
    assert (first.task_id, first.unit_id, first.period_id) == (
        world.tasks["1"],
        world.units["A"],
        world.periods["P-10"],
    )
    assert first.request_id == world.requests[("P-10", "1", "A")]
    assert first.submitted_at == at(10, 25)
    assert first.submitted_at.tzinfo is not None
    assert first.contact_id is None
    rows = await latest_in_period(world.periods["P-11"])
    assert [(r.text, r.status) for r in rows] == [
        ("P-11 1A v2", "in_progress"),
        ("P-11 1B v2", "done"),
        ("P-11 2A v1", "not_started"),
    ]
    assert await latest_in_period(world.periods["Q-11"]) == [
        await request_latest(world.requests[("Q-11", "9", "A")])
    ]


async def test_latest_over_several_periods_keeps_one_row_per_request(db: str) -> None:
    world = await build()
    rows = await latest_in_periods([world.periods["P-11"], world.periods["P-10"]])
    assert [r.text for r in rows] == [
        "P-10 1A v2",
        "P-11 1A v2",
        "P-10 1B v1",
        "P-11 1B v2",
        "P-11 2A v1",
        "P-10 2C v1",
    ]
    assert await latest_in_periods([]) == []


async def test_last_statuses_follow_submission_time_over_every_period(db: str) -> None:
    world = await build()
    t, u = world.tasks, world.units
    found = await last_statuses(plan_id=(await Plan.get(title="P")).id)
    assert {k: (s.status, s.percent, s.submitted_at) for k, s in found.items()} == {
        (t["1"], u["A"]): ("in_progress", 60, at(11, 22)),
        (t["1"], u["B"]): ("done", None, at(11, 21)),  # same second: the later row
        (t["2"], u["A"]): ("not_started", None, at(11, 23)),
        (t["2"], u["C"]): ("in_progress", 50, at(10, 27)),  # nothing in November
    }
    everything = await last_statuses()
    assert set(everything) == set(found) | {(t["9"], u["A"])}
    assert set(await last_statuses(task_ids=[t["2"]])) == {(t["2"], u["A"]), (t["2"], u["C"])}
    assert set(await last_statuses(task_ids=[t["1"], t["9"]], unit_ids=[u["A"]])) == {
        (t["1"], u["A"]),
        (t["9"], u["A"]),
    }
    assert await last_statuses(task_ids=[]) == {}
    assert await last_statuses(unit_ids=[]) == {}


async def test_single_request_and_pair(db: str) -> None:
    world = await build()
    t, u, r = world.tasks, world.units, world.requests
    newest = await request_latest(r[("P-11", "1", "A")])
    assert newest is not None
    assert (newest.text, newest.version, newest.period_id) == (
        "P-11 1A v2",
        2,
        world.periods["P-11"],
    )
    assert await request_latest(r[("P-11", "2", "C")]) is None
    last = await pair_latest(t["2"], u["C"])
    assert last is not None
    assert last.text == "P-10 2C v1"
    assert (await pair_latest(t["1"], u["B"])) == await request_latest(r[("P-11", "1", "B")])
    assert await pair_latest(t["9"], u["C"]) is None
    assert await last_version(r[("P-11", "1", "A")]) == 2
    assert await last_version(r[("P-11", "2", "C")]) == 0


async def test_pair_before_a_period_takes_the_latest_earlier_period_first(db: str) -> None:
    world = await build()
    t, u = world.tasks, world.units
    await report(world, ("P-10", "1", "A", 3, "done", None, at(12, 5)))  # after November's
    last = await pair_latest(t["1"], u["A"])
    assert last is not None
    assert last.text == "P-10 1A v3"
    for before, text in (
        (date(2026, 12, 1), "P-11 1A v2"),
        (date(2026, 11, 1), "P-10 1A v3"),
        (date(2026, 10, 1), None),
    ):
        found = await pair_latest(t["1"], u["A"], before=before)
        assert (found.text if found else None) == text


async def test_open_requests_of_a_unit_and_of_a_period(db: str) -> None:
    world = await build()
    r, u = world.requests, world.units
    due = date(2026, 11, 30)
    p, q = [(await Plan.get(title=title)).id for title in ("P", "Q")]
    a = ("A bureau", True, u["A"])
    no = (False, False)  # neither plan asks for 存在问题 or 下步打算
    assert await open_requests(u["A"]) == [  # a plan without a short name: named by its number
        RequestView(r["P-11", "1", "A"], "2026-11", due, "1", "Schools", *a, plan_id=p, plan="1",
                    asks=no),
        RequestView(r["P-11", "2", "A"], "2026-11", due, "2", "Roads", *a, plan_id=p, plan="1",
                    asks=no),
        RequestView(r["Q-11", "9", "A"], "2026-11", due, "9", "Water", *a, plan_id=q, plan="2",
                    asks=no),
    ]  # fmt: skip
    assert await open_requests(None) == []
    assert [(v.unit, v.number, v.answered) for v in await open_requests(u["C"])] == [
        ("C bureau", "2", False)
    ]
    views = await period_requests(world.periods["P-11"], OPEN_STATES)
    assert [(v.unit, v.number, v.answered) for v in views] == [
        ("A bureau", "1", True),
        ("A bureau", "2", True),
        ("B bureau", "1", True),
        ("C bureau", "2", False),
    ]
    assert [v.id for v in await period_requests(world.periods["P-11"], ("open",))] == [
        r[("P-11", "2", "C")]
    ]
    assert await period_requests(world.periods["P-10"], OPEN_STATES) == []


async def test_the_queries_agree_with_a_reduction_over_every_version(db: str) -> None:
    """Generated revisions, shuffled inserts and tied times: the SQL picks what a loop picks."""
    world = await build()
    rng = random.Random(12)  # noqa: S311 - repeatable test data, not secrets
    for key in world.requests:
        if key[0] == "Q-11":
            continue
        rows = [(v, at(12, rng.randint(1, 3), rng.choice((9, 10)))) for v in range(1, 5)]
        rng.shuffle(rows)
        for version, submitted in rows:
            status = rng.choice(("done", "behind"))
            await report(world, (*key, version + 10, status, 7, submitted))
    stored = await ProgressReport.all().order_by("id").values()
    by_request: dict[int, dict[str, object]] = {}
    by_pair: dict[tuple[int, int], dict[str, object]] = {}
    for row in sorted(stored, key=lambda s: s["version"]):
        by_request[row["request_id"]] = row
    for row in sorted(stored, key=lambda s: (s["submitted_at"], s["id"])):
        by_pair[(row["task_id"], row["unit_id"])] = row
    for period in world.periods.values():
        requests = set(await ReportRequest.filter(period_id=period).values_list("id", flat=True))
        expected = {by_request[i]["id"] for i in requests if i in by_request}
        assert {r.id for r in await latest_in_period(period)} == expected
    assert {k: v.id for k, v in (await last_statuses()).items()} == {
        k: row["id"] for k, row in by_pair.items()
    }
