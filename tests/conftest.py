"""Shared fixtures: plan files, and a migrated database on SQLite and (if set) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.storage.db import open_database, upgrade_schema

ROOT = Path(__file__).resolve().parent.parent
SHARED_PLAN = ROOT.parent / "shared" / "plans" / "003_task_division_plan.md"
SAMPLE_PLAN = ROOT / "bot" / "data" / "sample_plan.md"
POSTGRES_URL = os.environ.get("DUBAN_TEST_POSTGRES_URL")


@pytest.fixture
def shared_plan() -> Path:
    """The real plan from ../shared/plans; tests using it skip where it is absent."""
    if not SHARED_PLAN.exists():
        pytest.skip("../shared/plans is not beside this checkout")
    return SHARED_PLAN


@pytest.fixture
def sample_plan() -> Path:
    """The sample plan bundled with Duban."""
    return SAMPLE_PLAN


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(upgrade_schema(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    """The PostgreSQL test database, emptied and migrated once per session."""
    assert POSTGRES_URL is not None
    import asyncpg  # noqa: PLC0415 - only when PostgreSQL is in play

    async def reset() -> None:
        conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        await upgrade_schema(POSTGRES_URL)

    asyncio.run(reset())
    return POSTGRES_URL


def _backends() -> list[object]:
    marks = [] if POSTGRES_URL else [pytest.mark.skip(reason="DUBAN_TEST_POSTGRES_URL not set")]
    return ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, *marks])]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a fresh SQLite file, or the truncated PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "duban.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite://{path}"
    url: str = request.getfixturevalue("postgres_ready")
    asyncio.run(_truncate(url))
    return url


async def _truncate(url: str) -> None:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """An open connection to a migrated, empty database for the test's duration."""
    async with open_database(database_url):
        yield database_url


@pytest.fixture
async def planned(db: str, sample_plan: Path) -> str:
    """The database, with the sample plan imported."""
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return db


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run CLI commands in a scratch folder with their own SQLite database and zh_CN output."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("DUBAN_") and key != "DUBAN_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite://{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "zh_CN")
    return tmp_path


@pytest.fixture
def runner() -> CliRunner:
    """Click's runner, stdout and stderr kept apart."""
    return CliRunner()
