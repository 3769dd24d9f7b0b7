"""Tables copied from web pages as text: one cell per line, with or without a trailing `` |``,
or a row's cells on one line between ``|`` — headings (``一、教育领域``) interleaved.

The cells are read as one stream. The header is the run of short column words starting at
``序号``; each row starts at the next number of the 序号 sequence and runs to the number after
it. A row with more lines than columns has its extra lines in the task column (a cell that
wrapped); a row with fewer has its last columns empty. The rows are then read like any table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.plan import Column
from bot.domain.text import clean_cell
from bot.domain.units import looks_like_unit
from bot.importers.grid import header_map, parse_number
from bot.importers.header import column_of, partial_header

_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])\S"
)
_DATE_LIKE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|年底|长期|持续")


def _split(line: str, spaced: bool) -> list[str]:
    if "|" in line or not spaced:
        return line.split("|")
    return line.split()


def _cells(lines: Sequence[str], spaced: bool) -> list[str]:
    stream: list[str] = []
    for line in lines:
        for cell in _split(line, spaced):
            text = clean_cell(cell)
            if text:
                stream.append(text)
    return stream


def _header_line(lines: Sequence[str]) -> str | None:
    """The line the header starts on: 序号 alone, or 序号 then the other words after spaces."""
    for line in lines:
        first = re.split(r"[|\s]+", line.strip().strip("|").strip(), maxsplit=1)[0]
        if first in ("序号", "编号"):
            return line
    return None


def _header(stream: list[str]) -> tuple[int, list[str]] | None:
    """Where the header starts and its cells: 序号 and the short column words after it."""
    for start, cell in enumerate(stream):
        if cell not in ("序号", "编号"):
            continue
        words = [cell]
        for word in stream[start + 1 : start + 16]:
            if parse_number(word) is not None or len(word) > 12 or _HEADING.match(word):
                break
            words.append(word)
        if header_map(words) is not None or partial_header(words) is not None:
            return start, words
    return None


def pasted_rows(lines: Sequence[str]) -> list[list[str]]:
    """Rows (header first) of a table pasted as lines, or [] when the text holds none."""
    header_line = _header_line(lines)
    if header_line is None:
        return []
    words = header_line.strip().strip("|").split()
    stream = _cells(lines, spaced="|" not in header_line and len(words) >= 3)
    found = _header(stream)
    if found is None:
        return []
    start, header = found
    width = len(header)
    columns = [column_of(word) for word in header]
    rest = stream[start + width :]
    rows: list[list[str]] = [header]
    expected = 1
    starts: list[int] = []
    for index, cell in enumerate(rest):
        if parse_number(cell) == str(expected):
            starts.append(index)
            expected += 1
    rows += [[c] for c in rest[: starts[0] if starts else 0] if _HEADING.match(c)]
    for n, begin in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rest)
        body = rest[begin + 1 : end]
        headings = [c for c in body if _HEADING.match(c) and len(c) <= 40]
        body = [c for c in body if c not in headings]
        if n + 1 == len(starts):
            body = body[: width - 1]  # what follows the table is not its last row
        rows.append([rest[begin], *_fit(body, columns[1:])])
        for heading in headings:  # a heading before the next row is that row's section
            rows.append([heading])
    return rows


def _accepts(column: Column | None, text: str) -> bool:
    if column in (Column.LEAD, Column.RESPONSIBLE, Column.COOPERATING):
        first = re.split(r"[、,，;；]", text)[0]
        return looks_like_unit(first) or bool(re.search(r"牵头|负责|配合", text))
    if column is Column.LEADER:
        return len(text) <= 12 and not looks_like_unit(text)
    if column is Column.DEADLINE:
        return bool(_DATE_LIKE.search(text)) and len(text) <= 20
    return True


def _fit(body: list[str], columns: list[Column | None]) -> list[str]:
    """Lay a row's lines into its columns."""
    width = len(columns)
    if len(body) == width:
        return body
    task = next((i for i, c in enumerate(columns) if c in (Column.TITLE, Column.REQUIREMENTS)), 0)
    if len(body) > width:  # a cell that wrapped: the extra lines belong to the task column
        after = width - task - 1
        tail = body[len(body) - after :] if after else []
        return [*body[:task], "".join(body[task : len(body) - after]), *tail]
    cells = [""] * width
    column = 0
    for line in body:  # empty cells left no line: each line goes to the next column taking it
        while column < width - 1 and not _accepts(columns[column], line):
            column += 1
        if cells[column]:
            cells[column] += line
        else:
            cells[column] = line
        column = min(column + 1, width - 1)
    return cells
