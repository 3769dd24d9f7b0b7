"""Workbooks written as SpreadsheetML text: big sheets without a cell object per value.

openpyxl builds a Cell per value, checks and binds it, and writes it through lxml, one
temporary file per worksheet; a month's export of 2 000 tasks and 300 unit sheets spent most of
its time there. Here each row is XML text as it is written (inline strings, as openpyxl writes
them), and the package is zipped straight from that text. openpyxl is still used for what it
does once per workbook: the named styles (:mod:`bot.render.sheetstyles`) become the stylesheet,
and each style's cell format index is read from it.

Every sheet is laid out the way the spreadsheets we hand out are: columns of given widths, a
frozen header repeated on every printed page, A4 landscape fitted to one page wide. Text is
written as text, never as a formula (a value starting with ``=`` stays what it says); characters
XML cannot hold (control characters pasted from elsewhere) are dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAX_TEXT = 32767  # Excel's limit of characters in a cell
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def _text(value: str) -> str:
    """``value`` as XML character data (the rare special character replaced or dropped)."""
    if _SPECIAL.search(value) is None:
        return value
    return _SPECIAL.sub(lambda m: _ESCAPES.get(m.group(), ""), value)


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _letter(column: int) -> str:
    """The column's letters (1 → A, 27 → AA)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Sheet:
    """One worksheet's rows as XML text, written in order, top to bottom."""

    def __init__(self, title: str, widths: Sequence[float], styles: Mapping[str, int]) -> None:
        self.title = title
        self.widths = list(widths)
        self.header: int | None = None  # the row frozen above the data and printed on each page
        self._styles = styles
        self._letters = [_letter(c) for c in range(1, len(self.widths) + 1)]
        self._rows: list[str] = []
        self._merges: list[str] = []
        self._last = 0

    def row(
        self,
        number: int,
        values: Sequence[str | None],
        style: str,
        *,
        height: float | None = None,
        styled: Mapping[int, str] | None = None,
    ) -> None:
        """Write ``values`` into row ``number`` from column A, each cell in the named ``style``
        (``styled``: another style for some columns, by index from 0)."""
        if number <= self._last:
            raise ValueError(f"row {number} written after row {self._last}")
        while len(self._letters) < len(values):
            self._letters.append(_letter(len(self._letters) + 1))
        self._last = number
        shown = f' ht="{height:g}" customHeight="1"' if height is not None else ""
        xf = self._styles[style]
        cells = []
        for index, value in enumerate(values):
            s = self._styles[styled[index]] if styled and index in styled else xf
            at = f"{self._letters[index]}{number}"
            text = "" if value is None else str(value)[:MAX_TEXT]
            if not text:
                cells.append(f'<c r="{at}" s="{s}" t="inlineStr"/>')
                continue
            space = ' xml:space="preserve"' if text != text.strip() else ""
            cells.append(
                f'<c r="{at}" s="{s}" t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>'
            )
        self._rows.append(f'<row r="{number}"{shown}>{"".join(cells)}</row>')

    @property
    def last_row(self) -> int:
        """The number of the last row written (0 before any)."""
        return self._last

    def merge(self, number: int) -> None:
        """Merge row ``number`` across the sheet's columns."""
        self._merges.append(f'<mergeCell ref="A{number}:{_letter(len(self.widths))}{number}"/>')

    def parts(self) -> Iterator[str]:
        """The worksheet's XML, in pieces."""
        last = f"{_letter(max(len(self.widths), len(self._letters), 1))}{max(self._last, 1)}"
        yield (
            f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
            f'<pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0">'
        )
        if self.header is not None:
            top = f"A{self.header + 1}"
            yield (
                f'<pane ySplit="{self.header}" topLeftCell="{top}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
            )
        else:
            yield '<selection activeCell="A1" sqref="A1"/>'
        yield '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        if self.widths:
            yield "<cols>"
            for index, width in enumerate(self.widths, start=1):
                yield f'<col width="{width:g}" customWidth="1" min="{index}" max="{index}"/>'
            yield "</cols>"
        yield "<sheetData>"
        yield from self._rows
        yield "</sheetData>"
        if self._merges:
            yield f'<mergeCells count="{len(self._merges)}">{"".join(self._merges)}</mergeCells>'
        yield (
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1"/>'
            "</worksheet>"
        )


