"""The numbers Word draws itself: a paragraph of a numbered list shows ``1.`` or ``（一）``
that its text does not hold. They are rebuilt from the document's numbering definitions
(the level's format and text, counted per list), so numbered plans typed in Word read like
the same plans pasted as text.
"""

from __future__ import annotations

import re
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_CHINESE = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "ideographTraditional",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
    "japaneseCounting",
}

Level = tuple[str, str, int]  # numFmt, lvlText, start


def _chinese(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else _CN[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    return str(n)


def _render(n: int, fmt: str) -> str:
    if fmt in _CHINESE:
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def _val(element: Any, name: str) -> str | None:
    found = element.find(_W + name) if element is not None else None
    return None if found is None else found.get(_W + "val")


class ListNumbers:
    """Counts the numbered paragraphs of one document, in order, and says each one's number."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, Level]] = {}
        self._counts: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except NotImplementedError:  # python-docx's answer for a document without list numbering
            return
        abstract: dict[str, dict[int, Level]] = {}
        for definition in numbering.findall(_W + "abstractNum"):
            levels: dict[int, Level] = {}
            for level in definition.findall(_W + "lvl"):
                start = _val(level, "start") or "1"
                levels[int(level.get(_W + "ilvl") or 0)] = (
                    _val(level, "numFmt") or "decimal",
                    _val(level, "lvlText") or "",
                    int(start) if start.isdecimal() else 1,
                )
            abstract[definition.get(_W + "abstractNumId") or ""] = levels
        for num in numbering.findall(_W + "num"):
            self._levels[num.get(_W + "numId") or ""] = abstract.get(
                _val(num, "abstractNumId") or "", {}
            )

    def _list_of(self, paragraph: Any) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:  # a numbered style: List Number, 标题 1 …
            s_pr = style.element.pPr
            num_pr = s_pr.numPr if s_pr is not None else None
            style = style.base_style
        if num_pr is None or num_pr.numId is None:
            return None
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        return str(num_pr.numId.val), int(level)

    def marker(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` (``1.``, ``（一）``), or ""."""
        found = self._list_of(paragraph)
        if found is None or not paragraph.text.strip():
            return ""
        num_id, level = found
        levels = self._levels.get(num_id, {})
        if level not in levels:
            return ""
        counts = self._counts.setdefault(num_id, {})
        counts[level] = counts.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        fmt, text, _ = levels[level]
        if fmt in ("bullet", "none"):
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            return _render(counts.get(k, k_start), k_fmt)

        return re.sub(r"%(\d)", number, text)
