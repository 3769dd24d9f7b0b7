"""One statement of whose task it is: ``(牵头单位:X;配合单位:A、B)``, ``责任单位:X`` on its own
line, or a list without labels, ``(县教育局、县财政局牵头,各乡镇按职责分工负责)``.

A statement gives assignments, the leader's name, deadline words, and the conventions it
declares: ``排名第一位的为牵头单位`` (the first unit listed leads), ``下同`` (and so for every
later task). A bracket that only declares a convention (``(除注明"分别牵头"外,列第一位的为牵头
单位)``) names no unit. Texts are folded (Simplified) and may keep their spaces: in plans laid
out as fields separated by spaces, a gap ends a unit list (``配合单位:A、B 鄞州 海曙``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.plan import Assignment, Role
from bot.domain.units import is_bare_level, is_generic, level_prefix, looks_like_unit, split_units
from bot.importers.labels import LabelKind, find_labels

FIRST_LISTED_IS_LEAD = re.compile(
    r"(?:(?:排名|排在|排列|排|列|列在|名列)(?:在)?(?:第一|首)(?:位|个)?|排名第一|第一(?:个|位)|首位)"
    r"(?:的|者)?(?:单位|部门)?(?:为|是)(?:工作)?牵头(?:单位|部门)?"
)
CARRIES_ON = re.compile(r"下同|以下同|后同|以下均同|下文同")
_NOTE = re.compile(r"注明|除.{0,12}外|为准|汇总单位|不分先后|排名不分")
# (联系人:李四,电话:…) after a unit: contact details, not part of its name.
_CONTACT = re.compile(r"[:：]|\d{5,}|联系人|电话|手机")
_CONTACT_BRACKET = re.compile(r"[（(][^（()）]*(?:联系人|电话|手机|\d{7,})[^（()）]*[）)]")
# (按职责分工负责) after a list: the role said in brackets, read as if it stood without them.
_BRACKETED_VERB = re.compile(
    r"^[（(](?:分别)?(?:按照?职责(?:分工)?)?(?:负责|落实|配合|参与|协助)[）)]$"
)
_DEADLINE_WORDS = re.compile(r"\d{1,4}\s*[年月]|年底|年内|前完成|底前|长期|持续")
_CLAUSE = re.compile(r"[,，;；]")
_SENTENCE_END = re.compile(r"[。！？]")
_GAP = re.compile(r"\s+")
_SEPARATOR_END = "、,，;；"


@dataclass(slots=True)
class Statement:
    """What one statement says about its task."""

    assignments: list[Assignment] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    first_leads: bool = False  # 排名第一位的为牵头单位
    carries_on: bool = False  # 下同: the convention holds for every later task
    dropped: list[str] = field(default_factory=list)  # words in a unit list that are no unit
    unlabelled: bool = False  # a bare list of units, with no 牵头单位: label
    labelled: bool = False  # it has a units, leader or deadline label, even with no value
    same_as_above: list[Role] = field(default_factory=list)  # 责任单位：同上

    @property
    def is_task(self) -> bool:
        """True when the statement makes its paragraph a task (not a heading, not a note)."""
        return self.labelled or bool(self.assignments or self.leaders)

    @property
    def names_units(self) -> bool:
        """True when the statement assigns at least one unit, leader or deadline."""
        return bool(self.assignments or self.leaders or self.deadlines)

    def merge(self, other: Statement) -> None:
        """Fold ``other`` (a later statement of the same task) into this one."""
        for assignment in other.assignments:
            if assignment not in self.assignments:
                self.assignments.append(assignment)
        self.leaders += [name for name in other.leaders if name not in self.leaders]
        self.deadlines += other.deadlines
        self.first_leads |= other.first_leads
        self.carries_on |= other.carries_on
        self.dropped += other.dropped
        self.unlabelled |= other.unlabelled
        self.labelled |= other.labelled
        self.same_as_above += other.same_as_above


def _conventions(text: str, statement: Statement) -> None:
    if FIRST_LISTED_IS_LEAD.search(text):
        statement.first_leads = True
        statement.carries_on |= bool(CARRIES_ON.search(text))


def _strip_notes(value: str, statement: Statement) -> str:
    """Remove brackets and clauses that declare a convention, reading the convention."""

    def note(match: re.Match[str]) -> str:
        inner = match.group(0)
        if FIRST_LISTED_IS_LEAD.search(inner) or CARRIES_ON.search(inner) or _NOTE.search(inner):
            _conventions(inner, statement)
            return ""
        if _BRACKETED_VERB.match(inner):
            return inner[1:-1]
        return "" if _CONTACT.search(inner) else inner

    value = re.sub(r"[（(〔【][^（()）〔〕【】]*[）)〕】]", note, value)
    kept = []
    for clause in _CLAUSE.split(value):
        if FIRST_LISTED_IS_LEAD.search(clause) or _NOTE.search(clause):
            _conventions(clause, statement)
        elif CARRIES_ON.fullmatch(clause.strip(" 。.")):
            statement.carries_on = True
        else:
            kept.append(clause)
    return ",".join(kept)


def _field_value(value: str) -> str:
    """The value up to a gap that ends it: ``市公安局、市城管局,各区政府 鄞州 海曙`` → first part.

    A gap continues the value when a separator stands beside it, or when it splits single
    characters (``县 教 育 局``, stray spaces inside a word).
    """
    tokens = _GAP.split(value.strip())
    kept = tokens[:1]
    for token in tokens[1:]:
        previous = kept[-1]
        if (
            previous[-1:] in _SEPARATOR_END
            or token[:1] in _SEPARATOR_END
            or len(previous) == 1
            or len(token) == 1
        ):
            kept.append(token)
        else:
            break
    return "".join(kept)


def add_units(value: str, role: Role, statement: Statement) -> None:
    """Read a unit list into ``statement``: notes, deadlines and level words set apart."""
    value = _strip_notes(value, statement)
    if re.fullmatch(r"\s*同上(?:单位)?[。.]?\s*", value):
        statement.same_as_above.append(role)
        return
    units: list[str] = []
    for clause in _CLAUSE.split(value):
        bare = clause.strip(" 。.")
        if _DEADLINE_WORDS.search(bare) and not looks_like_unit(re.sub(r"\d", "", bare)):
            statement.deadlines.append(bare)
        elif bare:
            units.append(clause)
    for raw in re.split(r"[、,，;；]", ",".join(units)):
        word = raw.strip(" 。.")
        if word and is_bare_level(word):
            statement.dropped.append(word)
    for mention in split_units(",".join(units)):
        verb = {"lead": Role.LEAD, "responsible": Role.RESPONSIBLE, "cooperating": Role.COOPERATING}
        # 负责 after names keeps the label's role; 牵头 and 配合 say more than the label.
        said = verb.get(mention.verb or "", role)
        unit_role = Role.LEAD if mention.marked_lead else role if said is Role.RESPONSIBLE else said
        assignment = Assignment(mention.name, unit_role, separately=mention.separately)
        if assignment not in statement.assignments:
            statement.assignments.append(assignment)


def read_labelled(text: str, *, bracketed: bool) -> Statement | None:
    """The statement in ``text`` if it holds a label; ``None`` when it holds none."""
    text = _CONTACT_BRACKET.sub("", text)
    labels = find_labels(text)
    if not labels:
        return None
    # A deadline alone (完成时限：…) makes no task: notices say when things are due too.
    unit_labels = (LabelKind.UNITS, LabelKind.LEADER)
    statement = Statement(labelled=any(lb.kind in unit_labels for lb in labels))
    head = text[: labels[0].start].strip(" ,，;；")
    if bracketed and head and (unlabelled := read_unlabelled(head)) is not None:
        statement.merge(unlabelled)
    for index, label in enumerate(labels):
        end = labels[index + 1].start if index + 1 < len(labels) else len(text)
        value = text[label.end : end]
        if not bracketed:
            value = _field_value(value)
        value, *rest = _SENTENCE_END.split(value, maxsplit=1)
        after = rest[0] if rest else ""  # 按职责分工负责。…下同: a note after the list
        _conventions(after, statement)
        if CARRIES_ON.search(after):
            statement.carries_on |= statement.first_leads
        value = value.strip(" ,，;；。.")
        if label.kind is LabelKind.UNITS and label.role is not None:
            add_units(value, label.role, statement)
        elif label.kind is LabelKind.LEADER:
            for name in re.split(r"[、,，;；\s]+", _strip_notes(value, statement)):
                if name and name not in statement.leaders:
                    statement.leaders.append(name)
        elif label.kind is LabelKind.DEADLINE and value:
            statement.deadlines.append(value)
    return statement


def read_unlabelled(text: str, *, lenient: bool = False) -> Statement | None:
    """A list of units with no label, if ``text`` is nothing else: ``县发改委,县财政局牵头``.

    Every name must read as a body's name, and the list must show it is one: a level prefix,
    a collective, a role said after the names, or several names (``lenient``: a bracket
    closing its paragraph may hold one plain name, ``(组干科)``).
    """
    statement = Statement(unlabelled=True)
    body = _strip_notes(text, statement)
    if not body.strip(" ,，;；。"):
        return statement if statement.first_leads or statement.carries_on else None
    add_units(body, Role.RESPONSIBLE, statement)
    mentions = split_units(",".join(c for c in _CLAUSE.split(body) if c not in statement.deadlines))
    if not mentions or not all(looks_like_unit(m.name) for m in mentions):
        return None
    evident = (
        lenient
        or len(mentions) > 1
        or any(m.verb or level_prefix(m.name) or is_generic(m.name) for m in mentions)
    )
    return statement if evident else None
