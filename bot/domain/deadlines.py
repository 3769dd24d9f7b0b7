"""Deadlines written in words (完成时间) turned into dates: ``2024年底`` → 2024-12-31; and the
words kept as written (长期坚持, 2026年12月) for the documents, where a date would lose them."""

from __future__ import annotations

import calendar
import re
from datetime import date

from bot.domain.text import chinese_numeral, squeeze, to_halfwidth_digits

_ONGOING = re.compile(r"^(?:长期|持续|常态|每年|每季|每月|逐年|按期|按时|适时|及时)")
_YEAR = r"(?P<year>\d{4})\s*年?"
_FULL_DATE = re.compile(r"(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*日?")
_YEAR_MONTH = re.compile(
    rf"{_YEAR}\s*(?P<month>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月(?:份)?(?P<part>底|末|中旬|上旬|下旬|前|以前|之前)?"
)
_YEAR_MONTH_NUMERIC = re.compile(r"(?P<year>\d{4})\s*[-./]\s*(?P<month>\d{1,2})(?!\d)")
_YEAR_QUARTER = re.compile(rf"{_YEAR}\s*(?:第)?(?P<q>[一二三四1-4])\s*季度")
_YEAR_HALF = re.compile(rf"{_YEAR}\s*(?P<half>上半年|下半年|年中|年底|年末|底|末|前|以前|之前)?")


_PLAIN_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def deadline_wording(text: str) -> str | None:
    """A deadline cell's words worth keeping beside the date read from them: ``长期坚持``,
    ``2026年12月``, ``2026年底前``; None when empty or a whole date (``2026-12-31``,
    ``2026年12月31日``, a spreadsheet's ``2026-12-31 00:00:00``), which the date itself says."""
    value = squeeze(text).strip()
    plain = to_halfwidth_digits(value).strip("。.；; ")
    if not plain or plain in {"-", "—", "/"}:
        return None
    if _PLAIN_DATE.match(plain) or _FULL_DATE.fullmatch(plain):
        return None
    return value


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str) -> tuple[date | None, bool]:
    """Parse a deadline cell. Returns (date or None, understood).

    Empty and ongoing deadlines (``长期坚持``, ``每年``) give (None, True); text that names no date
    we can read gives (None, False) so the importer can warn about it.
    """
    value = to_halfwidth_digits(squeeze(text)).strip("。.；; ")
    if not value or value in {"-", "—", "/", "无"} or _ONGOING.match(value):
        return None, True
    value = re.sub(r"^(?:到|至|于|在|截至|截止|截止到|力争|确保)+", "", value)
    try:
        if m := _FULL_DATE.search(value):
            return date(int(m["y"]), int(m["m"]), int(m["d"])), True
        if m := _YEAR_MONTH.search(value):
            month = int(m["month"]) if m["month"].isdecimal() else chinese_numeral(m["month"]) or 0
            year = int(m["year"])
            part = m["part"] or ""
            if part == "上旬":
                return date(year, month, 10), True
            if part == "中旬":
                return date(year, month, 20), True
            if part in {"前", "以前", "之前"}:
                return date(year, month, 1), True
            return _month_end(year, month), True
        if m := _YEAR_MONTH_NUMERIC.fullmatch(value):
            return _month_end(int(m["year"]), int(m["month"])), True
        if m := _YEAR_QUARTER.search(value):
            quarter = "一二三四".find(m["q"]) + 1 if not m["q"].isdecimal() else int(m["q"])
            return _month_end(int(m["year"]), quarter * 3), True
        if m := _YEAR_HALF.search(value):
            year = int(m["year"])
            half = m["half"] or ""
            if half in {"上半年", "年中"}:
                return date(year, 6, 30), True
            return date(year, 12, 31), True
    except ValueError:  # 2024年13月, 2月30日: a date that does not exist
        return None, False
    return None, False


def still_written(text: str | None, deadline: date | None) -> str | None:
    """The words, while they still say ``deadline``: an approved 延期申请 moves the date, and
    then the plan's words (2026年12月) would mislead. Words that name no date we can read
    (``9月底前`` without its year) are kept."""
    if not text:
        return None
    parsed, understood = parse_deadline(text)
    return text if not understood or parsed == deadline else None


def as_written(text: str | None, deadline: date | None) -> str:
    """A deadline as people are shown it: the plan's words while they still say its date
    (长期坚持, 2026年12月), else the date (ISO); empty when it has neither."""
    return still_written(text, deadline) or (deadline.isoformat() if deadline else "")
