"""``duban status`` and ``duban overdue`` for people: the tables, and one-sentence refusals.

Their ``--json`` forms are checked against the chat in ``test_use_cases.py``; here the plan is
imported and dispatched through the CLI itself, on a fixed clock, in English.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.reporting import Status
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.reporting.reports import Draft, submit_report
from bot.shell.runtime import Runtime
from bot.storage.db import open_database
from bot.storage.models import Contact, ReportRequest

T = TypeVar("T")
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


def in_db(body: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        async with open_database(os.environ["DUBAN_DATABASE_URL"]):
            return await body()

    return asyncio.run(run())


def rows(output: str) -> list[list[str]]:
    """The body rows of the rich tables in ``output``, cell by cell."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines()
            if line.startswith("│")]  # fmt: skip


def heading(output: str) -> list[str]:
    """The header row of the first table with one."""
    line = next(line for line in output.splitlines() if line.startswith("┃"))
    return [c.strip() for c in line.split("┃")[1:-1]]


class Clock:
    """The CLI's clock, which the tests move."""

    now = NOW


@pytest.fixture
def duban(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """``duban ARGS`` in English on a wide console: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(Runtime, "now", lambda _: Clock.now)
    monkeypatch.setattr(Clock, "now", NOW)

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    assert run("init")[0] == 0
    return run


@pytest.fixture
def dispatched(duban: Callable[..., tuple[int, str, str]], sample_plan: Path) -> None:
    """October dispatched on 25 November; 县发改局 reported tasks 1 (60 %) and 4 (behind)."""
    assert duban("import", str(sample_plan))[0] == 0
    assert duban("dispatch", "--period", "2026-10")[0] == 0

    async def body() -> None:
        code = (await create_invite("县发改局", ContactRole.REPORTER, now=NOW, locale="en")).code
        _, contact = await redeem_invite(
            code, identity="wecom:wang", channel="wecom", display_name="王联络",
            chat_identity="wecom:wang", is_group=False, now=NOW,
        )  # fmt: skip
        assert isinstance(contact, Contact)
        asked = await ReportRequest.filter(unit_id=contact.unit_id, task__number__in=["1", "4"])
        for request, draft in zip(
            sorted(asked, key=lambda r: r.task_id),
            (Draft(Status.IN_PROGRESS, 60, "清单已梳理"), Draft(Status.BEHIND, 20, "环节未压缩")),
            strict=True,
        ):
            await submit_report(contact, request.id, draft, now=NOW, today=NOW.date())

    in_db(body)


def test_status_tables(duban: Callable[..., tuple[int, str, str]], dispatched: None) -> None:
    code, out, _ = duban("status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Status 2026-10"
    assert heading(out) == ["Light", "Task", "Lead unit", "Status"]
    assert rows(out)[:4] == [
        ["🟡 yellow", "1. 深化“一件事一次办”改革。", "县政务服务中心", "In progress"],
        ["🔴 red", "2. 提升企业开办和注销便利度。", "县市场监督管理局", "not reported"],
        ["🟡 yellow", "3. 优化工程建设项目审批。", "县住建局", "not reported"],
        ["🟡 yellow", "4. 提升获得电力、用水用气服务水平。", "县发改局", "Behind schedule"],
    ]
    assert len(rows(out)) == 20
    assert lines[-1] == "Lights: 3 red · 17 yellow · 0 green"

    code, out, _ = duban("status", "4")
    assert code == 0
    assert out.splitlines()[0] == "Status 2026-10"
    assert rows(out) == [
        ["Light", "🟡 yellow"],
        ["Task", "4. 提升获得电力、用水用气服务水平。"],
        ["Lead unit", "县发改局"],
        ["Status", "Behind schedule"],
        ["Progress", "环节未压缩"],
        ["not reported", "县住建局、县城投公司、县城管局、国网青溪县供电公司"],
    ]

    code, out, _ = duban("status", "县发改局")
    assert code == 0
    assert out.splitlines()[0] == "Tasks of 县发改局 (7)"
    assert heading(out) == ["Task", "Role", "Deadline", "Status", "Submitted"]
    assert rows(out)[:4] == [
        ["1. 深化“一件事一次办”改革。", "Responsible", "2026年12月", "In progress 60%",
         "2026-11-25 09:00"],
        ["3. 优化工程建设项目审批。", "Responsible", "2026年底", "not reported", "—"],
        ["4. 提升获得电力、用水用气服务水平。", "Lead", "2026年11月", "Behind schedule 20%",
         "2026-11-25 09:00"],
        ["12. 构建亲清政商关系。", "Responsible", "2026年底", "not reported", "—"],
    ]  # fmt: skip


def test_overdue_table(duban: Callable[..., tuple[int, str, str]], dispatched: None) -> None:
    code, out, _ = duban("overdue")
    assert code == 0
    assert out.splitlines()[0] == "Overdue (2026-10)"
    assert heading(out) == ["Task", "Deadline", "Lead unit"]
    assert rows(out) == [
        ["2. 提升企业开办和注销便利度。", "2026年10月底", "县市场监督管理局"],
        ["10. 规范涉企执法检查。", "2026年9月底", "县司法局"],
        ["17. 强化企业用工保障。", "2026年10月", "县人社局"],
    ]
    assert "Not reported after the deadline" not in out  # the due day (2 December) is ahead

    Clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
    code, out, _ = duban("overdue")
    assert code == 0
    assert [r[0] for r in rows(out)] == [
        "2. 提升企业开办和注销便利度。",
        "4. 提升获得电力、用水用气服务水平。",
        "10. 规范涉企执法检查。",
        "14. 提升政务数据共享水平。",
        "17. 强化企业用工保障。",
    ]
    late = json.loads(duban("overdue", "--json")[1])["late_units"]
    assert late[0] == "县人社局"  # the most reports missing first
    assert len(late) == 39  # the three collectives (no members listed) are no silent units
    assert out.splitlines()[-1] == f"Not reported after the deadline 2026-12-02: {'、'.join(late)}"


def test_nothing_overdue(duban: Callable[..., tuple[int, str, str]], sample_plan: Path) -> None:
    Clock.now = datetime(2026, 9, 21, 9, 0, tzinfo=TZ)
    assert duban("import", str(sample_plan))[0] == 0
    assert duban("dispatch", "--period", "2026-09")[0] == 0
    assert duban("overdue") == (0, "Overdue (2026-09)\nNothing is overdue.\n", "")


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (["status"], "Nothing has been dispatched yet."),
        (["overdue"], "Nothing has been dispatched yet."),
    ],
)
def test_refused_before_any_dispatch(
    duban: Callable[..., tuple[int, str, str]], sample_plan: Path, args: list[str], refusal: str
) -> None:
    assert duban("import", str(sample_plan))[0] == 0
    assert duban(*args) == (2, "", refusal + "\n")


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (["status", "县发改"], "There is no unit called “县发改”. Did you mean “县发改局”?"),
        (["status", "99"], "There is no unit called “99”."),
        (["status", "--period", "2026-1"], "“2026-1” is not a month; write it as YYYY-MM, e.g. "
                                          "2026-11."),
        (["status", "--period", "2026-09"], "Nothing was dispatched for 2026-09 yet."),
        (["overdue", "--period", "2026-09"], "Nothing was dispatched for 2026-09 yet."),
        (["status", "县发改局", "--period", "2026-10"],
         "A unit's tasks show their latest reports, whatever the month; leave out --period."),
    ],
)  # fmt: skip
def test_refusals(
    duban: Callable[..., tuple[int, str, str]], dispatched: None, args: list[str], refusal: str
) -> None:
    assert duban(*args) == (2, "", refusal + "\n")
