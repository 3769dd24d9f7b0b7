"""Issue 13's review sheet, and the section and leader of each stored task.

``duban import FILE --review OUT.xlsx`` writes the register for the secretariat to check and
stores nothing; ``duban import OUT.xlsx`` reads the corrected sheet back exactly.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.messages import N_, msg
from bot.domain.plan import Assignment, NoteKind, ParsedPlan, PlanTask, Role
from bot.domain.review import MARKER, MARKER_SHEET, ReviewColumn
from bot.i18n import Translator
from bot.importers import read_plan, read_plan_bytes
from bot.plans.importing import import_plan
from bot.render.review import UNCERTAIN_FILL, uncertain_cells, write_review
from bot.storage.register import load_tasks

PLAN = """\
X教发〔2026〕5号

XX县义务教育优质均衡发展重点任务分工方案

各责任单位每月25日前报送工作进展，坚持一月一调度、一季度一总结。

一、扩大优质教育资源
(一)新建改扩建学校
1.推进城区学校扩容。新建小学2所,改扩建初中1所。
牵头单位:县教育局
责任单位:县发改局、县自然资源局
配合单位:各乡镇人民政府
牵头领导:王小明
完成时限:2026年12月31日
2.加强师资配备。补充教师200名。
牵头单位:县教育局
配合单位:县财政局、县人社局
完成时限:2027年6月30日
二、提升办学质量
3.开展教师培训。每年培训教师1000人次。
牵头单位:县教育局
责任单位:县财政局
责任领导:李华
"""
FIRST = "一、扩大优质教育资源 / (一)新建改扩建学校"
SECOND = "二、提升办学质量"
EN_HEADER = [
    "No.",
    "Section",
    "Task",
    "Requirements",
    "Lead units",
    "Responsible units",
    "Cooperating units",
    "Leader",
    "Deadline",
    "Notes",
]
COLLECTIVE_NOTE = "“各乡镇人民政府” stands for several bodies (a collective), not one unit."


@pytest.fixture
def plan_file(cli_env: Path) -> Path:
    path = cli_env / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def shown(runner: CliRunner) -> dict[str, Any]:
    result = runner.invoke(app, ["plan", "show", "--json"])
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def database_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row of the register, as the database holds it (times left out)."""
    queries = {
        "plan": "SELECT id, title, doc_number, issuer, issued, revision, columns, headers, "
        "monthly_dispatch, quarterly_summary, cadence, retired_at FROM plan",
        "task": "SELECT id, number, position, title, requirements, liaison, deadline, section, "
        "leader, revision, retired_at FROM task ORDER BY id",
        "assignment": "SELECT a.id, t.number, u.name, a.role, a.position, a.retired_at IS NULL "
        "FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
        "ORDER BY a.id",
        "unit": "SELECT id, name, kind, merged_into_id, retired_at FROM unit ORDER BY id",
        "unit_alias": "SELECT unit_id, plan_id, alias FROM unit_alias ORDER BY id",
    }
    with closing(sqlite3.connect(path)) as db:
        return {table: db.execute(sql).fetchall() for table, sql in queries.items()}


def header_row(sheet: Any) -> list[str]:
    return [c.value for c in sheet[3]]


