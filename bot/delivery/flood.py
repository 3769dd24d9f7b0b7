"""Per-person flood control: past a rate, updates are recorded but not handled, and the person
is told once per minute to slow down. Windows are per process (a soft guard, not a quota)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

PER_MINUTE = 20
WINDOW = 60.0


class FloodGuard:
    """How many updates each person sent in the last minute."""

    def __init__(
        self, limit: int = PER_MINUTE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def admit(self, identity: str) -> bool:
        """Record an update; False when the person is over the limit."""
        now = self.clock()
        seen = self._seen[identity]
        while seen and now - seen[0] >= WINDOW:
            seen.popleft()
        seen.append(now)
        if len(self._seen) > 100_000:
            self._seen = defaultdict(
                deque, {k: v for k, v in self._seen.items() if v and now - v[-1] < WINDOW}
            )
        return len(seen) <= self.limit

    def window(self) -> int:
        """The current minute, for one notice per person per minute."""
        return int(self.clock() // WINDOW)
