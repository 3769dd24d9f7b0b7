"""Deferred jobs: slow work runs outside the handler's transaction and its result is queued once.

An export held half-way (its writer waits in its thread) does not stop a WeCom callback from
being stored nor another person's message from being handled; a job whose worker died is taken
over when its lease expires and answered once; a failing job is retried with back-off and then
told in one sentence; two exports of one month never write into one file.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from openpyxl import load_workbook

from bot.cadence.dispatch import dispatch
from bot.channels.wecom.callback import callback_routes, crypto_from, person_of
from bot.config import Settings
from bot.conversation.context import Deps
from bot.delivery.deferred import Asker, JobContext
from bot.delivery.intake import Intake
from bot.delivery.jobs import BACKOFF_FIRST, LEASE, MAX_ATTEMPTS, JobWorker
from bot.domain.conversation import Outbound
from bot.domain.reporting import Month
from bot.oversight import exports
from bot.oversight.jobs import defer_export
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.sandbox.loopback import serve
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import DeferredJob, InboxUpdate, OutboxMessage
from tests.dialogue import (
    JOBS,
    Clock,
    Contains,
    Dialogue,
    DictFiles,
    Person,
    replies,
    reply,
    run_table,
)
from tests.test_intake import PlainChannel
from tests.waiting import eventually

TZ = ZoneInfo("Asia/Shanghai")
GUARD = 120.0  # seconds before a wait that should end at once is reported as stuck


class LeaseClock:
    """Real time for leases, which the test moves forward."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    return Deps(data_dir=tmp_path, timezone=TZ, files=DictFiles(), clock=Clock())


@pytest.fixture
async def dispatched(planned: str, deps: Deps) -> Deps:
    """The sample plan, November dispatched, ``plain:sec`` bound as the secretariat."""
    now = deps.clock()
    code = (await create_invite(None, ContactRole.SECRETARIAT, now=now, locale="en")).code
    await redeem_invite(
        code, identity="plain:sec", channel="plain", display_name="秘书组",
        chat_identity="plain:sec", is_group=False, now=now,
    )  # fmt: skip
    await dispatch(Month(2026, 11), now=now, today=Clock().now.date())
    return deps


def xlsx_files(folder: Path) -> list[str]:
    """The workbooks in ``folder``, partial ones included."""
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".xlsx")


def texts(rows: list[OutboxMessage]) -> list[str]:
    return [r.payload["text"] for r in rows]


async def test_the_inbox_goes_on_while_an_export_is_being_written(
    dispatched: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    real_writer = exports.write_progress_xlsx

    def held_writer(document: exports.ProgressDocument, out: Path) -> None:
        entered.set()  # the export has read everything it needs and is writing the file
        release.wait(GUARD)
        real_writer(document, out)

    monkeypatch.setattr(exports, "write_progress_xlsx", held_writer)
    inbox = Intake({"plain": PlainChannel()}, dispatched, persons={"wecom": person_of})
    await inbox.store("plain", "1", {"from": "sec", "text": "/export"})
    assert await inbox.process_pending() == 1
    assert texts(await OutboxMessage.filter(recipient="plain:sec")) == [
        "Preparing the xlsx export of 2026-11…"
    ]
    job = await DeferredJob.get()
    assert (job.kind, job.args["month"], job.args["format"]) == ("export", "2026-11", "xlsx")

    emulator = WecomEmulator()
    await emulator.start()
    app = web.Application()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        wecom_corp_id=emulator.corp_id,
        wecom_token=emulator.token,
        wecom_aes_key=emulator.aes_key,
    )
    callback_routes(app, "/cb", crypto_from(settings), inbox, window=600)
    runner, base = await serve(app, "127.0.0.1", 0)
    emulator.callback_url = f"{base}/cb"
    running = asyncio.create_task(JobWorker(dispatched).process_pending())
    try:
        assert await asyncio.to_thread(entered.wait, GUARD)
        # while the export is half-way: a WeCom callback is stored, another person answered
        assert await asyncio.wait_for(emulator.user_says("lisi", "你好"), GUARD) == 200
        assert await InboxUpdate.filter(channel="wecom", person="wecom:lisi").count() == 1
        await inbox.store("plain", "2", {"from": "u2", "text": "你好"})
        assert await asyncio.wait_for(inbox.process_pending(), GUARD) == 1
        assert await OutboxMessage.filter(recipient="plain:u2").count() == 1
        assert not running.done()
        assert await OutboxMessage.filter(key__startswith="job:").count() == 0
    finally:
        release.set()
        finished = await running
        await runner.cleanup()
        await emulator.stop()
    assert finished == 1
    sent = await OutboxMessage.get(key=f"job:{job.id}:0")
    assert sent.recipient == "plain:sec"
    assert sent.payload["text"] == "The xlsx export of 2026-11."
    (file,) = sent.payload["files"]
    assert file["name"] == "Progress 2026-11.xlsx"
    assert load_workbook(tmp_path / file["path"]).sheetnames  # a whole workbook
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["chat-2026-11-en.xlsx"]
    assert (await DeferredJob.get(id=job.id)).state == "done"


