"""The words plans put before a colon: whose task it is, who leads it, by when.

``牵头单位:`` / ``牵头责任单位:`` name the lead; ``责任单位:`` / ``主要责任单位:`` the
responsible units; ``配合单位:`` / ``协同责任单位:`` / ``协同配合单位:`` / ``配合责任单位:``
the cooperating ones.
``牵头领导:`` / ``责任领导:`` / ``分管县领导:`` name a person, the task's leader, never a unit;
``完成时限:`` / ``时间节点:`` / ``时限要求:`` a deadline; ``实际完成情况:`` is progress, not
read.
All matched on folded (Simplified) text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.plan import Role


class LabelKind(StrEnum):
    """What the value after a label is."""

    UNITS = "units"
    LEADER = "leader"
    PERSON = "person"  # 项目责任人, 联系人: a person who is not the task's leader; not kept
    DEADLINE = "deadline"
    IGNORED = "ignored"  # 实际完成情况, 备注: text that is not part of the register


_FULL_UNIT_WORD = (
    r"(?:主要|牵头|协同|配合|协办|参与|协助|责任|主责|承办|实施|落实|具体|工作)"
    r"(?:责任|配合|牵头|落实|承办)?(?:单位|部门|科室|股室|处室)"
)
_UNIT_WORD = rf"{_FULL_UNIT_WORD}|牵头|配合|协办|主责|协同"  # 牵头：县教育局；配合：县财政局
_LEADER_WORD = (
    r"(?:牵头|责任|分管|联系|包保|挂钩|主要|负责|督办|协调)?(?:负责)?"
    r"(?:[省市州县区]级?|[县市区]委)?领导(?:同志)?"
)
_PERSON_WORD = r"(?:项目|具体|工作)?(?:责任人|负责人|联系人)"
_DEADLINE_WORD = r"完成时限|完成时间|时间节点|时限要求|完成期限|时间要求|完成日期|办结时限|时限"
_IGNORED_WORD = r"(?:实际)?完成情况|进展情况|工作进展|推进情况|备注|联系电话"

# 各责任单位: (addressing every unit, in a notice) is no label.
LABEL = re.compile(
    rf"(?<!各)(?:(?P<said>{_FULL_UNIT_WORD})\s*为(?=[\u4e00-\u9fff])"  # 牵头单位为X
    rf"|(?P<label>{_UNIT_WORD}|{_LEADER_WORD}|{_PERSON_WORD}|{_DEADLINE_WORD}|{_IGNORED_WORD})"
    r"\s*[:：])"
)


@dataclass(frozen=True, slots=True)
class Label:
    """One label found in a text: where it stands and what its value is."""

    kind: LabelKind
    role: Role | None
    start: int  # where the label word begins
    end: int  # just after its colon


def label_kind(word: str) -> tuple[LabelKind, Role | None]:
    """The kind of a label word and, for a unit label, the role it gives."""
    if re.fullmatch(_UNIT_WORD, word):
        if word.startswith("牵头"):
            return LabelKind.UNITS, Role.LEAD
        if re.search(r"配合|协同|协办|参与|协助", word):
            return LabelKind.UNITS, Role.COOPERATING
        return LabelKind.UNITS, Role.RESPONSIBLE
    if re.fullmatch(_LEADER_WORD, word):
        return LabelKind.LEADER, None
    if re.fullmatch(_PERSON_WORD, word):
        return LabelKind.PERSON, None
    if re.fullmatch(_DEADLINE_WORD, word):
        return LabelKind.DEADLINE, None
    return LabelKind.IGNORED, None


def find_labels(text: str) -> list[Label]:
    """Every label in ``text``, in order."""
    found = []
    for match in LABEL.finditer(text):
        kind, role = label_kind(match["label"] or match["said"])
        found.append(Label(kind, role, match.start(), match.end()))
    return found


STATING = (LabelKind.UNITS, LabelKind.LEADER, LabelKind.DEADLINE)


def has_label(text: str) -> bool:
    """True when ``text`` names units, a leader or a deadline after a label."""
    return any(label.kind in STATING for label in find_labels(text))
