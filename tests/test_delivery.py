"""The outbox sender against the emulators with a clock the test moves: retries, permanent
failures, token refresh, per-recipient order, and the take-over of a claim left by a crash
once its lease expires (never while it lasts)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from typer.testing import CliRunner

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.cli import app
from bot.delivery.outbox import enqueue
from bot.delivery.pacing import Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Button, Outbound
from bot.operations.cli_prune import Pruned, prune_before
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import AuditLog, Contact, ConversationState, InboxUpdate, OutboxMessage


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
    state = await ConversationState.get(identity="wecom:zhangsan")
    assert state.data["options"] == [["报送第1项", "v1:t:1"], ["报送第2项", "v1:t:2"]]


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
        seen.append(dict((await ConversationState.get(identity="wecom:zhangsan")).data))
    assert seen[0] == {"options": [["未启动", "v1:s:1:0"]], "numbered": True}
    assert seen[1] == seen[0]  # a notice is not a step: "1" still answers the status
    assert seen[2] == {"options": [["20%", "v1:p:1:20"], ["跳过", "v1:n:1"]], "numbered": False}
    assert seen[3] == {}  # a free-text question: nothing is offered any more
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


async def test_prune_keeps_what_is_unfinished_and_the_audit_unless_asked(db: str) -> None:
    old, recent = datetime(2026, 1, 5, tzinfo=UTC), datetime.now(UTC)
    for key, state in (("sent", "sent"), ("failed", "failed"), ("waiting", "pending")):
        await enqueue(key, "telegram:1", Outbound(text=key), now=old)
        await OutboxMessage.filter(key=key).update(state=state, created_at=old)
    await enqueue("new", "telegram:1", Outbound(text="new"), now=recent)
    await OutboxMessage.filter(key="new").update(state="sent")
    for key, processed, attempts in (("done", old, 0), ("todo", None, 0), ("gave-up", None, 5)):
        await InboxUpdate.create(
            channel="telegram", external_key=key, payload={}, processed_at=processed,
            attempts=attempts,
        )  # fmt: skip
    await InboxUpdate.filter().update(received_at=old)
    await AuditLog.create(actor="cli", action="import")
    await AuditLog.filter().update(at=old)
    pruned = await prune_before(recent - timedelta(days=90), audit=False)
    assert pruned == Pruned(inbox=2, outbox=2, audit=0)
    assert sorted(await OutboxMessage.all().values_list("key", flat=True)) == ["new", "waiting"]
    assert await InboxUpdate.all().values_list("external_key", flat=True) == ["todo"]
    assert await AuditLog.all().count() == 1
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert await prune_before(later, audit=True) == Pruned(inbox=0, outbox=1, audit=1)


def test_prune_on_the_command_line(cli_env: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["prune", "--days", "120"], env={"DUBAN_DEFAULT_LOCALE": "en"})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Pruned 0 inbox updates, 0 outbox messages and 0 audit entries older than 120 days."
    )
    result = runner.invoke(app, ["prune", "--audit", "--json"])
    assert json.loads(result.stdout) == {"inbox": 0, "outbox": 0, "audit": 0, "days": 180}
    # shorter than a period's outbox keys live: refused, the month's prompts would go out again
    assert runner.invoke(app, ["prune", "--days", "30"]).exit_code == 2


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
