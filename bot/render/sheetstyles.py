"""Cell styles shared by every cell of a workbook we write, registered once as named styles.

openpyxl hashes a Font, Alignment or Border each time one is assigned to a cell, to find it in
the workbook's list; a cell given a named style by name only copies a small array of indexes.
:func:`add_styles` registers the styles once; writers then set ``cell.style = BODY`` and the like.
"""

from __future__ import annotations

from typing import Any

TITLE = "duban-title"
CAPTION = "duban-caption"  # a unit sheet's name line, the lines above a title
HEADER = "duban-header"
BODY = "duban-body"
SECTION = "duban-section"  # a section heading row inside the table
LEGEND = "duban-legend"
LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}


def light_style(light: str) -> str:
    """The named style of a 进展情况 cell of a task with ``light`` (green, yellow, red)."""
    return f"duban-{light}"


def add_styles(book: Any) -> None:
    """Register the named styles on ``book`` (once per workbook)."""
    from openpyxl.styles import (  # noqa: PLC0415 - heavy import, exports only
        Alignment,
        Border,
        Font,
        NamedStyle,
        PatternFill,
        Side,
    )

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    top = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center")
    styles = [
        NamedStyle(TITLE, font=Font(size=16, bold=True), alignment=centre),
        NamedStyle(CAPTION, font=Font(size=12, bold=True), alignment=centre),
        NamedStyle(
            HEADER,
            font=Font(bold=True),
            border=box,
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        ),
        NamedStyle(BODY, border=box, alignment=top),
        NamedStyle(SECTION, font=Font(bold=True), border=box, alignment=top),
        NamedStyle(LEGEND, font=Font(size=10), alignment=top),
    ]
    styles += [
        NamedStyle(
            light_style(light),
            border=box,
            alignment=top,
            fill=PatternFill("solid", fgColor=colour),
        )
        for light, colour in LIGHT_FILLS.items()
    ]
    for style in styles:
        book.add_named_style(style)
