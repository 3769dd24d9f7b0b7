"""The pacer: a text cut in pieces takes a slot per piece, a fan-out of long texts at the
Telegram emulator's exact limits draws no 429, and a sender taking over seeds its windows from
sends stamped by other hosts' clocks without trusting those clocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.telegram.adapter import TelegramChannel
from bot.delivery.outbox import enqueue
from bot.delivery.pacing import LIMITS, Pacer
from bot.delivery.sender import CLOCK_SKEW, Sender, wall_clock
from bot.domain.conversation import Outbound
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.models import OutboxMessage
from tests.waiting import eventually


class Monotonic:
    """The pacer's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_pieces_take_slots_of_every_window() -> None:
    clock = Monotonic()
    pacer = Pacer(clock=clock)
    for _ in range(14):
        assert pacer.recipient_delay("wecom", "zhangsan", 2) == 0
        pacer.record("wecom", "zhangsan", count=2)
    assert pacer.recipient_delay("wecom", "zhangsan", 2) == 0  # 28 of 30: two more fit
    assert pacer.recipient_delay("wecom", "zhangsan", 3) == 60.0  # three do not
    pacer.record("wecom", "zhangsan", count=2)
    assert pacer.recipient_delay("wecom", "zhangsan", 1) == 60.0
    for user in range(28):
        pacer.record("telegram", str(user))
    assert pacer.overall_delay("telegram", 2) == 0
    assert pacer.overall_delay("telegram", 3) == 1.0
    # a limit smaller than the pieces (1 msg/s to a chat) needs room for its own count only:
    # the channel spaces a message's pieces to one chat itself
    assert pacer.recipient_delay("telegram", "99", 3) == 0


async def test_a_fan_out_of_long_texts_draws_no_429(db: str, tmp_path: Path) -> None:
    emulator = TelegramEmulator()  # the documented limits, exactly
    base = await emulator.start()
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    people = 40
    long = "\n".join(["进展" * 50] * 90)  # 9 090 characters: three sendMessage calls
    try:
        for user in range(1, people + 1):
            emulator.user(user, f"联络员{user}")
            text = long if user % 15 == 0 else f"提醒{user}"
            await enqueue(f"p{user}", f"telegram:{user}", Outbound(text=text), now=wall_clock())
        sender = Sender({"telegram": TelegramChannel(bot, tmp_path)}, wall_clock)
        assert sender.channels["telegram"].pieces(Outbound(text=long)) == 3

        async def delivered() -> bool:
            await sender.send_due(limit=100)
            return await OutboxMessage.filter(state="sent").count() == people

        await eventually(delivered, what="every prompt delivered")
    finally:
        await bot.session.close()
        await emulator.stop()
    assert emulator.stats["429"] == 0
    assert emulator.stats["sent"] == people - 2 + 2 * 3
    assert "\n".join(m.text for m in emulator.bot_messages(15)) == long


async def _sent_by_another_host(recipient: str, at: datetime, n: int = 1) -> None:
    """``n`` messages another process sent ``recipient``, stamped ``at`` by its host's clock."""
    channel = recipient.split(":", 1)[0]
    payload = Outbound(text="早先").to_json()
    rows = [
        OutboxMessage(
            key=f"{recipient}:{at.isoformat()}:{i}",
            channel=channel,
            recipient=recipient,
            payload=payload,
            state="sent",
            attempts=1,
            next_attempt_at=at,
            sent_at=at,
            parts_sent=1,
        )
        for i in range(n)
    ]
    await OutboxMessage.bulk_create(rows)


def _elected(lease_clock: Callable[[], datetime], pacer_clock: Monotonic) -> Sender:
    return Sender(
        {"telegram": object(), "wecom": object()},  # type: ignore[dict-item] - never sent on
        wall_clock,
        Pacer(LIMITS, clock=pacer_clock),
        elected=True,
        lease_clock=lease_clock,
    )


async def test_a_new_sender_counts_sends_stamped_by_a_clock_behind(db: str) -> None:
    now = wall_clock()
    behind = now - timedelta(seconds=45)  # the previous sender's host is 45 s slow
    for user in range(30):
        await _sent_by_another_host(f"telegram:{user}", behind)
    await _sent_by_another_host("wecom:zhangsan", behind, n=30)
    await _sent_by_another_host("wecom:lisi", now - timedelta(hours=2), n=30)  # long ago
    await _sent_by_another_host("wecom:wangwu", now + timedelta(minutes=3), n=30)  # fast clock
    # this sender's own clock is off too: on PostgreSQL the window is reckoned from the
    # database's clock; on SQLite every process runs on the host that has the file
    skewed = db.startswith("postgres")
    mine = (lambda: wall_clock() + timedelta(minutes=20)) if skewed else wall_clock
    clock = Monotonic()
    sender = _elected(mine, clock)
    await sender.lead("telegram")
    await sender.lead("wecom")
    assert sender.pacer.overall_delay("telegram") == 1.0  # 30 sends "just now"
    assert sender.pacer.recipient_delay("telegram", "7") == 1.0
    assert sender.pacer.recipient_delay("wecom", "zhangsan") == 60.0
    assert sender.pacer.recipient_delay("wecom", "wangwu") == 60.0
    assert sender.pacer.recipient_delay("wecom", "lisi") == 0
    clock.now += 1.0
    assert sender.pacer.overall_delay("telegram") == 0  # late by one window at most


async def test_sends_older_than_the_skew_keep_their_distance(db: str) -> None:
    now = wall_clock()
    earlier = now - CLOCK_SKEW - timedelta(minutes=40)  # 45 minutes ago by its stamp
    await _sent_by_another_host("wecom:zhangsan", earlier, n=990)
    clock = Monotonic()
    sender = _elected(wall_clock, clock)
    await sender.lead("wecom")
    # counted as 40 minutes ago (5 minutes later than stamped): the hour's 1000 are nearly
    # used, the minute's 30 are free
    assert sender.pacer.recipient_delay("wecom", "zhangsan", 10) == 0
    wait = sender.pacer.recipient_delay("wecom", "zhangsan", 11)
    assert 19 * 60 <= wait <= 20 * 60 + 1


async def test_the_seed_counts_every_piece_of_a_long_text(db: str, tmp_path: Path) -> None:
    now = wall_clock()
    long = Outbound(text="\n".join(["进展" * 50] * 90))  # three messages on Telegram
    await OutboxMessage.create(
        key="long", channel="telegram", recipient="telegram:5", payload=long.to_json(),
        state="sent", attempts=1, next_attempt_at=now, sent_at=now, parts_sent=1,
    )  # fmt: skip
    bot = Bot("1:x")
    clock = Monotonic()
    try:
        sender = Sender(
            {"telegram": TelegramChannel(bot, tmp_path)},
            wall_clock,
            Pacer(LIMITS, clock=clock),
            elected=True,
        )
        await sender.lead("telegram")
    finally:
        await bot.session.close()
    assert sender.pacer.overall_delay("telegram", 27) == 0
    assert sender.pacer.overall_delay("telegram", 28) == 1.0
