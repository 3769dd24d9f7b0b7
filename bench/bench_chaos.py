"""Chaos on PostgreSQL: three ``duban run`` processes share one database and one Telegram
emulator (exact limits); a fan-out of monthly prompts and the replies of the people prompted
run while the channel's sender (or, every third time, any process) is killed with SIGKILL
every few seconds and restarted.

It reports whether every prompt and every answer arrived, how many arrived twice (at most one
per kill is allowed: the message in flight), whether every reply was handled exactly once,
and the 429s. ``tests/test_chaos.py`` runs a short form; ``python -m bench.bench_chaos`` the
long one (2 000 prompts, 300 replies) against DUBAN_BENCH_POSTGRES_URL (an empty database:
its schema is dropped).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Contact, InboxUpdate, OutboxMessage, Unit

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"
PROCESSES = 3
START_TIMEOUT = 90.0


@dataclass
class Outcome:
    """What a chaos run found."""

    prompts: int
    replies: int
    kills: int = 0
    seconds: float = 0.0
    missing: int = 0  # messages the outbox sent that no one received
    duplicates: int = 0  # messages received more often than the outbox sent them
    replies_handled: int = 0  # inbox rows handled (each once)
    replies_answered: int = 0  # inbox rows whose answer was queued
    too_many_requests: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every prompt and answer delivered, ≤ 1 duplicate per kill, each reply once, 0 × 429."""
        return (
            self.missing == 0
            and self.duplicates <= self.kills
            and self.replies_handled == self.replies == self.replies_answered
            and self.too_many_requests == 0
        )


class Fleet:
    """The ``duban run`` processes, started, killed and restarted."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.logs = cwd / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.exited: list[str] = []  # processes that stopped without being killed
        self.processes: list[asyncio.subprocess.Process] = []
        self.booting: list[asyncio.subprocess.Process] = []
        self.starting: list[asyncio.Task[asyncio.subprocess.Process]] = []

    async def start(self) -> asyncio.subprocess.Process:
        with (self.logs / f"{len(list(self.logs.iterdir()))}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, cwd=self.cwd,
                stdout=asyncio.subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.booting.append(process)
        assert process.stdout is not None
        try:
            await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)  # "running" banner
        finally:
            self.booting.remove(process)
        self.processes.append(process)
        return process

    def reap(self) -> None:
        """Note processes that stopped by themselves (each one a failure of the run)."""
        for process in list(self.processes):
            if process.returncode is not None:
                self.processes.remove(process)
                self.exited.append(f"pid {process.pid} exited with {process.returncode}")

    async def kill(self, pid: int) -> None:
        for process in self.processes:
            if process.pid == pid:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGKILL)
                await process.wait()
                self.processes.remove(process)
                return

    def restart(self) -> None:
        """Start a process in the background (the run goes on while it boots)."""
        self.starting.append(asyncio.ensure_future(self.start()))

    async def stop(self) -> None:
        for process in list(self.booting):  # still importing: nothing of it to stop cleanly
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        for task in self.starting:
            with contextlib.suppress(Exception):
                await task
        self.starting.clear()
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        self.processes.clear()


async def sender_pid(url: str) -> int | None:
    """The pid of the process that holds the Telegram sender's lock, if any."""
    import asyncpg  # noqa: PLC0415 - PostgreSQL only

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        names = await conn.fetch(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE application_name LIKE 'duban sender-telegram %'"
        )
    finally:
        await conn.close()
    for row in names:
        with contextlib.suppress(ValueError, IndexError):
            return int(str(row["application_name"]).rsplit("pid ", 1)[1].split()[0])
    return None


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


async def _settled() -> bool:
    busy = await OutboxMessage.filter(state__in=("pending", "sending")).exists()
    return not busy and not await InboxUpdate.filter(processed_at=None).exists()


