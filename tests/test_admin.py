"""duban doctor against the emulators, backup and restore (SQLite and PostgreSQL), the audit log."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from tests.conftest import POSTGRES_URL


async def doctor(env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    return await process.wait(), out.decode()


async def test_doctor_checks_every_part(tmp_path: Path) -> None:
    tg, wx = TelegramEmulator(), WecomEmulator()
    tg_base, wx_base = await tg.start(), await wx.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        DUBAN_DATABASE_URL=f"sqlite://{tmp_path / 'd.sqlite3'}",
        DUBAN_TELEGRAM_TOKEN=tg.token, DUBAN_TELEGRAM_API_BASE=tg_base,
        DUBAN_WECOM_CORP_ID=wx.corp_id, DUBAN_WECOM_AGENT_ID=str(wx.agent_id),
        DUBAN_WECOM_SECRET=wx.secret, DUBAN_WECOM_TOKEN=wx.token, DUBAN_WECOM_AES_KEY=wx.aes_key,
        DUBAN_WECOM_API_BASE=wx_base,
    )  # fmt: skip
    try:
        for year in (date.today().year, date.today().year + 1):  # noqa: DTZ011 - the doctor's own years
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "calendar", "add", f"{year}-10-01", "holiday", env=env,
                stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            assert await process.wait() == 0
        code, out = await doctor(env)
        assert code == 0, out
        assert "✓ telegram" in out
        assert f"@{tg.username}" in out
        assert "✓ wecom" in out
        assert "✓ database" in out
        code, out = await doctor(
            {**env, "DUBAN_WECOM_SECRET": "wrong", "DUBAN_TELEGRAM_TOKEN": "1:bad"}
        )
        assert code == 1
        assert "✗ telegram" in out
        assert "✗ wecom" in out
    finally:
        await tg.stop()
        await wx.stop()


def test_backup_and_restore_sqlite(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    result = runner.invoke(app, ["backup", "--out", str(cli_env / "b.sqlite3")])
    assert result.exit_code == 0, result.stderr
    assert runner.invoke(app, ["unit", "alias", "县教育局", "教育部门"]).exit_code == 0
    assert "教育部门" in runner.invoke(app, ["unit", "list"]).stdout  # shown until the restore
    assert runner.invoke(app, ["restore", str(cli_env / "b.sqlite3")]).exit_code == 2  # no --yes
    result = runner.invoke(app, ["restore", str(cli_env / "b.sqlite3"), "--yes"])
    assert result.exit_code == 0, result.stderr
    listing = runner.invoke(app, ["unit", "list"]).stdout
    assert "教育部门" not in listing  # the alias added after the backup is gone
    assert list(cli_env.glob("cli.sqlite3.before-restore-*"))  # the replaced one kept aside
    (cli_env / "junk.sqlite3").write_bytes(b"not a database at all" * 100)
    result = runner.invoke(app, ["restore", str(cli_env / "junk.sqlite3"), "--yes"])
    assert result.exit_code == 2
    assert "SQLite" in result.stderr
    audit = json.loads(runner.invoke(app, ["audit", "--json"]).stdout)
    assert sorted(a["action"] for a in audit) == ["plan.import", "schedule.plan"]  # no alias


@pytest.mark.skipif(POSTGRES_URL is None, reason="DUBAN_TEST_POSTGRES_URL not set")
def test_backup_postgres(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, postgres_ready: str
) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", postgres_ready)
    result = runner.invoke(app, ["backup", "--out", str(cli_env / "pg.sql")])
    assert result.exit_code == 0, result.stderr
    dump = (cli_env / "pg.sql").read_text()
    assert "CREATE TABLE" in dump
    assert "tortoise_migrations" in dump
