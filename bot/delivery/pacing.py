"""Sliding-window send limits per channel, per recipient and overall.

Telegram: 30 msg/s per bot, 1 msg/s per chat, 20 msg/min per group. WeCom: 30 msg/min and
1000 msg/hour per member per app, and WeCom drops the excess *silently*, so these limits are
ours to keep, never to discover.

A send is stamped when its answer arrives, not when it starts: the server saw the request
before we saw its answer, so the next window opens after the server's own, whatever the
latency and its jitter. The channels split a message into parts of one message each (a long
text's pieces: Telegram 4096 characters, WeCom 2048 bytes), each paced on its own; a channel
that does not split takes a slot per piece it sends (``slots``, ``count``). Only one sender
per channel runs in a deployment (it is elected), so these windows are the deployment's; a newly
elected sender seeds them from what was sent just before (:meth:`Pacer.record` with ``at``). A
``retry_after`` pauses the whole channel.
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

    def delay(self, now: float, slots: int = 1) -> float:
        """Seconds until ``slots`` more messages fit in every limit. A limit smaller than
        ``slots`` (a channel that does not split its messages into parts) needs only an empty
        window, else it would never open; the channels here split, so a part is one slot."""
        longest = max((w for _, w in self.limits), default=0.0)
        while self.sent and now - self.sent[0] >= longest:
            self.sent.popleft()
        wait = 0.0
        for count, window in self.limits:
            room = count - min(max(slots, 1), count)  # at most this many may stay in the window
            recent = [t for t in self.sent if now - t < window]
            if len(recent) > room:
                wait = max(wait, recent[-(room + 1)] + window - now)
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
        self._paused: dict[str, float] = {}  # channel → until (retry_after)

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

    def recipient_delay(self, channel: str, recipient: str, slots: int = 1) -> float:
        """Seconds until ``recipient`` may get ``slots`` messages (0 when now)."""
        now = self.clock()
        limits = self.limits.get(channel, ChannelLimits())
        group = recipient.startswith("-")
        own = limits.per_group if group and limits.per_group else limits.per_recipient
        if not own:
            return 0.0
        return self._window((channel, recipient), own).delay(now, slots)

    def overall_delay(self, channel: str, slots: int = 1) -> float:
        """Seconds until the channel may send ``slots`` messages."""
        now = self.clock()
        paused = max(0.0, self._paused.get(channel, now) - now)
        limits = self.limits.get(channel, ChannelLimits())
        if not limits.overall:
            return paused
        return max(paused, self._window((channel, ""), limits.overall).delay(now, slots))

    def pause(self, channel: str, seconds: float) -> None:
        """The channel said to retry after ``seconds``: send nothing on it until then."""
        until = self.clock() + seconds
        self._paused[channel] = max(self._paused.get(channel, until), until)

    def record(self, channel: str, recipient: str, at: float | None = None, count: int = 1) -> None:
        """``count`` messages were answered (now, or ``at`` on this pacer's clock when
        seeding): a text the channel cut in pieces takes a slot per piece."""
        stamp = self.clock() if at is None else at
        for window in self._pair(channel, recipient):
            if window.sent and stamp < window.sent[-1]:  # seeding out of order: keep it sorted
                window.sent = deque(sorted((*window.sent, *[stamp] * count)))
            else:
                window.sent.extend([stamp] * count)

    def longest(self, channel: str) -> float:
        """The longest window of the channel's limits, in seconds."""
        limits = self.limits.get(channel, ChannelLimits())
        spans = [w for _, w in (*limits.overall, *limits.per_recipient, *limits.per_group)]
        return max(spans, default=0.0)

    def forget(self, channel: str) -> None:
        """Drop the channel's windows (this process stopped sending on it)."""
        for key in [k for k in self._windows if k[0] == channel]:
            del self._windows[key]
        self._paused.pop(channel, None)
