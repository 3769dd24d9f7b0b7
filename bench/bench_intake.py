"""Intake benchmark: a burst of replies from N bound reporters, from the emulator to a handled
update with its answer delivered, beside a bare aiogram echo bot on the same emulator, in one run.

Two paths: "which task?" (a unit with several open requests sends a sentence naming no task: the
bot asks which) and storing a report (a unit with one open request answers its monthly prompt in
one message, "…已完成", gets the pre-filled card and presses Submit: two updates, one report
stored). Each on SQLite and, with ``--postgres URL`` (an empty database: its schema is dropped),
on PostgreSQL. Limits are lifted on both sides so the figure is the pipeline's own (store in
the inbox → handle in a transaction → outbox → send). CPU seconds are the process's, the
emulator's included (it runs in the same process).

The report path makes three Bot API calls per two updates (the card; on Submit, the card
edited and the press answered) where the echo bot makes one per update, so it is also set
beside a bare aiogram bot making those same calls with nothing stored: the floor any bot
doing this exchange has on the same emulator.

``python -m bench.bench_intake [N] [--postgres URL] [--profile FILE] [--repeat K]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

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
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall
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


async def _bare_bot(
    n: int, dp: Dispatcher, burst: Callable[[TelegramEmulator], Awaitable[None]], updates: int
) -> dict[str, float]:
    """A bare aiogram bot (``dp``, its own polling) against a fresh emulator with ``n`` users:
    seconds and CPU seconds of ``burst``, and ``updates`` per second."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.limits_on = False
    for i in range(1, n + 1):
        emulator.user(i, f"联络员{i}")
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    cpu, started = time.process_time(), time.perf_counter()
    await burst(emulator)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await dp.stop_polling()
    polling.cancel()
    await bot.session.close()
    await emulator.stop()
    return {"seconds": seconds, "cpu": cpu, "rate": updates / seconds}


async def aiogram_echo(n: int) -> dict[str, float]:
    """A bare aiogram echo bot against the same emulator: one answer per text."""
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    async def burst(emulator: TelegramEmulator) -> None:
        for i in range(1, n + 1):
            await emulator.user_sends(i, ASK)
        await emulator.wait_for(lambda: emulator.stats["sent"] >= n, n / 20 + 300)

    return await _bare_bot(n, dp, burst, n)


async def aiogram_cards(n: int) -> dict[str, float]:
    """A bare aiogram bot making the report path's Bot API calls, with nothing stored: a card
    with a Submit button for each text; on the press, the card edited and the press answered."""
    dp = Dispatcher()
    submit = Translator("zh_CN").gettext("Submit")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=submit, callback_data="rp:c:1")]]
    )

    @dp.message()
    async def card(message: Message) -> None:
        await message.answer(message.text or "", reply_markup=keyboard)

    @dp.callback_query()
    async def stored(query: CallbackQuery) -> None:
        if isinstance(query.message, Message):
            await query.message.edit_text("已保存")
        await query.answer()

    async def burst(emulator: TelegramEmulator) -> None:
        for i in range(1, n + 1):
            await emulator.user_sends(i, REPORT)
        await emulator.wait_for(lambda: emulator.stats["sent"] >= n, n / 20 + 300)
        for i in range(1, n + 1):
            await emulator.user_presses(i, submit)
        await emulator.wait_for(lambda: emulator.stats["edits"] >= n, n / 20 + 300)

    return await _bare_bot(n, dp, burst, 2 * n)


def _figure(f: dict[str, float]) -> str:
    same = f" ({f['of_cards']:.2f} of the bot making the same calls)" if "of_cards" in f else ""
    return (
        f"{f['rate']:.0f} updates/s = {f['ratio']:.2f} of the echo bot{same} "
        f"({f['updates']:.0f} updates, {f['seconds']:.1f} s wall, {f['cpu']:.1f} s CPU, "
        f"p50 {f['p50']:.0f} ms)"
    )


