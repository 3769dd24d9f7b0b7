"""Waiting for a condition instead of for a time: tests assert after the state they check.

A fixed sleep is either too short on a busy machine or wasted on an idle one; these helpers
poll the condition itself (a database query, an emulator's chat) under a generous ceiling
that only a real failure reaches.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

from bot.delivery.intake import MAX_ATTEMPTS
from bot.storage.models import InboxUpdate, OutboxMessage

CEILING = 60.0  # seconds: far beyond any healthy run, reached only when the condition fails


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]],
    seconds: float = CEILING,
    what: str = "",
) -> None:
    """Return once ``condition()`` (plain or async) is true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:.0f} s: {what or condition!r}")
        await asyncio.sleep(0.02)


async def outbox_settled(seconds: float = CEILING) -> None:
    """Every outbox row has reached a final state (sent or failed): nothing is left to send."""

    async def settled() -> bool:
        return not await OutboxMessage.filter(state__in=("pending", "sending")).exists()

    await eventually(settled, seconds, "every outbox row sent or failed")


async def settled(seconds: float = CEILING) -> None:
    """Every stored update handled (or given up) and every outbox row sent or failed.

    For a running bot whose test has stopped acting: nothing is left to handle or to send.
    """

    async def idle() -> bool:
        unhandled = InboxUpdate.filter(processed_at=None, attempts__lt=MAX_ATTEMPTS)
        unsent = OutboxMessage.filter(state__in=("pending", "sending"))
        return not await unhandled.exists() and not await unsent.exists()

    await eventually(idle, seconds, "every update handled and every outbox row sent or failed")
