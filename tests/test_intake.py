"""The inbox worker: duplicates stored once, each update handled once, failures retried and
then answered with an apology instead of silence."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.cadence.dispatch import dispatch
from bot.channels.wecom.callback import callback_routes, crypto_from, person_of
from bot.config import Settings
from bot.conversation.context import Deps
from bot.conversation.registry import text_inbound
from bot.delivery import flood
from bot.delivery import intake as intake_module
from bot.delivery.intake import BATCH, MAX_ATTEMPTS, Intake
from bot.domain.conversation import Capabilities, Choices, Inbound, InboundFile, Outbound
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.plans.importing import import_plan
from bot.sandbox.loopback import serve
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import (
    Attachment,
    Contact,
    ConversationState,
    InboxUpdate,
    OutboxMessage,
)
from tests.dialogue import Clock, DictFiles


class PlainChannel:
    """A channel at the edge whose stored payloads are already neutral."""

    name = "plain"
    capabilities = Capabilities(buttons=True, edits=False, cards=False)

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        return text_inbound(
            channel="plain", sender=payload["from"], chat=payload["from"], text=payload["text"]
        )

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        raise AssertionError("a channel with buttons is never asked to read choices")

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        raise AssertionError("the inbox worker never sends: the outbox does")

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        raise AssertionError("no file is sent in these tests")

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        return None


class FileChannel(PlainChannel):
    """A channel whose updates carry a file of a stated size; it counts what it downloads."""

    name = "files"

    def __init__(self) -> None:
        self.fetched: list[str] = []

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        file = InboundFile(
            kind="document", ref=payload["ref"], name=payload["name"], size=payload["size"]
        )
        return Inbound(
            channel="files", sender=payload["from"], chat=payload["from"], kind="file", file=file
        )

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        self.fetched.append(file.ref)
        return b"%PDF-1.4 small stand-in for the stated size"


def wecom_settings(emulator: WecomEmulator) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        wecom_corp_id=emulator.corp_id,
        wecom_token=emulator.token,
        wecom_aes_key=emulator.aes_key,
    )


class BrokenFiles(FileChannel):
    """The channel's file server fails every download."""

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        self.fetched.append(file.ref)
        raise ConnectionError("file server unreachable")


@pytest.fixture
def worker(db: str, tmp_path: Path) -> Intake:
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    return Intake({"plain": PlainChannel()}, deps)


async def test_duplicates_are_stored_once_and_handled_once(worker: Intake) -> None:
    update = {"from": "u1", "text": "你好"}
    assert await worker.store("plain", "1", update)
    assert not await worker.store("plain", "1", update)
    assert await worker.store_many("plain", [("1", update), ("2", update)]) == 1
    assert await worker.process_pending() == 2
    assert await worker.process_pending() == 0
    assert await OutboxMessage.filter(recipient="plain:u1").count() == 2  # one hint each
    assert await InboxUpdate.filter(processed_at=None).count() == 0


async def test_a_failing_update_is_retried_then_apologised_for(
    worker: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(inbound: Inbound, deps: Deps, *_: object) -> list[Outbound]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake_module, "handle", broken)
    await worker.store("plain", "7", {"from": "u2", "text": "进展"})
    for _ in range(MAX_ATTEMPTS):
        assert await worker.process_pending() == 0
    row = await InboxUpdate.get(external_key="7")
    assert row.attempts == MAX_ATTEMPTS
    assert row.error == "RuntimeError('database went away')"
    apology = await OutboxMessage.get(recipient="plain:u2")
    assert apology.key == f"apology:{row.id}"
    assert apology.payload["text"] == "抱歉，该消息未能处理。请稍后再试；如仍失败，请告知秘书组。"
    assert await worker.process_pending() == 0  # given up: not retried forever


