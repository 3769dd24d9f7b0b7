"""One scheduler per deployment: the ``scheduler`` process lock (see bot.storage.locks)."""

from __future__ import annotations

from bot.storage.locks import ProcessLock, lock_key

LOCK_NAME = "duban-scheduler"
__all__ = ["LOCK_NAME", "SchedulerLock", "lock_key"]


class SchedulerLock(ProcessLock):
    """Try to become the scheduler; hold it until released."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "scheduler")
