"""CSV and tab-separated plan sheets → rows of cells."""

from __future__ import annotations

import csv
import io

_DELIMITERS = (",", "\t", ";", "，")


def delimited_rows(text: str) -> list[list[str]]:
    """Rows of a CSV/TSV text; the delimiter is the one that splits the most lines alike."""
    sample = [line for line in text.splitlines()[:50] if line.strip()]
    if not sample:
        return []
    best = max(_DELIMITERS, key=lambda d: (sum(1 for line in sample if d in line), d == ","))
    csv.field_size_limit(10 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text), delimiter=best)
    try:
        return list(reader)
    except csv.Error:
        return []
