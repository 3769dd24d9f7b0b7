"""Workbooks of big sheets, written through XlsxWriter.

openpyxl builds a Cell object per value, checks and binds it, and writes it through lxml; a
month's export of 2 000 tasks and 300 unit sheets spent most of its time there. XlsxWriter keeps
a row as a few tuples and writes each text once (shared strings), and here assembles the package
in memory, each part kept as UTF-8 bytes once written (:func:`_workbook_class`): its
``constant_memory`` mode, which writes each row as it is finished, took about
twice the CPU (a temporary file per sheet and per part, 600 for a month; each text written out
at each use) to save a few tens of MB (bench/RESULTS.md). openpyxl still reads workbooks and writes
the small ones.

Every sheet is laid out the way the spreadsheets we hand out are: columns of given widths, a
frozen header repeated on every printed page, A4 landscape fitted to one page wide. Cells take
the named styles of :mod:`bot.render.sheetstyles`. Text is written as text, never as a formula
(a value starting with ``=`` stays what it says); characters a sheet cannot hold (control
characters pasted from elsewhere) are dropped, and a carriage return becomes a line break.
Rows are written top to bottom.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

MAX_TEXT = 32767  # Excel's limit of characters in a cell
A4 = 9  # the paper size's code in the page setup
# What XML cannot hold, and what XlsxWriter would write as an _xHHHH_ escape that openpyxl
# (our importer) reads back as it stands: all control characters but tab and line feed.
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_RETURN = re.compile("\r\n?")
_SPECIAL = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # either
# openpyxl stores a column's width as given, padding included; XlsxWriter adds the padding of
# 5 pixels of a 7-pixel digit to what it is given, so it is given that much less.
_PADDING = 5 / 7
_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def clean_text(value: object) -> str:
    """``value`` as a cell's text: at most Excel's 32 767 characters, without the characters
    a sheet cannot hold, line breaks as line feeds."""
    text = "" if value is None else str(value)
    if _SPECIAL.search(text) is not None:
        text = _DROPPED.sub("", _RETURN.sub("\n", text))
    return text[:MAX_TEXT]


class Sheet:
    """One worksheet, written in order, top to bottom (row numbers from 1, as Excel shows)."""

    def __init__(self, worksheet: Any, widths: Sequence[float], formats: Mapping[str, Any]):
        self._sheet = worksheet
        self._formats = formats
        self._columns = max(len(widths), 1)
        self._last = 0
        for index, width in enumerate(widths):
            worksheet.set_column(index, index, max(width - _PADDING, 0))
        worksheet.set_landscape()
        worksheet.set_paper(A4)
        worksheet.fit_to_pages(1, 0)
        worksheet.set_margins(left=0.75, right=0.75, top=1, bottom=1)
        worksheet.set_header("", {"margin": 0.5})
        worksheet.set_footer("", {"margin": 0.5})

    @property
    def title(self) -> str:
        """The sheet's name on its tab."""
        return str(self._sheet.name)

    @property
    def last_row(self) -> int:
        """The number of the last row written (0 before any)."""
        return self._last

    def row(
        self,
        number: int,
        values: Sequence[str | None],
        style: str,
        *,
        height: float | None = None,
        styled: Mapping[int, str] | None = None,
    ) -> None:
        """Write ``values`` into row ``number`` from column A, each cell as text in the named
        ``style`` (``styled``: another style for some columns, by index from 0)."""
        at = self._next(number)
        if height is not None:
            self._sheet.set_row(at, height)
        plain = self._formats[style]
        sheet = self._sheet
        for column, value in enumerate(values):
            shown = self._formats[styled[column]] if styled and column in styled else plain
            if text := clean_text(value):
                sheet.write_string(at, column, text, shown)
            else:  # an empty cell, not an empty text (read back as None)
                sheet.write_blank(at, column, None, shown)

    def line(self, number: int, text: str, style: str) -> None:
        """Write ``text`` into row ``number`` as one cell across the sheet's columns."""
        at = self._next(number)
        shown = self._formats[style]
        if self._columns > 1:
            self._sheet.merge_range(at, 0, at, self._columns - 1, "", shown)
        self._sheet.write_string(at, 0, clean_text(text), shown)

    def repeat_header(self, number: int) -> None:
        """Freeze the rows down to row ``number`` and print row ``number`` atop every page."""
        self._sheet.freeze_panes(number, 0)
        self._sheet.repeat_rows(number - 1)

    def _next(self, number: int) -> int:
        """Row ``number``'s index from 0, once the rows above it are written."""
        if number <= self._last:
            raise ValueError(f"row {number} written after row {self._last}")
        self._last = number
        return number - 1