def test_the_sheet_round_trips_one_edited_unit_and_nothing_else(
    cli_env: Path, runner: CliRunner, plan_file: Path
) -> None:
    stored = runner.invoke(app, ["import", str(plan_file)])
    assert stored.exit_code == 0, stored.stderr
    before = shown(runner)
    rows = database_rows(cli_env / "cli.sqlite3")
    plan_row = rows["plan"][0]
    assert (plan_row[2], json.loads(plan_row[10])["due_day"]) == ("X教发〔2026〕5号", 25)
    assert [(t["section"], t["leader"]) for t in before["tasks"]] == [
        (FIRST, "王小明"),
        (FIRST, None),
        (SECOND, "李华"),
    ]
    review = cli_env / "review.xlsx"
    written = runner.invoke(app, ["import", str(plan_file), "--review", str(review)])
    assert written.exit_code == 0, written.stderr
    assert f"duban import {review}" in written.stdout
    assert shown(runner) == before  # writing the sheet stored nothing

    book = openpyxl.load_workbook(review)
    sheet = book.worksheets[0]
    say = Translator("zh_CN").gettext
    column = header_row(sheet).index(say("Cooperating units")) + 1
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == ["1", "2", "3"]
    assert sheet.cell(row=5, column=column).value == "县财政局\n县人社局"
    sheet.cell(row=5, column=column).value = "县财政局\n县卫健局"  # the secretariat's fix
    book.save(review)

    again = runner.invoke(app, ["import", str(review)])
    assert again.exit_code == 0, again.stderr
    assert "已更新到第 2 版：新增 0 项（-），修改 1 项（2），停用 0 项（-）" in again.stdout
    expected = copy.deepcopy(before)
    expected["plan"]["revision"] = 2
    expected["tasks"][1]["assignments"] = [
        {"unit": "县教育局", "role": "lead"},
        {"unit": "县财政局", "role": "cooperating"},
        {"unit": "县卫健局", "role": "cooperating"},
    ]
    assert shown(runner) == expected
    after = database_rows(cli_env / "cli.sqlite3")
    want = copy.deepcopy(rows)
    want["plan"] = [(*want["plan"][0][:5], 2, *want["plan"][0][6:])]  # revision 2, all else kept
    task = want["task"][1]  # task 2, the one changed: now of revision 2, nothing else
    want["task"][1] = (*task[:9], 2, task[10])
    retired = next(i for i, a in enumerate(want["assignment"]) if a[1:3] == ("2", "县人社局"))
    want["assignment"][retired] = (*want["assignment"][retired][:5], 0)
    new_id = max(a[0] for a in want["assignment"]) + 1
    want["assignment"].append((new_id, "2", "县卫健局", "cooperating", 2, 1))
    want["unit"].append((max(u[0] for u in want["unit"]) + 1, "县卫健局", "government", None, None))
    assert after == want
    last = runner.invoke(app, ["import", str(review)])  # the same sheet again: nothing to do
    assert "没有变化" in last.stdout, last.stdout


