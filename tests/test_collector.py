"""The collector paused while digests and exports are built: nested and overlapping builds,
failures, and a collector that was already off."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from bot.oversight import collector


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_then_back() -> None:
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build is still under way
    assert gc.isenabled()


def test_back_after_a_failure() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("export failed")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_overlapping_builds_in_one_loop() -> None:
    gc.enable()
    after: list[tuple[str, bool]] = []  # which build ended, and the collector then

    async def build(name: str, started: asyncio.Event, other: asyncio.Event) -> None:
        with collector.paused():
            started.set()
            await other.wait()
        after.append((name, gc.isenabled()))

    async def main() -> None:
        a, b = asyncio.Event(), asyncio.Event()
        await asyncio.gather(build("first", a, b), build("second", b, a))

    asyncio.run(main())
    # the second ends while the first is still under way (paused), then the first
    assert after == [("second", False), ("first", True)]
