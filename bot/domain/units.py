"""Unit names in plan cells: splitting lists, inheriting level prefixes, collectives, aliases.

Plans list units as ``县发改委、财政局、住建局``: later names inherit the administrative level
(县财政局), but ``县委编办、人社局`` means 县人社局, not 县委人社局, and ``各乡镇党委、政府`` is one
collective (every township's Party committee and government), never a unit called ``政府``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.text import squeeze, strip_tags

COLLECTIVE_TOWNSHIPS = "各乡镇党委、政府"  # every township's Party committee and government

_COLLECTIVE_TOWNSHIP_RE = re.compile(
    r"各(?:县|市|区)?乡(?:[（(]镇[）)]|镇)(?:[（(]街道[）)]|、?街道)?"
    r"党委[、，,]?\s*(?:乡(?:[（(]镇[）)]|镇)?)?(?:人民)?政府"
)
_PLACEHOLDER = "\x00"  # stands for 各乡镇党委、政府 while the list is split
_GUARD = "\x01"  # stands for a separator inside brackets: 各县(市、区)人民政府 is one name
# 和/及 join two names only before a collective: 县直相关单位和各乡镇, never 区发展和改革局.
# 和 between two whole names with a level: 县卫生健康委和县医保局 (和县 stays a county's name).
_SEPARATORS = re.compile(
    r"[、，,；;／/|\n]+|(?:以及|和|及|与)(?=各|相关|有关|属地|[省市州县区]直)"
    r"|(?<=[局委办府院部厅署会心所队站处室社联])(?:以及|和|及|与)(?=[省市州县区][\u4e00-\u9fff]{2})"
)
_LEAD_MARK = re.compile(r"[（(]\s*牵头\s*[）)]")
# A role said after the names it covers: 县教育局、县财政局牵头, 各乡镇按职责分工负责.
_ROLE_VERB = re.compile(
    r"(?P<separately>分别)?(?:(?P<lead>牵头(?:负责|抓总|实施|落实)?)"
    r"|(?P<coop>配合(?:落实|实施)?|参与|协助|协同)"
    r"|(?P<resp>(?:按照?(?:各自)?职责(?:分工)?)?(?:分工)?(?:负责|落实|实施|推进)(?:落实)?))$"
)
_NAME_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z]")  # a name has a character, not only marks
# 等, 等单位, 等10个部门: the list's own words, not part of the last name.
_TRAILING_NOISE = re.compile(
    r"(?:等(?:\d+|[一二三四五六七八九十]+)?个?(?:成员)?(?:单位|部门)?|[。．.：:])+$"
)
_LEVEL = "省市州县区旗"
_LEVEL_PREFIX = re.compile(rf"^((?:[\u4e00-\u9fff]{{2,3}})?[{_LEVEL}])(?=[\u4e00-\u9fff])")
# Names that may take an inherited level: agencies, offices, committees, governments.
_AGENCY_SUFFIX = re.compile(r"(?:局|委|办|部|厅|院|署|会|府|中心|所|队|站|处|室|社|联)$")
_NOT_A_LEVEL_START = ("市场",)  # 市场监督管理局 starts with 市 but carries no level
# Generic words standing for many bodies: 相关乡镇, 属地政府, 各有关单位, 区直各部门.
_GENERIC = re.compile(
    r"^(?:各|相关|有关|属地|所在|涉及|其他|其它)|^(?:街道办事处|街道办|社区|村委会|居委会)$"
    r"|^[省市州县区](?:直|级)(?:各|相关|有关)?(?:单位|部门|机关)?(?:各|相关|有关)?(?:单位|部门)$"
)
# A level word alone (县, 市级) is never a unit: a list cut off after its first character.
_BARE_LEVEL = re.compile(rf"^[{_LEVEL}乡镇村](?:级|里|内|直)?$|^街道$")
# What a unit's name ends with, to tell a list of units from other words in brackets.
_UNIT_END = re.compile(
    r"(?:局|委|办|部|厅|院|署|会|府|中心|所|队|站|处|室|社|联|科|股|党委|党组|政府|街道|乡镇|"
    r"镇|乡|单位|部门|机关|公司|银行|分行|支行|学校|中学|小学|医院|集团|管委会|园区|指挥部|"
    r"协会|工委|团|组|大学|学院|法院|检察院|海关|税务|供电|书店|电业局)$"
)


class UnitKind(StrEnum):
    """What sort of body a unit is; used for display and for collectives."""

    COLLECTIVE = "collective"  # 各乡镇党委、政府, 各中小学校
    PARTY = "party"  # 县委, 县委组织部, 县纪委监委
    GOVERNMENT = "government"  # 县教育局, 县政府办
    SCHOOL = "school"  # 县中职学校
    OTHER = "other"  # 新华书店, 团县委, 县妇联


@dataclass(frozen=True, slots=True)
class UnitMention:
    """One unit named in a cell, in order, with the ``（牵头）`` marker if it carried one."""

    name: str
    marked_lead: bool = False
    separately: bool = False  # 分别牵头: leads its own part of the task
    verb: str | None = None  # the role said after the name: "lead", "responsible", "cooperating"


def level_prefix(name: str) -> str | None:
    """The level a name starts with: ``县`` for 县委编办, ``辰溪县`` for 辰溪县教育局."""
    if name.startswith(_NOT_A_LEVEL_START):
        return None
    match = _LEVEL_PREFIX.match(name)
    return match.group(1) if match else None


def _has_level(name: str) -> bool:
    return any(ch in _LEVEL for ch in name.replace("市场", ""))


# Enterprises and banks keep their own names: 宁波电业局 after 市交通委 is no 市宁波电业局.
_ENTERPRISE = re.compile(r"(?:电业局|供电局|供电公司|公司|集团|银行|分行|支行|电信|移动|联通)$")


def _needs_prefix(name: str) -> bool:
    return (
        not is_generic(name)
        and not _has_level(name)
        and not _ENTERPRISE.search(name)
        and bool(_AGENCY_SUFFIX.search(name))
    )


def is_generic(name: str) -> bool:
    """True for a word standing for many bodies: 各乡镇, 相关乡镇, 属地政府, 区直各部门."""
    return name == COLLECTIVE_TOWNSHIPS or bool(_GENERIC.search(name))


def is_bare_level(name: str) -> bool:
    """True for a level word alone (``县``, ``市级``): never a unit."""
    return bool(_BARE_LEVEL.match(name))


def looks_like_unit(name: str) -> bool:
    """True when ``name`` reads as a body's name: ends like one, or is a collective."""
    core = re.sub(r"[（(][^（()）]*[）)]$", "", name)
    if not 2 <= len(core) <= 30 or re.search(r"[0-9０-９。？！?!“”\"的]", core):
        return False
    return is_generic(core) or bool(_UNIT_END.search(core))


