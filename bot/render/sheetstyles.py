"""Cell styles shared by every cell of the sheets we write, each defined once by name.

A style is a set of XlsxWriter format properties (font, fill, border, alignment); a workbook
(:class:`bot.render.xlsxbook.Book`) makes one Format of each when it is opened, and every cell
written in that style refers to it.
"""

from __future__ import annotations

from collections.abc import Mapping

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


_BOX = {"border": 1}  # thin on all four sides
_TOP = {"text_wrap": True, "valign": "top"}
_CENTRE = {"align": "center"}

STYLES: Mapping[str, Mapping[str, object]] = {
    TITLE: {"font_size": 16, "bold": True, **_CENTRE},
    CAPTION: {"font_size": 12, "bold": True, **_CENTRE},
    HEADER: {"bold": True, **_BOX, "text_wrap": True, "valign": "vcenter", **_CENTRE},
    BODY: {**_BOX, **_TOP},
    SECTION: {"bold": True, **_BOX, **_TOP},
    LEGEND: {"font_size": 10, **_TOP},
    **{
        light_style(light): {**_BOX, **_TOP, "pattern": 1, "bg_color": f"#{colour}"}
        for light, colour in LIGHT_FILLS.items()
    },
}
"""Each named style's XlsxWriter format properties."""
