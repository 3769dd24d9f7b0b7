"""Reading a reporter's free text for what it already says: which task, what status, what percent.

Officials write their progress the way they would in a WeChat group: ``23号任务已完成，经费已拨付到
位``, ``推进中，完成60%``, ``第19项：隐患排查已完成，整改率100%``, or one message for several tasks
(``1.……  2.……`` or one line per task). :func:`read_reply` turns such a message into one
:class:`ReadReport` per task it names, each with the status and percent it states; whatever the
text does not settle is left ``None`` and named in ``unsure``, for the conversation to ask. Rules
only; nothing is guessed from a word that could mean something else (``3号楼`` is no task,
``整改率100%`` is no progress percent, ``未完成`` is no status). Lines headed ``存在问题：`` and
``下步打算：`` are kept apart from the narrative (:func:`split_extras`), and the status is read
from the narrative alone (a problem's 推进缓慢 is no status).

Chinese numerals (``第二十三项``) are read here rather than with cn2an, whose import alone takes
about 0.4 s on the intake path, for numbers up to 999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.narrative import says_none
from bot.domain.reporting import Status
from bot.domain.text import chinese_numeral

_NUM = r"(\d{1,3}|[一二两三四五六七八九十百〇零]{1,5})"
_SEP = r"[\s:：，,、.．]*"

# A task named at the start of a segment: 第5项 / 5号任务 / 任务5 / 5. / (5)
_MARKERS = (
    re.compile(rf"^(?:关于)?第{_NUM}(?:项|条|号)(?:任务|工作)?{_SEP}"),
    re.compile(
        rf"^{_NUM}号(?:任务|工作){_SEP}|^(\d{{1,3}})号(?=[:：，,、\s]|已|正|未|尚|推进|推進|滞后|滯後|完成|进度|進度)[\s:：，,、]*"
    ),
    re.compile(rf"^任务(?:第)?{_NUM}(?:号|项)?{_SEP}"),
    re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*"),
    re.compile(r"^[（(]\s*(\d{1,3})\s*[)）]\s*"),
)
# The start of the next task inside one line: after a sentence ends, ``2.`` or ``第2项``.
_INLINE = re.compile(r"(?<=[。；;！!])\s*(?=(?:\d{1,3}\s*[.．、](?!\d)|第\d{1,3}项))")

_NEGATED_DONE = re.compile(r"(?:未|没有|没|尚未|还未|还没|未能|不能|无法)(?:全部|按期)?完成")
_STATUS_WORDS: tuple[tuple[Status, re.Pattern[str]], ...] = (
    (
        Status.NOT_STARTED,
        re.compile(r"(?:尚未|还未|暂未|未|没有)(?:启动|啟動|开始|開始|开展|開展|实施|實施)"),
    ),
    (
        Status.BEHIND,
        re.compile(
            r"滞后|滯後|有困难|有困難|存在困难|存在困難|遇到困难|遇到困難|延误|延誤|"
            r"推进缓慢|推進緩慢|进展缓慢|進展緩慢|未按期|逾期"
        ),
    ),
    (
        Status.IN_PROGRESS,
        re.compile(
            r"推进中|推進中|正在推进|正在推進|有序推进|有序推進|稳步推进|穩步推進|持续推进|"
            r"持續推進|进行中|進行中|正在进行|正在進行|正在实施|正在實施|实施中|實施中|"
            r"建设中|建設中|正在建设|正在建設|基本完成|部分完成"
        ),
    ),
    (
        Status.DONE,
        re.compile(
            r"(?:已|全面|全部|已全部|顺利|順利|按期|如期)(?:完成|办结|辦結|完工|竣工)(?!\s*\d)|"
            r"^\s*完成\s*[。！!]?\s*$|已经完成(?!\s*\d)|已落实到位"
        ),
    ),
)
_PROGRESS_PERCENT = re.compile(
    r"(?:完成|进度|進度|进展|進展|推进|推進|累计完成|累計完成)"
    r"(?:[^，。,;；\d]{0,8}的)?(?:了|约|約|近|达|達|达到|達到|至|为|為)?\s*(\d{1,3})\s*[%％]"
)
# 完成一半 / 进度过半: half done, read as 50 %
_HALF = re.compile(r"(?:完成|进度|進度|推进|推進)(?:了|约|約|近)?(?:一半|过半|過半)")
_BARE_PERCENT = re.compile(r"^\s*(\d{1,3})\s*[%％]\s*[。！!]?\s*$")
_NO_CHANGE = re.compile(
    r"本月无新进展|本月無新進展|无新进展|無新進展|没有新进展|暂无新进展|暫無新進展|与上月相同|"
    r"與上月相同|同上月|与上月一致|與上月一致|无变化|無變化"
)

# 存在问题： / 下步打算： at the start of a line or after a sentence ends
_EXTRA_LABEL = re.compile(
    r"(?:^|(?<=[。；;！!]))[ \t]*(?:"
    r"(?P<problems>存在的?(?:主要)?(?:问题|問題|困难和问题|困難和問題|困难|困難)|"
    r"(?:困难|困難)和(?:问题|問題)|(?:问题|問題)和(?:困难|困難))|"
    r"(?P<next>下一?步(?:工作)?(?:打算|计划|計劃|安排|措施)))"
    r"[ \t]*[:：]",
    re.MULTILINE,
)


def split_extras(text: str) -> tuple[str, str | None, str | None]:
    """``(narrative, problems, next_steps)``: the lines headed 存在问题： and 下步打算： taken out.

    A field the text does not head is ``None``; one headed and answered 无 is ``""``.
    """
    found = list(_EXTRA_LABEL.finditer(text))
    if not found:
        return text.strip(), None, None
    fields: dict[str, str] = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[match.end() : end].strip()
        name = "problems" if match.group("problems") else "next"
        value = "" if says_none(value) else value
        fields[name] = f"{fields[name]}\n{value}".strip() if fields.get(name) else value
    return text[: found[0].start()].strip(), fields.get("problems"), fields.get("next")


@dataclass(frozen=True, slots=True)
class ReadReport:
    """What one part of a message says about one task; ``None`` where it says nothing sure."""

    task: str | None  # the task number named ("23"), None when the text names none
    status: Status | None
    percent: int | None
    text: str  # the narrative, without the task marker
    no_change: bool = False  # 本月无新进展 / 与上月相同
    unsure: tuple[str, ...] = ()  # "status", "percent": stated in two ways that disagree
    problems: str | None = None  # 存在问题 as headed in the text ("" for 无), None if not
    next_steps: str | None = None  # 下步打算 likewise


def chinese_number(text: str) -> int | None:
    """``二十三`` → 23, ``一百零五`` → 105, ``23`` → 23; None when it is no task number."""
    value = int(text) if text.isdecimal() else chinese_numeral(text)
    return value or None


def _task_marker(segment: str) -> tuple[str | None, str]:
    for pattern in _MARKERS:
        match = pattern.match(segment)
        if match:
            raw = next(group for group in match.groups() if group)
            number = chinese_number(raw)
            if number is not None:
                return str(number), segment[match.end() :]
    return None, segment


def _segments(text: str) -> list[str]:
    """The message cut where a task starts: a new line, or ``2.`` / ``第2项`` after a sentence."""
    parts: list[str] = []
    for line in text.splitlines():
        pieces = (
            _INLINE.split(line) if len(re.findall(r"\d{1,3}\s*[.．、](?!\d)", line)) > 1 else [line]
        )
        for piece in pieces:
            stripped = piece.strip()
            if not stripped:
                continue
            if parts and _task_marker(stripped)[0] is None:
                parts[-1] += "\n" + stripped  # a line that continues the task above
            else:
                parts.append(stripped)
    return parts


def _status(text: str) -> tuple[Status | None, bool]:
    # 已完成60% and 已完成一半 are percents, not 已完成
    cleaned = _NEGATED_DONE.sub("", _HALF.sub("", _PROGRESS_PERCENT.sub("", text)))
    found = {status for status, pattern in _STATUS_WORDS if pattern.search(cleaned)}
    if Status.NOT_STARTED in found and len(found) > 1:
        found.discard(Status.NOT_STARTED)  # 未开展的部分正在推进: the rest of the sentence decides
    if len(found) == 1:
        return found.pop(), False
    return None, len(found) > 1


def _percent(text: str) -> tuple[int | None, bool]:
    values = {int(v) for v in _PROGRESS_PERCENT.findall(text) if int(v) <= 100}
    if _HALF.search(text):
        values.add(50)
    bare = _BARE_PERCENT.match(text)
    if bare and int(bare.group(1)) <= 100:
        values.add(int(bare.group(1)))
    if len(values) == 1:
        return values.pop(), False
    return None, len(values) > 1


def _read(segment: str) -> ReadReport:
    task, body = _task_marker(segment)
    body, problems, next_steps = split_extras(body)
    body = body.strip(" \t:：，,、")
    status, status_unsure = _status(body)
    percent, percent_unsure = _percent(body)
    if status is None and not status_unsure and percent is not None:
        status = Status.DONE if percent == 100 else Status.NOT_STARTED if percent == 0 else None
        status = status or Status.IN_PROGRESS
    if status is Status.DONE and percent is not None and percent != 100:
        status, status_unsure = None, True  # 已完成 but 60%: ask rather than pick one
    unsure = tuple(
        name for name, flag in (("status", status_unsure), ("percent", percent_unsure)) if flag
    )
    return ReadReport(
        task=task,
        status=status,
        percent=percent,
        text=body,
        no_change=bool(_NO_CHANGE.search(body)),
        unsure=unsure,
        problems=problems,
        next_steps=next_steps,
    )


def _joined(first: str | None, second: str | None) -> str | None:
    if first is None or second is None:
        return second if first is None else first
    return "\n".join(part for part in (first, second) if part)


def _merge_same_task(reports: list[ReadReport]) -> list[ReadReport]:
    """A task named twice is one report; where the two parts disagree, that is unsure."""
    merged: dict[str | None, ReadReport] = {}
    order: list[ReadReport] = []
    for report in reports:
        first = merged.get(report.task) if report.task is not None else None
        if first is None:
            merged[report.task] = report
            order.append(report)
            continue
        unsure = set(first.unsure) | set(report.unsure)
        if first.status != report.status:
            unsure.add("status")
        if first.percent != report.percent:
            unsure.add("percent")
        combined = ReadReport(
            task=first.task,
            status=first.status if first.status == report.status else None,
            percent=first.percent if first.percent == report.percent else None,
            text=first.text + "\n" + report.text,
            no_change=first.no_change and report.no_change,
            unsure=tuple(name for name in ("status", "percent") if name in unsure),
            problems=_joined(first.problems, report.problems),
            next_steps=_joined(first.next_steps, report.next_steps),
        )
        order[order.index(first)] = combined
        merged[report.task] = combined
    return order


def read_reply(text: str) -> list[ReadReport]:
    """One :class:`ReadReport` per task the message names (one, task ``None``, if it names none).

    A heading before the first named task (``本月进展如下：``) that states no status or percent
    is not a report of its own.
    """
    reports = _merge_same_task([_read(segment) for segment in _segments(text)])
    if len(reports) > 1 and reports[0].task is None and any(r.task for r in reports[1:]):
        head = reports[0]
        if head.status is None and head.percent is None and not head.no_change:
            reports = reports[1:]
    return reports