def test_the_sheet_as_the_secretariat_sees_it(
    cli_env: Path, runner: CliRunner, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    review = cli_env / "out" / "review.xlsx"
    result = runner.invoke(app, ["import", str(plan_file), "--review", str(review)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(
        f"Wrote 3 tasks to the review sheet {review}; nothing was stored. Correct it, then "
        f"import it: duban import {review}\n"
    )
    assert not (cli_env / "cli.sqlite3").exists()  # no database was even opened
    book = openpyxl.load_workbook(review)
    assert book.sheetnames == ["Review", MARKER_SHEET]
    assert book[MARKER_SHEET].sheet_state == "hidden"
    assert book[MARKER_SHEET]["A1"].value == MARKER
    sheet = book["Review"]
    assert sheet["A1"].value == "XX县义务教育优质均衡发展重点任务分工方案"
    assert header_row(sheet) == EN_HEADER
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows == [
        [
            "1",
            FIRST,
            "推进城区学校扩容",
            "新建小学2所,改扩建初中1所。",
            "县教育局",
            "县发改局\n县自然资源局",
            "各乡镇人民政府",
            "王小明",
            "2026-12-31",
            COLLECTIVE_NOTE,
        ],
        [
            "2",
            FIRST,
            "加强师资配备",
            "补充教师200名。",
            "县教育局",
            None,
            "县财政局\n县人社局",
            None,
            "2027-06-30",
            None,
        ],
        [
            "3",
            SECOND,
            "开展教师培训",
            "每年培训教师1000人次。",
            "县教育局",
            "县财政局",
            None,
            "李华",
            None,
            None,
        ],
    ]
    uncertain = [
        (cell.coordinate, cell.comment.text if cell.comment else None)
        for row in sheet.iter_rows(min_row=4)
        for cell in row
        if cell.fill.fgColor.rgb == "00" + UNCERTAIN_FILL
    ]
    assert uncertain == [("G4", COLLECTIVE_NOTE)]  # the cooperating cell holding the collective
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        int(sheet.PAPERSIZE_A4),
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


def test_headers_follow_the_operators_locale(tmp_path: Path) -> None:
    plan = read_plan_bytes(PLAN.encode(), name="plan.txt")
    path = tmp_path / "review.xlsx"
    zh = Translator("zh_CN")
    write_review(plan, path, zh.render, import_hint="duban import review.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert header_row(sheet) == [zh.gettext(h) for h in EN_HEADER]
    assert header_row(sheet)[0] == "序号"
    assert read_plan(path).tasks[0].to_json() == plan.tasks[0].to_json()  # read in any locale


def test_json_reports_each_note_with_its_task_and_the_parts(
    cli_env: Path, runner: CliRunner, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    result = runner.invoke(app, ["import", str(plan_file), "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"plan", "tasks", "warnings", "notes", "parts"}
    assert payload["notes"] == [{"task": "1", "kind": "collective", "text": COLLECTIVE_NOTE}]
    assert payload["parts"] == []
    with_sheet = runner.invoke(app, ["import", str(plan_file), "--review", "r.xlsx", "--json"])
    assert json.loads(with_sheet.stdout) == payload
    assert with_sheet.stderr.startswith("Wrote 3 tasks to the review sheet r.xlsx;")
    assert read_plan(cli_env / "r.xlsx").tasks[2].leader == "李华"
    assert [(t["section"], t["leader"]) for t in payload["tasks"]] == [
        (FIRST, "王小明"),
        (FIRST, None),
        (SECOND, "李华"),
    ]


def table_rows(output: str) -> list[list[str]]:
    """A rich table's rows, each cell's wrapped lines joined, spaces dropped."""
    rows: list[list[str]] = []
    block: list[list[str]] = []
    for line in [*output.splitlines(), "└"]:
        if line.startswith("│"):
            block.append([c.strip() for c in line.strip().strip("│").split("│")])
        elif block:
            rows.append(["".join("".join(parts).split()) for parts in zip(*block, strict=True)])
            block = []
    return rows


def test_preview_shows_sections_leaders_and_notes(
    cli_env: Path, runner: CliRunner, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    result = runner.invoke(app, ["import", str(plan_file), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    first, second = (s.replace(" ", "") for s in (FIRST, SECOND))
    note = COLLECTIVE_NOTE.replace(" ", "")
    assert table_rows(result.stdout) == [
        ["", first, "", "", "", "", ""],
        [
            "1",
            "推进城区学校扩容",
            "县教育局",
            "县发改局、县自然资源局、各乡镇人民政府",
            "王小明",
            "2026-12-31",
            note,
        ],
        ["2", "加强师资配备", "县教育局", "县财政局、县人社局", "", "2027-06-30", ""],
        ["", second, "", "", "", "", ""],
        ["3", "开展教师培训", "县教育局", "县财政局", "李华", "", ""],
    ]
    assert result.stdout.endswith("Dry run: 3 tasks read, nothing was stored.\n")


def test_refusals_write_nothing(cli_env: Path, runner: CliRunner, plan_file: Path) -> None:
    wrong = runner.invoke(app, ["import", str(plan_file), "--review", "review.csv"])
    assert (wrong.exit_code, wrong.stdout) == (2, "")
    assert not (cli_env / "review.csv").exists()
    empty = cli_env / "empty.txt"
    empty.write_text("关于做好有关工作的通知\n\n各单位:请认真落实。\n", encoding="utf-8")
    refused = runner.invoke(app, ["import", str(empty), "--review", "review.xlsx"])
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (cli_env / "review.xlsx").exists()

    review = cli_env / "review.xlsx"
    assert runner.invoke(app, ["import", str(plan_file), "--review", str(review)]).exit_code == 0
    book = openpyxl.load_workbook(review)
    sheet = book.worksheets[0]
    sheet.cell(row=5, column=9).value = "明年六月"  # a deadline that names no date
    book.save(review)
    bad_date = runner.invoke(app, ["import", str(review)])
    assert bad_date.exit_code == 2
    assert "明年六月" in bad_date.stderr
    sheet.delete_rows(4, 3)  # every task removed
    book.save(review)
    no_tasks = runner.invoke(app, ["import", str(review)])
    assert no_tasks.exit_code == 2
    assert len(no_tasks.stderr.strip().splitlines()) == 1
    assert not (cli_env / "cli.sqlite3").exists()  # nothing stored by any of them


def test_export_plan_keeps_sections_and_leaders(
    cli_env: Path, runner: CliRunner, plan_file: Path
) -> None:
    assert runner.invoke(app, ["import", str(plan_file)]).exit_code == 0
    before = shown(runner)
    for name in ("register.xlsx", "register.docx", "register.csv"):
        result = runner.invoke(app, ["export-plan", "--out", str(cli_env / name)])
        assert result.exit_code == 0, result.stderr
        title = ["--title", before["plan"]["title"]] if name.endswith(".csv") else []
        again = runner.invoke(app, ["import", str(cli_env / name), *title])
        assert again.exit_code == 0, again.stderr
        assert "没有变化" in again.stdout, (name, again.stdout)
    sheet = openpyxl.load_workbook(cli_env / "register.xlsx").worksheets[0]
    column_a = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert column_a[column_a.index("序号") :] == ["序号", FIRST, "1", "2", SECOND, "3"]
    assert "责任领导" in [c.value for c in sheet[column_a.index("序号") + 1]]
    assert shown(runner) == before


async def store(parsed: ParsedPlan) -> Any:
    return await import_plan(parsed, source_name="plan.txt", sha256="0" * 64, now=datetime.now(UTC))


async def test_section_and_leader_are_stored_and_survive_a_revision(db: str) -> None:
    first = await store(read_plan_bytes(PLAN.encode(), name="plan.txt"))
    tasks = await load_tasks(first.plan_id)
    assert [(t.number, t.section, t.leader) for t in tasks] == [
        ("1", FIRST, "王小明"),
        ("2", FIRST, None),
        ("3", SECOND, "李华"),
    ]
    revised = (
        PLAN.replace("责任领导:李华", "责任领导:张伟") + "4.建设智慧校园。\n牵头单位:县教育局\n"
    )
    outcome = await store(read_plan_bytes(revised.encode(), name="plan.txt"))
    diff = outcome.diff
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (
        ["4"],
        ["3"],
        [],
        ["1", "2"],
    )
    tasks = await load_tasks(first.plan_id)
    assert [(t.number, t.section, t.leader) for t in tasks] == [
        ("1", FIRST, "王小明"),
        ("2", FIRST, None),
        ("3", SECOND, "张伟"),
        ("4", SECOND, None),
    ]
    moved = revised.replace("二、提升办学质量", "二、提升教育质量")
    outcome = await store(read_plan_bytes(moved.encode(), name="plan.txt"))
    assert (outcome.diff.changed, outcome.diff.unchanged) == (["3", "4"], ["1", "2"])
    assert {t.section for t in await load_tasks(first.plan_id) if t.number in "34"} == {
        "二、提升教育质量"
    }


def test_which_cells_each_note_marks() -> None:
    units = [
        Assignment("县农业农村局", Role.LEAD, separately=True),
        Assignment("县水利局", Role.LEAD),
        Assignment("各乡镇人民政府", Role.RESPONSIBLE),
        Assignment("县财政局", Role.COOPERATING),
    ]
    task = PlanTask("7", "推进高标准农田建设", assignments=units)
    said = {
        NoteKind.GUESSED_COLUMN: None,
        NoteKind.CONVENTION: "县水利局",
        NoteKind.COLLECTIVE: "各乡镇人民政府",
        NoteKind.SEPARATELY: "县农业农村局",
        NoteKind.DEADLINE: None,
        NoteKind.CUT_OFF: None,
    }
    for kind, unit in said.items():
        task.note(kind, msg(N_("note {unit}"), unit=unit) if unit else msg(kind.value))
    marked = {c.value: [n.kind.value for n in notes] for c, notes in uncertain_cells(task).items()}
    assert marked == {
        "title": ["guessed_column"],
        "lead": ["convention", "separately", "cut_off"],
        "responsible": ["collective", "cut_off"],
        "cooperating": ["cut_off"],
        "deadline": ["deadline"],
    }
    bare = PlanTask("8", "无单位的任务")
    bare.note(NoteKind.NO_UNIT, msg("no unit"))
    assert list(uncertain_cells(bare)) == [
        ReviewColumn.LEAD,
        ReviewColumn.RESPONSIBLE,
        ReviewColumn.COOPERATING,
    ]


def test_notes_kinds_of_the_plan() -> None:
    plan = read_plan_bytes(PLAN.encode(), name="plan.txt")
    assert [(n, note.kind) for n, note in plan.task_notes()] == [("1", NoteKind.COLLECTIVE)]


DRAFTS = """\
关于征求《XX县教育提质行动方案》意见的公告
XX县教育提质行动方案（征求意见稿）
1.推进课后服务。(牵头单位:县教育局)
2.加强师资建设。(牵头单位:县教育局;配合单位:县人社局)
XX县教育提质行动方案（修改稿）
1.推进课后服务全覆盖。(牵头单位:县教育局;配合单位:县财政局)
2.加强师资建设。(牵头单位:县教育局;配合单位:县人社局、县财政局)
3.改善办学条件。(牵头单位:县发改局)
"""


def test_the_version_used_is_said_above_the_header_and_in_json(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    source = cli_env / "drafts.txt"
    source.write_text(DRAFTS, encoding="utf-8")
    plan = read_plan(source)
    result = runner.invoke(app, ["import", str(source), "--review", "r.xlsx", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["parts"] == [
        {
            "label": "XX县教育提质行动方案（征求意见稿）",
            "tasks": 2,
            "used": False,
            "feedback": False,
        },
        {"label": "XX县教育提质行动方案（修改稿）", "tasks": 3, "used": True, "feedback": False},
    ]
    sheet = openpyxl.load_workbook(cli_env / "r.xlsx").worksheets[0]
    said = Translator("en").render
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == [
        *(said(w) for w in plan.warnings),
        "No.",
    ]
    again = read_plan(cli_env / "r.xlsx")
    assert [t.to_json() for t in again.tasks] == [t.to_json() for t in plan.tasks]
    assert again.meta.to_json() == plan.meta.to_json()


def test_units_typed_on_one_line_are_one_unit_and_said_so(
    cli_env: Path, runner: CliRunner, plan_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_DEFAULT_LOCALE", "en")
    assert runner.invoke(app, ["import", str(plan_file), "--review", "r.xlsx"]).exit_code == 0
    book = openpyxl.load_workbook(cli_env / "r.xlsx")
    sheet = book.worksheets[0]
    sheet["G5"] = "县财政局、县卫健局"  # typed as in a plan, not one a line
    sheet["G6"] = "各乡镇党委、政府"  # a collective: one unit, nothing to say
    book.save(cli_env / "r.xlsx")
    result = runner.invoke(app, ["import", "r.xlsx", "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [a for t in payload["tasks"][1:] for a in t["assignments"] if a["role"] != "lead"] == [
        {"unit": "县财政局、县卫健局", "role": "cooperating"},
        {"unit": "县财政局", "role": "responsible"},
        {"unit": "各乡镇党委、政府", "role": "cooperating"},
    ]
    assert payload["warnings"] == [
        "Task 2: “县财政局、县卫健局” was read as one unit, as written on its line; if it names "
        "several, write one per line."
    ]
    assert payload["notes"] == []
