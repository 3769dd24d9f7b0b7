"""``duban extension list | approve | refuse`` and ``duban task close | reopen | closures``:
the secretariat's terminal side of 延期申请 and 销号, through the chat's use cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cadence.extensions import endorse, request_extension
from bot.cli import app
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.shell.runtime import Runtime
from bot.storage.models import Contact, DeadlineExtension, ReportRequest, Task, TaskClosure
from tests.test_cli_status import NOW, in_db

Duban = Callable[..., tuple[int, str, str]]


@pytest.fixture
def duban(cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Duban:
    """``duban ARGS`` in English on a wide console, on a fixed clock."""
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(Runtime, "now", lambda _: NOW)

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    assert run("init")[0] == 0
    return run


async def _bind(role: ContactRole, who: str) -> Contact:
    code = (await create_invite("县市场监督管理局", role, now=NOW, locale="en")).code
    _, contact = await redeem_invite(
        code, identity=f"wecom:{who}", channel="wecom", display_name=who,
        chat_identity=f"wecom:{who}", is_group=False, now=NOW,
    )  # fmt: skip
    assert isinstance(contact, Contact)
    return contact


@pytest.fixture
def endorsed(duban: Duban, sample_plan: Path) -> int:
    """Task 2's lead unit asked to move its deadline to 2027-03-31; its leader endorsed it."""
    assert duban("import", str(sample_plan))[0] == 0
    assert duban("dispatch", "--period", "2026-11")[0] == 0

    async def body() -> int:
        reporter = await _bind(ContactRole.REPORTER, "lianluo")
        leader = await _bind(ContactRole.LEADER, "juzhang")
        view = await request_extension(
            reporter, "2", "2027-03-31", "审批流程调整", now=NOW, today=NOW.date()
        )
        await endorse(leader, view.id, agree=True, now=NOW)
        return view.id

    return in_db(body)


def test_extensions_listed_refused_without_a_comment_then_approved(
    duban: Duban, endorsed: int
) -> None:
    code, out, _ = duban("extension", "list")
    assert code == 0
    assert "waiting for the secretariat" in out
    assert "2027-03-31" in out
    assert "审批流程调整" in out
    assert duban("extension", "refuse", str(endorsed)) == (
        2, "", "Write why it is refused, so the unit knows.\n",
    )  # fmt: skip
    assert duban("extension", "approve", "999") == (
        2, "", "That extension request does not exist.\n",
    )  # fmt: skip
    assert duban("extension", "approve", str(endorsed)) == (
        0, "Approved: task 2’s deadline is now 2027-03-31 (was 2026-10-31).\n", "",
    )  # fmt: skip
    assert duban("extension", "approve", str(endorsed)) == (
        2, "", "This extension request was already approved; nothing to do.\n",
    )  # fmt: skip
    assert duban("extension", "list") == (0, "No extension requests.\n", "")
    code, out, _ = duban("extension", "list", "--task", "2", "--json")
    [history] = json.loads(out)
    assert (history["old"], history["new"], history["state"]) == (
        "2026-10-31", "2027-03-31", "approved",
    )  # fmt: skip
    assert (history["asked_by"], history["endorsed_by"], history["decided_by"]) == (
        "lianluo", "juzhang", "cli",
    )  # fmt: skip

    async def stored() -> tuple[date | None, str]:
        task = await Task.get(number="2")
        row = await DeadlineExtension.get(id=endorsed)
        return task.deadline, row.decider

    assert in_db(stored) == (date(2027, 3, 31), "cli")


def test_close_and_reopen_a_task(duban: Duban, endorsed: int) -> None:
    assert duban("task", "closures") == (0, "No requests to close a task are waiting.\n", "")
    code, out, _ = duban("task", "close", "2")
    assert code == 0
    assert out.startswith("Task 2 is closed (销号); ")
    assert duban("task", "close", "2") == (2, "", "Task 2 is already closed (销号).\n")
    assert duban("task", "close", "99") == (2, "", "There is no task 99 in the plan.\n")

    async def open_requests() -> tuple[int, list[str]]:
        count = await ReportRequest.filter(task__number="2", state__in=("open", "answered")).count()
        states = await TaskClosure.filter(task__number="2").values_list("state", flat=True)
        return count, [str(s) for s in states]

    assert in_db(open_requests) == (0, ["closed"])
    assert duban("task", "reopen", "2") == (
        0, "Task 2 is reopened; the next dispatch asks it again.\n", "",
    )  # fmt: skip
    assert duban("task", "reopen", "2") == (2, "", "Task 2 is not closed.\n")
    assert in_db(open_requests) == (0, ["reopened"])