def normalise_unit_name(raw: str) -> str:
    """One unit name cleaned: no spaces, no trailing ``等``, collectives in canonical form."""
    name = squeeze(strip_tags(raw)).replace(" ", "")
    name = _TRAILING_NOISE.sub("", name)
    if _COLLECTIVE_TOWNSHIP_RE.fullmatch(name):
        return COLLECTIVE_TOWNSHIPS
    return name


_INNERMOST = re.compile(r"[（(][^（()）]*[）)]")
_HIDE = str.maketrans({"（": "\x02", "(": "\x03", "）": "\x04", ")": "\x05"})
_SHOW = str.maketrans({"\x02": "（", "\x03": "(", "\x04": "）", "\x05": ")"})


def _guard_brackets(text: str) -> str:
    """Hide separators inside closed brackets so 各县(市、区)人民政府 stays one name."""

    def guard(m: re.Match[str]) -> str:
        return re.sub(r"[、，,；;／/|\n]", _GUARD, m.group(0)).translate(_HIDE)

    previous = None
    while previous != text:  # innermost brackets first, then the ones around them
        previous, text = text, _INNERMOST.sub(guard, text)
    return text.translate(_SHOW)


def _read_verb(token: str) -> tuple[str, str | None, bool]:
    """``县农业农村局分别牵头`` → (``县农业农村局``, "lead", separately)."""
    match = _ROLE_VERB.search(token)
    if match is None or match.start() == 0:
        return token, None, False
    verb = "lead" if match["lead"] else "cooperating" if match["coop"] else "responsible"
    return token[: match.start()], verb, bool(match["separately"])


