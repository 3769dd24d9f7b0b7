"""Chaos, short form (PostgreSQL only): three ``duban run`` processes on one database and one
Telegram emulator at its exact limits; prompts fan out and people answer while the sender's
process (every third time any process) is killed with SIGKILL every few seconds and restarted.
Every prompt and answer arrives, at most one message twice per kill, every reply is handled
exactly once, no 429. ``bench/bench_chaos.py`` is the long form."""

from __future__ import annotations

import pytest

from bench.bench_chaos import chaos, report
from tests.conftest import POSTGRES_URL, _truncate

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="DUBAN_TEST_POSTGRES_URL not set")
PROMPTS, REPLIES, KILLS = 200, 60, 3


@pytest.mark.postgres
async def test_three_processes_killed_in_turn_lose_nothing(postgres_ready: str) -> None:
    await _truncate(postgres_ready)
    outcome = await chaos(
        postgres_ready, PROMPTS, REPLIES, kill_every=2.5, kills=KILLS, ceiling=150
    )
    summary = report(outcome)
    assert outcome.notes == [], summary
    assert outcome.kills == KILLS, summary
    assert outcome.missing == 0, summary
    assert outcome.duplicates <= outcome.kills, summary
    assert outcome.replies_handled == outcome.replies_answered == REPLIES, summary
    assert outcome.too_many_requests == 0, summary