async def test_an_update_that_fails_in_a_batch_rolls_back_alone(
    worker: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three people's updates are handled in one transaction; the one whose handler fails
    after writing leaves nothing behind, is given back for a later attempt, and the others
    are kept with their replies."""

    async def writes_then_maybe_fails(inbound: Inbound, deps: Deps, *_: object) -> list[Outbound]:
        await ConversationState.create(identity=inbound.identity, flow="x", data={})
        if inbound.text == "坏":
            raise RuntimeError("handler bug")
        return [Outbound(text=f"收到 {inbound.text}")]

    monkeypatch.setattr(intake_module, "handle", writes_then_maybe_fails)
    await worker.store_many(
        "plain", [(p, {"from": p, "text": t}) for p, t in (("a", "好"), ("b", "坏"), ("c", "行"))]
    )
    assert await worker.process_pending() == 2
    states = await ConversationState.all().order_by("identity").values_list("identity", flat=True)
    assert states == ["plain:a", "plain:c"]  # b's write was rolled back with its update
    replies = await OutboxMessage.all().order_by("recipient").values_list("recipient", flat=True)
    assert replies == ["plain:a", "plain:c"]
    failed = await InboxUpdate.get(external_key="b")
    assert (failed.processed_at, failed.attempts, failed.lease_owner, failed.lease_until) == (
        None, 1, None, None,
    )  # fmt: skip
    assert failed.error == "RuntimeError('handler bug')"
    assert await InboxUpdate.filter(processed_at__not_isnull=True).count() == 2


async def test_a_burst_is_queued_and_handled_later_in_order_with_one_notice(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 messages at once from one person: 30 handled, 10 kept for later, none lost."""
    seen: list[str] = []

    async def recording(inbound: Inbound, deps: Deps, *_: object) -> list[Outbound]:
        seen.append(inbound.text)
        return [Outbound(text=f"收到 {inbound.text}")]

    monkeypatch.setattr(intake_module, "handle", recording)
    wall = Clock()  # the real-time clock of leases and flood windows, moved by the test
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    inbox = Intake({"plain": PlainChannel()}, deps, lease_clock=wall)
    burst = [f"消息{n}" for n in range(40)]
    await inbox.store_many(
        "plain", [(f"f{n}", {"from": "flooder", "text": t}) for n, t in enumerate(burst)]
    )
    await inbox.store("plain", "calm", {"from": "calm", "text": "你好"})
    assert await inbox.process_pending() == 31  # the burst allowance, and the calm person
    assert [t for t in seen if t != "你好"] == burst[:30]
    assert "你好" in seen  # others are not held up
    assert await InboxUpdate.filter(processed_at=None).count() == 10  # kept, not handled
    assert await inbox.process_pending() == 0  # within the minute: still waiting
    wall.advance(seconds=61)
    assert await inbox.process_pending() == 10
    assert [t for t in seen if t != "你好"] == burst  # all of them, in order
    replies = await OutboxMessage.filter(recipient="plain:flooder").order_by("id")
    assert len([r for r in replies if r.key.startswith("reply:")]) == 40
    notices = [r.payload["text"] for r in replies if r.key.startswith("flood:")]
    assert notices == ["您发送消息的速度超过了处理速度；其余消息已排队，稍后将按顺序处理。"]
    assert await InboxUpdate.filter(processed_at=None).count() == 0


def test_a_report_session_is_within_the_flood_limits() -> None:
    """A five-task report, about 30 updates in two minutes, never waits."""
    start = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    stamps = [start + timedelta(seconds=4 * n) for n in range(30)]  # one every 4 s
    for n in range(30):
        assert flood.ready_at(stamps[:n][::-1], stamps[n]) is None
    burst = [start] * 30  # 30 handled at once: the 31st waits for the minute to pass
    assert flood.ready_at(burst, start) == start + timedelta(minutes=1)


async def test_a_bind_code_is_replaced_in_the_stored_update_once_handled(
    worker: Intake, sample_plan: Path
) -> None:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    first = (
        await create_invite("县发改局", ContactRole.REPORTER, now=Clock()(), locale="zh_CN")
    ).code
    second = (
        await create_invite("县教育局", ContactRole.REPORTER, now=Clock()(), locale="zh_CN")
    ).code
    await worker.store("plain", "s", {"from": "u1", "text": f"/start {first}"})
    await worker.store("plain", "t", {"from": "u2", "text": f"绑定 {second}"})
    stored = await InboxUpdate.all().order_by("id").values_list("payload", flat=True)
    assert [p["text"] for p in stored] == [f"/start {first}", f"绑定 {second}"]  # until handled
    assert await worker.process_pending() == 2
    assert await Contact.filter(identity__in=["plain:u1", "plain:u2"]).count() == 2  # bound
    stored = await InboxUpdate.all().order_by("id").values_list("payload", flat=True)
    assert [p["text"] for p in stored] == ["/start [bind code]", "绑定 [bind code]"]


async def test_a_word_that_is_no_bind_code_leaves_the_stored_update_whole(worker: Intake) -> None:
    """``/start a`` is not a code: nothing to hide, and the payload keeps every "a"."""
    payload = {"from": "u1", "text": "/start a", "name": "a bank"}
    await worker.store("plain", "s", payload)
    assert await worker.process_pending() == 1
    assert await InboxUpdate.all().values_list("payload", flat=True) == [payload]


async def test_an_oversized_file_is_not_downloaded_by_the_inbox(
    db: str, sample_plan: Path, tmp_path: Path
) -> None:
    """A 25 MB file from a bound reporter: refused from its stated size, never fetched.

    The handler refuses it before fetching (tests/test_handlers_refusals.py), and the inbox,
    which fetches a bound contact's file before the handler runs, skips it by its size too.
    """
    clock = Clock()
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    code = (await create_invite("县发改局", ContactRole.REPORTER, now=clock(), locale="en")).code
    await redeem_invite(
        code, identity="files:u9", channel="files", display_name="王",
        chat_identity="files:u9", is_group=False, now=clock(),
    )  # fmt: skip
    await dispatch(Month(2026, 11), now=clock(), today=clock.now.date())
    channel = FileChannel()
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=clock
    )
    inbox = Intake({"files": channel}, deps)
    small = {"from": "u9", "ref": "small", "name": "现场.pdf", "size": 43}
    huge = {"from": "u9", "ref": "huge", "name": "全年台账.zip", "size": 25 * 2**20}
    await inbox.store("files", "small", small)
    await inbox.store("files", "huge", huge)
    assert await inbox.process_pending() == 2
    rows = await OutboxMessage.filter(recipient="files:u9").order_by("id")
    replies = [r.payload["text"] for r in rows]
    assert replies[-1] == "The file is larger than 20 MB and was not kept."
    assert [a.original_name for a in await Attachment.all()] == ["现场.pdf"]
    assert channel.fetched == ["small"]  # the small file was fetched, the huge one never


