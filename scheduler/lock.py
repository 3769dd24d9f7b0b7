"""One scheduler per deployment: a PostgreSQL advisory lock, or a file lock beside SQLite.

The lock is held by a connection (or file handle) of its own for as long as the process is
the leader; if that process dies the lock is released and another process takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
from pathlib import Path
from typing import Any

from bot.storage.db import database_url, is_sqlite

log = logging.getLogger(__name__)
LOCK_NAME = "duban-scheduler"


def lock_key(name: str = LOCK_NAME) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class SchedulerLock:
    """Try to become the scheduler; hold it until released."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: Any = None
        self._file: Any = None

    @property
    def held(self) -> bool:
        """Whether this process is the scheduler."""
        return self._conn is not None or self._file is not None

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits."""
        if self.held:
            return True
        if is_sqlite(self.url):
            return await asyncio.to_thread(self._flock)
        import asyncpg  # noqa: PLC0415 - only with PostgreSQL

        conn = await asyncpg.connect(
            database_url(self.url).replace("postgres://", "postgresql://", 1)
        )
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key()):
            self._conn = conn
            return True
        await conn.close()
        return False

    def _flock(self) -> bool:
        path = self.url.removeprefix("sqlite://").split("?", 1)[0]
        target = Path(f"{path}.scheduler.lock") if path and path != ":memory:" else None
        if target is None:
            return True
        handle = target.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    async def release(self) -> None:
        """Give the lock up."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()  # closing the session releases the advisory lock
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
