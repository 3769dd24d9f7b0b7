"""Both scripts read alike: a plan in Traditional characters is parsed in Simplified, then its
names, titles and requirements are given back as written.

Folding is character by character (opencc's Traditional → Simplified table), so a folded text
has the same length as the original and every position lines up: the parsers match words such
as 牽頭單位 on the folded text, and :class:`Restorer` finds what they extracted in the original.
Units written in both scripts in one plan (縣教育局, 县教育局) fold to the same name, so they are
matched as one unit; the first spelling the plan uses is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from bot.domain.text import strip_pinyin

_WHITE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc  # noqa: PLC0415 - loads its dictionaries: only when a plan is read

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if char < "\u3400":
        return char
    folded = _converter().convert(char)
    return folded if len(folded) == 1 else char


def fold(text: str) -> str:
    """``text`` in Simplified characters, one character for one: 縣教育局 → 县教育局."""
    if text.isascii():
        return text
    return "".join(_fold_char(ch) if ch >= "\u3400" else ch for ch in text)


def clean(text: str) -> str:
    """What every plan text goes through first: pinyin inserted by mirror sites removed."""
    return strip_pinyin(text)


class Restorer:
    """Gives back the written form of strings parsed from the folded text of a document."""

    def __init__(self, original: str) -> None:
        self.original = _WHITE.sub("", original)
        self.folded = fold(self.original)
        self.active = self.original != self.folded
        votes: dict[str, Counter[str]] = {}
        if self.active:
            for written, simple in zip(self.original, self.folded, strict=True):
                if written != simple:
                    votes.setdefault(simple, Counter())[written] += 1
        changed = sum(sum(count.values()) for count in votes.values())
        cjk = sum(1 for ch in self.original if ch >= "\u3400") or 1
        # Character by character only in a text written in Traditional: a simplified plan
        # quoting one 後 must not turn its 县后勤中心 into 县後勤中心.
        mostly = changed >= 0.03 * cjk
        self._chars = (
            {simple: count.most_common(1)[0][0] for simple, count in votes.items()}
            if mostly
            else {}
        )
        self._cursor = 0  # texts are asked for in document order: look on from the last one
        self._cache: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        """The spelling of ``value`` in the file: found there, else character by character."""
        if not self.active or not value:
            return value
        if value in self._cache:
            return self._cache[value]
        written = "".join(self._chars.get(ch, ch) for ch in value)
        if not _WHITE.search(value):
            at = self.folded.find(value, self._cursor)
            if at < 0:
                at = self.folded.find(value)
            if at >= 0:
                self._cursor = at
                written = self.original[at : at + len(value)]
        self._cache[value] = written
        return written

    def optional(self, value: str | None) -> str | None:
        """:meth:`__call__` for a value that may be missing."""
        return None if value is None else self(value)
