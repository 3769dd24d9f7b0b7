"""The big sheets' workbook (bot/render/xlsxbook.py, over XlsxWriter): what a reader finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.render.progress import sheet_name
from bot.render.sheetstyles import BODY, CAPTION, HEADER, SECTION, TITLE, light_style
from bot.render.xlsxbook import Book


def test_a_workbook_reads_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    book = Book(path)
    first = book.sheet("进展情况", [6, 40])
    first.line(1, "标题 & <方案>", TITLE)
    first.row(2, ["序号", "进展情况"], HEADER)
    first.repeat_header(2)
    first.row(3, ["1", " 前后空格 "], BODY, height=32, styled={1: light_style("red")})
    first.line(4, "一、第一部分", SECTION)
    first.row(6, ["2", "甲\r\n乙\r丙"], BODY)
    first.row(7, ["3", None], BODY)
    other = book.sheet("县'局", [10])
    other.row(1, ["县'局"], CAPTION)
    other.row(2, ["=1+1"], BODY)
    other.repeat_header(1)
    book.close()

    read = load_workbook(path)
    assert read.sheetnames == ["进展情况", "县'局"]
    sheet = read["进展情况"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["标题 & <方案>", None],
        ["序号", "进展情况"],
        ["1", " 前后空格 "],
        ["一、第一部分", None],
        [None, None],
        ["2", "甲\n乙\n丙"],  # a carriage return is a line break
        ["3", None],  # nothing written: an empty cell, framed as its row
    ]
    assert sorted(str(r) for r in sheet.merged_cells.ranges) == ["A1:B1", "A4:B4"]
    assert (sheet.freeze_panes, sheet.print_title_rows) == ("A3", "$2:$2")
    assert round(sheet.row_dimensions[3].height) == 32  # Excel's whole pixels: 32.25 points
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (6, 40)
    assert sheet["B3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A3"].fill.fill_type is None
    assert (sheet["A1"].font.b, sheet["A1"].font.sz, sheet["A1"].alignment.horizontal) == (
        True, 16, "center"
    )  # fmt: skip
    assert (sheet["A2"].font.b, sheet["A2"].alignment.vertical) == (True, "center")
    assert (sheet["A3"].font.b, sheet["A4"].font.b) == (False, True)
    assert (sheet["B3"].alignment.wrap_text, sheet["B3"].alignment.vertical) == (True, "top")
    assert {sheet["A3"].border.left.style, sheet["B7"].border.bottom.style} == {"thin"}
    assert sheet["A1"].border.left.style is None
    setup = sheet.page_setup
    assert (setup.orientation, str(setup.paperSize), setup.fitToHeight) == ("landscape", "9", 0)
    assert setup.fitToWidth in (None, 1)  # left out: 1
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None
    assert fit.fitToPage
    formula = read["县'局"]["A2"]
    assert (formula.value, formula.data_type) == ("=1+1", "s")
    assert read["县'局"]["A1"].font.sz == 12
    assert read["县'局"].print_title_rows == "$1:$1"


def test_characters_a_sheet_cannot_hold_are_dropped_not_refused(tmp_path: Path) -> None:
    """Text pasted from Word can carry a vertical tab; openpyxl refused the whole export."""
    path = tmp_path / "out.xlsx"
    book = Book(path)
    book.sheet("单位", [30]).row(1, ["第一行\x0b第二行\x01\ud800\uffff", "x" * 40000], BODY)
    book.close()
    cells = load_workbook(path)["单位"][1]
    assert cells[0].value == "第一行第二行"
    assert len(str(cells[1].value)) == 32767  # Excel's most in a cell


def test_rows_are_written_top_to_bottom(tmp_path: Path) -> None:
    book = Book(tmp_path / "out.xlsx")
    sheet = book.sheet("单位", [10])
    sheet.row(2, ["a"], BODY)
    with pytest.raises(ValueError, match="row 1 written after row 2"):
        sheet.row(1, ["b"], BODY)
    book.close()


def test_a_book_of_many_sheets_keeps_each_sheets_last_row(tmp_path: Path) -> None:
    """A book of many sheets (a month has 300 units): each keeps its rows, the last one too."""
    path = tmp_path / "out.xlsx"
    book = Book(path)
    for number in range(1, 41):
        sheet = book.sheet(f"单位{number}", [10, 10])
        sheet.row(1, [f"单位{number}"], CAPTION)
        sheet.row(2, ["最后", str(number)], BODY)
    book.close()
    read = load_workbook(path, read_only=True)
    assert len(read.sheetnames) == 40
    assert [[c.value for c in r] for r in read["单位40"].iter_rows()] == [
        ["单位40", None],
        ["最后", "40"],
    ]
    assert next(read["单位1"].iter_rows(min_row=2, values_only=True)) == ("最后", "1")


def test_unit_sheet_names_excel_takes(tmp_path: Path) -> None:
    """Excel refuses a name with ' at either end, and two names differing in case only."""
    taken = {"进展情况"}
    names = [sheet_name(unit, taken) for unit in ["'县局'", "ABC", "abc", "a/b", "x" * 40]]
    assert names == ["县局", "ABC", "abc_2", "a_b", "x" * 28]
    path = tmp_path / "out.xlsx"
    book = Book(path)
    for name in names:
        book.sheet(name, [10])
    book.close()
    assert load_workbook(path).sheetnames == names
