"""Process locks: who holds a role and since when (``duban doctor`` names them), one kept
connection while waiting on PostgreSQL, and a lost session that gives the role to the next."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.operations.health import State, check_locks
from bot.storage.locks import ProcessLock, this_process
from tests.e2e import settings_for
from tests.waiting import eventually


async def test_the_holder_is_named_with_the_time_it_took_the_role(database_url: str) -> None:
    holder, other = ProcessLock(database_url, "scheduler"), ProcessLock(database_url, "scheduler")
    try:
        assert await other.holding() is None
        before = datetime.now(UTC).replace(microsecond=0)
        assert await holder.try_acquire()
        found = await other.holding()
        assert found is not None
        assert found.owner == this_process()
        assert found.since is not None
        assert before <= found.since <= datetime.now(UTC) + timedelta(seconds=1)
        assert await other.holder() == f"{this_process()} since {found.since.isoformat()}"
        assert await holder.holding() == found
        await holder.release()
        assert await other.holding() is None  # the file (SQLite) still names it: not taken
    finally:
        await holder.release()
        await other.release()


async def test_the_doctor_names_each_roles_holder(database_url: str, tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path, database_url, scheduler=True,
        telegram_token="1:x",  # noqa: S106 - a placeholder: only the roles are read from it
    )  # fmt: skip
    sender = ProcessLock(database_url, "sender-telegram")
    try:
        assert await sender.try_acquire()
        checks = {c.name: c for c in await check_locks(settings)}
    finally:
        await sender.release()
    assert list(checks) == ["scheduler", "poll telegram", "send telegram"]
    assert checks["scheduler"].state is State.ABSENT
    assert checks["poll telegram"].state is State.ABSENT
    assert checks["send telegram"].state is State.OK
    assert checks["send telegram"].detail.params["owner"] == this_process()


def test_doctor_prints_the_holders(cli_env: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    lock = ProcessLock(f"sqlite://{cli_env / 'cli.sqlite3'}", "scheduler")
    assert asyncio.run(lock.try_acquire())  # a flock: held beyond this event loop
    try:
        result = runner.invoke(app, ["doctor"], env={"DUBAN_DEFAULT_LOCALE": "en"})
    finally:
        asyncio.run(lock.release())
    line = next(x for x in result.stdout.splitlines() if "scheduler" in x)
    assert line.startswith(f"✓ scheduler      held by {this_process()} since 20"), line


async def _backends(url: str, label: str) -> list[int]:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1", f"{label}%"
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


async def _terminate(url: str, pids: list[int]) -> None:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        for pid in pids:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_a_waiter_keeps_one_connection_and_a_lost_session_releases(
    database_url: str,
) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("advisory locks and their sessions are PostgreSQL's")
    holder, waiter = ProcessLock(database_url, "lock-test"), ProcessLock(database_url, "lock-test")
    try:
        assert await holder.try_acquire()
        assert not await waiter.try_acquire()  # a single try keeps nothing open
        assert await waiter.holder() is not None
        assert await _backends(database_url, "duban lock-test waiting") == []
        for _ in range(4):
            assert not await waiter.try_acquire(keep=True)
            assert await waiter.holder(keep=True) is not None
        waiting = await _backends(database_url, "duban lock-test waiting")
        assert len(waiting) == 1  # one connection for every try and question
        # the waiting session is lost: the next try fails, the one after opens another
        await _terminate(database_url, waiting)
        with contextlib.suppress(Exception):
            await waiter.try_acquire(keep=True)
        assert not await waiter.try_acquire(keep=True)
        assert len(await _backends(database_url, "duban lock-test waiting")) == 1
        # the holder's session is lost: the server releases the lock, the waiter takes it
        held = await _backends(database_url, "duban lock-test 20")
        assert len(held) == 1
        await _terminate(database_url, held)
        await eventually(lambda: waiter.try_acquire(keep=True), 30, "the waiter takes the role")
        assert not await holder.still_held()
        assert await _backends(database_url, "duban lock-test waiting") == []
    finally:
        await holder.release()
        await waiter.release()


async def _other_database(url: str) -> str:
    """A second database on the same server (another deployment's), created when missing."""
    import asyncpg  # noqa: PLC0415

    base, _, name = url.rpartition("/")
    other = f"{name.split('?', 1)[0]}_neighbour"
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", other):
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await conn.execute(f'CREATE DATABASE "{other}"')
    finally:
        await conn.close()
    return f"{base}/{other}".replace("postgres://", "postgresql://", 1)


@pytest.mark.postgres
async def test_the_doctor_names_no_holder_of_another_database_or_key_form(
    database_url: str,
) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("advisory locks and their sessions are PostgreSQL's")
    import asyncpg  # noqa: PLC0415

    ours = ProcessLock(database_url, "scheduler")
    unsigned = ours.key & 0xFFFF_FFFF_FFFF_FFFF
    high, low = unsigned >> 32, unsigned & 0xFFFF_FFFF
    # another deployment on the same server holds its scheduler (the same key, its own database)
    neighbour = await asyncpg.connect(
        await _other_database(database_url),
        server_settings={"application_name": "duban scheduler 20260101T000000Z neighbour:1"},
    )
    # and something in our database holds the two-integer lock with our key's halves
    pair = await asyncpg.connect(
        database_url.replace("postgres://", "postgresql://", 1),
        server_settings={"application_name": "duban scheduler 20260101T000000Z pair:2"},
    )
    try:
        assert await neighbour.fetchval("SELECT pg_try_advisory_lock($1)", ours.key)
        signed = [x - (1 << 32) if x >= 1 << 31 else x for x in (high, low)]
        assert await pair.fetchval("SELECT pg_try_advisory_lock($1::int, $2::int)", *signed)
        granted = await pair.fetch(
            "SELECT objsubid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = $1 AND objid::bigint = $2",
            high,
            low,
        )
        assert sorted(int(r["objsubid"]) for r in granted) == [1, 2]  # both visible server-wide
        assert await ours.holding() is None  # neither is ours
        assert await ours.try_acquire()  # and the role is free here
        found = await ProcessLock(database_url, "scheduler").holding()
        assert found is not None
        assert found.owner == this_process()
    finally:
        await ours.release()
        await neighbour.close()
        await pair.close()
