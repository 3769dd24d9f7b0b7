"""The database away for a while: Telegram polling keeps its offset and fetches the batch again,
the webhook answers 503 so Telegram redelivers; nothing is lost, nothing is stored twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.channels.telegram import polling as telegram_polling
from bot.conversation.context import Deps
from bot.delivery.intake import Intake
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.models import InboxUpdate
from tests.dialogue import Clock, DictFiles


class Outage:
    """The real inbox, unreachable for the first ``failures`` calls (a database restart)."""

    def __init__(self, inbox: Intake, failures: int) -> None:
        self.inbox, self.failures, self.calls = inbox, failures, 0

    def _fail(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("database unavailable")

    async def store(self, channel: str, key: str, payload: dict[str, Any]) -> bool:
        self._fail()
        return await self.inbox.store(channel, key, payload)

    async def store_many(self, channel: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
        self._fail()
        return await self.inbox.store_many(channel, updates)


def inbox(tmp_path: Path) -> Intake:
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    return Intake({}, deps)


async def test_polling_keeps_its_offset_through_an_outage(db: str, tmp_path: Path) -> None:
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.user(1, "甲")
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    store = Outage(inbox(tmp_path), failures=2)
    stop = asyncio.Event()
    for text in ("一", "二", "三"):
        await emulator.user_sends(1, text)
    task = asyncio.create_task(telegram_polling.poll(bot, store, stop, wait=1))
    try:
        await emulator.wait_for(lambda: store.calls >= 3 and not emulator.updates, 30)
    finally:
        stop.set()
        await task
        await bot.session.close()
        await emulator.stop()
    rows = await InboxUpdate.filter(channel="telegram").order_by("id")
    assert [r.payload["message"]["text"] for r in rows] == ["一", "二", "三"]


async def test_the_webhook_answers_503_until_the_database_is_back(db: str, tmp_path: Path) -> None:
    store = Outage(inbox(tmp_path), failures=3)
    app = web.Application()
    app.router.add_post("/hook", telegram_polling.webhook_handler(store, "s3cret"))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    emulator = TelegramEmulator()
    await emulator.start()
    emulator.user(1, "甲")
    emulator.webhook = (f"http://127.0.0.1:{runner.addresses[0][1]}/hook", "s3cret")
    try:
        await emulator.user_sends(1, "进展")  # redelivered by the emulator until answered 200
    finally:
        await emulator.stop()
        await runner.cleanup()
    assert store.calls == 4
    assert await InboxUpdate.filter(channel="telegram").count() == 1
