"""Page setup shared by the spreadsheets we hand out: A4 landscape, one page wide."""

from __future__ import annotations

from typing import Any


def landscape_a4(sheet: Any) -> None:
    """Print ``sheet`` on A4 landscape, fitted to one page wide and as many pages tall as needed."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is not None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
