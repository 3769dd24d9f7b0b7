"""Parts of one table whose numbers start again at 1: versions of the plan, or its sections.

A file may hold the first draft and the revised draft one after the other, each numbered from
1; a workbook may hold one sheet per field, each numbered from 1 too. Versions share most of
their tasks; sections do not. So a part whose task titles mostly match the part before it is
another version (the last complete one is read), and a part with other tasks is one more
section of the same plan (its numbers become 2.1, 2.2 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.plan import Column
from bot.importers.rows import Draft

_PUNCTUATION = re.compile(r"[\s。，,；;、.．:：“”\"'（）()]")
_SAME = 0.6  # a title sharing this much of its characters with another is the same task
_VERSION = 0.3  # a part with this share of the previous part's tasks is another version


@dataclass(slots=True)
class TablePart:
    """The rows under one header whose numbers run on from 1."""

    label: str
    drafts: list[Draft] = field(default_factory=list)
    feedback: bool = False  # a table of comments (意见反馈表), never a version


def _title(draft: Draft) -> str:
    text = draft.text(Column.TITLE) or draft.text(Column.REQUIREMENTS)
    return _PUNCTUATION.sub("", text)


def _alike(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    shared = len(set(a) & set(b))
    return shared / max(len(set(a)), len(set(b))) >= _SAME


def _is_version_of(part: TablePart, previous: TablePart) -> bool:
    titles = [_title(d) for d in previous.drafts]
    matched = sum(1 for d in part.drafts if any(_alike(_title(d), t) for t in titles))
    return matched >= _VERSION * max(1, len(part.drafts))


def merge_sections(parts: list[TablePart]) -> list[TablePart]:
    """Join the parts that are sections of one plan; keep apart the versions and other tables."""
    merged: list[TablePart] = []
    sections: dict[int, int] = {}  # id of a merged part → how many sections it holds
    for part in parts:
        previous = next((p for p in reversed(merged) if not p.feedback and p.drafts), None)
        if part.feedback or not part.drafts or previous is None:
            merged.append(part)
            continue
        if _is_version_of(part, previous):
            merged.append(part)
            continue
        ordinal = sections.get(id(previous), 1) + 1
        sections[id(previous)] = ordinal
        label = None if part.label.startswith("#") else part.label
        for draft in part.drafts:
            draft.number = f"{ordinal}.{draft.number}"
            draft.section = draft.section or label
        previous.drafts.extend(part.drafts)
    return merged


def choose_version(parts: list[TablePart]) -> TablePart | None:
    """The last complete version: at least half as many tasks as the longest one."""
    versions = [p for p in parts if not p.feedback and p.drafts]
    if not versions:
        return None
    most = max(len(p.drafts) for p in versions)
    return [p for p in versions if len(p.drafts) * 2 >= most][-1]
