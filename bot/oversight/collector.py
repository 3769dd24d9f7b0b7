"""Python's cyclic garbage collector paused while a digest or an export is built.

A month's digest and export make hundreds of thousands of objects that live until the result
is out (report rows, lines, cells) and no reference cycles. Each full pass of the collector
walked all of them and found nothing, and the passes came more often as the month grew: at
2 000 tasks × 300 units a fifth of an export's CPU, at 8 000 × 1 200 a quarter, the part that
made the exports grow faster than the data (bench/RESULTS.md, issue 16). Reference counting
still frees everything as before; cycles made meanwhile elsewhere in the process wait for the
last build under way to finish.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


class _State:
    """Builds under way, and whether the collector ran before the first of them."""

    holders = 0
    was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block; back as it was when the last block still open ends
    (blocks nest and overlap: two exports awaited at once in the event loop)."""
    if _State.holders == 0:
        _State.was_enabled = gc.isenabled()
        gc.disable()
    _State.holders += 1
    try:
        yield
    finally:
        _State.holders -= 1
        if _State.holders == 0 and _State.was_enabled:
            gc.enable()
