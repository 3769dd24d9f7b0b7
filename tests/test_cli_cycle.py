"""The CLI contract of the cycle: invite --json, dispatch, reports --json, contacts, revoke."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.domain.reporting import Status
from bot.people.binding import code_hash, redeem_invite
from bot.reporting.reports import Draft, submit_report
from bot.storage.db import open_database
from bot.storage.models import Contact, Invite, ReportRequest


def _bind_and_report(code: str) -> None:
    async def body() -> None:
        async with open_database(os.environ["DUBAN_DATABASE_URL"]):
            now = datetime.now(UTC)
            _, contact = await redeem_invite(
                code,
                identity="telegram:42",
                channel="telegram",
                display_name="王联络",
                chat_identity="telegram:42",
                is_group=False,
                now=now,
            )
            assert isinstance(contact, Contact)
            request = await ReportRequest.filter(unit_id=contact.unit_id).first()
            assert request is not None
            await submit_report(
                contact,
                request.id,
                Draft(Status.IN_PROGRESS, 50, "推进顺利"),
                now=now,
                today=now.date(),
            )

    asyncio.run(body())


def test_invite_dispatch_reports(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    result = runner.invoke(app, ["invite", "县发改局", "--role", "reporter", "--json"])
    assert result.exit_code == 0, result.stderr
    invite = json.loads(result.stdout)
    assert set(invite) == {"code", "unit", "role", "expires_at"}
    assert (invite["unit"], invite["role"]) == ("县发改局", "reporter")
    assert len(invite["code"]) >= 8  # 10 symbols of 30: about 49 bits
    expires = datetime.fromisoformat(invite["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)

    async def stored_hash() -> str:
        async with open_database(os.environ["DUBAN_DATABASE_URL"]):
            return (await Invite.get()).code_hash

    assert asyncio.run(stored_hash()) == code_hash(invite["code"])  # only the hash is kept
    plain = runner.invoke(app, ["invite", "县发改局"])
    assert "/start " in plain.stdout
    assert "绑定 " in plain.stdout

    result = runner.invoke(app, ["dispatch", "--period", "2026-11", "--json"])
    assert result.exit_code == 0, result.stderr
    first = json.loads(result.stdout)
    assert first["new_requests"] == first["requests"] > 0
    assert "县发改局" in first["units_without_contact"]

    _bind_and_report(invite["code"])
    again = json.loads(runner.invoke(app, ["dispatch", "--period", "2026-11", "--json"]).stdout)
    assert again["new_requests"] == 0
    assert again["prompts_queued"] == 1  # the newly bound reporter, once
    third = json.loads(runner.invoke(app, ["dispatch", "--period", "2026-11", "--json"]).stdout)
    assert third["prompts_queued"] == 0

    result = runner.invoke(app, ["reports", "--period", "2026-11", "--json"])
    assert result.exit_code == 0, result.stderr
    reports = json.loads(result.stdout)
    assert reports["period"] == "2026-11"
    (row,) = reports["reports"]
    assert set(row) >= {
        "task",
        "unit",
        "status",
        "percent",
        "text",
        "attachments",
        "contact",
        "submitted_at",
        "version",
    }
    assert (row["unit"], row["status"], row["percent"], row["version"]) == (
        "县发改局",
        "in_progress",
        50,
        1,
    )
    table = runner.invoke(app, ["reports", "--period", "2026-11"])
    assert "推进中 50%" in table.stdout

    listed = json.loads(runner.invoke(app, ["contacts", "--json"]).stdout)
    assert [c["unit"] for c in listed] == ["县发改局"]
    assert runner.invoke(app, ["revoke", str(listed[0]["id"])]).exit_code == 0
    assert json.loads(runner.invoke(app, ["contacts", "--json"]).stdout) == []


def test_cycle_refusals(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    result = runner.invoke(app, ["dispatch", "--period", "2026-11"])
    assert result.exit_code == 2
    assert "尚未导入" in result.stderr
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    for args, words in (
        (["dispatch", "--period", "2026-13"], "YYYY-MM"),
        (["dispatch", "--period", "2026-11", "--due", "tomorrow"], "YYYY-MM-DD"),
        (["reports", "--period", "2026-10"], "2026-10"),
        (["invite", "不存在的局"], "不存在的局"),
        (["invite", "--role", "leader"], "单位"),
        (["invite", "县发改局", "--locale", "fr"], "fr"),
        (["revoke", "99"], "99"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.stdout)
        assert words in result.stderr, (args, result.stderr)


def test_wecom_chat_binding(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["chat", "bind-wecom", "wrchat0001", "--title", "秘书组"])
    assert result.exit_code == 0, result.stderr
    listed = json.loads(runner.invoke(app, ["chat", "list"]).stdout)
    assert listed == [{"identity": "wecom:chat:wrchat0001", "title": "秘书组", "locale": "zh_CN"}]
    assert runner.invoke(app, ["chat", "unbind", "wecom:chat:wrchat0001"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["chat", "list"]).stdout) == []
    assert runner.invoke(app, ["chat", "unbind", "wecom:chat:wrchat0001"]).exit_code == 2
    refused = runner.invoke(
        app, ["chat", "create-wecom", "--name", "x", "--owner", "a", "--members", "a,b"]
    )
    assert refused.exit_code == 2
    assert "DUBAN_WECOM_CORP_ID" in refused.stderr
