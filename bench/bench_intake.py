"""Intake benchmark: a burst of N replies from N bound reporters, from the emulator to a handled
update with its answer delivered, beside a bare aiogram echo bot on the same emulator.

Limits are lifted on both sides so the figure is the pipeline's own (store in the inbox → handle
in a transaction → outbox → send). Latency is per update, from the emulator taking the user's
message to the inbox row being marked processed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

from bot.app import DubanApp
from bot.cadence.dispatch import dispatch
from bot.config import Settings
from bot.delivery.pacing import Pacer
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Contact, InboxUpdate, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"


async def duban_intake(n: int) -> dict[str, float]:
    """Our pipeline: seconds for the burst, updates per second, p50/p99 latency in ms."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.limits_on = False
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'intake.sqlite3'}"
        await upgrade_schema(url)
        async with open_database(url):
            await import_plan(
                read_plan(SAMPLE), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
            )
            unit = await Unit.get(name="县发改局")
            await Contact.bulk_create(
                [
                    Contact(
                        unit=unit, role="reporter", identity=f"telegram:{i}", channel="telegram"
                    )
                    for i in range(1, n + 1)
                ]
            )
            now = datetime.now(UTC)
            await dispatch(Month(2026, 11), now=now, today=now.date())  # requests are open
            for i in range(1, n + 1):
                emulator.user(i, f"联络员{i}")
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=url, data_dir=Path(folder), http_port=0, scheduler=False,
                telegram_token=emulator.token, telegram_api_base=base,
            )  # fmt: skip
            app = DubanApp(settings)
            app.sender.pacer = Pacer(limits={})
            await app.start()
            try:
                await emulator.wait_for(
                    lambda: emulator.stats["sent"] >= n, n / 20 + 120
                )  # prompts out
                baseline = emulator.stats["sent"]
                sent_at: dict[str, float] = {}
                started = time.perf_counter()
                for i in range(1, n + 1):
                    await emulator.user_sends(i, "本月完成项目储备12个。")
                    sent_at[str(i)] = time.time()
                await emulator.wait_for(
                    lambda: emulator.stats["sent"] >= baseline + n, n / 20 + 300
                )
                seconds = time.perf_counter() - started
                latencies = []
                for row in await InboxUpdate.filter(processed_at__not_isnull=True).only(
                    "payload", "processed_at"
                ):
                    user = str(row.payload["message"]["from"]["id"])
                    latencies.append((row.processed_at.timestamp() - sent_at[user]) * 1000)
            finally:
                await app.stop()
    await emulator.stop()
    latencies.sort()
    return {
        "seconds": seconds,
        "rate": n / seconds,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
    }


async def aiogram_echo(n: int) -> dict[str, float]:
    """A bare aiogram echo bot (its own polling) against the same emulator."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.limits_on = False
    for i in range(1, n + 1):
        emulator.user(i, f"联络员{i}")
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    started = time.perf_counter()
    for i in range(1, n + 1):
        await emulator.user_sends(i, "本月完成项目储备12个。")
    await emulator.wait_for(lambda: emulator.stats["sent"] >= n, n / 20 + 300)
    seconds = time.perf_counter() - started
    await dp.stop_polling()
    polling.cancel()
    await bot.session.close()
    await emulator.stop()
    return {"seconds": seconds, "rate": n / seconds}


def run(n: int | None = None) -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md."""
    count = n or int(os.environ.get("DUBAN_BENCH_INTAKE", "5000"))
    ours = asyncio.run(duban_intake(count))
    echo = asyncio.run(aiogram_echo(count))
    return [
        (
            f"intake burst of {count} replies (SQLite), update → handled → answer delivered",
            f"{ours['rate']:.0f} updates/s, p50 {ours['p50']:.0f} ms, p99 {ours['p99']:.0f} ms",
        ),
        (f"bare aiogram echo bot, {count} updates", f"{echo['rate']:.0f} updates/s"),
        ("ratio, ours / aiogram echo", f"{ours['rate'] / echo['rate']:.2f}"),
    ]


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
