"""A quarter on a moved clock: dispatches, reminders on working days (the National Day week
and its 调休 Saturday, an admin-entered 2027 holiday), escalation, catch-up after downtime
across a dispatch day, deadline warnings and the calendar notice, nothing sent twice.

Walked twice: for a plan that states no reporting day (dispatch from the 25th, due 5 working
days later) and for the sample plan, which says 每月25日前报送 (due by the 25th, dispatched
5 working days before)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reporting import Status
from bot.importers import read_plan_bytes
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.plans.importing import import_plan
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import (
    CalendarDay,
    Contact,
    OutboxMessage,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
)
from scheduler.jobs import JobContext, run_all

TZ = ZoneInfo("Asia/Shanghai")
SAMPLE_PLAN = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"
STATED = "每月25日前各单位报送工作进展，"  # the sample plan's reporting day
PEOPLE = {
    "a": ("县发改局", ContactRole.REPORTER),  # reports on dispatch day
    "b": ("县财政局", ContactRole.REPORTER),  # reports the morning after the due day: late
    "c": ("县人社局", ContactRole.REPORTER),  # never reports
    "lc": ("县人社局", ContactRole.LEADER),
    "sec": (None, ContactRole.SECRETARIAT),
}


async def bind_people(now: datetime) -> dict[str, Contact]:
    contacts = {}
    for name, (unit, role) in PEOPLE.items():
        code = (await create_invite(unit, role, now=now, locale="zh_CN")).code
        _, contact = await redeem_invite(
            code, identity=f"telegram:{name}", channel="telegram", display_name=name,
            chat_identity=f"telegram:{name}", is_group=False, now=now,
        )  # fmt: skip
        assert isinstance(contact, Contact)
        contacts[name] = contact
    return contacts


async def report_all(contact: Contact, now: datetime) -> None:
    for request in await ReportRequest.filter(unit_id=contact.unit_id, state="open"):
        draft = Draft(Status.IN_PROGRESS, 50, "按计划推进")
        await submit_report(contact, request.id, draft, now=now, today=now.astimezone(TZ).date())


@dataclass
class Walk:
    """What the bot sent over the walk, when."""

    people: dict[str, Contact]
    task: Task
    sent: list[tuple[datetime, OutboxMessage]] = field(default_factory=list)

    def when(self, prefix: str, recipient: str) -> list[str]:
        return [
            f"{at:%m-%d %H:%M}"
            for at, row in self.sent
            if row.key.startswith(prefix) and row.recipient == recipient
        ]


async def walk(data_dir: Path, down: tuple[date, date], *, states_day: bool) -> Walk:
    """From Sep 21 to Jan 8, four ticks a day, the bot down over ``down``: a reports on the
    morning of each dispatch, b the day after each due day (late), c never."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    if not states_day:
        text = text.replace(STATED, "")
    parsed = read_plan_bytes(text.encode(), name="sample.md")
    await import_plan(parsed, source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC))
    start = datetime(2026, 9, 14, tzinfo=TZ)
    people = await bind_people(start.astimezone(UTC))
    await CalendarDay.create(day=date(2027, 1, 1), kind="holiday", note="元旦")
    task = await Task.filter(assignments__unit__name="县发改局", assignments__role="lead").first()
    assert task is not None
    await Task.exclude(id=task.id).update(deadline=None)
    task.deadline = date(2026, 12, 31)
    await task.save()
    result = Walk(people, task)
    seen = 0
    day = start.date()
    while day <= date(2027, 1, 8):
        if down[0] <= day <= down[1]:
            day += timedelta(days=1)
            continue
        for at in (time(8, 55), time(9, 5), time(9, 35), time(10, 5)):
            now = datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)
            await run_all(JobContext(now, TZ, data_dir))
            for row in await OutboxMessage.filter(id__gt=seen).order_by("id"):
                result.sent.append((now.astimezone(TZ), row))
                seen = row.id
            if (
                at == time(9, 5)
                and await ReportRequest.filter(unit_id=people["a"].unit_id, state="open").exists()
            ):
                await report_all(people["a"], now)
        # b answers the morning after each due day, before the escalation
        for period in (
            await ReportRequest.filter(unit_id=people["b"].unit_id, state="open")
            .distinct()
            .values_list("period__due_on", flat=True)
        ):
            if period is not None and day == period + timedelta(days=1):
                await report_all(
                    people["b"], datetime.combine(day, time(9, 10), tzinfo=TZ).astimezone(UTC)
                )
        day += timedelta(days=1)
    return result


