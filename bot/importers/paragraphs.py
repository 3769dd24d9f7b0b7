"""Plans written as numbered paragraphs with the units inline at the end.

``7．加强图书馆建设。推进……（牵头单位：县文旅局；配合单位：县财政局、住建局）`` — the paragraph may
wrap across lines, the punctuation may be full- or half-width, and the units may stand in
parentheses or after the last sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.deadlines import parse_deadline
from bot.domain.messages import N_, Message, msg
from bot.domain.plan import Assignment, PlanTask, Role, split_requirements
from bot.domain.text import chinese_numeral, is_cjk, squeeze, to_halfwidth_digits
from bot.domain.units import split_units

_ARABIC = re.compile(r"^\s*(\d{1,3})\s*[.．、](?!\d)\s*")
_PAREN_CN = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*")
_PLAIN_CN = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
_LABEL = re.compile(
    r"(牵头单位|牵头部门|责任单位|责任部门|主责单位|配合单位|配合部门|协办单位|参与单位|"
    r"完成时限|完成时间|时间节点|时限要求)\s*[:：]"
)
_ROLE_OF_LABEL = {
    "牵头": Role.LEAD,
    "责任": Role.RESPONSIBLE,
    "主责": Role.RESPONSIBLE,
    "配合": Role.COOPERATING,
    "协办": Role.COOPERATING,
    "参与": Role.COOPERATING,
}


@dataclass(slots=True)
class _Block:
    level: int  # 0 一、  1 （一）  2 1.
    number: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        out = ""
        for line in self.lines:
            if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
                out += " "
            out += line
        return out


def _start(line: str) -> tuple[int, int, str] | None:
    line = to_halfwidth_digits(line)
    for level, pattern in ((2, _ARABIC), (1, _PAREN_CN), (0, _PLAIN_CN)):
        if m := pattern.match(line):
            value = m.group(1)
            number = int(value) if value.isdigit() else chinese_numeral(value) or 0
            return level, number, line[m.end() :]
    return None


def _units_part(text: str) -> tuple[str, str] | None:
    """Split a paragraph into (body, units part) if it ends with a units statement."""
    first = _LABEL.search(text)
    if first is None:
        return None
    opening = max(text.rfind("（", 0, first.start()), text.rfind("(", 0, first.start()))
    between = text[opening + 1 : first.start()] if opening >= 0 else ""
    if opening >= 0 and not re.search(r"[）)]", between):
        body, units = text[:opening], text[opening + 1 :]
        units = re.sub(r"[）)]\s*[。.；;]?\s*$", "", units)
    else:
        body, units = text[: first.start()], text[first.start() :]
    return body.rstrip(" ，,；;"), units


def _complete(text: str) -> bool:
    """True once a paragraph has its units statement and every parenthesis is closed."""
    if _units_part(text) is None:
        return False
    return text.count("（") + text.count("(") <= text.count("）") + text.count(")")


def _task(number: str, body: str, units: str, warnings: list[Message]) -> PlanTask:
    title, _, rest = body.partition("。")
    if not rest and "；" in title:
        title, _, rest = title.partition("；")
    assignments: list[Assignment] = []
    deadline = None
    labels = list(_LABEL.finditer(units))
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(units)
        value = units[label.end() : end].strip(" ；;，,。.")
        word = label.group(1)
        if word[:2] in _ROLE_OF_LABEL:
            for mention in split_units(value):
                role = Role.LEAD if mention.marked_lead else _ROLE_OF_LABEL[word[:2]]
                if Assignment(mention.name, role) not in assignments:
                    assignments.append(Assignment(mention.name, role))
        else:
            deadline, understood = parse_deadline(value)
            if not understood:
                warnings.append(
                    msg(
                        N_(
                            "Task {number}: the deadline “{text}” names no date; it was left empty."
                        ),
                        number=number,
                        text=value,
                    )
                )
    return PlanTask(
        number=number,
        title=squeeze(title).rstrip("。"),
        requirements=split_requirements(rest),
        assignments=assignments,
        deadline=deadline,
    )


def tasks_from_paragraphs(lines: Sequence[str]) -> tuple[list[PlanTask], list[str], list[Message]]:
    """Tasks found in numbered paragraphs, the lines before the first one, and warnings."""
    blocks: list[_Block] = []
    preamble: list[str] = []
    for raw in lines:
        line = squeeze(raw)
        if not line:
            continue
        start = _start(line)
        if start is not None:
            level, ordinal, rest = start
            blocks.append(_Block(level, ordinal, [rest] if rest else []))
        elif blocks and not _complete(blocks[-1].text):
            blocks[-1].lines.append(line)  # the paragraph wraps onto this line
        elif not blocks:
            preamble.append(line)
    tasks: list[PlanTask] = []
    warnings: list[Message] = []
    seen: set[str] = set()
    section: dict[int, int] = {}
    for block in blocks:
        split = _units_part(block.text) if block.lines else None
        if split is None:
            section[block.level] = block.number
            continue
        number = str(block.number)
        if number in seen:  # numbering restarts in each section: qualify it
            outer = [section[level] for level in sorted(section) if level < block.level]
            number = ".".join(str(n) for n in [*outer[-1:], block.number])
            if number in seen:
                number = f"{len(tasks) + 1}"
            warnings.append(
                msg(
                    N_(
                        "Task numbers restart in a new section; the repeated number "
                        "{old} was stored as {new}."
                    ),
                    old=block.number,
                    new=number,
                )
            )
        seen.add(number)
        tasks.append(_task(number, *split, warnings))
    for task in tasks:
        if not task.assignments:
            warnings.append(msg(N_("Task {number} names no unit."), number=task.number))
    return tasks, preamble, warnings
