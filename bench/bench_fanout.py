"""Fan-out benchmark: N monthly prompts through the Telegram emulator (or any Bot API server).

With the emulator's limits, exact as Telegram documents them (30 msg/s per bot, 1 msg/s per
chat), it reports the time to deliver all, the rate as a share of the 30 msg/s ceiling, the CPU
seconds of the benchmark's process (the emulator included) and the 429s received.
``--telegram-api-base URL`` (with ``--telegram-token``) runs the same fan-out against another
Bot API server, chat ids 1..N: the 429s are then counted on our side (retried sends). With the
lifted on both sides it reports what the pipeline itself sustains (render → outbox → send), on
SQLite and, when DUBAN_BENCH_POSTGRES_URL names an empty database, PostgreSQL. Where
python-telegram-bot is
installed (``make bench`` installs it into .venv only), its AIORateLimiter broadcasting the same
messages to the same emulator is timed beside it.
"""

from __future__ import annotations

import argparse
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
from bot.storage.models import Contact, OutboxMessage, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"
CEILING = 30.0


async def _prepare(emulator: TelegramEmulator | None, contacts: int) -> None:
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
    if emulator is not None:
        for i in range(1, contacts + 1):
            emulator.user(i, f"联络员{i}")


async def _delivered(contacts: int) -> bool:
    return await OutboxMessage.filter(state="sent").count() >= contacts


async def fan_out(
    url: str,
    contacts: int,
    *,
    limits: bool,
    api_base: str | None = None,
    token: str | None = None,
) -> dict[str, float]:
    """Deliver ``contacts`` prompts; seconds, messages per second, CPU seconds, 429s."""
    emulator = None if api_base else TelegramEmulator()
    base = await emulator.start() if emulator is not None else str(api_base)
    if emulator is not None:
        emulator.limits_on = limits
    with tempfile.TemporaryDirectory() as folder:
        await upgrade_schema(url)
        async with open_database(url):
            await _prepare(emulator, contacts)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=url, data_dir=Path(folder), http_port=0, scheduler=False,
                telegram_token=emulator.token if emulator is not None else token,
                telegram_api_base=base,
            )  # fmt: skip
            app = DubanApp(settings)
            if not limits:
                app.sender.pacer = Pacer(limits={})
            await app.start()
            try:
                await asyncio.wait_for(app.linked(), 60)
                now = datetime.now(UTC)
                cpu, started = time.process_time(), time.perf_counter()
                await dispatch(Month(2026, 11), now=now, today=now.date())
                app.sender.wakeup.set()
                for _ in range(int((contacts / 10 + 120) / 0.05)):  # the ceiling of a run
                    if await _delivered(contacts):
                        break
                    await asyncio.sleep(0.05)
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                retried = sum(
                    max(0, int(str(a)) - 1)
                    for a in await OutboxMessage.filter(state="sent").values_list(
                        "attempts", flat=True
                    )
                )
                delivered = await OutboxMessage.filter(state="sent").count()
            finally:
                await app.stop()
    rejected = emulator.stats["429"] if emulator is not None else retried
    if emulator is not None:
        await emulator.stop()
    return {
        "seconds": seconds,
        "rate": delivered / seconds,
        "cpu": cpu,
        "429": rejected,
        "retried": retried,
        "delivered": delivered,
    }


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
    cpu, started = time.process_time(), time.perf_counter()
    async with bot:
        await asyncio.gather(
            *(bot.send_message(i, f"提醒{i}") for i in range(1, contacts + 1)),
            return_exceptions=True,
        )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    await emulator.stop()
    return {
        "cpu": cpu,
        "seconds": seconds,
        "rate": emulator.stats["sent"] / seconds,
        "429": emulator.stats["429"],
        "delivered": emulator.stats["sent"],
    }


async def reset_postgres(url: str) -> None:
    """Empty the benchmark's PostgreSQL database."""
    import asyncpg  # noqa: PLC0415 - only with PostgreSQL

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def _limited(label: str, figures: dict[str, float]) -> tuple[str, str]:
    share = figures["rate"] / CEILING
    return (
        label,
        f"{figures['seconds']:.1f} s wall from the dispatch, {figures['cpu']:.1f} s CPU, "
        f"{figures['rate']:.2f} msg/s = {share:.3f} of 30 msg/s, "
        f"{figures['429']:.0f} × 429, {figures['delivered']:.0f} delivered",
    )


def run(
    contacts: int | None = None, *, api_base: str | None = None, token: str | None = None
) -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md: ours and python-telegram-bot's, side by side."""
    n = contacts or int(os.environ.get("DUBAN_BENCH_FANOUT", "10000"))
    rows = []
    where = f"Bot API at {api_base}" if api_base else "emulator, exact limits"
    with tempfile.TemporaryDirectory() as folder:
        limited = asyncio.run(
            fan_out(
                f"sqlite://{Path(folder) / 'a.sqlite3'}",
                n,
                limits=True,
                api_base=api_base,
                token=token,
            )
        )
        rows.append(_limited(f"fan-out {n} prompts, {where} (SQLite)", limited))
        if api_base:
            return rows
        ptb = asyncio.run(ptb_broadcast(n))
        if ptb is None:
            rows.append(
                (
                    f"python-telegram-bot AIORateLimiter, {n} messages",
                    "not installed (make bench installs it)",
                )
            )
        else:
            rows.append(
                _limited(f"python-telegram-bot AIORateLimiter, {n} messages, same emulator", ptb)
            )
        free = asyncio.run(fan_out(f"sqlite://{Path(folder) / 'b.sqlite3'}", n, limits=False))
        rows.append(
            (
                f"fan-out {n} prompts, limits lifted (SQLite)",
                f"{free['rate']:.0f} msg/s ({free['seconds']:.1f} s wall, {free['cpu']:.1f} s CPU)",
            )
        )
    pg = os.environ.get("DUBAN_BENCH_POSTGRES_URL")
    if pg:
        asyncio.run(reset_postgres(pg))
        free = asyncio.run(fan_out(pg, n, limits=False))
        rows.append(
            (
                f"fan-out {n} prompts, limits lifted (PostgreSQL)",
                f"{free['rate']:.0f} msg/s ({free['seconds']:.1f} s wall, {free['cpu']:.1f} s CPU)",
            )
        )
    return rows


def main() -> None:
    """``python -m bench.bench_fanout [N] [--telegram-api-base URL --telegram-token T]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("prompts", nargs="?", type=int, default=None)
    parser.add_argument("--telegram-api-base", help="another Bot API server (chat ids 1..N)")
    parser.add_argument("--telegram-token", help="the bot token for that server")
    args = parser.parse_args()
    for label, figure in run(args.prompts, api_base=args.telegram_api_base,
                             token=args.telegram_token):  # fmt: skip
        print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
