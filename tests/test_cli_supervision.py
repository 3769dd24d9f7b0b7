"""``duban supervise [--dry-run] | supervise list`` and ``duban rankings`` on the sample plan,
October dispatched with reports due on 10 November, nothing reported by the 25th (11 working
days late), with the default rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.shell.runtime import Runtime

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


@pytest.fixture
def duban(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, sample_plan: Path
) -> Callable[..., tuple[int, str, str]]:
    """``duban ARGS`` in English with October dispatched: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(Runtime, "now", lambda _: NOW)

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, list(args))
        return result.exit_code, result.stdout, result.stderr

    assert run("init")[0] == 0
    assert run("import", str(sample_plan))[0] == 0
    assert run("dispatch", "--period", "2026-10", "--due", "2026-11-10")[0] == 0
    return run


def test_supervise(duban: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = duban("supervise", "--dry-run", "--json")
    assert code == 0
    dry = json.loads(out)
    assert dry["issued"] == []
    assert {"grade": "red", "reasons": ["task_overdue", "report_late"], "task": "10",
            "unit": "县司法局", "plan": 1, "period": "2026-10"} in dry["items"]  # fmt: skip
    assert {"grade": "yellow", "reasons": ["due_soon", "report_late"], "task": "4",
            "unit": "县发改局", "plan": 1, "period": "2026-10"} in dry["items"]  # fmt: skip
    assert {"grade": "yellow", "reasons": ["report_late"], "task": "4",
            "unit": "县住建局", "plan": 1, "period": "2026-10"} in dry["items"]  # fmt: skip
    code, out, _ = duban("supervise", "list")
    assert (code, out.strip()) == (0, "No supervision notices have been issued.")

    code, out, _ = duban("supervise")
    assert code == 0
    assert f"{len(dry['items'])} supervision notices issued" in out
    code, out, _ = duban("supervise")
    assert code == 0
    assert "0 supervision notices issued, 0 messages queued." in out

    code, out, _ = duban("supervise", "list", "--json")
    listed = json.loads(out)
    assert len(listed) == len(dry["items"])
    assert listed[-1]["number"] == "青营商督〔2026〕1号"
    assert {n["replied"] for n in listed} == {False}


def test_rankings_off_by_default(
    duban: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = duban("rankings")
    assert (code, out, err.strip()) == (
        2, "", "Rankings are off; set DUBAN_RANKINGS=true to publish them."
    )  # fmt: skip
    monkeypatch.setenv("DUBAN_RANKINGS", "true")
    code, out, _ = duban("rankings", "--json")
    assert code == 0
    ranks = json.loads(out)
    # nobody reported: every unit 0 % on time, placed by how many requests it left unanswered
    assert all(r["on_time"] == r["late"] == r["rate"] == 0 for r in ranks)
    missing = [r["missing"] for r in ranks]
    assert missing == sorted(missing)
    assert [r["rank"] for r in ranks][:1] == [1]
    for before, after in pairwise(ranks):
        tied = before["missing"] == after["missing"]
        assert after["rank"] == (before["rank"] if tied else ranks.index(after) + 1)
