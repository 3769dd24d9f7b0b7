"""kill -9 during a fan-out of hundreds of prompts, then a restart: every prompt arrives, at
most the single message in flight at the kill arrives twice (once its lease, shortened here,
expires), and the restarted sender keeps the limits its predecessor used up: no 429."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.sandbox.telegram import TelegramEmulator
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Contact, OutboxMessage, Unit
from tests.waiting import outbox_settled

FANOUT = 300


async def run(env: dict[str, str], *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    await asyncio.wait_for(process.stdout.readline(), 30)  # the "running" banner
    return process


async def test_kill_9_during_fan_out(tmp_path: Path, sample_plan: Path) -> None:
    url = f"sqlite://{tmp_path / 'crash.sqlite3'}"
    tg = TelegramEmulator()
    base = await tg.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        DUBAN_DATABASE_URL=url, DUBAN_DATA_DIR=str(tmp_path / "data"), DUBAN_HTTP_PORT="0",
        DUBAN_TELEGRAM_TOKEN=tg.token, DUBAN_TELEGRAM_API_BASE=base, DUBAN_SCHEDULER="false",
        DUBAN_DELIVERY_LEASE="5",
    )  # fmt: skip
    started: list[asyncio.subprocess.Process] = []
    try:
        await run(env, "import", str(sample_plan))
        await upgrade_schema(url)
        async with open_database(url):
            unit = await Unit.get(name="县发改局")
            for user in range(1, FANOUT + 1):
                tg.user(user, f"联络员{user}")
                await Contact.create(
                    unit=unit, role="reporter", identity=f"telegram:{user}", channel="telegram"
                )
        await run(env, "dispatch", "--period", "2026-11")
        first = await start(env, tmp_path)
        started.append(first)
        await tg.wait_for(lambda: tg.stats["sent"] >= FANOUT // 3, 60)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        at_kill = tg.stats["sent"]
        assert at_kill < FANOUT
        second = await start(env, tmp_path)
        started.append(second)

        def prompted() -> int:
            return sum(1 for u in range(1, FANOUT + 1) if tg.bot_messages(u))

        await tg.wait_for(lambda: prompted() == FANOUT, 90)
        # the barrier: once every outbox row is marked sent, the bot has nothing left to send
        # (no scheduler, no inbound), so a copy sent twice has arrived by then or never will
        async with open_database(url):
            await outbox_settled(90)
            assert await OutboxMessage.exclude(state="sent").count() == 0
            assert await OutboxMessage.filter(state="sent").count() == FANOUT
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    finally:
        for process in started:  # a failed assertion leaves no bot running after the test
            if process.returncode is None:
                process.kill()
                await process.wait()
        await tg.stop()
    copies = Counter(len(tg.bot_messages(u)) for u in range(1, FANOUT + 1))
    assert copies[1] >= FANOUT - 1
    assert set(copies) <= {1, 2}
    assert copies.get(2, 0) <= 1
    assert tg.stats["sent"] in (FANOUT, FANOUT + 1)
    assert tg.stats["429"] == 0
