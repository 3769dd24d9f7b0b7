"""Worksheets written as text (bot/render/sheetxml.py): what a reader of the file finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.render.sheetstyles import BODY, CAPTION, HEADER, light_style
from bot.render.sheetxml import Book


def test_a_workbook_reads_back_as_written(tmp_path: Path) -> None:
    book = Book()
    first = book.sheet("进展情况", [6, 40])
    first.row(1, ["标题 & <方案>"], CAPTION)
    first.merge(1)
    first.row(2, ["序号", "进展情况"], HEADER)
    first.header = 2
    first.row(3, ["1", " 前后空格 "], BODY, height=32, styled={1: light_style("red")})
    first.row(5, ["2", "甲\r\n乙"], BODY)
    other = book.sheet("县'局", [10])
    other.row(1, ["=1+1"], BODY)
    other.header = 1
    path = tmp_path / "out.xlsx"
    book.save(path)

    read = load_workbook(path)
    assert read.sheetnames == ["进展情况", "县'局"]
    sheet = read["进展情况"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["标题 & <方案>", None],
        ["序号", "进展情况"],
        ["1", " 前后空格 "],
        [None, None],
        ["2", "甲\r\n乙"],
    ]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]
    assert (sheet.freeze_panes, sheet.print_title_rows) == ("A3", "$2:$2")
    assert sheet.row_dimensions[3].height == 32
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (6, 40)
    assert sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A2"].font.b
    assert sheet["A3"].border.left.style == "thin"
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth) == ("landscape", 1)
    formula = read["县'局"]["A1"]
    assert (formula.value, formula.data_type) == ("=1+1", "s")
    assert read["县'局"].print_title_rows == "$1:$1"


def test_characters_a_sheet_cannot_hold_are_dropped_not_refused(tmp_path: Path) -> None:
    """Text pasted from Word can carry a vertical tab; openpyxl refused the whole export."""
    book = Book()
    book.sheet("单位", [30]).row(1, ["第一行\x0b第二行\x01\ud800\uffff"], BODY)
    path = tmp_path / "out.xlsx"
    book.save(path)
    assert load_workbook(path)["单位"]["A1"].value == "第一行第二行"


def test_rows_are_written_top_to_bottom() -> None:
    sheet = Book().sheet("单位", [10])
    sheet.row(2, ["a"], BODY)
    with pytest.raises(ValueError, match="row 1 written after row 2"):
        sheet.row(1, ["b"], BODY)
