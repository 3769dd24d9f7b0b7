"""The workbook's package as bot/render/xlsxbook.py assembles it: every part read back, and
XlsxWriter's sheet-name checks kept (with the duplicates looked up in a set)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from xlsxwriter.exceptions import (  # type: ignore[import-untyped]
    DuplicateWorksheetName,
    InvalidWorksheetName,
)

from bot.render.sheetstyles import BODY, HEADER
from bot.render.xlsxbook import Book


def test_many_sheets_read_back_part_by_part(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    book = Book(path)
    for n in range(40):
        sheet = book.sheet(f"单位{n}", [8, 30])
        sheet.row(1, ["序号", "进展情况"], HEADER)
        sheet.row(2, [str(n), f"第{n}项 <&> “引号” " + "长文本" * n], BODY)
    book.close()
    read = load_workbook(path)
    assert read.sheetnames == [f"单位{n}" for n in range(40)]
    assert read["单位39"]["B2"].value == "第39项 <&> “引号” " + "长文本" * 39
    assert read["单位0"]["A1"].value == "序号"


def test_a_name_taken_in_another_case_is_refused(tmp_path: Path) -> None:
    book = Book(tmp_path / "names.xlsx")
    book.sheet("Unit", [10])
    with pytest.raises(DuplicateWorksheetName):
        book.sheet("UNIT", [10])
    book.sheet("Unit 2", [10])
    book.close()
    assert load_workbook(tmp_path / "names.xlsx").sheetnames == ["Unit", "Unit 2"]


@pytest.mark.parametrize("name", ["a" * 32, "县[直]", "'单位'"])
def test_a_name_excel_refuses_is_refused(tmp_path: Path, name: str) -> None:
    book = Book(tmp_path / "bad.xlsx")
    book.sheet("first", [10])
    with pytest.raises(InvalidWorksheetName):
        book.sheet(name, [10])
    book.close()
