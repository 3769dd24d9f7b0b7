"""Markdown pipe tables and HTML ``<table>`` markup → rows of cells plus the text around them."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MAX_CELLS_PER_ROW = 200


def markdown_tables(text: str) -> tuple[list[list[str]], list[str]]:
    """Rows of every pipe table in ``text`` (in order), and the lines before the first table."""
    rows: list[list[str]] = []
    preamble: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _SEPARATOR_ROW.match(stripped):
                continue
            inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
            cells = re.split(r"(?<!\\)\|", inner)[:_MAX_CELLS_PER_ROW]
            rows.append([c.replace("\\|", "|").strip() for c in cells])
        elif not rows:
            preamble.append(line)
        elif stripped:  # a heading between tables (《…》修改稿) as a one-cell row
            rows.append([stripped])
    return rows, preamble


class _TableParser(HTMLParser):
    """Collects cells of every table; text outside tables before the first one is the preamble."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.preamble: list[str] = []
        self._depth = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._rowspan = 1
        self._down: dict[int, tuple[int, str]] = {}  # column → (rows still covered, its text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            self._down = {}
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdecimal() else 1
            down = dict(attrs).get("rowspan") or "1"
            self._rowspan = min(int(down), 500) if down.isdecimal() else 1
        elif tag in ("br", "p", "div", "li") and self._cell is not None:
            self._cell.append("\n")
        elif tag in ("br", "p", "div", "h1", "h2", "h3", "h4") and not self._depth:
            self.preamble.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            value = "".join(self._cell).strip()
            self._fill_down()
            for _ in range(max(1, min(self._span, 50))):
                if self._rowspan > 1:  # a cell merged down: the rows below hold it too
                    self._down[len(self._row)] = (self._rowspan - 1, value)
                self._row.append(value)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._fill_down()
            self.rows.append(self._row[:_MAX_CELLS_PER_ROW])
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1

    def _fill_down(self) -> None:
        """Put the text of cells merged down from rows above where this row skips them."""
        assert self._row is not None
        while len(self._row) in self._down and len(self._row) < _MAX_CELLS_PER_ROW:
            left, value = self._down.pop(len(self._row))
            if left > 1:
                self._down[len(self._row)] = (left - 1, value)
            self._row.append(value)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth and not self.rows:
            self.preamble.append(data)


_INVISIBLE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAKS = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|tr|td|th|h[1-6]|table|section|article|ul|ol)\b[^>]*>",
    re.IGNORECASE,
)
_HTML = re.compile(r"<\s*(?:html|body|p|div|br|span|td)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True for a web page saved as a file (its paragraphs in tags)."""
    return bool(_HTML.search(text[:200_000]))


def html_text(text: str) -> str:
    """A web page's visible text, one line per block (paragraph, cell, line break)."""
    text = _INVISIBLE.sub("", text)
    text = _BREAKS.sub("\n", text)
    return html.unescape(re.sub(r"<[^<>]{0,2000}>", "", text))


def html_tables(text: str) -> tuple[list[list[str]], list[str]]:
    """Rows of every ``<table>`` in ``text`` and the text before the first table, as lines."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return parser.rows, "".join(parser.preamble).splitlines()