async def test_rows_of_a_channel_this_process_does_not_run_do_not_starve_it(
    worker: Intake,
) -> None:
    await worker.store_many(
        "elsewhere", [(str(n), {"from": f"x{n}", "text": "嗨"}) for n in range(2 * BATCH)]
    )
    await worker.store("plain", "mine", {"from": "u1", "text": "你好"})
    assert await worker.process_pending() == 1
    assert await InboxUpdate.filter(channel="elsewhere", processed_at=None).count() == 2 * BATCH


async def test_a_wecom_callback_older_than_the_window_is_refused_and_logged(
    db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = WecomEmulator()
    await emulator.start()
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    inbox = Intake({}, deps, persons={"wecom": person_of})
    app = web.Application()
    callback_routes(app, "/cb", crypto_from(wecom_settings(emulator)), inbox, window=600)
    runner, base = await serve(app, "127.0.0.1", 0)
    emulator.callback_url = f"{base}/cb"
    try:
        assert await emulator.user_says("lisi", "新消息") == 200
        assert await emulator.user_says("lisi", "九分钟前", age=540) == 200
        with caplog.at_level(logging.WARNING):
            assert await emulator.user_says("lisi", "三十天前的消息", age=30 * 86400) == 403
        assert "older than the 600 s window" in caplog.text
    finally:
        await runner.cleanup()
        await emulator.stop()
    rows = await InboxUpdate.filter(channel="wecom").order_by("id")
    assert len(rows) == 2
    assert {r.person for r in rows} == {"wecom:lisi"}


async def test_a_failed_download_fails_the_attempt_outside_the_transaction(
    db: str, sample_plan: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    code = (await create_invite("县发改局", ContactRole.REPORTER, now=clock(), locale="en")).code
    await redeem_invite(
        code, identity="files:u9", channel="files", display_name="王",
        chat_identity="files:u9", is_group=False, now=clock(),
    )  # fmt: skip
    channel = BrokenFiles()
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=clock
    )
    inbox = Intake({"files": channel}, deps)
    await inbox.store("files", "f", {"from": "u9", "ref": "r1", "name": "现场.pdf", "size": 43})
    with caplog.at_level(logging.WARNING):
        assert await inbox.process_pending() == 0
    assert "fetching the file of files update" in caplog.text
    row = await InboxUpdate.get(external_key="f")
    assert (row.processed_at, row.attempts, row.lease_owner) == (None, 1, None)
    assert channel.fetched == ["r1"]  # once, before any transaction; never from the handler
    assert await Attachment.all().count() == 0
