"""Process-wide roles held by one process per deployment: the scheduler, the Telegram poller,
each channel's sender. Also the names of lease holders (``lease_owner``) for inbox and outbox rows.

PostgreSQL: a session advisory lock on a connection of its own, named in
``application_name`` (``duban ROLE SINCE HOST:PID``) so another process can say who holds it
and since when. A process waiting for a role keeps one connection and asks on it with
``pg_try_advisory_lock`` every few seconds, rather than opening a connection per try; a waiting
connection that is lost is dropped and opened again at the next try. SQLite: an ``flock`` on a
file beside the database, holding the holder's ``HOST:PID since TIME``. If the holder dies,
the lock is released with its connection (or file handle) and another process takes over; a
holder that loses its connection learns it from :meth:`ProcessLock.still_held` and gives the
role up (the server released the lock with the session).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.storage.db import database_url, is_sqlite

APPLICATION_NAME_MAX = 63  # PostgreSQL truncates application_name at NAMEDATALEN - 1
# the server notices a lock session whose client vanished (a cut network, a dead host) within
# about 30 s and ends it, which releases the lock: without this a half-open TCP connection can
# hold a role for hours
KEEPALIVES = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
              "tcp_keepalives_count": "4"}  # fmt: skip
STAMP = "%Y%m%dT%H%M%SZ"  # when a role was taken, in a PostgreSQL holder's application_name


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a role: ``host:pid``, and since when (None where it cannot be told)."""

    owner: str
    since: datetime | None = None

    def __str__(self) -> str:
        when = f" since {self.since.isoformat(timespec='seconds')}" if self.since else ""
        return f"{self.owner}{when}"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def this_process(budget: int = 255) -> str:
    """How a holder is named: ``host:1234`` (the host cut to fit ``budget`` characters)."""
    pid = f":{os.getpid()}"
    return socket.gethostname()[: max(1, budget - len(pid))] + pid


def _label(name: str, since: datetime | None) -> str:
    """The ``application_name`` of a role's connection: its holder, or a waiter."""
    head = f"duban {name} {since.strftime(STAMP) if since else 'waiting'} "
    return head + this_process(APPLICATION_NAME_MAX - len(head))


def _parse_label(name: str, label: str) -> Holder | None:
    prefix = f"duban {name} "
    if not label.startswith(prefix):
        return None
    stamp, _, owner = label.removeprefix(prefix).partition(" ")
    try:
        since = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return Holder(owner, since)


def _parse_file(text: str) -> Holder | None:
    owner, _, when = text.strip().partition(" since ")
    if not owner:
        return None
    try:
        since: datetime | None = datetime.fromisoformat(when) if when else None
    except ValueError:
        since = None
    return Holder(owner, since)


def lease_owner() -> str:
    """How a lease holder is named: ``host:pid:random`` (unique even if a pid is reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class ProcessLock:
    """Try to take a named role; hold it until released; tell who holds it otherwise."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self.key = lock_key(f"duban-{name}")
        self._conn: Any = None  # PostgreSQL: the session holding the advisory lock
        self._waiting: Any = None  # PostgreSQL: the session kept to ask again while waiting
        self._file: Any = None
        self._since: datetime | None = None  # when this process took the role
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

        return await asyncpg.connect(
            database_url(self.url).replace("postgres://", "postgresql://", 1),
            server_settings={"application_name": _label(self.name, None), **KEEPALIVES},
        )

    async def _session(self) -> Any:
        """The kept waiting connection (opened when there is none)."""
        if self._waiting is None or self._waiting.is_closed():
            self._waiting = await self._connect()
        return self._waiting

    async def _close_session(self) -> None:
        if self._waiting is not None:
            conn, self._waiting = self._waiting, None
            with contextlib.suppress(Exception):
                await conn.close()

    def _drop_session(self) -> None:
        if self._waiting is not None:
            with contextlib.suppress(Exception):
                self._waiting.terminate()
            self._waiting = None

    async def try_acquire(self, *, keep: bool = False) -> bool:
        """Take the lock if nobody holds it; never waits.

        ``keep``: a waiter that will try again keeps its PostgreSQL session for the next try
        (:func:`lead` does; :meth:`release` closes it). The attempt runs to its end even when
        the caller is cancelled meanwhile (a thread or a connection cannot be abandoned
        half-way), and :meth:`release` waits for it, so a lock taken just as the process stops
        is still given back.
        """
        if self.held:
            return True
        self._acquiring = asyncio.ensure_future(self._acquire(keep=keep))
        return await asyncio.shield(self._acquiring)

    async def _acquire(self, *, keep: bool) -> bool:
        if is_sqlite(self.url):
            return await asyncio.to_thread(self._flock)
        conn = await self._session()
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key):
                if not keep:
                    await self._close_session()
                return False
            since = datetime.now(UTC).replace(microsecond=0)
            label = _label(self.name, since)
            await conn.execute("SELECT set_config('application_name', $1, false)", label)
        except Exception:  # the session is lost (and any lock with it): open another next time
            self._drop_session()
            raise
        self._conn, self._waiting, self._since = conn, None, since
        return True

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
        since = datetime.now(UTC).replace(microsecond=0)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{this_process()} since {since.isoformat()}")
        handle.flush()
        self._file, self._since = handle, since
        return True

    async def holder(self, *, keep: bool = False) -> str | None:
        """Who holds the role (``host:pid since …``), when it can be told; None if nobody does."""
        found = await self.holding(keep=keep)
        return None if found is None else str(found)

    async def holding(self, *, keep: bool = False) -> Holder | None:
        """Who holds the role and since when; None if nobody does.

        SQLite: the lock file names its last holder; it holds the role only while its lock is
        taken (a shared lock tried for an instant tells). PostgreSQL: the session granted the
        advisory lock (``pg_locks`` joined with ``pg_stat_activity``), asked on this process's
        own waiting session (kept afterwards with ``keep``), among this database's locks only.
        """
        if self.held:
            return Holder(this_process(), self._since)
        if is_sqlite(self.url):
            return await asyncio.to_thread(self._file_holder)
        conn = await self._session()
        unsigned = self.key & 0xFFFF_FFFF_FFFF_FFFF
        try:
            row = await conn.fetchrow(
                "SELECT a.application_name, a.client_addr::text AS addr, a.pid, "
                "a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                # a lock of this database (advisory locks are per database: a shared server
                # holds other deployments'), taken with one bigint key (objsubid 1; 2 is the
                # two-integer form, which may share classid and objid)
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND l.objsubid = 1 AND l.classid::bigint = $1 AND l.objid::bigint = $2",
                unsigned >> 32,
                unsigned & 0xFFFF_FFFF,
            )
        except Exception:
            self._drop_session()
            raise
        if not keep:
            await self._close_session()
        if row is None:
            return None
        label = str(row["application_name"] or "")
        return _parse_label(self.name, label) or Holder(
            f"{row['addr'] or 'local'} backend {row['pid']}", row["backend_start"]
        )

    def _file_holder(self) -> Holder | None:
        target = self._path()
        if target is None or not target.exists():
            return None
        with target.open("r", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # taken: the file names the holder
                return _parse_file(handle.read())
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None

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
        """Give the role up (after any attempt still in flight), and stop waiting for it."""
        if self._acquiring is not None and not self._acquiring.done():
            with contextlib.suppress(Exception):
                await self._acquiring
        self._drop_session()  # it holds nothing: no need to wait for a graceful close
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
            if await lock.try_acquire(keep=True):
                return True
            holder = await lock.holder(keep=True)
            if holder != told:
                log.info(
                    "%s runs in another process (host:pid %s); this one takes over if it stops",
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
