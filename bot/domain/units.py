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
_SEPARATORS = re.compile(r"[、，,；;／/|\n]+")
_LEAD_MARK = re.compile(r"[（(]\s*牵头\s*[）)]")
_TRAILING_NOISE = re.compile(r"(?:等(?:单位|部门)?|[。．.：:])+$")
_LEVEL = "省市州县区旗"
_LEVEL_PREFIX = re.compile(rf"^((?:[\u4e00-\u9fff]{{2,3}})?[{_LEVEL}])(?=[\u4e00-\u9fff])")
# Names that may take an inherited level: agencies, offices, committees, governments.
_AGENCY_SUFFIX = re.compile(r"(?:局|委|办|部|厅|院|署|会|府|中心|所|队|站|处|室|社|联)$")
_NOT_A_LEVEL_START = ("市场",)  # 市场监督管理局 starts with 市 but carries no level


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


def level_prefix(name: str) -> str | None:
    """The level a name starts with: ``县`` for 县委编办, ``辰溪县`` for 辰溪县教育局."""
    if name.startswith(_NOT_A_LEVEL_START):
        return None
    match = _LEVEL_PREFIX.match(name)
    return match.group(1) if match else None


def _has_level(name: str) -> bool:
    return any(ch in _LEVEL for ch in name.replace("市场", ""))


def _needs_prefix(name: str) -> bool:
    return not name.startswith("各") and not _has_level(name) and bool(_AGENCY_SUFFIX.search(name))


def normalise_unit_name(raw: str) -> str:
    """One unit name cleaned: no spaces, no trailing ``等``, collectives in canonical form."""
    name = squeeze(strip_tags(raw)).replace(" ", "")
    name = _TRAILING_NOISE.sub("", name)
    if _COLLECTIVE_TOWNSHIP_RE.fullmatch(name):
        return COLLECTIVE_TOWNSHIPS
    return name


def split_units(cell: str) -> list[UnitMention]:
    """Split a unit cell into unit names, in order, without duplicates.

    >>> [m.name for m in split_units("县委编办、人社局，各乡镇党委、政府")]
    ['县委编办', '县人社局', '各乡镇党委、政府']
    """
    text = squeeze(strip_tags(cell), keep_newlines=True).replace(" ", "")
    text = _COLLECTIVE_TOWNSHIP_RE.sub(f"、{_PLACEHOLDER}、", text)  # keep the collective's 、
    mentions: list[UnitMention] = []
    seen: set[str] = set()
    prefix: str | None = None
    for raw in _SEPARATORS.split(text):
        marked = bool(_LEAD_MARK.search(raw))
        token = _LEAD_MARK.sub("", raw)
        name = COLLECTIVE_TOWNSHIPS if token == _PLACEHOLDER else normalise_unit_name(token)
        if not name:
            continue
        own = level_prefix(name)
        if own:
            prefix = own
        elif prefix and _needs_prefix(name):
            name = prefix + name
        if name not in seen:
            seen.add(name)
            mentions.append(UnitMention(name, marked))
    return mentions


def unit_kind(name: str) -> UnitKind:
    """A best guess of what kind of body a unit name denotes."""
    if name.startswith("各"):
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
        if _has_level(bare) or bare.startswith("各"):
            continue
        candidates = sorted(
            full
            for full in names
            if full != bare and full.endswith(bare) and level_prefix(full) == full[: -len(bare)]
        )
        if len(candidates) == 1:
            aliases[bare] = candidates[0]
    return aliases