class Book:
    """A workbook of :class:`Sheet` s with the named styles of :mod:`bot.render.sheetstyles`."""

    def __init__(self) -> None:
        from openpyxl import Workbook  # noqa: PLC0415 - heavy import, exports only

        from bot.render.sheetstyles import add_styles  # noqa: PLC0415

        book: Any = Workbook()
        self._book = book
        add_styles(book)
        probe = book.active.cell(row=1, column=1)
        self.styles: dict[str, int] = {}
        for name in book.named_styles:
            probe.style = name
            self.styles[name] = probe.style_id
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, widths: Sequence[float]) -> Sheet:
        """A new sheet, after the others (``title``: a valid name, unique in the book)."""
        added = Sheet(title, widths, self.styles)
        self.sheets.append(added)
        return added

    def save(self, path: Path) -> None:
        """Write the package to ``path``."""
        from openpyxl.styles.stylesheet import write_stylesheet  # noqa: PLC0415
        from openpyxl.writer.theme import theme_xml  # noqa: PLC0415
        from openpyxl.xml.functions import tostring  # noqa: PLC0415

        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", self._content_types())
            package.writestr("_rels/.rels", _ROOT_RELS)
            package.writestr("docProps/app.xml", _APP)
            package.writestr("docProps/core.xml", _CORE)
            package.writestr("xl/workbook.xml", self._workbook())
            package.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            package.writestr("xl/styles.xml", tostring(write_stylesheet(self._book)))
            package.writestr("xl/theme/theme1.xml", theme_xml)
            for number, sheet in enumerate(self.sheets, start=1):
                with package.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
                    for part in sheet.parts():
                        out.write(part.encode("utf-8"))

    def _content_types(self) -> str:
        office = "application/vnd.openxmlformats-officedocument"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
            for n in range(1, len(self.sheets) + 1)
        )
        return (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{office}.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
            'openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties'
            f'+xml"/>{sheets}<Override PartName="/xl/workbook.xml" '
            f'ContentType="{office}.spreadsheetml.sheet.main+xml"/></Types>'
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{_attribute(s.title)}" sheetId="{n}" state="visible" r:id="rId{n}"/>'
            for n, s in enumerate(self.sheets, start=1)
        )
        titles = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
            f"{_text(_quoted(s.title))}!${s.header}:${s.header}</definedName>"
            for n, s in enumerate(self.sheets)
            if s.header is not None
        )
        return (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/><bookViews>'
            '<workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{titles}</definedNames>" if titles else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )

    def _workbook_rels(self) -> str:
        kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        count = len(self.sheets)
        sheets = "".join(
            f'<Relationship Type="{kind}/worksheet" Target="/xl/worksheets/sheet{n}.xml" '
            f'Id="rId{n}"/>'
            for n in range(1, count + 1)
        )
        return (
            f'<Relationships xmlns="{PKG_REL}">{sheets}'
            f'<Relationship Type="{kind}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
            f'<Relationship Type="{kind}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/>'
            "</Relationships>"
        )


def _quoted(title: str) -> str:
    """A sheet's name as a formula refers to it."""
    return "'" + title.replace("'", "''") + "'"


_ROOT_RELS = (
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Type="{REL}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml" '
    'Id="rId2"/>'
    f'<Relationship Type="{REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
    "</Relationships>"
)
_APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Microsoft Excel Compatible / Duban</Application>'
    "</Properties>"
)
_CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Duban'
    "</dc:creator></cp:coreProperties>"
)
