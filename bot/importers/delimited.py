"""CSV and tab-separated plan sheets → rows of cells."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

_DELIMITERS = (",", "\t", ";", "，")
_NUMBER = re.compile(r"^[（(]?\d{1,4}[)）.、．]?$")


def delimited_rows(text: str) -> list[list[str]]:
    """Rows of a CSV/TSV text; the delimiter is the one that splits the most lines alike."""
    sample = [line for line in text.splitlines()[:50] if line.strip()]
    if not sample:
        return []
    best = max(_DELIMITERS, key=lambda d: (sum(1 for line in sample if d in line), d == ","))
    csv.field_size_limit(10 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text), delimiter=best)
    try:
        rows = [[_unguarded(cell) for cell in row] for row in reader]
    except csv.Error:
        return []
    return mend_rows(rows) if best == "\t" else rows


def _unguarded(cell: str) -> str:
    """A cell without the ``'`` our CSV export puts before a formula's first character."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def mend_rows(rows: list[list[str]]) -> list[list[str]]:
    """Join rows that a line break inside a cell cut in two, as a table copied out of a web
    page into text has them: a row short of the table's width goes on in the next line, unless
    that line starts a row of its own (a number)."""
    widths = Counter(len(row) for row in rows if len(row) >= 3)
    if not widths:
        return rows
    width = widths.most_common(1)[0][0]
    out: list[list[str]] = []
    for row in rows:
        last = out[-1] if out else None
        starts = bool(row) and bool(_NUMBER.match(row[0].strip()))
        if last is not None and 1 < len(last) < width and row and not starts:
            last[-1] += "\n" + row[0]
            last.extend(row[1:])
        else:
            out.append(list(row))
    return out