class Book:
    """A workbook written to ``path`` on :meth:`close`, its cells in the named styles of
    :mod:`bot.render.sheetstyles`."""

    def __init__(self, path: Path) -> None:
        from bot.render.sheetstyles import STYLES  # noqa: PLC0415

        self._book = _workbook_class()(str(path), _OPTIONS)
        self._formats = {name: self._book.add_format(dict(p)) for name, p in STYLES.items()}

    def sheet(self, title: str, widths: Sequence[float]) -> Sheet:
        """A new sheet, after the others (``title``: a valid name, unique in the book)."""
        return Sheet(self._book.add_worksheet(title), widths, self._formats)

    def close(self) -> None:
        """Write the package."""
        self._book.close()


@cache
def _workbook_class() -> Any:
    """XlsxWriter's Workbook, its package assembled part by part in memory, each part kept as
    UTF-8 bytes once written.

    XlsxWriter's in-memory mode writes every part (a sheet, the shared strings) as text into a
    StringIO, keeps them all, and zips them at the end; CPython's StringIO holds each written
    piece (a cell's ``<c>`` element) as a string of its own until read. A month at 8 000 tasks
    has 20 MB of XML in 1 200 parts, about 60 MB held that way at once (a quarter of the
    export's peak). Here each part is encoded as soon as the next one starts (its packager's
    ``_filename``, the override point XlsxWriter's ``_get_packager`` offers), and zipped from
    those bytes. Temporary files (XlsxWriter's default) saved as much memory but cost 15–25 %
    more CPU: a file created, written, read back and removed per part.

    A new sheet's name is checked against the others' in a set (XlsxWriter compares it with
    each sheet's in turn: quadratic in the 1 200 sheets of a month at 8 000 tasks)."""
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415 - exports only
    from xlsxwriter.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415
        DuplicateWorksheetName,
    )
    from xlsxwriter.packager import Packager  # type: ignore[import-untyped]  # noqa: PLC0415

    class EncodingPackager(Packager):
        def _filename(self, xml_filename: str) -> Any:
            if self.filenames and not self.filenames[-1][2]:  # the last text part is done
                text, name, _ = self.filenames[-1]
                self.filenames[-1] = (io.BytesIO(text.getvalue().encode("utf-8")), name, True)
                text.close()
            return super()._filename(xml_filename)

    class Workbook(xlsxwriter.Workbook):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._folded: set[str] = set()  # the sheets' names, lower-cased

        def _get_packager(self) -> Packager:
            return EncodingPackager()

        def _check_sheetname(self, sheetname: str, is_chartsheet: bool = False) -> str:
            # XlsxWriter compares a new name with every sheet's, each lower-cased: 720 000
            # comparisons for 1 200 unit sheets. Its other checks (length, characters) run
            # with no sheet to compare with; the names are looked up in a set instead.
            sheets: list[Any] = self.worksheets()
            self.worksheets_objs = []
            try:
                name = str(super()._check_sheetname(sheetname, is_chartsheet))
            finally:
                self.worksheets_objs = sheets
            if name.lower() in self._folded:
                raise DuplicateWorksheetName(
                    f"Sheetname '{name}', with case ignored, is already in use."
                )
            self._folded.add(name.lower())
            return name

    return Workbook