async def test_a_quarter_on_a_moved_clock(db: str, tmp_path: Path) -> None:
    if not db.startswith("sqlite"):  # the other walk below runs on both databases
        pytest.skip("the calendar's walk does not depend on the database: once, on SQLite")
    data_dir = tmp_path / "data"
    down = (date(2026, 11, 24), date(2026, 11, 26))  # the bot is down over the 25th
    w = await walk(data_dir, down, states_day=False)
    people, task, sent, when = w.people, w.task, w.sent, w.when
    # four dispatches (September's and the quarter's three), the November one caught up on start
    assert when("dispatch:", "telegram:c") == [
        "09-28 09:05",
        "10-26 09:05",
        "11-27 08:55",
        "12-25 09:05",
    ]
    # reminders: after the National Day week (Oct 8) and on the 调休 Saturday due day (Oct 10);
    # December's due day moves past the admin-entered New Year holiday to Monday, Jan 4
    assert when("remind:", "telegram:c") == [
        "10-08 09:05", "10-10 09:05",
        "10-29 09:05", "11-02 09:05",
        "11-30 09:05", "12-02 09:05",
        "12-30 09:05", "01-04 09:05",
    ]  # fmt: skip
    assert when("remind:", "telegram:a") == []  # reported on dispatch day every month
    assert len(when("remind:", "telegram:b")) == 8  # reminded, then late
    # escalation one working day after the due day, to c's leader and to the secretariat
    assert when("escalate:", "telegram:lc") == [
        "10-12 09:35",
        "11-03 09:35",
        "12-03 09:35",
        "01-05 09:35",
    ]
    assert when("escalate:", "telegram:sec") == when("escalate:", "telegram:lc")
    # the digest follows at 10:00 that day, with the filled table attached
    assert when("digest:", "telegram:sec") == [
        "10-12 10:05",
        "11-03 10:05",
        "12-03 10:05",
        "01-05 10:05",
    ]
    digest = next(r for _, r in sent if r.key.startswith("digest:"))
    assert digest.payload["files"][0]["name"].endswith(".xlsx")
    assert (data_dir / digest.payload["files"][0]["path"]).exists()
    escalation = next(
        r for _, r in sent if r.key.startswith("escalate:") and r.recipient == "telegram:sec"
    )
    assert "县人社局" in escalation.payload["text"]
    assert "县财政局" not in escalation.payload["text"]  # b was late but did report
    # the 2027 calendar gap is reported once; the deadline warned at 30 and 7 days, then overdue
    assert when("calendar:2027", "telegram:sec") == ["11-01 08:55"]
    assert when(f"deadline:{task.id}:", "telegram:a") == [
        "12-01 08:55",
        "12-24 08:55",
        "01-01 08:55",
    ]
    assert when(f"deadline:{task.id}:", "telegram:c") == []  # not a lead unit of task 1
    # nothing twice: one row per key, and no recipient got the same kind twice for a period
    assert len({row.key for _, row in sent}) == len(sent)
    kinds = Counter((row.recipient, row.key.rsplit(":unit:", 1)[0]) for _, row in sent)
    assert max(kinds.values()) == 1
    # b answered each of its unit's 4 requests a month, every one of them late
    reports = await ProgressReport.filter(contact_id=people["b"].id).prefetch_related(
        "request__period"
    )
    assert sorted((r.request.period.key, r.version, r.late) for r in reports) == [
        (month, 1, True) for month in ("2026-09", "2026-10", "2026-11", "2026-12") for _ in "abcd"
    ]


async def test_a_quarter_by_the_plans_due_day(db: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    down = (date(2026, 11, 17), date(2026, 11, 19))  # the bot is down over the 18th
    w = await walk(data_dir, down, states_day=True)
    # due by the 25th, or the working day before; dispatched 5 working days earlier. September:
    # the 25th is the Mid-Autumn Festival (due the 24th, dispatched on Friday the 18th, since
    # Sunday the 20th is a 调休 working day); October: the 25th is a Sunday (due Friday the
    # 23rd); November's dispatch, missed while the bot was down, goes out on start
    assert w.when("dispatch:", "telegram:c") == [
        "09-18 09:05",
        "10-16 09:05",
        "11-20 08:55",
        "12-18 09:05",
    ]
    assert w.when("remind:", "telegram:c") == [
        "09-22 09:05", "09-24 09:05",
        "10-21 09:05", "10-23 09:05",
        "11-23 09:05", "11-25 09:05",
        "12-23 09:05", "12-25 09:05",
    ]  # fmt: skip
    assert w.when("remind:", "telegram:a") == []
    # escalation and the digest one working day after the due day; none waits for New Year
    assert w.when("escalate:", "telegram:lc") == [
        "09-28 09:35",
        "10-26 09:35",
        "11-26 09:35",
        "12-28 09:35",
    ]
    assert w.when("digest:", "telegram:sec") == [
        "09-28 10:05",
        "10-26 10:05",
        "11-26 10:05",
        "12-28 10:05",
    ]
    assert len({row.key for _, row in w.sent}) == len(w.sent)
    kinds = Counter((row.recipient, row.key.rsplit(":unit:", 1)[0]) for _, row in w.sent)
    assert max(kinds.values()) == 1
    periods = await ReportingPeriod.filter(kind="month").order_by("starts")
    assert [p.due_on.isoformat() if p.due_on else None for p in periods] == [
        "2026-09-24",
        "2026-10-23",
        "2026-11-25",
        "2026-12-25",
    ]
