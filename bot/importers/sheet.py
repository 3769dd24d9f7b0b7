"""A simple sheet that is not a plan (a contacts list) → rows of cells: .xlsx, .csv or .tsv.

The same guards as plan files: a size limit, a ZIP checked before it is inflated, text in
UTF-8 or GB18030; old .xls files are refused with the advice to save them as .xlsx.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.domain.messages import N_
from bot.importers.delimited import delimited_rows
from bot.importers.errors import PlanFileError
from bot.importers.files import read_bounded
from bot.importers.office import office_kind
from bot.importers.reader import decode_text

MAX_SHEET_BYTES = 5 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0"  # the container of .xls and .doc


def read_sheet(path: Path, *, max_bytes: int = MAX_SHEET_BYTES) -> list[list[str]]:
    """Rows of the first visible worksheet (xlsx) or of the text (csv/tsv), as strings."""
    data = read_bounded(
        path,
        max_bytes,
        folder=N_("{name} is a folder, not a contacts sheet (.xlsx or .csv)."),
        too_large=N_("The file is {size} MB, more than the {limit} MB a contacts sheet may have."),
    )
    if data.startswith(_OLE):
        raise PlanFileError(
            N_("Old Excel (.xls) files cannot be read; save the sheet as .xlsx or .csv first.")
        )
    if data.startswith(b"PK"):
        if office_kind(data, max_inflated=20 * max_bytes) != "xlsx":
            raise PlanFileError(N_("A contacts sheet must be an Excel (.xlsx) or CSV file."))
        return _xlsx_rows(data)
    return delimited_rows(decode_text(data))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number: 13800138000.0
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl  # noqa: PLC0415 - heavy import, only sheet imports need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise PlanFileError(
            N_("The Excel workbook could not be read; it may be damaged or protected.")
        ) from exc
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state == "visible":
                return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return []
    finally:
        book.close()
