"""Process-wide roles held by one process per deployment: the scheduler, the Telegram poller,
each channel's sender. Also the names of lease holders (``lease_owner``) for inbox and outbox rows.

PostgreSQL: a session advisory lock on a connection of its own, named in
``application_name`` so another process can say who holds it. SQLite: an ``flock`` on a file
beside the database, holding the holder's host and pid. If the holder dies, the lock is
released with its connection (or file handle) and another process takes over; a holder that
loses its connection learns it from :meth:`ProcessLock.still_held` and gives the role up.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import secrets
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage.db import database_url, is_sqlite

APPLICATION_NAME_MAX = 63  # PostgreSQL truncates application_name at NAMEDATALEN - 1


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def this_process() -> str:
    """How a holder is named: ``host pid 1234``."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def lease_owner() -> str:
    """How a lease holder is named: ``host:pid:random`` (unique even if a pid is reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class ProcessLock:
    """Try to take a named role; hold it until released; tell who holds it otherwise."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self.key = lock_key(f"duban-{name}")
        self._conn: Any = None
        self._file: Any = None
        self._acquiring: asyncio.Future[bool] | None = None  # in flight, finished even if cancelled

    @property
    def held(self) -> bool:
        """Whether this process holds the role."""
        return self._conn is not None or self._file is not None

    def _path(self) -> Path | None:
        path = self.url.removeprefix("sqlite://").split("?", 1)[0]
        return Path(f"{path}.{self.name}.lock") if path and path != ":memory:" else None

    async def _connect(self) -> Any:
        import asyncpg  # noqa: PLC0415 - only with PostgreSQL

        label = f"duban {self.name} {this_process()}"[:APPLICATION_NAME_MAX]
        return await asyncpg.connect(
            database_url(self.url).replace("postgres://", "postgresql://", 1),
            server_settings={"application_name": label},
        )

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits.

        The attempt runs to its end even when the caller is cancelled meanwhile (a thread or a
        connection cannot be abandoned half-way), and :meth:`release` waits for it, so a lock
        taken just as the process stops is still given back.
        """
        if self.held:
            return True
        self._acquiring = asyncio.ensure_future(self._acquire())
        return await asyncio.shield(self._acquiring)

    async def _acquire(self) -> bool:
        if is_sqlite(self.url):
            return await asyncio.to_thread(self._flock)
        conn = await self._connect()
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
            self._conn = conn
            return True
        await conn.close()
        return False

    def _flock(self) -> bool:
        target = self._path()
        if target is None:
            return True
        handle = target.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{this_process()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._file = handle
        return True

    async def holder(self) -> str | None:
        """Who holds the role (``host pid N``), when it can be told; None if nobody does."""
        if is_sqlite(self.url):
            target = self._path()
            if target is None or not target.exists():
                return None
            text = await asyncio.to_thread(target.read_text, encoding="utf-8")
            return text.strip() or None
        unsigned = self.key & 0xFFFF_FFFF_FFFF_FFFF
        conn = await self._connect()
        try:
            row = await conn.fetchrow(
                "SELECT a.application_name, a.client_addr::text AS addr, a.pid "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.classid::bigint = $1 AND l.objid::bigint = $2",
                unsigned >> 32,
                unsigned & 0xFFFF_FFFF,
            )
        finally:
            await conn.close()
        if row is None:
            return None
        name = str(row["application_name"] or "")
        prefix = f"duban {self.name} "
        return (
            name.removeprefix(prefix)
            if name.startswith(prefix)
            else (f"{row['addr'] or 'local'} backend {row['pid']}")
        )

    async def still_held(self) -> bool:
        """Whether the role is still ours: False once the lock's connection is gone."""
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            await asyncio.wait_for(self._conn.fetchval("SELECT 1"), timeout=10)
        except Exception:  # the session (and with it the advisory lock) is lost
            with contextlib.suppress(Exception):
                self._conn.terminate()
            self._conn = None
            return False
        return True

    async def release(self) -> None:
        """Give the role up (after any attempt still in flight)."""
        if self._acquiring is not None and not self._acquiring.done():
            with contextlib.suppress(Exception):
                await self._acquiring
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()  # closing the session releases the advisory lock
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


async def lead(lock: ProcessLock, stop: asyncio.Event, *, retry: float, log: Any) -> bool:
    """Wait until this process holds ``lock`` (True) or ``stop`` is set (False).

    Says once who holds the role meanwhile, and once when the database cannot be asked.
    """
    told: str | None = None
    while not stop.is_set():
        try:
            if await lock.try_acquire():
                return True
            holder = await lock.holder()
            if holder != told:
                log.info(
                    "%s runs in another process (%s); this one takes over if it stops",
                    lock.name,
                    holder or "unknown",
                )
                told = holder
        except Exception as exc:  # the database is away: ask again later
            if told != "!":
                log.warning("cannot take the %s lock (%s); retrying", lock.name, exc)
                told = "!"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=retry)
    return False
