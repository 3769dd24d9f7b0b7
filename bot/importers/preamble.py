"""The notice around a plan's table: title, document number (文号), issuer, date, cadence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.domain.plan import PlanMeta
from bot.domain.text import chinese_numeral, squeeze, strip_tags, to_halfwidth_digits

_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5A-Za-z]{1,16}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,4}\s*号"
)
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([二〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_QUOTED_TITLE = re.compile(r"《([^《》]{4,60})》")
_TITLE_WORDS = ("方案", "清单", "分工", "任务", "台账", "计划", "责任表")
_MONTHLY = re.compile(r"一月一调度|每月(?:一)?调度|按月调度|月调度")
_QUARTERLY = re.compile(r"一季度一总结|每季度(?:末)?.{0,12}总结|季度总结|一季一总结")
_CN_DIGIT = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True))


def _cn_date(match: re.Match[str]) -> date | None:
    year = int("".join(_CN_DIGIT[c] for c in match.group(1)))
    month, day = chinese_numeral(match.group(2)), chinese_numeral(match.group(3))
    try:
        return date(year, month or 0, day or 0)
    except ValueError:
        return None


def _dates(line: str) -> list[date]:
    found: list[date] = []
    for m in _DATE.finditer(to_halfwidth_digits(line)):
        try:
            found.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    found.extend(d for m in _CN_DATE.finditer(line) if (d := _cn_date(m)))
    return found


def read_meta(preamble: Sequence[str], *, fallback_title: str) -> PlanMeta:
    """Read the plan header from the lines before its table (or its first task)."""
    lines = [squeeze(strip_tags(line)) for line in preamble]
    lines = [line for line in lines if line]
    text = "\n".join(lines)
    meta = PlanMeta(title=fallback_title)
    if m := _DOC_NUMBER.search(text):
        meta.doc_number = re.sub(r"\s+", "", m.group(0))
    issued_index = None
    for index, line in enumerate(lines):
        if len(line) <= 30 and (found := _dates(line)):
            meta.issued, issued_index = found[-1], index
    meta.issuer = _issuer(lines, issued_index)
    meta.title = _title(lines) or fallback_title
    meta.monthly_dispatch = bool(_MONTHLY.search(text)) or not _QUARTERLY.search(text)
    meta.quarterly_summary = bool(_QUARTERLY.search(text)) or not _MONTHLY.search(text)
    return meta


def _issuer(lines: list[str], issued_index: int | None) -> str | None:
    if issued_index is not None and issued_index > 0:
        candidate = lines[issued_index - 1]
        if len(candidate) <= 40 and not re.search(r"[，。：:；;]", candidate):
            return candidate
    for line in lines[:5]:
        if line.endswith("文件") and len(line) <= 40:
            return line.removesuffix("文件")
    return None


def _title(lines: list[str]) -> str | None:
    # The heading just above the table, e.g. 全市教育大会精神重点任务分工方案.
    for line in reversed(lines[-3:]):
        if (
            len(line) <= 60
            and any(w in line for w in _TITLE_WORDS)
            and not re.search(r"[，。：:；;]", line)
        ):
            return line
    for line in lines:
        if m := _QUOTED_TITLE.search(line):
            return m.group(1).replace(" ", "")
    return None
