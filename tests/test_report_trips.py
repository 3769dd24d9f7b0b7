"""A report stored from chat in few trips to the database, replying as before.

A press on Submit reads the unit's open requests and its request in one statement
(:func:`bot.reporting.asked.open_asked`: what ``open_requests`` and ``asked`` read apart), and
the report's writes go in one more (:func:`bot.storage.trips.together`); "Still to report" is
the list read first, less what the turn answered (twins in another plan included), which is
what reading the list again says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import aiosqlite
import pytest

from bot.cadence.dispatch import dispatch_month
from bot.domain.reporting import Status
from bot.i18n import Translator
from bot.reporting.asked import ASKED_SQL, OPEN_ASKED_SQL, asked, open_asked
from bot.reporting.prompts import request_buttons
from bot.reporting.reports import Draft, store_report
from bot.reporting.requests import OPEN_SQL, open_requests
from bot.reporting.twins import TWINS_SQL
from bot.storage.models import Attachment, AuditLog, Contact, ProgressReport, ReportRequest
from bot.storage.trips import on_sqlite
from tests.dialogue import Dialogue, reply
from tests.test_portfolio_prompts import EDU, EDU_2, NOVEMBER, requests_of, world  # noqa: F401
from tests.test_reporting_hot_path import _build

NOW = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)


async def test_open_asked_reads_what_the_two_reads_did(db: str) -> None:
    units = await _build(5)
    requests = [
        (int(str(i)), int(str(u)))
        for i, u in await ReportRequest.all().values_list("id", "unit_id")
    ]
    assert await open_asked(None, requests[0][0]) == ([], None)
    found = 0
    for unit_id in units:
        listed = await open_requests(unit_id)
        for request_id, owner in requests:
            views, request = await open_asked(unit_id, request_id)
            assert views == listed
            if any(v.id == request_id for v in listed):
                assert request == await asked(request_id)
                found += 1
            else:  # another unit's, or closed: left to the read that refuses with the reason
                assert request is None
                read = await asked(request_id)
                assert read is not None
                assert owner != unit_id or read.state == "closed"
    assert found > 20


async def _card(d: Dialogue, line: str) -> None:
    """``EDU`` reports one line; the card to submit (after picking 教育's task where the number
    is open in two plans)."""
    answer = await d.says(EDU, line)
    if "which one is this for?" in answer:
        answer = await d.presses(EDU, f"教育 task {line.split('.', maxsplit=1)[0]}")
    assert "Submit this report?" in answer


async def test_what_is_left_is_what_a_new_read_says(world: Dialogue) -> None:  # noqa: F811
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    contact = await Contact.get(identity=EDU.identity)
    for line in ("1. 已完成，组建教育集团3个。", "2. 已完成，全部学校已接入。"):  # 2: twins
        await _card(d, line)
        answer = await d.presses(EDU, "Submit")
        waiting = [v for v in await open_requests(contact.unit_id) if not v.answered]
        assert answer.endswith(f"Still to report: {len(waiting)}.")
        shown = [label for label, _ in d.buttons(EDU) if "(销号)" not in label]
        assert shown == [b.label for row in request_buttons(Translator("en"), waiting) for b in row]
    twin = await requests_of("卫生", "2")
    assert await ReportRequest.filter(id__in=twin, state="answered").count() == 1
    assert len(waiting) == 3  # 教育 3, 卫生 3, 体育 1: 卫生 2, filed with 教育 2, is not left


async def test_a_press_on_submit_makes_two_trips_for_the_report(
    world: Dialogue,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = world
    if not on_sqlite(ProgressReport._meta.db):
        pytest.skip("trips are SQLite's: PostgreSQL runs the statements one by one")
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    await _card(d, "1. 已完成，组建教育集团3个。")
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(args[0] if args and isinstance(args[0], str) else fn.__qualname__)
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    answer = await d.presses(EDU, "Submit")
    monkeypatch.undo()
    assert answer.startswith(reply("Reported task 1 for 2026-11 (version 1): Done."))
    assert answer.endswith("Still to report: 5.")
    # one read: the unit's open requests, the pressed one authorised among them (and, another
    # plan asking the unit this month, its twins looked for: none)
    reads = [t for t in trips if t in (OPEN_ASKED_SQL, ASKED_SQL, OPEN_SQL, TWINS_SQL)]
    assert reads == [OPEN_ASKED_SQL, TWINS_SQL]
    assert trips.count("together.<locals>.run") == 1  # the version, answered, the audit row
    (report,) = await ProgressReport.all()
    assert (await ReportRequest.get(id=report.request_id)).state == "answered"
    audit = await AuditLog.get(action="report.submit")
    assert audit.detail == {"request": report.request_id, "version": 1, "status": "done",
                            "carried": False}  # fmt: skip


async def test_files_go_with_the_version_they_were_sent_for(world: Dialogue) -> None:  # noqa: F811
    await dispatch_month(NOVEMBER, now=world.clock(), today=date(2026, 11, 2))
    me = await Contact.get(identity=EDU.identity)
    colleague = await Contact.get(identity=EDU_2.identity)
    (request_id,) = await requests_of("教育", "1")

    async def file(owner: Contact, name: str) -> Attachment:
        return await Attachment.create(
            contact=owner, kind="photo", path=name, sha256="0" * 64, size=1
        )

    first, second, theirs = await file(me, "a"), await file(me, "b"), await file(colleague, "c")
    draft = Draft(Status.DONE, 100, "已完成。", (first.id, theirs.id))
    report, request, twins = await store_report(me, request_id, draft, now=NOW, today=NOW.date())
    assert (report.version, request.versions, request.state, twins) == (1, 1, "answered", [])
    again = Draft(Status.DONE, 100, "已完成，补充。", (first.id, second.id))
    revised, _, _ = await store_report(me, request_id, again, now=NOW, today=NOW.date())
    assert (revised.version, revised.id != report.id) == (2, True)
    owners = dict(await Attachment.all().values_list("path", "report_id"))
    # mine go with the version they were sent for (never moved to a later one); theirs stays
    assert owners == {"a": report.id, "b": revised.id, "c": None}
    audit = await AuditLog.filter(action="report.submit").order_by("id")
    assert [a.detail["version"] for a in audit] == [1, 2]
    assert [a.id is not None for a in audit] == [True, True]
