"""Where a paragraph states its units: brackets holding labels or a bare unit list, and labels
outside brackets (``牵头单位:X`` on its own line, ``责任单位:X 配合单位:Y`` as fields).

Statements side by side (``(牵头单位:X)(配合单位:Y)``, or one label line under another) are one
statement. A bracket or label still open where the file ends is a cut-off list: it is reported,
never read as units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.importers.labels import LABEL, STATING, find_labels, has_label
from bot.importers.statement import (
    FIRST_LISTED_IS_LEAD,
    Statement,
    read_labelled,
    read_unlabelled,
)

_DEADLINE_ONLY = re.compile(
    r"^(?:完成时限[:：])?(?:\d{4}年)?(?:\d{1,2}月)?(?:底|末|上旬|中旬|下旬|年底|年内)?"
    r"(?:前|以前|之前)?(?:完成|办结|到位)?$"
)
_OPEN = "（(〔【"
_CLOSE = "）)〕】"
_BEFORE_STATEMENT = "。；;，,：:！!？?"
_AFTER_STATEMENT = "。；;，,.！!？?"
_BETWEEN = " \t\n。；;，,."


@dataclass(slots=True)
class Found:
    """A statement and where it stands in the paragraph's text."""

    start: int
    end: int
    statement: Statement


@dataclass(frozen=True, slots=True)
class Cut:
    """A unit list the file ends in: where it starts, its last (partial) word, and what the
    words before that say."""

    start: int
    text: str
    statement: Statement


_LAST_WORD = re.compile(r"[、,，;；:：]([^、,，;；:：]*)$")


def _cut(start: int, content: str, *, bracketed: bool) -> Cut:
    """Read a list the file ends in, all but its last word, which may be cut short."""
    m = _LAST_WORD.search(content)
    whole, last = (content[: m.start() + 1], m.group(1)) if m else ("", content)
    statement = read_labelled(whole, bracketed=bracketed) if whole else None
    return Cut(start, last.strip() or content.strip(), statement or Statement())


def _spans(text: str) -> list[tuple[int, int, bool]]:
    """Top-level brackets: (start, end, closed)."""
    spans: list[tuple[int, int, bool]] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in _OPEN:
            if depth == 0:
                start = index
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1, True))
    if depth:
        spans.append((start, len(text), False))
    return spans


def _at_statement_place(text: str, start: int, end: int) -> bool:
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return (not before or before[-1] in _BEFORE_STATEMENT) or (
        not after or after[0] in _AFTER_STATEMENT
    )


def _named(labels_text: str) -> bool:
    return has_label(labels_text)


def _bracket(text: str, start: int, end: int, closed: bool) -> Statement | None:
    inner = text[start + 1 : end - 1 if closed else end]
    if _named(inner):
        return read_labelled(inner, bracketed=True)
    if _at_statement_place(text, start, end):
        closing = not text[end:].strip(_BETWEEN)  # the bracket ends the paragraph
        statement = read_unlabelled(inner, lenient=closing)
        if statement is not None:
            return statement
    if FIRST_LISTED_IS_LEAD.search(inner):
        return read_unlabelled(inner) or Statement(first_leads=True)
    if _DEADLINE_ONLY.match(inner.strip()):  # (2024年底前完成) beside a unit statement
        return Statement(deadlines=[inner.strip()])
    return None


def _outside(text: str, spans: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Regions from a label outside brackets to the next bracket (or the end)."""
    regions: list[tuple[int, int]] = []
    for label in find_labels(text):
        if label.kind not in STATING:
            continue
        if any(s <= label.start < e for s, e, _ in spans):
            continue
        if regions and label.start < regions[-1][1]:
            continue
        end = min((s for s, _, _ in spans if s > label.start), default=len(text))
        for line_end in (
            i for i, ch in enumerate(text[label.start : end], label.start) if ch == "\n"
        ):
            if not LABEL.match(text, line_end + 1):  # the next line says something else
                end = line_end
                break
        regions.append((label.start, end))
    return regions


def find_statements(text: str, *, at_end: bool) -> tuple[list[Found], Cut | None]:
    """Every statement in ``text``, side-by-side ones merged, and a cut-off list if any.

    ``at_end``: the text is the last of the file, so a list still open at its end was cut off.
    """
    spans = _spans(text)
    found: list[Found] = []
    cut: Cut | None = None
    for start, end, closed in spans:
        statement = _bracket(text, start, end, closed)
        if statement is None:
            continue
        if not closed and at_end:
            cut = _cut(start, text[start + 1 :], bracketed=True)
            continue
        found.append(Found(start, end, statement))
    for start, end in _outside(text, spans):
        statement = read_labelled(text[start:end], bracketed=False)
        if statement is None:
            continue
        reaches_end = not text[end:].strip()
        if at_end and reaches_end and statement.dropped and cut is None:
            cut = _cut(start, text[start:end], bracketed=False)
            continue
        found.append(Found(start, end, statement))
    found.sort(key=lambda f: f.start)
    merged: list[Found] = []
    for item in found:
        if merged and _deadline_only(merged[-1]) and not _deadline_only(item):
            merged[-1] = item  # a year before the units belongs to the text: 试点(2024年)。(X)
        elif merged and not text[merged[-1].end : item.start].strip(_BETWEEN):
            merged[-1].statement.merge(item.statement)
            merged[-1].end = item.end
        else:
            merged.append(item)
    # A deadline in brackets counts only beside a unit statement, never on its own.
    return [f for f in merged if not _deadline_only(f)], cut


def _deadline_only(found: Found) -> bool:
    s = found.statement
    return bool(s.deadlines) and not (s.assignments or s.leaders or s.labelled)
