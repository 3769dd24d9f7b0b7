"""The CLI of the cadence: schedule show/set, calendar add/import/list, outbox, remind, escalate."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


def test_schedule_show_and_set(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    imported = runner.invoke(app, ["import", str(sample_plan)])
    assert imported.exit_code == 0, imported.stderr
    assert "每月25日前各单位报送工作进展" in imported.stdout  # the plan's words, quoted
    shown = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert set(shown) == {"plan", "settings", "source", "timezone", "months"}
    assert (shown["settings"]["due_day"], shown["settings"]["dispatch_lead_workdays"]) == (25, 5)
    assert shown["source"] == {"origin": "plan", "quote": "每月25日前各单位报送工作进展"}
    assert set(shown["months"][0]) == {
        "month",
        "dispatch",
        "reminders",
        "due",
        "escalation",
        "digest",
        "quarter_end",
        "quarter_due",
    }
    for month in shown["months"]:  # ISO 8601 with the zone's offset
        for moment in (
            month["dispatch"],
            month["escalation"],
            month["digest"],
            *month["reminders"],
        ):
            assert moment.endswith("+08:00"), moment
        assert month["dispatch"][:10] < month["due"] <= month["escalation"][:10]
    result = runner.invoke(app, ["schedule", "set", "--dispatch-day", "20", "--remind", "3,0"])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert (shown["settings"]["dispatch_day"], shown["settings"]["remind_before"]) == (20, [3, 0])
    assert shown["settings"]["due_day"] is None  # a dispatch day replaces the due day
    assert shown["source"] == {"origin": "admin", "quote": None}
    for args in (
        ["--dispatch-day", "30"],
        ["--remind", "x"],
        ["--escalate-time", "9点"],
        ["--due-day", "32"],
        ["--due-day", "25", "--dispatch-lead", "0"],
        ["--due-day", "25", "--dispatch-day", "20"],
        ["--due-day", "25", "--dispatch-lead", "2", "--remind", "2,0"],
    ):
        result = runner.invoke(app, ["schedule", "set", *args])
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # one sentence
        assert "Traceback" not in result.stderr
    kept = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert kept["settings"] == shown["settings"]  # a refused change changes nothing


def test_schedule_set_by_due_day(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    result = runner.invoke(app, ["schedule", "set", "--due-day", "5", "--dispatch-lead", "4"])
    assert result.exit_code == 0, result.stderr
    settings = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)["settings"]
    # a day this early is the following month's unless said otherwise (每月5日前报送上月…)
    assert (settings["due_day"], settings["due_next_month"]) == (5, True)
    assert settings["dispatch_lead_workdays"] == 4
    result = runner.invoke(app, ["schedule", "set", "--due-day", "31", "--due-this-month"])
    assert result.exit_code == 0, result.stderr
    shown = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)
    assert (shown["settings"]["due_day"], shown["settings"]["due_next_month"]) == (31, False)
    for month in shown["months"]:  # the last working day of each month
        assert month["due"][:7] == month["month"]


def test_schedule_show_is_a_table(
    cli_env: Path, runner: CliRunner, sample_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    result = runner.invoke(app, ["schedule", "show"])
    assert result.exit_code == 0, result.stderr
    assert "{" not in result.stdout  # no JSON for people
    assert "每月25日前各单位报送工作进展" in result.stdout
    months = json.loads(runner.invoke(app, ["schedule", "show", "--json"]).stdout)["months"]
    first = months[0]
    dispatch = datetime.fromisoformat(first["dispatch"])
    due = date.fromisoformat(first["due"])
    # local dates and times with the weekday, as 11-18 周三 09:00 (or Wed, before translation)
    assert f"{dispatch:%m-%d}" in result.stdout
    assert f"{dispatch:%H:%M}" in result.stdout
    assert f"{due:%m-%d}" in result.stdout
    weekday = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")[due.weekday()]
    assert weekday in result.stdout or f"{due:%a}" in result.stdout


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
