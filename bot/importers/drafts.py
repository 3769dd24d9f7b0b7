"""Files holding several versions of a plan: 征求意见稿 pages often carry the first draft, the
revised draft and a table of the comments received. Each version starts at a title line
naming a draft (``…方案(征求意见稿)``, ``…方案(修改稿)``) or at a plan title seen before; a
comments table (``意见反馈表``, ``采纳情况``) is never a version. The last complete version is
read (complete: at least half as many tasks as the longest one), and the plan says which part
was read and which were left aside.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import PlanPart
from bot.domain.text import squeeze
from bot.importers.outline import start_of

_DRAFT = re.compile(
    r"征求意见稿|修改稿|修订稿|送审稿|草案|初稿|讨论稿|定稿|审议稿|报批稿|第[一二三四五六七八九]稿"
)
_FEEDBACK = re.compile(
    r"(?:意见|建议).{0,6}(?:反馈|汇总|采纳|处理)|采纳情况|反馈意见|修改说明|起草说明"
)
_TITLE = re.compile(r"方案|计划|要点|清单|分工|任务|台账|责任")


@dataclass(slots=True)
class TextPart:
    """A stretch of lines that is one version of the plan (or a comments table)."""

    label: str
    lines: list[str] = field(default_factory=list)
    feedback: bool = False


def _boundary(line: str, titles: set[str]) -> tuple[bool, bool]:
    """(starts a part, is a comments part) for one line."""
    if not line or len(line) > 80 or start_of(line) is not None:
        return False, False
    if _FEEDBACK.search(line) and len(line) <= 40:
        return True, True
    if _DRAFT.search(line) and _TITLE.search(line):
        return True, False
    return line in titles and bool(_TITLE.search(line)) and not re.search(
        r"[，。：:；]", line
    ), False


def plain_title(title: str) -> str:
    """A version's title without its draft mark: ``…方案（修改稿）`` → ``…方案``."""
    return re.sub(rf"\s*[（(【〔]?\s*(?:{_DRAFT.pattern})\s*[）)】〕]?\s*$", "", title) or title


def draft_title(line: str) -> tuple[bool, bool]:
    """(names a version or a comments table, is a comments table) for a heading line."""
    return _boundary(line, set())


def split_parts(lines: Sequence[str]) -> list[TextPart]:
    """The versions in a text; one part when it holds one."""
    parts = [TextPart(label="")]
    titles: set[str] = set()
    for raw in lines:
        line = squeeze(raw)
        starts, feedback = _boundary(line, titles)
        if starts and any(start_of(squeeze(x)) for x in parts[-1].lines):
            parts.append(TextPart(label=line, feedback=feedback))
        elif starts:  # a title before any numbered line: the same part, now named
            parts[-1].label = parts[-1].label or line
            parts[-1].feedback |= feedback
        if len(line) <= 80 and _TITLE.search(line) and not re.search(r"[，。：:；]", line):
            titles.add(line)
        parts[-1].lines.append(raw)
    return parts


def choose(counts: Sequence[int], feedback: Sequence[bool]) -> int | None:
    """The index of the last complete version among parts with ``counts`` tasks."""
    versions = [i for i, n in enumerate(counts) if n and not feedback[i]]
    if not versions:
        return None
    most = max(counts[i] for i in versions)
    return [i for i in versions if counts[i] * 2 >= most][-1]


def parts_warning(parts: list[PlanPart]) -> Message | None:
    """One sentence saying which version was read and which parts were left aside."""
    used = next((p for p in parts if p.used), None)
    ignored = [p for p in parts if not p.used and (p.tasks or p.feedback)]
    if used is None or not ignored:
        return None
    return msg(
        N_(
            "The file holds several versions of the plan; “{used}” ({count} tasks) was "
            "read, and {ignored} left aside."
        ),
        used=used.label,
        count=used.tasks,
        ignored="、".join(f"“{p.label}”" for p in ignored),
    )
