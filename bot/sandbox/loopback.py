"""Serving an emulator's aiohttp application on loopback, on a free port; waiting on it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiohttp import web


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Start ``app``; the runner (to clean up) and the base URL it answers on."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"


async def wait_until(predicate: Callable[[], object], seconds: float = 15.0) -> None:
    """Wait until ``predicate()`` is true (the bot works asynchronously); TimeoutError after."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.02)
