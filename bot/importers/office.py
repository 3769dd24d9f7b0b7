"""Word (.docx) and Excel (.xlsx) plan files → rows of cells plus the text before the table.

Both are ZIP containers: their declared uncompressed size is checked before anything is
inflated, so a zip bomb is refused instead of filling memory.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime
from typing import Any

from bot.domain.messages import N_
from bot.importers.errors import PlanFileError
from bot.importers.grid import header_map
from bot.importers.header import SHEET_MARK
from bot.importers.wordnumbers import ListNumbers

_DEFAULT_SHEET = re.compile(r"^(?:Sheet|工作表|表)\s*\d*$", re.IGNORECASE)
_MAX_RATIO = 200  # inflated / compressed, beyond what real office XML reaches


def office_kind(data: bytes, *, max_inflated: int) -> str:
    """``docx`` or ``xlsx`` for a ZIP container, after checking it is safe to open."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            inflated = sum(info.file_size for info in infos)
            compressed = sum(info.compress_size for info in infos) or 1
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PlanFileError(
            N_("The file is a damaged ZIP archive, not a Word or Excel file that can be opened.")
        ) from exc
    if inflated > max_inflated or (
        inflated > 10 * 1024 * 1024 and inflated / compressed > _MAX_RATIO
    ):
        raise PlanFileError(
            N_(
                "The file unpacks to {size} MB, more than the {limit} MB allowed; "
                "it was not opened."
            ),
            size=inflated // (1024 * 1024),
            limit=max_inflated // (1024 * 1024),
        )
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise PlanFileError(
        N_("The file is a ZIP archive but neither a Word (.docx) nor an Excel (.xlsx) document.")
    )


def docx_content(data: bytes) -> tuple[list[list[str]], list[str], list[str]]:
    """Rows of the document's tables, the paragraphs before the first table, all paragraphs."""
    import docx  # noqa: PLC0415 - python-docx is slow to import; only plan imports need it
    from docx.table import Table  # noqa: PLC0415
    from docx.text.paragraph import Paragraph  # noqa: PLC0415

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise PlanFileError(
            N_("The Word document could not be read; it may be damaged or protected.")
        ) from exc
    rows: list[list[str]] = []
    preamble: list[str] = []
    paragraphs: list[str] = []
    numbers = ListNumbers(document)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = numbers.marker(block) + block.text  # the number Word draws, if any
            paragraphs.append(text)
            if not rows:
                preamble.append(text)
            elif text.strip():  # a heading between tables, as a one-cell row
                rows.append([text])
        elif isinstance(block, Table):
            for row in block.rows:
                rows.append([cell.text for cell in row.cells])
    return rows, preamble, paragraphs


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def open_workbook(data: bytes) -> Any:
    """The workbook in ``data`` (values, not formulas); one sentence when it cannot be read."""
    import openpyxl  # noqa: PLC0415 - heavy import, only plan imports need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise PlanFileError(
            N_("The Excel workbook could not be read; it may be damaged or protected.")
        ) from exc
    return book


def xlsx_content(data: bytes) -> tuple[list[list[str]], list[str]]:
    """Rows of every visible sheet, merged cells filled, and the rows above the first header."""
    book = open_workbook(data)
    rows: list[list[str]] = []
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        if len(visible) > 1 and not _DEFAULT_SHEET.match(sheet.title):
            rows.append([SHEET_MARK, sheet.title])  # the sheet's name: a section or a version
        grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = (
                grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else ""
            )
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = top
        rows.extend(grid)
    book.close()
    preamble: list[str] = []
    for row in rows:
        if header_map(row) is not None:
            break
        if row[:1] != [SHEET_MARK]:
            preamble.append(" ".join(dict.fromkeys(c for c in row if c)))
    return rows, preamble
