"""Database connection and schema: tortoise config from the URL, open/close, migrate.

SQLite (the embedded default) runs in WAL mode with a busy timeout so the CLI and the running
bot can share the file; PostgreSQL is used as given. Tortoise keeps its state in a context
variable: open the database in the task that later creates the others.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate

APP = "models"
MIGRATIONS = "bot.storage.migrations"
SQLITE_PRAGMAS = {"journal_mode": "WAL", "busy_timeout": "10000", "synchronous": "NORMAL"}


def database_url(url: str) -> str:
    """Normalise the URL: SQLite gets its pragmas and its folder created; ``postgresql://`` too."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        query = dict(SQLITE_PRAGMAS) | dict(parse_qsl(parts.query))
        return f"sqlite://{path}?{urlencode(query)}"
    if parts.scheme in ("postgresql", "postgres+asyncpg"):
        return urlunsplit(("postgres", *parts[1:]))
    return url


def connection_name(url: str) -> str:
    """The tortoise connection name: one per backend.

    Tortoise caches compiled SQL per connection name, so a process that talks to SQLite and
    then PostgreSQL (the test suite, a migration from one to the other) must not reuse a name.
    """
    return urlsplit(database_url(url)).scheme


async def keep_session(connection: Any) -> None:
    """What a pooled PostgreSQL connection needs on its way back to the pool besides the
    rollback of an open transaction (which asyncpg always does): nothing. The default reset
    sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` every time, a round
    trip per statement run outside a transaction (each sent mark); no pooled connection here
    takes an advisory lock (the process locks keep a connection of their own), opens a cursor,
    listens or sets a session setting (``set_config`` only transaction-locally)."""


def _connection(url: str) -> str | dict[str, Any]:
    """Tortoise's connection entry: the URL, or for PostgreSQL its expansion with
    :func:`keep_session` as the pool's reset."""
    normal = database_url(url)
    if urlsplit(normal).scheme != "postgres":
        return normal
    from tortoise.backends.base.config_generator import expand_db_url  # noqa: PLC0415

    expanded: dict[str, Any] = expand_db_url(normal)
    expanded["credentials"]["reset"] = keep_session
    return expanded


def tortoise_config(url: str) -> dict[str, Any]:
    """The tortoise config dict for one database URL."""
    name = connection_name(url)
    return {
        "connections": {name: _connection(url)},
        "apps": {
            APP: {
                "models": ["bot.storage.models"],
                "default_connection": name,
                "migrations": MIGRATIONS,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def upgrade_schema(url: str) -> None:
    """Create or upgrade the schema to the latest migration (``duban init``)."""
    async with TortoiseContext():
        await migrate(config=tortoise_config(url), app_labels=[APP])


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[TortoiseContext]:
    """Connect for the duration of the block; tasks created inside it see the connection."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        yield ctx


async def pending_migrations(url: str) -> int:
    """How many migrations the database lacks (0 when the schema is current)."""
    from tortoise import Tortoise  # noqa: PLC0415 - keeps the module's public surface small
    from tortoise.connection import get_connection  # noqa: PLC0415
    from tortoise.migrations.executor import MigrationExecutor  # noqa: PLC0415

    config = tortoise_config(url)
    async with TortoiseContext() as ctx:
        await Tortoise.init(config=config, init_connections=False)
        executor = MigrationExecutor(
            get_connection(connection_name(url)), {APP: config["apps"][APP]}
        )
        steps = await executor.plan(None)
        await ctx.close_connections()
    return len(steps)


def is_sqlite(url: str) -> bool:
    """True for the embedded default."""
    return url.startswith("sqlite:")


CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class SchemaState:
    """How far the database's schema is from this version's."""

    pending: int  # migrations not applied yet
    total: int  # migrations this version has

    @property
    def missing(self) -> bool:
        """No Duban table at all: a fresh database."""
        return self.pending >= self.total


def where(url: str) -> str:
    """``host:port/db`` of a PostgreSQL URL, the file of a SQLite one (no credentials)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url.removeprefix("sqlite://").split("?", 1)[0]
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


async def reach(url: str) -> None:
    """Connect once and close, raising the driver's error when the server cannot be used."""
    if is_sqlite(url):
        database_url(url)  # creates the folder; SQLite opens the file itself
        return
    import asyncpg  # noqa: PLC0415 - only with PostgreSQL

    conn = await asyncpg.connect(
        database_url(url).replace("postgres://", "postgresql://", 1), timeout=CONNECT_TIMEOUT
    )
    await conn.close()


def failure_reason(exc: BaseException) -> str:
    """A database failure in a few words (asyncpg's, the socket's or SQLite's own)."""
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT:.0f} s"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


async def schema_state(url: str) -> SchemaState:
    """Pending and total migrations (raises when the database cannot be reached)."""
    await reach(url)
    package = importlib.import_module(MIGRATIONS)
    total = sum(1 for info in pkgutil.iter_modules(package.__path__) if info.name[:4].isdigit())
    return SchemaState(await pending_migrations(url), total)
