"""Splitting long texts on line boundaries, shared by the channels (each has its own limit)."""

from __future__ import annotations

from collections.abc import Callable


def split_lines(text: str, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Pieces of ``text`` no larger than ``limit`` (by ``size``), cut between lines if possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if size(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        rest = line
        while size(rest) > limit:  # a single line longer than the limit: cut it hard
            cut = limit
            while size(rest[:cut]) > limit:
                cut -= 1
            pieces.append(rest[:cut])
            rest = rest[cut:]
        current = rest
    if current or not pieces:
        pieces.append(current)
    return pieces
