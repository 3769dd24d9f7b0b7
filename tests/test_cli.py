"""The CLI contract: import --json shape, plan show, unit commands, export-plan, demo."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app


def test_import_dry_run_json_contract(cli_env: Path, runner: CliRunner, shared_plan: Path) -> None:
    result = runner.invoke(app, ["import", str(shared_plan), "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"plan", "tasks", "warnings", "notes", "parts"}
    assert payload["plan"] == {
        "title": "全市教育大会精神重点任务分工方案",
        "doc_number": "辰教小组发〔2022〕10号",
        "issuer": "中共辰溪县委教育工作领导小组",
        "issued": "2022-10-31",
    }
    assert len(payload["tasks"]) == 24
    task5 = payload["tasks"][4]
    assert set(task5) == {
        "number",
        "title",
        "requirements",
        "assignments",
        "liaison",
        "deadline",
        "deadline_text",
        "section",
        "leader",
    }
    assert task5["number"] == "5"
    assert task5["assignments"][0] == {"unit": "县教育局", "role": "lead"}
    assert {"unit": "各乡镇党委、政府", "role": "responsible"} in task5["assignments"]
    assert task5["deadline"] is None
    assert not (cli_env / "cli.sqlite3").exists()  # a dry run opens no database


def test_import_title_option_and_plan_show(
    cli_env: Path, runner: CliRunner, sample_plan: Path
) -> None:
    result = runner.invoke(app, ["import", str(sample_plan), "--title", "营商环境任务"])
    assert result.exit_code == 0, result.stderr
    assert "已保存为方案 1" in result.stdout
    shown = json.loads(runner.invoke(app, ["plan", "show", "--json"]).stdout)
    assert shown["plan"]["title"] == "营商环境任务"
    assert shown["plan"]["revision"] == 1
    assert [t["number"] for t in shown["tasks"]] == [str(n) for n in range(1, 21)]
    deadlines = {t["number"]: (t["deadline"], t["deadline_text"]) for t in shown["tasks"]}
    assert [deadlines[n] for n in ("1", "5", "8")] == [
        ("2026-12-31", "2026年12月"),
        ("2026-12-31", None),  # a whole date: the date says it
        (None, "长期坚持"),
    ]
    table = runner.invoke(app, ["plan", "show"])
    assert "青营商组发〔2026〕3号" in table.stdout
    assert "共 20 项任务" in table.stdout


def test_import_json_without_dry_run_reports_the_change_on_stderr(
    cli_env: Path, runner: CliRunner, sample_plan: Path
) -> None:
    result = runner.invoke(app, ["import", str(sample_plan), "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["plan"]["doc_number"] == "青营商组发〔2026〕3号"
    deadlines = {t["number"]: (t["deadline"], t["deadline_text"]) for t in payload["tasks"]}
    assert [deadlines[n] for n in ("1", "5", "8", "19")] == [
        ("2026-12-31", "2026年12月"),
        ("2026-12-31", None),  # a whole date: the date says it
        (None, "长期坚持"),
        (None, "持续推进"),
    ]
    assert "已保存为方案 1" in result.stderr


def test_export_plan_round_trip(cli_env: Path, runner: CliRunner, shared_plan: Path) -> None:
    runner.invoke(app, ["import", str(shared_plan)])
    before = json.loads(runner.invoke(app, ["plan", "show", "--json"]).stdout)
    for name in ("register.xlsx", "register.docx", "register.csv"):
        result = runner.invoke(app, ["export-plan", "--out", str(cli_env / name)])
        assert result.exit_code == 0, result.stderr
        # A CSV holds no title block, so its title is given, as a user would.
        title = ["--title", before["plan"]["title"]] if name.endswith(".csv") else []
        again = runner.invoke(app, ["import", str(cli_env / name), *title])
        assert again.exit_code == 0, again.stderr
        assert "没有变化" in again.stdout, name
    after = json.loads(runner.invoke(app, ["plan", "show", "--json"]).stdout)
    assert after == before
    refused = runner.invoke(app, ["export-plan", "--out", "register.pdf"])
    assert refused.exit_code == 2
    assert ".xlsx" in refused.stderr


def test_commands_before_any_import(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "show"])
    assert result.exit_code == 2
    assert "duban import" in result.stderr


def test_unit_commands(cli_env: Path, runner: CliRunner, shared_plan: Path) -> None:
    runner.invoke(app, ["import", str(shared_plan)])
    listing = runner.invoke(app, ["unit", "list"])
    assert "各乡镇党委、政府" in listing.stdout
    assert "共 34 个单位" in listing.stdout
    alias = runner.invoke(app, ["unit", "alias", "县教育局", "教育局"])
    assert alias.exit_code == 0
    assert "现在指" in alias.stdout
    unknown = runner.invoke(app, ["unit", "alias", "县不存在局", "别名"])
    assert unknown.exit_code == 2
    assert "没有名为" in unknown.stderr
    merged = runner.invoke(app, ["unit", "merge", "中小学", "各中小学校"])
    assert merged.exit_code == 0, merged.stderr
    assert "共 33 个单位" in runner.invoke(app, ["unit", "list"]).stdout


def test_demo_runs_offline(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "--output", str(cli_env / "out")])
    assert result.exit_code == 0, result.stderr
    assert (cli_env / "out" / "register.xlsx").exists()
    assert "青溪县2026年优化营商环境重点任务分工方案" in result.stdout
    # a quarter on the scheduler's jobs: dispatches, reminders, escalation, digests, a summary,
    # on the sample plan's own cadence (每月25日前报送: due by the 25th, dispatched 5 working
    # days before; October's 25th is a Sunday, so due the 23rd)
    assert "每月25日前各单位报送工作进展" in result.stdout
    for moment in ("2026-10-16 09:05", "2026-10-21 09:05", "2026-10-26 09:35", "2026-12-18 09:05"):
        assert moment in result.stdout, moment
    assert "[photo]" in result.stdout
    # the monthly prompt and the presses that answer it, as they happened on Telegram
    assert "2026-10 月度进展调度" in result.stdout
    for press in ("▸ [报送第4项]", "▸ [推进中]", "▸ [确认报送]"):
        assert press in result.stdout, press
    # and on WeCom, as template cards clicked, each card then marked with what was chosen
    for click in ("张三（县财政局） ▸ [滞后]", "〔已选择：滞后〕", "〔已选择：确认报送〕"):
        assert click in result.stdout, click
    assert "已审定通过（第2版）" in result.stdout
    assert "已审定1项" in result.stdout
    assert "2026-12 月度调度汇总" in result.stdout
    out = cli_env / "out"
    for name in ("progress-2026-12.xlsx", "progress-2026-12.docx", "progress-2026-12.png"):
        assert (out / name).stat().st_size > 5000, name
    assert (out / "materials-2026-Q4.docx").exists()


def test_invalid_settings_are_named(cli_env: Path, runner: CliRunner, monkeypatch: object) -> None:
    import pytest  # noqa: PLC0415

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "fr")
    result = runner.invoke(app, ["plan", "show"])
    assert result.exit_code == 2
    assert "DUBAN_DEFAULT_LOCALE" in result.stderr
