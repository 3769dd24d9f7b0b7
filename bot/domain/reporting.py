"""Reporting vocabulary: the four statuses, percentages, month periods, narrative limits."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.messages import N_

NARRATIVE_MAX_CHARS = 2000  # a month's progress on one task; longer goes in an attached file
ATTACHMENTS_MAX = 10  # per report


class Status(StrEnum):
    """The status of a task as a unit reports it."""

    NOT_STARTED = "not_started"  # 未启动
    IN_PROGRESS = "in_progress"  # 推进中
    BEHIND = "behind"  # 滞后
    DONE = "done"  # 已完成

    @property
    def label(self) -> str:
        """The message id of its display name."""
        return STATUS_LABELS[self]

    @property
    def code(self) -> int:
        """Its short number in button payloads."""
        return list(Status).index(self)

    @classmethod
    def from_code(cls, code: int) -> Status | None:
        """The status with payload number ``code``, or None."""
        members = list(cls)
        return members[code] if 0 <= code < len(members) else None


STATUS_LABELS = {
    Status.NOT_STARTED: N_("Not started"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.BEHIND: N_("Behind schedule"),
    Status.DONE: N_("Done"),
}

# Statuses where a percentage says something; the others imply 0 and 100.
STATUS_PERCENT = {Status.NOT_STARTED: 0, Status.DONE: 100}
PERCENT_CHOICES = (20, 40, 60, 80)

_PERCENT = re.compile(r"^\s*(?:完成|已完成|进度|進度)?\s*(\d{1,3})\s*(?:%|％|percent)?\s*$")


def parse_percent(text: str) -> int | None:
    """``60``, ``60%``, ``完成60％`` → 60; anything else, or above 100 → None."""
    match = _PERCENT.match(text)
    if not match:
        return None
    value = int(match.group(1))
    return value if 0 <= value <= 100 else None


_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Month:
    """A monthly reporting period (月调度), keyed ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, key: str) -> Month | None:
        """``2026-11`` → Month; anything else → None."""
        match = _PERIOD.match(key.strip())
        if not match:
            return None
        year, month = int(match.group(1)), int(match.group(2))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            return None
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a day falls in."""
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        """``YYYY-MM``."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def starts(self) -> date:
        """Its first day."""
        return date(self.year, self.month, 1)

    @property
    def ends(self) -> date:
        """Its last day."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, slots=True)
class Quarter:
    """A quarter (季度), keyed ``YYYY-Qn``: the period of the quarterly summary (季总结)."""

    year: int
    number: int

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        """``2026-Q4`` → Quarter; anything else → None."""
        match = _QUARTER.match(key.strip().upper())
        return cls(int(match.group(1)), int(match.group(2))) if match else None

    @classmethod
    def of(cls, month: Month) -> Quarter:
        """The quarter a month belongs to."""
        return cls(month.year, (month.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        """``YYYY-Qn``."""
        return f"{self.year:04d}-Q{self.number}"

    @property
    def months(self) -> list[Month]:
        """Its three months."""
        return [Month(self.year, 3 * self.number - 2 + i) for i in range(3)]

    @property
    def starts(self) -> date:
        """Its first day."""
        return self.months[0].starts

    @property
    def ends(self) -> date:
        """Its last day."""
        return self.months[-1].ends
