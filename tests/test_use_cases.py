"""One use case per behaviour: the CLI and the chat revoke, nudge, digest, export, show the
status and what is overdue alike.

Each test drives one behaviour from the command line (the real ``duban`` app, in process) and
from the chat (the dialogue harness) on the same database at the same moment, and checks that
they agree: the same audited effect, the same period, the same rows and numbers. "The period"
is the latest dispatched month (October), though the clock says November.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cadence.dispatch import dispatch
from bot.cli import app
from bot.domain.lights import Light
from bot.domain.reporting import Month, Status
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.reporting.reports import Draft, submit_report
from bot.shell.runtime import Runtime
from bot.storage.db import open_database
from bot.storage.models import AuditLog, Contact, OutboxMessage, ReportRequest
from tests.dialogue import Dialogue, Person, reply

T = TypeVar("T")
SEC = Person("telegram:3003", "秘书组小刘")
ALICE = Person("telegram:1001", "王联络")  # 县发改局
BOB = Person("wecom:zhaocai", "赵财务")  # 县财政局
EN = Translator("en")
# 县发改局's first three tasks (1, 3, 4), as ALICE reports them
DRAFTS = (
    Draft(Status.IN_PROGRESS, 60, "一件事一次办清单已梳理"),
    Draft(Status.DONE, None, "联合验收已推行"),
    Draft(Status.BEHIND, 20, "用水报装环节仍为3个"),
)


def in_db(body: Callable[[], Awaitable[T]]) -> T:
    """Run ``body`` against the CLI's database, as a command would."""

    async def run() -> T:
        async with open_database(os.environ["DUBAN_DATABASE_URL"]):
            return await body()

    return asyncio.run(run())


def chat(world: Dialogue, who: Person, text: str) -> str:
    """``who`` says ``text``; the bot's answers (see :meth:`Dialogue.says`)."""
    return in_db(lambda: world.says(who, text))


