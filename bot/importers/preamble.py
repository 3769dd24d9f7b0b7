"""The notice around a plan's table: title, document number (文号), issuer, date, cadence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot.domain.cadence import natural_next_month
from bot.domain.plan import PlanMeta, ReportingDay
from bot.domain.text import chinese_numeral, squeeze, strip_tags, to_halfwidth_digits

_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5A-Za-z]{1,16}\s*[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,4}\s*号"
)
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([二〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_QUOTED_TITLE = re.compile(r"《([^《》]{4,60})》")
_TITLE_WORDS = ("方案", "清单", "分工", "任务", "台账", "计划", "责任表", "要点", "分解")
_MONTHLY = re.compile(r"一月一调度|每月(?:一)?调度|按月调度|月调度")
_QUARTERLY = re.compile(r"一季度一总结|每季度(?:末)?.{0,12}总结|季度总结|一季一总结")
# The reporting day, stated per month (每月25日前报送, 于每月底前报, 次月5日前报送上月…) or per
# quarter (每季度末月25日前, 每季度最后一个月的30日前). A day without a report verb in its
# sentence (每月5日召开调度会) is not a deadline; 前后 ("around") is not one either.
_NUMBER = r"(?P<num>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
_DAY_END = r"(?P<end>月?[底末]|最后一(?:个工作日|天|日))"
_BEFORE = r"(?!前后)(?:(?:之|以)?前)?"
_MONTH_DAY = re.compile(
    rf"(?P<lead>每个?月的?|次月的?|下个?月的?)(?:{_NUMBER}|{_DAY_END}|(?P<xun>[上中]旬)){_BEFORE}"
)
_QUARTER_DAY = re.compile(
    rf"每个?季度?的?(?:末月|最后一个?月|第三个月|末)的?(?:{_NUMBER}|{_DAY_END}){_BEFORE}"
)
_REPORT_VERB = re.compile(r"报|提交|反馈")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_CLAUSE_BREAK = "，,：:"
_NEXT_MONTH_WORDS = ("上月", "上个月", "上一月", "上一个月")
_THIS_MONTH_WORDS = ("本月", "当月")
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


def read_meta(preamble: Sequence[str], *, fallback_title: str, context: str = "") -> PlanMeta:
    """Read the plan header from the lines before its table (or its first task).

    ``context`` is more of the plan's own text (its sections that are no task, such as 保障措施),
    read for the cadence and the reporting day only.
    """
    lines = [squeeze(strip_tags(line)).lstrip("#").strip() for line in preamble]
    lines = [line for line in lines if line]
    text = "\n".join(lines)
    meta = PlanMeta(title=fallback_title)
    if m := _DOC_NUMBER.search(text):
        number = re.sub(r"\s+", "", m.group(0))
        meta.doc_number = re.split(r"文号|字号|[:：]", number)[-1] or number  # 发布机构…文号X
    issued_index = None
    for index, line in enumerate(lines):
        if len(line) <= 30 and (found := _dates(line)):
            meta.issued, issued_index = found[-1], index
    meta.issuer = _issuer(lines, issued_index)
    meta.title = _title(lines) or fallback_title
    text = "\n".join([text, squeeze(strip_tags(context))]) if context else text
    meta.monthly_dispatch = bool(_MONTHLY.search(text)) or not _QUARTERLY.search(text)
    meta.quarterly_summary = bool(_QUARTERLY.search(text)) or not _MONTHLY.search(text)
    meta.report_due = reporting_day(text, _MONTH_DAY)
    meta.summary_due = reporting_day(text, _QUARTER_DAY)
    return meta


def reporting_day(text: str, pattern: re.Pattern[str]) -> ReportingDay | None:
    """The first deadline ``pattern`` finds in a sentence that speaks of reporting."""
    for sentence in _SENTENCE.finditer(to_halfwidth_digits(text)):
        words = sentence.group(0)
        for m in pattern.finditer(words):
            day = _day_of(m)
            verbs = [v.start() for v in _REPORT_VERB.finditer(words)]
            if day is None or not verbs:
                continue
            verb = min(verbs, key=lambda at: abs(at - m.start()))
            lead = m.groupdict().get("lead") or ""
            if lead and not lead.startswith("每"):
                next_month = True  # 次月5日前, 下月10日前
            elif any(w in words for w in _NEXT_MONTH_WORDS):
                next_month = True
            elif any(w in words for w in _THIS_MONTH_WORDS):
                next_month = False
            else:
                next_month = "lead" in m.groupdict() and natural_next_month(day)
            quote = _quote(words, min(m.start(), verb), max(m.end(), verb + 1))
            return ReportingDay(day=day, next_month=next_month, quote=quote)
    return None


def _day_of(m: re.Match[str]) -> int | None:
    if num := m.group("num"):
        value = int(num) if num.isdecimal() else chinese_numeral(num)
        return value if value and 1 <= value <= 31 else None
    if m.group("end"):
        return 31
    return {"上旬": 10, "中旬": 20}.get(m.groupdict().get("xun") or "")


def _quote(words: str, start: int, end: int) -> str:
    """The clauses of ``words`` around ``start``…``end`` (split at commas), at most 60 chars."""
    while start > 0 and words[start - 1] not in _CLAUSE_BREAK:
        start -= 1
    while end < len(words) and words[end] not in _CLAUSE_BREAK:
        end += 1
    quote = words[start:end].strip()
    return quote if len(quote) <= 60 else quote[:59] + "…"


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