async def chaos(
    url: str, prompts: int, replies: int, *, kill_every: float, kills: int, lease: float = 6.0,
    ceiling: float = 600.0,
) -> Outcome:  # fmt: skip
    """One run; ``url`` is an empty, migrated PostgreSQL database."""
    outcome = Outcome(prompts, replies)
    tg = TelegramEmulator()
    base = await tg.start()
    folder = Path(tempfile.mkdtemp(prefix="duban-chaos-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        DUBAN_DATABASE_URL=url, DUBAN_DATA_DIR=str(folder / "data"),
        DUBAN_HTTP_PORT="0", DUBAN_TELEGRAM_TOKEN=tg.token, DUBAN_TELEGRAM_API_BASE=base,
        DUBAN_SCHEDULER="false", DUBAN_DELIVERY_LEASE=str(lease), DUBAN_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )  # fmt: skip
    fleet = Fleet(env, folder)
    started = time.monotonic()
    try:
        await upgrade_schema(url)
        async with open_database(url):
            await _prepare(tg, prompts)
            await asyncio.gather(*(fleet.start() for _ in range(PROCESSES)))
            now = datetime.now(UTC)
            await dispatch(Month(2026, 11), now=now, today=now.date())
            replied: set[int] = set()
            next_kill = time.monotonic() + kill_every
            deadline = time.monotonic() + ceiling
            while time.monotonic() < deadline:
                for user in range(1, replies + 1):  # a prompted person answers it
                    if user not in replied and tg.bot_messages(user):
                        replied.add(user)
                        await tg.user_sends(user, f"收到，第{user}号")
                fleet.reap()
                live = [p.pid for p in fleet.processes]
                if outcome.kills < kills and time.monotonic() >= next_kill and len(live) > 1:
                    pid = await sender_pid(url) if outcome.kills % 3 != 2 else None
                    pid = pid if pid in live else live[outcome.kills % len(live)]
                    await fleet.kill(pid)
                    outcome.kills += 1
                    fleet.restart()
                    next_kill = time.monotonic() + kill_every
                if outcome.kills >= kills and len(replied) == replies and await _settled():
                    break
                await asyncio.sleep(0.2)
            else:
                outcome.notes.append(f"not settled within {ceiling:.0f} s")
            outcome.seconds = time.monotonic() - started
            fleet.reap()
            outcome.notes.extend(fleet.exited)
            await fleet.stop()
            await _count(tg, outcome)
    finally:
        await fleet.stop()
        await tg.stop()
        if os.environ.get("DUBAN_CHAOS_KEEP"):
            outcome.notes.append(f"logs kept in {fleet.logs}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return outcome


async def _count(tg: TelegramEmulator, outcome: Outcome) -> None:
    """Compare what the outbox sent with what each person received."""
    sent: dict[int, int] = {}
    for recipient in await OutboxMessage.filter(state="sent").values_list("recipient", flat=True):
        user = int(str(recipient).split(":", 1)[1])
        sent[user] = sent.get(user, 0) + 1
    unsent = await OutboxMessage.exclude(state="sent").count()
    if unsent:
        outcome.notes.append(f"{unsent} outbox rows not sent")
    for user in range(1, outcome.prompts + 1):
        received = len(tg.bot_messages(user))
        expected = sent.get(user, 0)
        outcome.missing += max(0, expected - received) + (0 if expected else 1)
        outcome.duplicates += max(0, received - expected)
    rows = await InboxUpdate.all().values_list("id", "processed_at", "attempts")
    outcome.replies_handled = sum(1 for _, done, tries in rows if done is not None and not tries)
    answered = {
        int(str(key).split(":")[1])
        for key in await OutboxMessage.filter(key__startswith="reply:").values_list(
            "key", flat=True
        )
    }
    outcome.replies_answered = len(answered & {row_id for row_id, _, _ in rows})
    outcome.too_many_requests = tg.stats["429"]


async def reset(url: str) -> None:
    """Empty the database (drop and recreate its schema)."""
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def report(outcome: Outcome) -> str:
    """One line for RESULTS.md."""
    return (
        f"{outcome.prompts} prompts + {outcome.replies} replies, {outcome.kills} × SIGKILL: "
        f"{outcome.missing} missing, {outcome.duplicates} duplicates, "
        f"{outcome.replies_handled}/{outcome.replies} replies handled once, "
        f"{outcome.too_many_requests} × 429, {outcome.seconds:.0f} s"
        + (f" ({'; '.join(outcome.notes)})" if outcome.notes else "")
    )


def run() -> list[tuple[str, str]]:
    """The long form, when DUBAN_BENCH_POSTGRES_URL names a database to empty."""
    url = os.environ.get("DUBAN_BENCH_POSTGRES_URL")
    if not url:
        return [("chaos, 3 processes on PostgreSQL", "not run (DUBAN_BENCH_POSTGRES_URL unset)")]
    asyncio.run(reset(url))
    outcome = asyncio.run(chaos(url, 2000, 300, kill_every=5.0, kills=12))
    return [("chaos, 3 processes on PostgreSQL, SIGKILL every 5 s", report(outcome))]


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
