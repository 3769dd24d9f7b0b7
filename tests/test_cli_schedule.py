"""The CLI of the cadence: schedule show/set, calendar add/import/list, outbox, remind, escalate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app


def test_schedule_show_and_set(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    shown = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert set(shown) == {"plan", "settings", "timezone", "months"}
    assert shown["settings"]["dispatch_day"] == 25
    assert set(shown["months"][0]) == {
        "month",
        "dispatch",
        "due",
        "reminders",
        "escalation",
        "quarter_end",
    }
    result = runner.invoke(app, ["schedule", "set", "--dispatch-day", "20", "--remind", "3,0"])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert (shown["settings"]["dispatch_day"], shown["settings"]["remind_before"]) == (20, [3, 0])
    for args in (["--dispatch-day", "30"], ["--remind", "x"], ["--escalate-time", "9点"]):
        result = runner.invoke(app, ["schedule", "set", *args])
        assert result.exit_code == 2, args
        assert "无效" in result.stderr or "Invalid" in result.stderr
    kept = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert kept["settings"] == shown["settings"]  # a refused change changes nothing


def test_calendar_is_all_or_nothing(cli_env: Path, runner: CliRunner) -> None:
    good = cli_env / "2027.csv"
    good.write_text(
        "date,kind,note\n2027-01-01,休,元旦\n2027-02-06,班,春节调休\n", encoding="utf-8"
    )
    bad = cli_env / "bad.csv"
    bad.write_text("2027-10-01,休\n2027-10-09,maybe\n", encoding="utf-8")
    assert runner.invoke(app, ["calendar", "import", str(good)]).exit_code == 0
    result = runner.invoke(app, ["calendar", "import", str(bad)])
    assert result.exit_code == 2
    assert "第2行" in result.stderr
    assert (
        runner.invoke(app, ["calendar", "add", "2027-01-02", "holiday", "--note", "元旦"]).exit_code
        == 0
    )
    assert runner.invoke(app, ["calendar", "add", "2027-02-30", "holiday"]).exit_code == 2
    listed = runner.invoke(app, ["calendar", "list", "--year", "2027"]).stdout
    assert "2027-01-01  holiday   元旦" in listed
    assert "2027-02-06  workday" in listed
    assert "2027-10-01" not in listed


def test_outbox_remind_escalate(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    assert json.loads(runner.invoke(app, ["outbox", "--json"]).stdout) == []
    reminded = json.loads(runner.invoke(app, ["remind", "--json"]).stdout)
    assert reminded == {"job": "remind", "queued": 0, "periods": []}  # nothing dispatched yet
    escalated = json.loads(runner.invoke(app, ["escalate", "--json"]).stdout)
    assert escalated["queued"] == 0
    assert "0" in runner.invoke(app, ["outbox", "retry"]).stdout