async def test_a_job_whose_worker_died_is_taken_over_and_answered_once(
    dispatched: Deps,
) -> None:
    job_id = await defer_export(
        Month(2026, 11), "png", Asker("plain:sec", "plain:sec", "en"), today=Clock().now.date()
    )
    lease = LeaseClock()
    dead = JobWorker(dispatched, lease_clock=lease)
    (claimed,) = await dead.claim()  # … and its process is killed before it finishes
    assert claimed.id == job_id
    other = JobWorker(dispatched, lease_clock=lease)
    lease.now += timedelta(seconds=30)
    assert await other.process_pending() == 0  # the lease still holds
    lease.now += timedelta(minutes=1)
    assert await other.process_pending() == 1  # expired: taken over
    assert await other.process_pending() == 0
    # the dead worker's run, had it gone on, finds its lease gone and queues nothing
    assert await dead.run_one(claimed) == 0
    rows = await OutboxMessage.filter(key__startswith="job:")
    assert [(r.key, r.payload["text"]) for r in rows] == [
        (f"job:{job_id}:0", "The png export of 2026-11.")
    ]


async def test_a_failing_job_is_retried_with_back_off_then_told_in_one_sentence(
    db: str, deps: Deps
) -> None:
    calls: list[int] = []

    async def broken(args: dict[str, Any], context: JobContext) -> list[Outbound]:
        calls.append(context.job_id)
        raise ConnectionError("the disk is full")

    await defer_export(
        Month(2026, 11), "xlsx", Asker("plain:sec", "plain:sec", "zh_CN"), today=Clock().now.date()
    )
    lease = LeaseClock()
    worker = JobWorker(deps, kinds={"export": broken}, lease_clock=lease)
    for attempt in range(1, MAX_ATTEMPTS):
        assert await worker.process_pending() == 0
        assert len(calls) == attempt
        assert await worker.process_pending() == 0  # waiting out its back-off
        assert len(calls) == attempt
        lease.now += BACKOFF_FIRST * 2 ** (attempt - 1)
    assert await worker.process_pending() == 0
    job = await DeferredJob.get()
    assert (job.state, job.attempts, len(calls)) == ("failed", MAX_ATTEMPTS, MAX_ATTEMPTS)
    assert "the disk is full" in (job.error or "")
    (sorry,) = await OutboxMessage.filter(recipient="plain:sec")
    assert sorry.payload["text"] == "抱歉，/export 未能完成，请稍后再试。"
    lease.now += timedelta(days=1)
    assert await worker.process_pending() == 0
    assert len(calls) == MAX_ATTEMPTS


async def test_a_refusal_inside_a_job_is_its_answer(dispatched: Deps) -> None:
    await defer_export(
        Month(2026, 9), "docx", Asker("plain:sec", "plain:sec", "en"), today=Clock().now.date()
    )
    assert await JobWorker(dispatched).process_pending() == 1
    assert texts(await OutboxMessage.filter(key__startswith="job:")) == [
        "Nothing was dispatched for 2026-09 yet."
    ]


