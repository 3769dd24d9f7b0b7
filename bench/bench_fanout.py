"""Fan-out benchmark: N monthly prompts through the Telegram emulator.

With the emulator's real limits (30 msg/s per bot, 1 msg/s per chat) it reports the time to
deliver all, the rate as a share of the 30 msg/s ceiling, and the 429s received. With the limits
lifted on both sides it reports what the pipeline itself sustains (render → outbox → send), on
SQLite and, when DUBAN_BENCH_POSTGRES_URL names an empty database, PostgreSQL. Where
python-telegram-bot is
installed (``make bench`` installs it into .venv only), its AIORateLimiter broadcasting the same
messages to the same emulator is timed beside it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import DubanApp
from bot.cadence.dispatch import dispatch
from bot.config import Settings
from bot.delivery.pacing import Pacer
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Contact, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"
CEILING = 30.0


async def _prepare(emulator: TelegramEmulator, contacts: int) -> None:
    await import_plan(
        read_plan(SAMPLE), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    unit = await Unit.get(name="县发改局")
    await Contact.bulk_create(
        [
            Contact(unit=unit, role="reporter", identity=f"telegram:{i}", channel="telegram")
            for i in range(1, contacts + 1)
        ]
    )
    for i in range(1, contacts + 1):
        emulator.user(i, f"联络员{i}")


async def fan_out(url: str, contacts: int, *, limits: bool) -> dict[str, float]:
    """Deliver ``contacts`` prompts; seconds, messages per second, 429s."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.limits_on = limits
    with tempfile.TemporaryDirectory() as folder:
        await upgrade_schema(url)
        async with open_database(url):
            await _prepare(emulator, contacts)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=url, data_dir=Path(folder), http_port=0, scheduler=False,
                telegram_token=emulator.token, telegram_api_base=base,
            )  # fmt: skip
            app = DubanApp(settings)
            if not limits:
                app.sender.pacer = Pacer(limits={})
            await app.start()
            try:
                now = datetime.now(UTC)
                started = time.perf_counter()
                await dispatch(Month(2026, 11), now=now, today=now.date())
                app.sender.wakeup.set()
                await emulator.wait_for(
                    lambda: emulator.stats["sent"] >= contacts, contacts / 10 + 120
                )
                seconds = time.perf_counter() - started
            finally:
                await app.stop()
    await emulator.stop()
    return {"seconds": seconds, "rate": contacts / seconds, "429": emulator.stats["429"]}


async def ptb_broadcast(contacts: int) -> dict[str, float] | None:
    """python-telegram-bot's AIORateLimiter sending the same number of messages, if installed."""
    try:
        from telegram.ext import AIORateLimiter, ExtBot  # noqa: PLC0415 - optional, benchmark only
    except ImportError:
        return None
    emulator = TelegramEmulator()
    base = await emulator.start()
    for i in range(1, contacts + 1):
        emulator.user(i, f"联络员{i}")
    limiter = AIORateLimiter(max_retries=5)
    bot = ExtBot(emulator.token, base_url=f"{base}/bot", rate_limiter=limiter)
    started = time.perf_counter()
    async with bot:
        await asyncio.gather(
            *(bot.send_message(i, f"提醒{i}") for i in range(1, contacts + 1)),
            return_exceptions=True,
        )
    seconds = time.perf_counter() - started
    await emulator.stop()
    return {
        "seconds": seconds,
        "rate": emulator.stats["sent"] / seconds,
        "429": emulator.stats["429"],
        "sent": emulator.stats["sent"],
    }


async def reset_postgres(url: str) -> None:
    """Empty the benchmark's PostgreSQL database."""
    import asyncpg  # noqa: PLC0415 - only with PostgreSQL

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def run(contacts: int | None = None) -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md."""
    n = contacts or int(os.environ.get("DUBAN_BENCH_FANOUT", "10000"))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        limited = asyncio.run(fan_out(f"sqlite://{Path(folder) / 'a.sqlite3'}", n, limits=True))
        share = limited["rate"] / CEILING
        rows.append(
            (
                f"fan-out {n} prompts, real limits (SQLite)",
                f"{limited['seconds']:.1f} s, {limited['rate']:.1f} msg/s "
                f"= {share:.2f} of 30 msg/s, {limited['429']:.0f} × 429",
            )
        )
        free = asyncio.run(fan_out(f"sqlite://{Path(folder) / 'b.sqlite3'}", n, limits=False))
        rows.append(
            (
                f"fan-out {n} prompts, limits lifted (SQLite)",
                f"{free['rate']:.0f} msg/s ({free['seconds']:.1f} s)",
            )
        )
    pg = os.environ.get("DUBAN_TEST_POSTGRES_URL")
    if pg:
        free = asyncio.run(fan_out(pg, n, limits=False))
        rows.append(
            (
                f"fan-out {n} prompts, limits lifted (PostgreSQL)",
                f"{free['rate']:.0f} msg/s ({free['seconds']:.1f} s)",
            )
        )
    ptb = asyncio.run(ptb_broadcast(n))
    if ptb is None:
        rows.append(
            (
                f"python-telegram-bot AIORateLimiter, {n} messages",
                "not installed (make bench installs it)",
            )
        )
    else:
        figure = (
            f"{ptb['seconds']:.1f} s, {ptb['rate']:.1f} msg/s, {ptb['429']:.0f} × 429, "
            f"{ptb['sent']:.0f} delivered"
        )
        rows.append((f"python-telegram-bot AIORateLimiter, {n} messages", figure))
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
