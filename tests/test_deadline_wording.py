"""Deadlines kept as written (完成时间): ``长期坚持``, ``持续推进`` and ``2026年12月`` reach the
register, ``duban plan show``, the review sheet and the exported table in the plan's words,
while the date read from them still drives the lights."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cadence.dispatch import dispatch
from bot.cli import app
from bot.domain.deadlines import deadline_wording, parse_deadline, still_written
from bot.domain.plan import PlanTask
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.oversight.exports import export_month
from bot.storage.register import load_tasks

REAL = Path(__file__).resolve().parents[2] / "shared" / "plans" / "real"
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
# the bundled sample plan's 完成时间 column, as written, beside the dates read from it
SAMPLE = {
    "1": ("2026年12月", date(2026, 12, 31)),
    "2": ("2026年10月底", date(2026, 10, 31)),
    "3": ("2026年底", date(2026, 12, 31)),
    "5": (None, date(2026, 12, 31)),  # 2026年12月31日: the date says it all
    "8": ("长期坚持", None),
    "18": ("2026年第四季度", date(2026, 12, 31)),
    "19": ("持续推进", None),
}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("长期坚持", "长期坚持"),
        ("持续推进", "持续推进"),
        ("2026年12月", "2026年12月"),
        ("2026年底前", "2026年底前"),
        ("2026年12月31日", None),
        ("2026-12-31", None),
        ("2026-12-31 00:00:00", None),  # a spreadsheet's date cell read as text
        ("２０２６年１２月３１日", None),
        ("", None),
        ("—", None),
    ],
)
def test_the_words_worth_keeping(text: str, kept: str | None) -> None:
    assert deadline_wording(text) == kept


def test_the_sample_plan_keeps_its_words() -> None:
    plan = read_plan(Path(__file__).resolve().parents[1] / "bot" / "data" / "sample_plan.md")
    tasks = {t.number: t for t in plan.tasks}
    assert {n: (tasks[n].deadline_text, tasks[n].deadline) for n in SAMPLE} == SAMPLE
    assert tasks["8"].deadline_as_written == "长期坚持"
    assert tasks["5"].deadline_as_written == "2026-12-31"
    assert parse_deadline("持续推进") == (None, True)  # the date stays empty: no light from it


def test_a_real_plan_keeps_its_words() -> None:
    """Shandong's 2022 plan says 9月底前 in each paragraph: the date has the year, the words
    stay as the page wrote them."""
    path = REAL / "shandong_yingshang_2022.txt"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    plan = read_plan(path)
    assert [(t.number, t.deadline_text, t.deadline) for t in plan.tasks] == [
        ("1", "9月底前", date(2022, 9, 30)),
        ("2", "6月底前", date(2022, 6, 30)),
        ("3", "6月底前", date(2022, 6, 30)),
        ("4", "9月底前", date(2022, 9, 30)),
    ]


async def test_stored_and_exported_as_written(planned: str, tmp_path: Path) -> None:
    tasks = {t.number: t for t in await load_tasks(1)}
    assert {n: (tasks[n].deadline_text, tasks[n].deadline) for n in SAMPLE} == SAMPLE
    await dispatch(Month(2026, 10), now=NOW, today=NOW.date())
    out = tmp_path / "october.xlsx"
    await export_month(
        Month(2026, 10),
        "xlsx",
        out,
        today=NOW.date(),
        zone=ZoneInfo("Asia/Shanghai"),
        locale="zh_CN",
    )
    sheet = load_workbook(out).worksheets[0]
    rows = [
        [str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    header = next(r for r in rows if "完成时间" in r)
    column = header.index("完成时间")
    deadlines = {r[0]: r[column] for r in rows[rows.index(header) + 1 :] if r[0] in SAMPLE}
    assert deadlines == {
        "1": "2026年12月",
        "2": "2026年10月底",
        "3": "2026年底",
        "5": "2026年12月31日",
        "8": "长期坚持",
        "18": "2026年第四季度",
        "19": "持续推进",
    }


def test_plan_show_and_the_review_sheet(
    cli_env: Path, runner: CliRunner, sample_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    assert runner.invoke(app, ["init"]).exit_code == 0
    review = cli_env / "review.xlsx"
    assert runner.invoke(app, ["import", str(sample_plan), "--review", str(review)]).exit_code == 0
    sheet = load_workbook(review).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"长期坚持", "持续推进", "2026年12月", "2026-12-31"} <= cells
    stored = runner.invoke(app, ["import", str(review)])  # the sheet read back, words and all
    assert stored.exit_code == 0, stored.stderr
    shown = runner.invoke(app, ["plan", "show"])
    assert shown.exit_code == 0, shown.stderr
    for words in ("长期坚持", "持续推进", "2026年12月", "2026年第四季度", "2026-12-31"):
        assert words in shown.stdout


def test_export_plan_keeps_the_words(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    """``duban export-plan`` writes the plan's words, and reading the file back keeps them."""
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    out = cli_env / "register.xlsx"
    written = runner.invoke(app, ["export-plan", "--out", str(out)])
    assert written.exit_code == 0, written.stderr
    again = {t.number: t for t in read_plan(out).tasks}
    assert {n: (again[n].deadline_text, again[n].deadline) for n in SAMPLE} == SAMPLE


def test_words_give_way_to_a_moved_date() -> None:
    """An approved 延期申请 moves the date: the plan's words then no longer say it."""
    assert still_written("2026年12月", date(2026, 12, 31)) == "2026年12月"
    assert still_written("2026年12月", date(2027, 3, 31)) is None
    assert still_written("长期坚持", None) == "长期坚持"
    assert still_written("9月底前", date(2022, 9, 30)) == "9月底前"  # no year: cannot tell
    assert still_written(None, date(2026, 12, 31)) is None
    moved = PlanTask("1", "任务", deadline=date(2027, 3, 31), deadline_text="2026年12月")
    assert (moved.deadline_words, moved.deadline_as_written) == (None, "2027-03-31")
