"""The outbox sender against the emulators with a clock the test moves: retries, permanent
failures, token refresh, per-recipient order, and the take-over of a claim left by a crash
once its lease expires (never while it lasts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.delivery.options import offered_options
from bot.delivery.outbox import enqueue
from bot.delivery.pacing import Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Button, Choices, Outbound, OutFile
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import Contact, OutboxMessage


class Clocks:
    """Wall time for the outbox and monotonic time for the pacer, moved together."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
        self.mono = 1000.0

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


@pytest.fixture
async def wecom(db: str, tmp_path: Path) -> AsyncIterator[tuple[WecomEmulator, Sender, Clocks]]:
    emulator = WecomEmulator()
    base = await emulator.start()
    emulator.member("zhangsan", "张三")
    channel = WecomChannel(
        WecomClient(emulator.corp_id, emulator.secret, base), emulator.agent_id, tmp_path
    )
    clocks = Clocks()
    emulator.clock = clocks.monotonic
    sender = Sender({"wecom": channel}, clocks.wall, Pacer(clock=clocks.monotonic))
    yield emulator, sender, clocks
    await channel.close()
    await emulator.stop()


@pytest.fixture
async def telegram(
    db: str, tmp_path: Path
) -> AsyncIterator[tuple[TelegramEmulator, Sender, Clocks]]:
    """A Telegram emulator and a sender on simulated clocks (the emulator's own limits off)."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    clocks = Clocks()
    emulator.limits_on = False  # the pacer's own clock is simulated here
    sender = Sender(
        {"telegram": TelegramChannel(bot, tmp_path)},
        clocks.wall,
        Pacer(clock=clocks.monotonic),
        lease_clock=clocks.wall,
    )
    try:
        yield emulator, sender, clocks
    finally:
        await bot.session.close()
        await emulator.stop()


async def test_wecom_frequency_limit_is_retried_later(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    emulator.fail_next = [45009]
    await enqueue("k1", "wecom:zhangsan", Outbound(text="提醒"), now=clocks.wall())
    assert await sender.send_due() == 0
    row = await OutboxMessage.get(key="k1")
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.next_attempt_at >= clocks.wall() + timedelta(seconds=60)
    clocks.advance(30)
    assert await sender.send_due() == 0  # not yet
    clocks.advance(31)
    assert await sender.send_due() == 1
    assert emulator.texts("zhangsan") == ["提醒"]


async def test_wecom_expired_token_is_refreshed(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    await enqueue("a", "wecom:zhangsan", Outbound(text="一"), now=clocks.wall())
    assert await sender.send_due() == 1
    emulator.expire_tokens()
    clocks.advance(5)
    await enqueue("b", "wecom:zhangsan", Outbound(text="二"), now=clocks.wall())
    assert await sender.send_due() == 1
    assert emulator.texts("zhangsan") == ["一", "二"]
    assert emulator.stats["gettoken"] == 2


async def test_wecom_unknown_member_is_permanent(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    _emulator, sender, clocks = wecom
    await Contact.create(role="reporter", identity="wecom:ghost", channel="wecom")
    await enqueue("g", "wecom:ghost", Outbound(text="提醒"), now=clocks.wall())
    assert await sender.send_due() == 0
    row = await OutboxMessage.get(key="g")
    assert row.state == "failed"
    assert "81013" in (row.last_error or "")
    assert (await Contact.get(identity="wecom:ghost")).unreachable_at is not None


async def test_wecom_never_exceeds_the_member_cap(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    for i in range(45):
        await enqueue(f"m{i}", "wecom:zhangsan", Outbound(text=f"第{i}条"), now=clocks.wall())
    sent = await sender.send_due(limit=100)
    assert sent == 30  # the 31st would be dropped silently by WeCom: it waits instead
    clocks.advance(61)
    sent += await sender.send_due(limit=100)
    assert sent == 45
    assert emulator.dropped["zhangsan"] == 0
    assert emulator.texts("zhangsan") == [f"第{i}条" for i in range(45)]


async def test_numbered_options_are_remembered_when_sent(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    prompt = Outbound(
        text="请选择", buttons=((Button("报送第1项", "v1:t:1"),), (Button("报送第2项", "v1:t:2"),))
    )
    await enqueue("p", "wecom:zhangsan", prompt, now=clocks.wall())
    assert await sender.send_due() == 1
    assert "1. 报送第1项\n2. 报送第2项" in emulator.texts("zhangsan")[0]
    offered = await offered_options("wecom:zhangsan")
    assert offered == Choices((Button("报送第1项", "v1:t:1"), Button("报送第2项", "v1:t:2")), True)


async def test_only_pure_choice_steps_are_numbered_and_notices_keep_the_last_step(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    status = Outbound(text="请选择进展状态", buttons=((Button("未启动", "v1:s:1:0"),),))
    notice = Outbound(text="已记下")
    percent = Outbound(
        text="完成进度如何？",
        buttons=((Button("20%", "v1:p:1:20"), Button("跳过", "v1:n:1")),),
        free_input=True,
    )
    comment = Outbound(text="请写明需要修改的内容", free_input=True)
    seen = []
    for key, message in (("s", status), ("m", notice), ("p", percent), ("c", comment)):
        await enqueue(key, "wecom:zhangsan", message, now=clocks.wall())
        clocks.advance(3)
        assert await sender.send_due() == 1
        seen.append(await offered_options("wecom:zhangsan"))
    assert seen[0] == Choices((Button("未启动", "v1:s:1:0"),), True)
    assert seen[1] == seen[0]  # a notice is not a step: "1" still answers the status
    assert seen[2] == Choices((Button("20%", "v1:p:1:20"), Button("跳过", "v1:n:1")), False)
    assert seen[3] is None  # a free-text question: nothing is offered any more
    texts = emulator.texts("zhangsan")
    assert "1. 未启动" in texts[0]
    assert "20% / 跳过" in texts[2]
    assert "1. 20%" not in texts[2]


async def test_wecom_cannot_edit_so_replacing_messages_are_paced(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    for i in range(31):
        message = Outbound(text=f"第{i}步", replaces=f"zhangsan:{i}")
        await enqueue(f"r{i}", "wecom:zhangsan", message, now=clocks.wall())
    assert await sender.send_due(limit=100) == 30  # new messages on WeCom: the member cap holds
    assert emulator.dropped["zhangsan"] == 0


async def test_telegram_order_pacing_and_crash_recovery(
    telegram: tuple[TelegramEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(9, "王")
    for i in range(3):
        await enqueue(f"t{i}", "telegram:9", Outbound(text=f"消息{i}"), now=clocks.wall())
    assert await sender.send_due() == 1  # one per second to a chat
    await enqueue("t3", "telegram:9", Outbound(text="消息3"), now=clocks.wall())
    for _ in range(3):
        clocks.advance(1.0)
        assert await sender.send_due() == 1
    assert [m.text for m in emulator.bot_messages(9)] == ["消息0", "消息1", "消息2", "消息3"]
    # a claim left by a crash is sent again once its lease expires: at most the in-flight
    # message twice; while the lease lasts its sender may be alive, and it is left alone
    await enqueue("t4", "telegram:9", Outbound(text="消息4"), now=clocks.wall())
    await OutboxMessage.filter(key="t4").update(
        state="sending",
        claimed_at=clocks.wall(),
        lease_owner="elsewhere:1:dead",
        lease_until=clocks.wall() + timedelta(seconds=60),
    )
    clocks.advance(1.0)
    assert await sender.send_due() == 0
    assert await sender.take_over() == 0  # the lease lasts: never requeued
    clocks.advance(59.0)
    assert await sender.take_over() == 0  # not a moment early
    clocks.advance(1.0)
    assert await sender.take_over() == 1
    assert await sender.send_due() == 1
    assert await sender.take_over() == 0
    assert await sender.send_due() == 0
    assert [m.text for m in emulator.bot_messages(9)][-1] == "消息4"
    assert len(emulator.bot_messages(9)) == 5


async def test_retry_after_pauses_the_whole_channel(
    telegram: tuple[TelegramEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(1, "甲")
    emulator.user(2, "乙")
    emulator.faults = ["429"]  # Too Many Requests: retry after 1
    await enqueue("a", "telegram:1", Outbound(text="给甲"), now=clocks.wall())
    assert await sender.send_due() == 0
    assert sender.pacer.overall_delay("telegram") == pytest.approx(1.0)
    row = await OutboxMessage.get(key="a")
    assert (row.state, row.attempts) == ("pending", 1)
    sender.pacer.pause("telegram", 30)  # a long flood wait: the pass does not sit it out
    await enqueue("b", "telegram:2", Outbound(text="给乙"), now=clocks.wall())
    assert await sender.send_due() == 0
    clocks.advance(30.0)  # the pause is over; the row's own back-off (2 s) too
    assert sender.pacer.overall_delay("telegram") == 0
    assert await sender.send_due() == 2
    assert [m.text for m in emulator.bot_messages(1)] == ["给甲"]
    assert [m.text for m in emulator.bot_messages(2)] == ["给乙"]


async def test_a_failed_file_is_retried_alone_and_the_text_arrives_once(
    telegram: tuple[TelegramEmulator, Sender, Clocks], tmp_path: Path
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(9, "王")
    export = Outbound(text="导出完成", files=(OutFile("exports/a.xlsx", "进展.xlsx"),))
    await enqueue("x", "telegram:9", export, now=clocks.wall())
    assert await sender.send_due() == 1  # the text; the file is a part of its own
    row = await OutboxMessage.get(key="x")
    assert (row.state, row.parts_sent) == ("pending", 1)
    clocks.advance(1.0)
    assert await sender.send_due() == 0  # the file is not there: its upload fails
    row = await OutboxMessage.get(key="x")
    assert (row.state, row.parts_sent, row.attempts) == ("pending", 1, 1)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.xlsx").write_bytes(b"PK")
    clocks.advance(2.0)
    assert await sender.send_due() == 1
    sent = emulator.bot_messages(9)
    assert [(m.text, (m.document or {}).get("file_name")) for m in sent] == [
        ("导出完成", None),
        ("", "进展.xlsx"),
    ]
    row = await OutboxMessage.get(key="x")
    assert (row.state, row.parts_sent) == ("sent", 2)


async def test_a_persons_next_message_waits_for_the_files_before_it(
    telegram: tuple[TelegramEmulator, Sender, Clocks], tmp_path: Path
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(9, "王")
    (tmp_path / "a.docx").write_bytes(b"PK")
    files = (OutFile("a.docx", "一.docx"), OutFile("missing.docx", "二.docx"))
    await enqueue("a", "telegram:9", Outbound(text="两个附件", files=files), now=clocks.wall())
    await enqueue("b", "telegram:9", Outbound(text="之后"), now=clocks.wall())
    for _ in range(4):  # the text, the first file, the second fails and waits its back-off
        assert await sender.send_due() <= 1
        clocks.advance(1.0)
    (tmp_path / "missing.docx").write_bytes(b"PK")
    clocks.advance(2.0)
    for _ in range(3):
        await sender.send_due()
        clocks.advance(1.0)
    shown = [m.text or (m.document or {}).get("file_name") for m in emulator.bot_messages(9)]
    assert shown == ["两个附件", "一.docx", "二.docx", "之后"]


async def test_a_crash_between_parts_resumes_at_the_missing_part(
    telegram: tuple[TelegramEmulator, Sender, Clocks], tmp_path: Path
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(9, "王")
    (tmp_path / "r.xlsx").write_bytes(b"PK")
    export = Outbound(text="已生成", files=(OutFile("r.xlsx", "r.xlsx"),))
    await enqueue("r", "telegram:9", export, now=clocks.wall())
    await OutboxMessage.filter(key="r").update(  # the text went out, then its sender died
        state="sending",
        parts_sent=1,
        lease_owner="elsewhere:1:dead",
        lease_until=clocks.wall() + timedelta(seconds=60),
    )
    clocks.advance(61.0)
    assert await sender.take_over() == 1
    assert await sender.send_due() == 1
    assert [(m.document or {}).get("file_name") for m in emulator.bot_messages(9)] == ["r.xlsx"]
    assert (await OutboxMessage.get(key="r")).state == "sent"


async def test_a_long_wecom_text_takes_a_slot_per_piece(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    long = "\n".join(["进展情况说明" * 40] * 3)  # three lines of 720 bytes: 2 pieces, 2 parts
    for i in range(16):
        await enqueue(f"l{i}", "wecom:zhangsan", Outbound(text=long), now=clocks.wall())
    while await sender.send_due(limit=100):  # a part a pass: the next waits for the window
        pass
    assert len(emulator.texts("zhangsan")) == 30  # the member's minute is full
    clocks.advance(61)
    while await sender.send_due(limit=100):
        pass
    assert emulator.dropped["zhangsan"] == 0
    assert len(emulator.texts("zhangsan")) == 32