def _median(figures: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the repetitions."""
    return {k: statistics.median(f[k] for f in figures) for k in figures[0]}


# Where a burst's CPU goes: (label, file, function); cumulative, so nested parts overlap.
PARTS = (
    ("handler (router.handle)", "bot/conversation/router.py", "handle"),
    ("· the unit's open requests", "bot/reporting/latest.py", "open_requests"),
    ("· a pressed report button", "bot/reporting/chat.py", "on_button"),
    ("· · storing the report (store_report)", "bot/reporting/reports.py", "store_report"),
    ("· a summary waiting? (summaries rewritable)", "bot/summaries/drafts.py", "rewritable"),
    (
        "· the speaker and state (Turn.load, set_flow)",
        "bot/conversation/context.py",
        "load|set_flow",
    ),
    ("queuing replies (outbox.enqueue)", "bot/delivery/outbox.py", "enqueue"),
    ("inbox: claims, flood control (process_pending)", "bot/delivery/intake.py", "process_pending"),
    ("inbox: batch transactions, handler included", "bot/delivery/intake.py", "_batch"),
    ("sender, all of it (send_due)", "bot/delivery/sender.py", "send_due"),
    ("· the Bot API calls (aiogram)", "bot/channels/telegram/adapter.py", "send|acknowledge"),
    ("polling and storing updates", "bot/channels/telegram/polling.py", "poll"),
    ("the emulator's HTTP side", "aiohttp/web_protocol.py", "_handle_request|data_received"),
)


def shares(path: str) -> str:
    """The CPU profile's shares of :data:`PARTS`, one line."""
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(path).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values()) or 1.0
    found = []
    for label, file, names in PARTS:
        wanted = set(names.split("|"))
        cpu = sum(v[3] for (f, _, n), v in stats.items() if f.endswith(file) and n in wanted)
        found.append(f"{label} {100 * cpu / total:.0f} %")
    return f"{total:.1f} s CPU profiled: " + "; ".join(found)


def run(
    n: int | None = None,
    *,
    postgres: str | None = None,
    profile: str | None = None,
    repeat: int = 1,
) -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md: the echo bot, then our two paths per database;
    with ``repeat``, each figure's median over that many runs of the whole set (each ratio
    against the echo bot of its own run)."""
    count = n or int(os.environ.get("DUBAN_BENCH_INTAKE", "5000"))
    postgres = postgres or os.environ.get("DUBAN_BENCH_POSTGRES_URL")
    databases = [("SQLite", None)] + ([("PostgreSQL", postgres)] if postgres else [])
    figures: dict[str, list[dict[str, float]]] = {}
    profiled: list[tuple[str, str]] = []
    for round_ in range(repeat):
        echo = asyncio.run(aiogram_echo(count))
        figures.setdefault("echo", []).append(echo)
        cards = asyncio.run(aiogram_cards(count))
        cards["ratio"] = cards["rate"] / echo["rate"]
        figures.setdefault("cards", []).append(cards)
        for label, server in databases:
            for report in (False, True):
                path = "report stored (text + Submit)" if report else "which task?"
                key = f"intake, {count} reporters, {path} ({label})"
                where = f"{profile}.{label}.{'report' if report else 'ask'}"
                where_now = where if profile and not round_ else None
                with tempfile.TemporaryDirectory() as folder:
                    url = server or f"sqlite://{Path(folder) / 'intake.sqlite3'}"
                    if server:
                        asyncio.run(reset_postgres(server))
                    ours = asyncio.run(
                        duban_intake(count, url, Path(folder), report=report, profile=where_now)
                    )
                ours["ratio"] = ours["rate"] / echo["rate"]
                if report:
                    ours["of_cards"] = ours["rate"] / cards["rate"]
                figures.setdefault(key, []).append(ours)
                if where_now:
                    profiled.append((f"where the CPU goes: {key}", shares(where_now)))
    echo = _median(figures.pop("echo"))
    cards = _median(figures.pop("cards"))
    median = f", median of {repeat}" if repeat > 1 else ""
    rows = [
        (
            f"bare aiogram echo bot, {count} updates{median}",
            f"{echo['rate']:.0f} updates/s ({echo['seconds']:.1f} s wall, {echo['cpu']:.1f} s CPU)",
        ),
        (
            f"bare aiogram bot making the report path's Bot API calls, nothing stored, "
            f"{2 * count} updates{median}",
            f"{cards['rate']:.0f} updates/s = {cards['ratio']:.2f} of the echo bot "
            f"({cards['seconds']:.1f} s wall, {cards['cpu']:.1f} s CPU)",
        ),
    ]
    rows += [(key + median, _figure(_median(runs))) for key, runs in figures.items()]
    return rows + profiled


def main() -> None:
    """``python -m bench.bench_intake [N] [--postgres URL] [--profile FILE] [--repeat K]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("reporters", nargs="?", type=int, default=None)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (its schema is dropped)")
    parser.add_argument(
        "--profile",
        help="cProfile each burst (CPU time) into FILE.<database>.<path> and print its shares",
    )
    parser.add_argument("--repeat", type=int, default=1, help="each figure's median of N runs")
    args = parser.parse_args()
    rows = run(args.reporters, postgres=args.postgres, profile=args.profile, repeat=args.repeat)
    for label, figure in rows:
        print(f"{label}: {figure}")


if __name__ == "__main__":
    main()
