"""Backups: SQLite copied through its backup API (the WAL checkpointed first), PostgreSQL by
pg_dump; restore puts a backup back, keeping the current database aside."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.storage.db import database_url, is_sqlite


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite://`` URL."""
    return Path(url.removeprefix("sqlite://").split("?", 1)[0]).expanduser()


def _sqlite_backup(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with sqlite3.connect(target) as out:
            conn.backup(out)
    with sqlite3.connect(target) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RefusedError(
                msg(N_("The backup failed its integrity check: {path}"), path=str(target))
            )


def default_target(url: str, folder: Path, now: datetime) -> Path:
    """``backups/duban-20261123-0930.sqlite3`` (or ``.sql`` for PostgreSQL)."""
    suffix = ".sqlite3" if is_sqlite(url) else ".sql"
    return folder / f"duban-{now:%Y%m%d-%H%M%S}{suffix}"


async def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database to ``target``."""
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    if is_sqlite(url):
        source = sqlite_path(url)
        if not await asyncio.to_thread(source.exists):
            raise RefusedError(msg(N_("There is no database at {path} yet."), path=str(source)))
        await asyncio.to_thread(_sqlite_backup, source, target)
        return target
    if shutil.which("pg_dump") is None:
        raise RefusedError(
            msg(N_("pg_dump is not installed; install the PostgreSQL client tools."))
        )
    pg_url = database_url(url).replace("postgres://", "postgresql://", 1)
    process = await asyncio.create_subprocess_exec(
        "pg_dump", "--clean", "--if-exists", "--no-owner", "--file", str(target), pg_url,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RefusedError(
            msg(N_("pg_dump failed: {reason}"), reason=err.decode(errors="replace")[:300])
        )
    return target


def _sqlite_restore(source: Path, target: Path, now: datetime) -> Path | None:
    with sqlite3.connect(source) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RefusedError(msg(N_("{path} is not a sound SQLite database."), path=str(source)))
    aside = None
    if target.exists():
        stamp = now.strftime("%Y%m%d%H%M%S")
        aside = target.with_name(f"{target.name}.before-restore-{stamp}")
        with sqlite3.connect(target) as conn, sqlite3.connect(aside) as out:
            conn.backup(out)
    with sqlite3.connect(source) as conn, sqlite3.connect(target) as out:
        conn.backup(out)
    return aside


async def restore(url: str, source: Path, *, now: datetime) -> Path | None:
    """Put a backup back; the current SQLite database is kept beside it first."""
    if not await asyncio.to_thread(source.exists):
        raise RefusedError(msg(N_("There is no file at {path}."), path=str(source)))
    if is_sqlite(url):
        try:
            return await asyncio.to_thread(_sqlite_restore, source, sqlite_path(url), now)
        except sqlite3.DatabaseError as exc:
            raise RefusedError(
                msg(N_("{path} is not a sound SQLite database."), path=str(source))
            ) from exc
    if shutil.which("psql") is None:
        raise RefusedError(msg(N_("psql is not installed; install the PostgreSQL client tools.")))
    pg_url = database_url(url).replace("postgres://", "postgresql://", 1)
    process = await asyncio.create_subprocess_exec(
        "psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--file", str(source), pg_url,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RefusedError(
            msg(N_("psql failed: {reason}"), reason=err.decode(errors="replace")[:300])
        )
    return None
