"""Naming a plan: its short name, and the plan a person meant by what they typed.

A county runs several plans at once; a person names one by its number (``2``), its short name
(``教育``) or a piece of its title (``优化营商环境``). :func:`choose_plan` reads that against the
active plans and says which one, or that several or none match; it never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

SHORT_NAME_LENGTH = 8  # characters kept of a title for a default short name
SHORT_NAME_MAX = 40  # the stored column's length
# what every plan title carries: a short name without it says which plan it is
_YEAR = re.compile(r"\d{4}(—\d{4})?年度?|[《》“”\"'（）()\s]")
_PLACE = re.compile(r"^(关于)?(印发)?[\u4e00-\u9fff]{1,6}?[省市县区乡镇](?=.)")
_SUFFIX = re.compile(r"(的)?(重点)?(工作)?(任务)?(分工)?(方案|清单|台账|计划)?(的通知)?$")


@dataclass(frozen=True, slots=True)
class PlanRef:
    """What a plan is called: its number, short name and title."""

    id: int
    short_name: str
    title: str

    def label(self) -> str:
        """How a list of plans names this one: ``2 教育（…title…）``."""
        return f"{self.id} {self.short_name}（{self.title}）"


def default_short_name(title: str, taken: Collection[str]) -> str:
    """A short form of ``title`` no other plan uses: its first characters without the words
    every plan title carries, then ``-2``, ``-3`` … when another plan has it already."""
    text = _YEAR.sub("", title)
    core = _SUFFIX.sub("", _PLACE.sub("", text)) or text or "plan"
    base = core[:SHORT_NAME_LENGTH]
    name, n = base, 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        name = f"{base}-{n}"
    return name


def clean_short_name(typed: str) -> str | None:
    """A short name as given to ``plan rename``: trimmed; None when empty, too long, all digits
    (it would read as a plan number) or holding a space (chat commands split on spaces)."""
    name = typed.strip()
    if not name or len(name) > SHORT_NAME_MAX or name.isdigit() or any(c.isspace() for c in name):
        return None
    return name


def choose_plan(typed: str, plans: Sequence[PlanRef]) -> list[PlanRef]:
    """The plans ``typed`` may mean, best match first: one plan when it is certain.

    A number is a plan id; otherwise an exact short name, then a short name it begins, then
    titles holding it. An empty list: none; more than one: ambiguous (the person chooses).
    """
    text = typed.strip()
    if not text:
        return []
    if text.isdigit():
        return [p for p in plans if str(p.id) == text]
    key = text.casefold()
    for matches in (
        [p for p in plans if p.short_name.casefold() == key],
        [p for p in plans if p.short_name.casefold().startswith(key)],
        [p for p in plans if key in p.title.casefold() or key in p.short_name.casefold()],
    ):
        if matches:
            return matches
    return []