_GAP = re.compile(r"[ \t\u3000\u00a0]+")


def _spaced_names(text: str) -> str:
    """A space between two whole names separates them (``县教育局 县财政局``); a space inside a
    name is a stray one (``县自然资源 规划局``, ``县财 政局``) and goes."""
    tokens = _GAP.split(text.strip())
    out = tokens[0]
    for token in tokens[1:]:
        left = re.split(r"[、，,；;]", out)[-1]
        right = re.split(r"[、，,；;]", token)[0]
        whole = _UNIT_END.search(left) and looks_like_unit(left) and looks_like_unit(right)
        out += "、" + token if whole and min(len(left), len(right)) >= 3 else token
    return out


def split_units(cell: str) -> list[UnitMention]:
    """Split a unit cell into unit names, in order, without duplicates.

    A role said after names (``县教育局、县财政局牵头``) covers every name since the last one
    said; a level word alone (``县``) is dropped; generic words take no level prefix.

    >>> [m.name for m in split_units("县委编办、人社局，各乡镇党委、政府")]
    ['县委编办', '县人社局', '各乡镇党委、政府']
    """
    text = "\n".join(_spaced_names(line) for line in strip_tags(cell).split("\n"))
    text = squeeze(text, keep_newlines=True).replace(" ", "")
    text = _COLLECTIVE_TOWNSHIP_RE.sub(f"、{_PLACEHOLDER}、", text)  # keep the collective's 、
    text = _guard_brackets(text)
    mentions: list[UnitMention] = []
    pending: list[int] = []  # mentions since the last role verb
    seen: set[str] = set()
    prefix: str | None = None
    for piece in _SEPARATORS.split(text):
        raw = piece.replace(_GUARD, "、")
        marked = bool(_LEAD_MARK.search(raw))
        token, verb, separately = _read_verb(_LEAD_MARK.sub("", raw))
        name = COLLECTIVE_TOWNSHIPS if token == _PLACEHOLDER else normalise_unit_name(token)
        if _NAME_CHAR.search(name) and not is_bare_level(name):
            own = level_prefix(name)
            if own and not is_generic(name):
                prefix = own
            elif prefix and _needs_prefix(name):
                name = prefix + name
            if name not in seen:
                seen.add(name)
                pending.append(len(mentions))
                mentions.append(UnitMention(name, marked))
        if verb is not None:
            for index in pending:
                m = mentions[index]
                mentions[index] = UnitMention(
                    m.name, m.marked_lead or verb == "lead", separately, verb
                )
            pending = []
    return mentions


def unit_kind(name: str) -> UnitKind:
    """A best guess of what kind of body a unit name denotes."""
    if is_generic(name):
        return UnitKind.COLLECTIVE
    if name.startswith("团") or name.endswith(("妇联", "工会", "科协", "书店", "公司")):
        return UnitKind.OTHER
    if re.search(r"(?:党委|[县市区省]委|纪委|组织部|宣传部|统战部|政法委|编办|党工委)", name):
        return UnitKind.PARTY
    if name.endswith(("学校", "学院", "中学", "小学", "幼儿园")):
        return UnitKind.SCHOOL
    if _AGENCY_SUFFIX.search(name) or name.endswith("政府"):
        return UnitKind.GOVERNMENT
    return UnitKind.OTHER


def resolve_aliases(names: set[str]) -> dict[str, str]:
    """Map bare names to the one full name they abbreviate within a plan.

    ``教育局`` becomes ``县教育局`` when the plan names 县教育局 and no other level's 教育局.
    """
    aliases: dict[str, str] = {}
    for bare in names:
        if _has_level(bare) or is_generic(bare):
            continue
        candidates = sorted(
            full
            for full in names
            if full != bare and full.endswith(bare) and level_prefix(full) == full[: -len(bare)]
        )
        if len(candidates) == 1:
            aliases[bare] = candidates[0]
    return aliases
