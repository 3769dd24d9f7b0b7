"""Intake benchmark: a burst of replies from N bound reporters, from the emulator to a handled
update with its answer delivered, beside a bare aiogram echo bot on the same emulator, in one run.

Two paths: "which task?" (a unit with several open requests sends a sentence naming no task: the
bot asks which) and storing a report (a unit with one open request answers its monthly prompt in
one message, "…已完成", gets the pre-filled card and presses Submit: two updates, one report
stored). Each on SQLite and, with ``--postgres URL`` (an empty database: its schema is dropped),
on PostgreSQL. Limits are lifted on both sides so the figure is the pipeline's own (store in
the inbox → handle in a transaction → outbox → send). CPU seconds are the process's, the
emulator's included (it runs in the same process).

``python -m bench.bench_intake [N] [--postgres URL] [--profile FILE]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
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

from bench.bench_fanout import reset_postgres
from bot.app import DubanApp
from bot.cadence.dispatch import dispatch
from bot.config import Settings
from bot.delivery.pacing import Pacer
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Assignment, Contact, InboxUpdate, ProgressReport, Task, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"
ASK = "本月完成项目储备12个。"  # names no task: "which task is this for?"
REPORT = "本月完成项目储备12个，已完成。"  # the unit's one open request, done: a card to submit


async def _reporters(n: int, *, one_request_each: bool) -> None:
    """N bound reporters: all of 县发改局 (several open requests), or each of a unit of its own
    with one task assigned (one open request each)."""
    if not one_request_each:
        unit = await Unit.get(name="县发改局")
        units = [unit] * n
    else:
        task = await Task.get(number="1")
        await Unit.bulk_create([Unit(name=f"测速单位{i}", kind="government") for i in range(n)])
        units = list(await Unit.filter(name__startswith="测速单位").order_by("id"))
        await Assignment.bulk_create([Assignment(task=task, unit=u, role="lead") for u in units])
    await Contact.bulk_create(
        [
            Contact(unit=u, role="reporter", identity=f"telegram:{i}", channel="telegram")
            for i, u in enumerate(units, start=1)
        ]
    )


async def duban_intake(
    n: int, url: str, folder: Path, *, report: bool, profile: str | None = None
) -> dict[str, float]:
    """Our pipeline: seconds and CPU seconds for the burst, updates per second, p50 latency."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.limits_on = False
    await upgrade_schema(url)
    async with open_database(url):
        await import_plan(
            read_plan(SAMPLE), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
        )
        await _reporters(n, one_request_each=report)
        now = datetime.now(UTC)
        await dispatch(Month(2026, 11), now=now, today=now.date())  # requests are open
        for i in range(1, n + 1):
            emulator.user(i, f"联络员{i}")
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url, data_dir=folder, http_port=0, scheduler=False,
            telegram_token=emulator.token, telegram_api_base=base,
        )  # fmt: skip
        app = DubanApp(settings)
        app.sender.pacer = Pacer(limits={})
        await app.start()
        profiler = cProfile.Profile() if profile else None
        try:
            await emulator.wait_for(lambda: emulator.stats["sent"] >= n, n / 20 + 120)
            baseline, edits = emulator.stats["sent"], emulator.stats["edits"]
            sent_at: dict[str, float] = {}
            if profiler:
                profiler.enable()
            cpu, started = time.process_time(), time.perf_counter()
            for i in range(1, n + 1):
                await emulator.user_sends(i, REPORT if report else ASK)
                sent_at[str(i)] = time.time()
            await emulator.wait_for(lambda: emulator.stats["sent"] >= baseline + n, n / 10 + 300)
            updates = n
            if report:  # Submit on each card: the report is stored, the card edited to say so
                submit = Translator("zh_CN").gettext("Submit")
                for i in range(1, n + 1):
                    await emulator.user_presses(i, submit)
                await emulator.wait_for(lambda: emulator.stats["edits"] >= edits + n, n / 10 + 300)
                updates = 2 * n
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            if profiler:
                profiler.disable()
                profiler.dump_stats(profile or "")
            if report:
                assert await ProgressReport.all().count() == n
            latencies = []
            for row in await InboxUpdate.filter(processed_at__not_isnull=True).values(
                "payload", "processed_at"
            ):
                if "message" in row["payload"]:
                    user = str(row["payload"]["message"]["from"]["id"])
                    latencies.append((row["processed_at"].timestamp() - sent_at[user]) * 1000)
        finally:
            await app.stop()
    await emulator.stop()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rate": updates / seconds,
        "updates": updates,
        "p50": statistics.median(latencies),
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
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(1, n + 1):
        await emulator.user_sends(i, ASK)
    await emulator.wait_for(lambda: emulator.stats["sent"] >= n, n / 20 + 300)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await dp.stop_polling()
    polling.cancel()
    await bot.session.close()
    await emulator.stop()
    return {"seconds": seconds, "cpu": cpu, "rate": n / seconds}


def _figure(f: dict[str, float], echo: dict[str, float]) -> str:
    return (
        f"{f['rate']:.0f} updates/s = {f['rate'] / echo['rate']:.2f} of the echo bot "
        f"({f['updates']:.0f} updates, {f['seconds']:.1f} s wall, {f['cpu']:.1f} s CPU, "
        f"p50 {f['p50']:.0f} ms)"
    )


def run(
    n: int | None = None, *, postgres: str | None = None, profile: str | None = None
) -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md: the echo bot, then our two paths per database."""
    count = n or int(os.environ.get("DUBAN_BENCH_INTAKE", "5000"))
    postgres = postgres or os.environ.get("DUBAN_BENCH_POSTGRES_URL")
    echo = asyncio.run(aiogram_echo(count))
    rows = [
        (
            f"bare aiogram echo bot, {count} updates",
            f"{echo['rate']:.0f} updates/s ({echo['seconds']:.1f} s wall, {echo['cpu']:.1f} s CPU)",
        )
    ]
    databases = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    for label, server in databases:
        for report in (False, True):
            path = "report stored (text + Submit)" if report else "which task?"
            with tempfile.TemporaryDirectory() as folder:
                url = server or f"sqlite://{Path(folder) / 'intake.sqlite3'}"
                if server:
                    asyncio.run(reset_postgres(server))
                where = f"{profile}.{label}.{'report' if report else 'ask'}" if profile else None
                ours = asyncio.run(
                    duban_intake(count, url, Path(folder), report=report, profile=where)
                )
            rows.append((f"intake, {count} reporters, {path} ({label})", _figure(ours, echo)))
    return rows


def main() -> None:
    """``python -m bench.bench_intake [N] [--postgres URL] [--profile FILE]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("reporters", nargs="?", type=int, default=None)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (its schema is dropped)")
    parser.add_argument("--profile", help="cProfile each burst into FILE.<database>.<path>")
    args = parser.parse_args()
    for label, figure in run(args.reporters, postgres=args.postgres, profile=args.profile):
        print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