async def test_two_exports_of_one_month_never_write_into_one_file(
    dispatched: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "same.xlsx"
    today = Clock().now.date()

    def export() -> Any:
        return exports.export_month(Month(2026, 11), "xlsx", out, today=today, zone=TZ,
                                    locale="zh_CN")  # fmt: skip

    await asyncio.gather(export(), export())
    assert load_workbook(out).sheetnames
    assert xlsx_files(tmp_path) == ["same.xlsx"]
    before = out.read_bytes()

    def failing(real: Callable[[Any, Path], None]) -> Callable[[Any, Path], None]:
        def write(document: Any, path: Path) -> None:
            real(document, path)  # written in full, then the process "fails"
            raise OSError("no space left on device")

        return write

    monkeypatch.setattr(exports, "write_progress_xlsx", failing(exports.write_progress_xlsx))
    with pytest.raises(OSError, match="no space left"):
        await export()
    assert out.read_bytes() == before  # the file in place is untouched
    assert xlsx_files(tmp_path) == ["same.xlsx"]


SEC = Person("telegram:3003", "秘书组小刘")
GROUP = Person("telegram:3003", "秘书组群", group="-100555")


async def test_export_and_digest_answer_at_once_and_the_file_follows(
    planned: str, tmp_path: Path
) -> None:
    d = Dialogue(tmp_path)
    now = d.clock()
    for who in (SEC, GROUP):
        code = (await create_invite(None, ContactRole.SECRETARIAT, now=now, locale="en")).code
        await d.says(who, f"/start {code}")
    await dispatch(Month(2026, 11), now=now, today=d.clock.now.date())
    neither = (
        "“{}” is neither an export format (xlsx, docx, png) nor a month (YYYY-MM, e.g. 2026-10)."
    )
    no_month = "“2026-13” is not a month; write it as YYYY-MM, e.g. 2026-11."
    await run_table(
        d,
        [
            (SEC, "/export pdf", reply(neither.format("pdf"))),
            (SEC, "/export 2026-13", reply(no_month)),
            (SEC, "/export docx 2026-09", reply("Nothing was dispatched for 2026-09 yet.")),
            (SEC, "/digest 2026-09", reply("Nothing was dispatched for 2026-09 yet.")),
            (SEC, JOBS, ""),  # the refusals deferred nothing
            (SEC, "/export", reply("Preparing the xlsx export of 2026-11…")),
            (SEC, "导出 docx 2026-11", reply("Preparing the docx export of 2026-11…")),
            (SEC, "/export 2026-11 png", reply("Preparing the png export of 2026-11…")),
            (SEC, JOBS, replies(
                reply("The xlsx export of 2026-11."),
                reply("The docx export of 2026-11."),
                reply("The png export of 2026-11."),
            )),
            (SEC, JOBS, ""),  # each once
            (GROUP, "汇总", reply("Preparing the digest of 2026-11…")),
            (GROUP, JOBS, Contains("Monthly digest 2026-11\n")),  # to the group it was asked in
        ],
    )  # fmt: skip
    files = [
        (m.recipient, f["name"], f["path"])
        for m in sorted(await OutboxMessage.filter(key__startswith="job:"), key=lambda m: m.key)
        for f in m.payload["files"]
    ]
    assert files == [
        ("telegram:3003", "Progress 2026-11.xlsx", "exports/chat-2026-11-en.xlsx"),
        ("telegram:3003", "Progress 2026-11.docx", "exports/chat-2026-11-en.docx"),
        ("telegram:3003", "Progress 2026-11.png", "exports/chat-2026-11-en.png"),
        ("telegram:-100555", "Progress 2026-11.xlsx", "exports/planlatest-2026-11-en.xlsx"),
    ]
    assert all((tmp_path / path).stat().st_size > 0 for _, _, path in files)


async def test_a_job_that_kills_its_process_every_time_ends_failed_with_one_apology(
    db: str, deps: Deps
) -> None:
    calls: list[int] = []

    async def never_reached(args: dict[str, Any], context: JobContext) -> list[Outbound]:
        calls.append(context.job_id)
        return []

    job_id = await defer_export(
        Month(2026, 11), "xlsx", Asker("plain:sec", "plain:sec", "en"), today=Clock().now.date()
    )
    lease = LeaseClock()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # a worker claims the job and its process dies (out of memory) before anything else
        (claimed,) = await JobWorker(
            deps, kinds={"export": never_reached}, lease_clock=lease
        ).claim()
        assert (claimed.id, claimed.attempts) == (job_id, attempt)
        assert (await DeferredJob.get(id=job_id)).attempts == attempt  # counted at the claim
        lease.now += LEASE + timedelta(seconds=1)
    survivor = JobWorker(deps, kinds={"export": never_reached}, lease_clock=lease)
    other = JobWorker(deps, kinds={"export": never_reached}, lease_clock=lease)
    # two live workers find it spent at once: one of them gives it up
    told = await asyncio.gather(survivor.give_up_exhausted(), other.give_up_exhausted())
    assert sorted(told) == [0, 1]
    assert await survivor.process_pending() == 0
    job = await DeferredJob.get(id=job_id)
    assert (job.state, job.attempts, calls) == ("failed", MAX_ATTEMPTS, [])
    assert "lease expired" in (job.error or "")
    (sorry,) = await OutboxMessage.filter(recipient="plain:sec")
    assert (sorry.key, sorry.payload["text"]) == (
        f"job:{job_id}:failed",
        "Sorry, /export could not be finished; please try again later.",
    )
    lease.now += timedelta(days=1)
    assert await survivor.process_pending() == 0
    assert await survivor.give_up_exhausted() == 0  # told once
    assert await OutboxMessage.filter(recipient="plain:sec").count() == 1


async def test_a_job_that_hangs_is_cancelled_at_its_time_limit_and_retried(
    db: str, deps: Deps
) -> None:
    cancelled = asyncio.Event()
    runs: list[int] = []

    async def hangs_once(args: dict[str, Any], context: JobContext) -> list[Outbound]:
        runs.append(context.job_id)
        if len(runs) == 1:
            try:
                await asyncio.Event().wait()  # a hung call: only cancelling it ends it
            except asyncio.CancelledError:
                cancelled.set()
                raise
        return [Outbound(text="The xlsx export of 2026-11.")]

    job_id = await defer_export(
        Month(2026, 11), "xlsx", Asker("plain:sec", "plain:sec", "en"), today=Clock().now.date()
    )
    lease = LeaseClock()
    worker = JobWorker(
        deps, kinds={"export": hangs_once}, lease_clock=lease,
        timeouts={"export": timedelta(seconds=0.2)},
    )  # fmt: skip
    assert await asyncio.wait_for(worker.process_pending(), GUARD) == 0  # the gather ends
    assert cancelled.is_set()
    job = await DeferredJob.get(id=job_id)
    assert (job.state, job.attempts, job.lease_owner) == ("pending", 1, None)
    assert "not finished within" in (job.error or "")
    assert await OutboxMessage.filter(recipient="plain:sec").count() == 0
    lease.now += BACKOFF_FIRST
    assert await worker.process_pending() == 1  # retried: it answers this time
    assert texts(await OutboxMessage.filter(recipient="plain:sec")) == [
        "The xlsx export of 2026-11."
    ]
    assert ((await DeferredJob.get(id=job_id)).state, runs) == ("done", [job_id, job_id])


async def test_a_hung_runners_lease_is_renewed_only_until_its_time_limit(
    db: str, deps: Deps
) -> None:
    job_id = await defer_export(
        Month(2026, 11), "xlsx", Asker("plain:sec", "plain:sec", "en"), today=Clock().now.date()
    )
    lease = LeaseClock()
    worker = JobWorker(deps, lease=timedelta(seconds=0.15), lease_clock=lease)
    (claimed,) = await worker.claim()
    done = asyncio.Event()
    renewing = asyncio.create_task(worker._renew(claimed, done, lease.now + timedelta(minutes=10)))
    try:
        first = claimed.lease_until
        lease.now += timedelta(seconds=1)
        await eventually(
            lambda: _lease_after(job_id, first), GUARD, "the lease is renewed while in time"
        )
        lease.now += timedelta(minutes=10)  # the runner's time limit has passed: no more renewal
        await asyncio.wait_for(renewing, GUARD)
    finally:
        done.set()
        await renewing
    last = (await DeferredJob.get(id=job_id)).lease_until
    assert last is not None
    assert last < lease.now  # left to expire: another worker may take the job over


async def _lease_after(job_id: int, before: datetime | None) -> bool:
    now = (await DeferredJob.get(id=job_id)).lease_until
    return before is not None and now is not None and now > before
