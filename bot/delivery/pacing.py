"""Sliding-window send limits per channel, per recipient and overall.

Telegram: ≈30 msg/s per bot, 1 msg/s per chat, 20 msg/min per group. WeCom: 30 msg/min and
1000 msg/hour per member per app, and WeCom drops the excess *silently*, so these limits are
ours to keep, never to discover.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

Limit = tuple[int, float]  # (messages, per seconds)


@dataclass(frozen=True, slots=True)
class ChannelLimits:
    """The limits of one channel."""

    overall: tuple[Limit, ...] = ()
    per_recipient: tuple[Limit, ...] = ()
    per_group: tuple[Limit, ...] = ()


TELEGRAM_LIMITS = ChannelLimits(
    overall=((30, 1.0),), per_recipient=((1, 1.0),), per_group=((1, 1.0), (20, 60.0))
)
WECOM_LIMITS = ChannelLimits(per_recipient=((30, 60.0), (1000, 3600.0)))
LIMITS = {"telegram": TELEGRAM_LIMITS, "wecom": WECOM_LIMITS}


@dataclass
class _Window:
    limits: tuple[Limit, ...]
    sent: deque[float] = field(default_factory=deque)

    def delay(self, now: float) -> float:
        longest = max((w for _, w in self.limits), default=0.0)
        while self.sent and now - self.sent[0] >= longest:
            self.sent.popleft()
        wait = 0.0
        for count, window in self.limits:
            recent = [t for t in self.sent if now - t < window]
            if len(recent) >= count:
                wait = max(wait, recent[-count] + window - now)
        return wait


class Pacer:
    """How long to wait before the next message may go to a recipient."""

    def __init__(
        self,
        limits: dict[str, ChannelLimits] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = LIMITS if limits is None else limits
        self.clock = clock
        self._windows: dict[tuple[str, str], _Window] = {}

    def _window(self, key: tuple[str, str], limits: tuple[Limit, ...]) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(limits)
        return window

    def _pair(self, channel: str, recipient: str) -> list[_Window]:
        limits = self.limits.get(channel, ChannelLimits())
        group = recipient.startswith("-")  # Telegram group and channel ids are negative
        own = limits.per_group if group and limits.per_group else limits.per_recipient
        windows = []
        if limits.overall:
            windows.append(self._window((channel, ""), limits.overall))
        if own:
            windows.append(self._window((channel, recipient), own))
        return windows

    def recipient_delay(self, channel: str, recipient: str) -> float:
        """Seconds until ``recipient`` may get a message (0 when now)."""
        now = self.clock()
        windows = self._pair(channel, recipient)
        return max((w.delay(now) for w in windows[-1:] if w.limits), default=0.0)

    def overall_delay(self, channel: str) -> float:
        """Seconds until the channel may send anything."""
        limits = self.limits.get(channel, ChannelLimits())
        if not limits.overall:
            return 0.0
        return self._window((channel, ""), limits.overall).delay(self.clock())

    def record(self, channel: str, recipient: str) -> None:
        """A message went out."""
        now = self.clock()
        for window in self._pair(channel, recipient):
            window.sent.append(now)
