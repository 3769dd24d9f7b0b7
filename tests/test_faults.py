"""Delivery under faults from the Telegram emulator: a 429 storm, 5xx answers and a request
that hangs past the timeout. Every message arrives exactly once; the counts are exact."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.telegram.adapter import TelegramChannel
from bot.delivery.outbox import enqueue
from bot.delivery.sender import Sender
from bot.domain.conversation import Outbound
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.models import OutboxMessage
from tests.waiting import CEILING, outbox_settled

USERS = 20


def now() -> datetime:
    return datetime.now(UTC)


async def test_429_storm_5xx_and_hangs(db: str, tmp_path: Path) -> None:
    emulator = TelegramEmulator()
    base = await emulator.start()
    # the hang outlasts the send timeout (both timers run on this test's event loop, so the
    # timeout fires first however busy the machine); the timeout is long enough that no
    # healthy request on loopback reaches it, so each fault costs exactly one extra attempt
    emulator.hang_seconds = 6.0
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    channel = TelegramChannel(bot, tmp_path, send_timeout=5)
    sender = Sender({"telegram": channel}, now)
    stop = asyncio.Event()
    try:
        for user in range(1, USERS + 1):
            emulator.user(user, f"用户{user}")
            await enqueue(
                f"fault:{user}", f"telegram:{user}", Outbound(text=f"提醒{user}"), now=now()
            )
        emulator.faults = ["429"] * 6 + ["500", "502", "hang", "429", "500"]
        task = asyncio.create_task(sender.run(stop))
        await emulator.wait_for(lambda: emulator.stats["sent"] >= USERS, CEILING)
        await outbox_settled()  # the last one received is marked sent too
        stop.set()
        sender.wakeup.set()
        await task
    finally:
        await bot.session.close()
        await emulator.stop()
    received = {user: [m.text for m in emulator.bot_messages(user)] for user in range(1, USERS + 1)}
    assert received == {user: [f"提醒{user}"] for user in range(1, USERS + 1)}
    assert emulator.stats["429"] == 7  # the injected ones: the pacing never met the real limit
    rows = await OutboxMessage.all().order_by("id")
    assert {r.state for r in rows} == {"sent"}
    # the first pass met the 11 faults with the first 11 messages, in order: each of them
    # cost that message exactly one extra attempt, and no other message an attempt at all
    assert [r.attempts for r in rows] == [2] * 11 + [1] * (USERS - 11)