def cli(runner: CliRunner, *args: str) -> str:
    """``duban ARGS``, which must succeed; its stdout."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def world(
    cli_env: Path, runner: CliRunner, sample_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> Dialogue:
    """The sample plan, October dispatched on 25 November, 县发改局 and 县财政局 bound (in
    English, as the CLI speaks here), 县发改局 reporting three tasks; the CLI on the chat's
    clock."""
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("COLUMNS", "200")
    assert runner.invoke(app, ["init"]).exit_code == 0
    world = Dialogue(cli_env / "data")
    monkeypatch.setattr(Runtime, "now", lambda _: world.clock())

    async def body() -> None:
        parsed = read_plan(sample_plan)
        await import_plan(parsed, source_name="s.md", sha256="0" * 64, now=world.clock())
        for who, unit, role in (
            (ALICE, "县发改局", ContactRole.REPORTER),
            (BOB, "县财政局", ContactRole.REPORTER),
            (SEC, None, ContactRole.SECRETARIAT),
        ):
            invite = await create_invite(unit, role, now=world.clock(), locale="en")
            await world.says(who, f"/start {invite.code}")
        await dispatch(Month(2026, 10), now=world.clock(), today=world.clock.now.date())
        alice = await Contact.get(identity=ALICE.identity, active=True)
        asked = await ReportRequest.filter(unit_id=alice.unit_id).order_by("task__position")
        for request, draft in zip(asked, DRAFTS, strict=False):
            await submit_report(
                alice, request.id, draft, now=world.clock(), today=world.clock.now.date()
            )

    in_db(body)
    return world


def test_revoke(world: Dialogue, runner: CliRunner) -> None:
    async def bound() -> list[Contact]:
        return [await Contact.get(identity=p.identity, active=True) for p in (ALICE, BOB)]

    alice, bob = in_db(bound)
    assert cli(runner, "revoke", str(alice.id)) == (
        f"The binding of #{alice.id} (县发改局 · 王联络) has ended.\n"
    )
    assert chat(world, SEC, f"/revoke {bob.id}") == reply(
        f"The binding of #{bob.id} (县财政局) has ended."
    )

    async def stored() -> tuple[list[tuple[str, str, str, Any]], list[tuple[str, str]], int]:
        audit = await AuditLog.filter(action="revoke").order_by("id")
        notices = [await OutboxMessage.get(key=f"revoke:{c.id}") for c in (alice, bob)]
        return (
            [(a.action, a.actor, a.subject, a.detail) for a in audit],
            [(n.recipient, n.payload["text"]) for n in notices],
            await Contact.filter(id__in=[alice.id, bob.id], active=True).count(),
        )

    audit, notices, still_bound = in_db(stored)
    assert audit == [
        ("revoke", "cli", ALICE.identity, {"contact": alice.id}),
        ("revoke", SEC.identity, BOB.identity, {"contact": bob.id}),
    ]
    assert notices == [  # each person is told, whoever revoked them
        (ALICE.identity, "The secretariat has ended your binding to 县发改局."),
        (BOB.identity, "The secretariat has ended your binding to 县财政局."),
    ]
    assert still_bound == 0


def test_nudge(world: Dialogue, runner: CliRunner) -> None:
    assert json.loads(cli(runner, "remind", "--json")) == {
        "job": "remind",
        "queued": 2,
        "periods": ["1:2026-10"],
    }
    world.clock.advance(days=1)  # a nudge is sent once a day, whoever asks
    assert chat(world, SEC, "/nudge") == reply(
        "Reminders sent to 2 reporters of units that have not reported."
    )

    async def stored() -> tuple[list[tuple[str, str, str, Any]], dict[str, list[str]]]:
        audit = await AuditLog.filter(action="nudge").order_by("id")
        sent: dict[str, list[str]] = {}
        for row in await OutboxMessage.filter(key__startswith="remind:").order_by("id"):
            sent.setdefault(row.key.split(":")[3], []).append(
                f"{row.recipient} {row.payload['text']}"
            )
        return [(a.action, a.actor, a.subject, a.detail) for a in audit], sent

    audit, sent = in_db(stored)
    assert audit == [
        ("nudge", "cli", "1:2026-10", {"queued": 2}),
        ("nudge", SEC.identity, "1:2026-10", {"queued": 2}),
    ]
    due = "2026-12-02"
    expected = [
        f"{ALICE.identity} Reminder: the 2026-10 reports of 县发改局 are due on {due}; "
        "4 tasks are not reported yet.",
        f"{BOB.identity} Reminder: the 2026-10 reports of 县财政局 are due on {due}; "
        "4 tasks are not reported yet.",
    ]
    assert sent == {"manual-2026-11-25": expected, "manual-2026-11-26": expected}


def jobs(world: Dialogue, who: Person) -> str:
    """The deferred jobs run; what they queued for ``who`` (see :meth:`Dialogue.jobs`)."""
    return in_db(lambda: world.jobs(who))


def deferred(world: Dialogue, who: Person, text: str, preparing: str) -> str:
    """``who`` says ``text``, which answers ``preparing`` at once; what its job then sends."""
    assert chat(world, who, text) == reply(preparing)
    return jobs(world, who)


def test_digest(world: Dialogue, runner: CliRunner) -> None:
    assert chat(world, SEC, "/digest") == reply("Preparing the digest of 2026-10…")
    answer = jobs(world, SEC)
    # the same title and text, for the same period: the latest dispatched month
    assert cli(runner, "digest") == answer + "\n"
    assert answer.startswith("Monthly digest 2026-10\n青溪县2026年优化营商环境重点任务分工方案\n")
    shape = json.loads(cli(runner, "digest", "--json"))
    assert shape["period"] == "2026-10"
    assert json.loads(cli(runner, "digest", "--period", "2026-10", "--json")) == shape


def _cells(path: Path) -> list[list[list[Any]]]:
    book = load_workbook(path)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]


def test_export(world: Dialogue, runner: CliRunner, cli_env: Path) -> None:
    out = cli_env / "cli.xlsx"
    assert cli(runner, "export", "--out", str(out)) == f"Written to {out}.\n"
    assert chat(world, SEC, "/export") == reply("Preparing the xlsx export of 2026-10…")
    assert jobs(world, SEC) == reply("The xlsx export of 2026-10.")
    from_chat = cli_env / "data" / "exports" / "chat-2026-10-en.xlsx"
    cells = _cells(out)
    assert cells == _cells(from_chat)  # the same month, the same rows, cell for cell
    assert any(
        row[:4] == ["4", "提升获得电力、用水用气服务水平。", "Behind schedule", "20%"]
        for sheet in cells
        for row in sheet
    )


def _light_line(task: dict[str, Any]) -> str:
    """A task as ``/status`` lists it, from ``duban status --json``."""
    status = EN.gettext(Status(task["status"]).label) if task["status"] else "not reported"
    symbol = Light(task["light"]).symbol
    return f"{symbol} {task['number']}. {shorten(task['title'], 24)} — {status}"


def test_status(world: Dialogue, runner: CliRunner) -> None:
    lights = json.loads(cli(runner, "status", "--json"))
    assert lights["period"] == "2026-10"
    assert json.loads(cli(runner, "status", "--period", "2026-10", "--json")) == lights
    by_number = {t["number"]: (t["light"], t["status"]) for t in lights["tasks"]}
    assert [by_number[n] for n in ("1", "2", "3", "4", "5")] == [
        ("yellow", "in_progress"),  # 县发改局 in progress, the other units silent
        ("red", None),  # past its deadline (October)
        ("yellow", "in_progress"),  # one unit done, the others silent
        ("yellow", "behind"),
        ("yellow", None),
    ]
    assert deferred(world, SEC, "/status", "Preparing the status…") == reply(
        "\n".join(_light_line(t) for t in lights["tasks"]), "Status 2026-10"
    )

    one = json.loads(cli(runner, "status", "4", "--json"))
    assert one == {
        "period": "2026-10",
        "task": {
            "number": "4",
            "title": "提升获得电力、用水用气服务水平。",
            "lead": "县发改局",
            "light": "yellow",
            "status": "behind",
            "latest": "用水报装环节仍为3个",
            "missing_units": ["县住建局", "县城投公司", "县城管局", "国网青溪县供电公司"],
        },
    }
    assert deferred(world, SEC, "/status 4", "Preparing the status…") == reply(
        "🟡 4. 提升获得电力、用水用气服务水平。\nLead: 县发改局\n用水报装环节仍为3个\n"
        "not reported: 县住建局、县城投公司、县城管局、国网青溪县供电公司",
        "Status 2026-10",
    )

    unit = json.loads(cli(runner, "status", "县发改局", "--json"))
    assert unit["unit"] == "县发改局"
    assert [(t["number"], t["role"], t["status"], t["percent"]) for t in unit["tasks"]] == [
        ("1", "responsible", "in_progress", 60),
        ("3", "responsible", "done", None),
        ("4", "lead", "behind", 20),
        ("12", "responsible", None, None),
        ("18", "lead", None, None),
        ("19", "responsible", None, None),
        ("20", "lead", None, None),
    ]
    assert {t["reported_at"] for t in unit["tasks"][:3]} == {"2026-11-25T09:00:00+08:00"}
    # the deadline as the plan wrote it, beside its date (none for 持续推进)
    assert [(t["deadline"], t["deadline_text"]) for t in unit["tasks"][-2:]] == [
        (None, "持续推进"),
        ("2026-12-31", "2026年12月"),
    ]
    assert deferred(world, SEC, "/status 县发改局", "Preparing the status…") == reply(
        "1. 深化“一件事一次办”改革。 — In progress 60% ⏰2026年12月\n"
        "3. 优化工程建设项目审批。 — Done ⏰2026年底\n"
        "4. 提升获得电力、用水用气服务水平。 — Behind schedule 20% ⏰2026年11月\n"
        "12. 构建亲清政商关系。 — not reported ⏰2026年底\n"
        "18. 开展营商环境监督评价。 — not reported ⏰2026年第四季度\n"
        "19. 加强营商环境宣传推介。 — not reported ⏰持续推进\n"
        "20. 推进信用体系建设。 — not reported ⏰2026年12月",
        "Tasks of 县发改局 (7)",
    )

    refused = runner.invoke(app, ["status", "县发改"])
    assert refused.exit_code == 2
    expected = "There is no unit called “县发改”. Did you mean “县发改局”?"
    assert refused.stderr == expected + "\n"
    assert deferred(world, SEC, "/status 县发改", "Preparing the status…") == reply(expected)


def test_overdue(world: Dialogue, runner: CliRunner) -> None:
    before = json.loads(cli(runner, "overdue", "--json"))
    assert before["late_units"] == []  # the due day has not passed yet
    due = date.fromisoformat(before["due_on"])
    assert due == date(2026, 12, 2)
    world.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=world.clock.now.tzinfo)

    found = json.loads(cli(runner, "overdue", "--json"))
    assert found["period"] == "2026-10"
    assert found["tasks"][0]["deadline"] == "2026-10-31"  # the date, beside the plan's words
    assert [(t["number"], t["deadline_text"], t["lead"]) for t in found["tasks"]] == [
        ("2", "2026年10月底", "县市场监督管理局"),
        ("4", "2026年11月", "县发改局"),  # reported behind, not done
        ("10", "2026年9月底", "县司法局"),
        ("14", "2026年11月底", "县数据局"),
        ("17", "2026年10月", "县人社局"),
    ]
    late = found["late_units"]
    assert late[:3] == ["县人社局", "县政务服务中心", "县住建局"]  # most missing first
    assert {"县发改局", "县财政局"} <= set(late)
    # every unit asked still misses a report; the collectives (县直各单位, 各乡镇党委、政府,
    # 各银行业金融机构: no members listed) are no silent units
    assert len(late) == 39
    assert not {"县直各单位", "各乡镇党委、政府", "各银行业金融机构"} & set(late)

    lines = [
        f"Task {t['number']} {shorten(t['title'], 30)} — "
        f"deadline {t['deadline_text']}, lead {t['lead']}"
        for t in found["tasks"]
    ]
    lines.append(f"Not reported after the deadline 2026-12-02: {'、'.join(late)}")
    assert deferred(world, SEC, "/overdue", "Preparing the overdue list…") == reply(
        "\n".join(lines), "Overdue (2026-10)"
    )
