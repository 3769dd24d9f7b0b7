"""A plan's outline: numbered blocks at their levels, ``一、`` ``(一)`` ``1.`` ``(1)``.

Each numbered line starts a block; the unnumbered lines after it (wraps, units on their own
lines, blank lines) belong to it. Lines before the first block are the preamble. Plans pasted
from web pages sometimes run several numbered tasks into one line, fields separated by spaces
(``… 1.轨道交通…。 牵头领导:… 2.新增…``): such a line is cut where the numbers 1, 2, 3 … follow
one another. Lines keep their inner spaces, which separate fields in those plans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.text import chinese_numeral, is_cjk, squeeze, to_halfwidth_digits
from bot.importers.labels import LABEL, has_label

_CN = "一二三四五六七八九十百"
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(rf"^\s*([{_CN}]{{1,4}})\s*[、.．]\s*")),
    (1, re.compile(rf"^\s*[（(]\s*([{_CN}]{{1,4}})\s*[)）]\s*")),
    (2, re.compile(r"^\s*(\d{1,3})\s*[.．、](?!\d)\s*")),
    (3, re.compile(r"^\s*[（(]\s*(\d{1,3})\s*[)）]\s*")),
    (3, re.compile(r"^\s*(\d{1,3})\s*[)）]\s*")),
)
# A task number inside a line: after a space or a sentence's end, not part of 3.5 or 1—6.
_INLINE = re.compile(r"(?:(?<=\s)|(?<=[。；;]))(\d{1,3})\s*[.．、](?!\d)")
_UNITS_BRACKET = re.compile(r"[（(〔【](?=[^（()）]*(?:单位|部门|牵头)[:：])")
_SPACES = re.compile(r"[\u3000\u00a0\t]+")
_TITLE_LINE = re.compile(r"[^。；;！？!?：:，,、]{1,40}(?<![）)”])")
# A space beside a lone character is a stray one inside a word (牵 头 单 位, 县 教 育 局); spaces
# between words of two or more characters separate fields and stay.
_STRAY = re.compile(
    r"(?<=(?<![\u4e00-\u9fff])[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff](?![\u4e00-\u9fff]))"
)


@dataclass(slots=True)
class Block:
    """A numbered paragraph and the lines that follow it up to the next number."""

    level: int  # 0 一、  1 (一)  2 1.  3 (1)
    number: int
    marker: str  # the number as written: 一、 (一) 1.
    lines: list[str] = field(default_factory=list)
    index: int = 0  # the line it starts on, counted in the input
    width: int = 1000  # how long the file's full lines are: a wrapped line is about as long

    @property
    def text(self) -> str:
        """The block as one text: wraps joined without a space next to Chinese.

        A short first line with no punctuation is a title on its own line (``3.推进学校扩容``
        over its body), not a wrapped one: it ends with 。 so the title stops there. A line
        of units (``牵头单位:X``) keeps its own line, so what follows it is no unit.
        """
        lines = [line for line in self.lines if line]
        out = ""
        in_units = False  # inside lines of units: a label line and the lines its list wraps to
        for index, line in enumerate(lines):
            short = len(self.marker) + len(out) < 0.8 * self.width
            wraps = in_units and lines[index - 1][-1] in "、，,"
            starts = bool(LABEL.match(line))
            if index == 1 and short and _TITLE_LINE.fullmatch(out):
                out += "。"
            if index and (starts or (in_units and not wraps)):
                out += "\n"
            elif out and not (is_cjk(out[-1]) or is_cjk(line[0])):
                out += " "
            in_units = starts or wraps
            out += line
        return out

    def heading(self, limit: int = 60) -> str:
        """The marker and the first sentence, as a section heading: ``(一)开办企业领域``."""
        first = re.split(r"[。；;]", squeeze(self.text), maxsplit=1)[0].strip()
        first = _UNITS_BRACKET.split(first, maxsplit=1)[0].strip()  # its units are no heading
        first = first if len(first) <= limit else first[: limit - 1] + "…"
        return self.marker + first


def start_of(line: str) -> tuple[int, int, str, str] | None:
    """``(level, number, marker, rest)`` when ``line`` starts with a number, else None."""
    half = to_halfwidth_digits(line)  # one character for one: positions line up
    for level, pattern in _PATTERNS:
        if m := pattern.match(half):
            value = m.group(1)
            number = int(value) if value.isdecimal() else chinese_numeral(value) or 0
            return level, number, line[: m.end()].strip(), line[m.end() :]
    return None


def _inline_cuts(line: str, expected: int) -> list[int]:
    """Where a line holds the next task numbers in a row, each followed by its labels."""
    cuts: list[int] = []
    for m in _INLINE.finditer(to_halfwidth_digits(line)):
        if int(m.group(1)) == expected:
            cuts.append(m.start())
            expected += 1
    if len(cuts) < 2:
        return []
    pieces = [line[a:b] for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    return cuts if all(has_label(p) for p in pieces) else []


def split_runs(lines: Sequence[str]) -> list[str]:
    """The input lines, a line holding several numbered tasks cut before each number."""
    out: list[str] = []
    expected = 1
    for raw in lines:
        line = _STRAY.sub("", _SPACES.sub(" ", raw.replace("\r", "")).strip())
        start = start_of(line)
        if start is not None and start[0] == 2:
            expected = start[1] + 1
        cuts = [c for c in _inline_cuts(line, expected) if c > 0]
        if not cuts:
            out.append(line)
            continue
        for begin, end in zip([0, *cuts], [*cuts, len(line)], strict=True):
            piece = line[begin:end].strip()
            if piece:
                out.append(piece)
        expected += len(cuts)
    return out


def _full_width(lines: list[str]) -> int:
    """The length of a full line when the text was wrapped (a PDF copied out), else large."""
    lengths = sorted(len(line) for line in lines if len(line) >= 10)
    if len(lengths) < 5:
        return 1000
    return lengths[int(len(lengths) * 0.9) - 1]


def outline(lines: Sequence[str]) -> tuple[list[Block], list[str]]:
    """The numbered blocks of a text and the lines before the first one."""
    blocks: list[Block] = []
    preamble: list[str] = []
    runs = split_runs(lines)
    width = _full_width(runs)
    for index, line in enumerate(runs):
        start = start_of(line)
        if start is not None:
            level, number, marker, rest = start
            blocks.append(
                Block(level, number, marker, [rest.strip()] if rest else [], index, width)
            )
        elif blocks:
            blocks[-1].lines.append(line)
        elif line:
            preamble.append(line)
    return blocks, preamble
