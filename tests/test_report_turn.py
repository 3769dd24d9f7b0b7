"""The report flow reads a request once per turn (``Turn.requests``, ``Turn.listed``): what a
later step of the same turn, or of a later turn, must still see.

A queued draft whose request closed meanwhile does not hold back the card of the draft before
it (reading the fields a plan asks for never refuses); the 销号 offer follows the newest
version stored in the turn.
"""

from __future__ import annotations

from datetime import date

from bot.reporting.asked import Asked
from bot.reporting.closable import closable
from bot.storage.models import ReportRequest, Task
from tests.dialogue import Dialogue
from tests.test_handlers_freetext import ALICE, CARD_TAIL, FIVE, world  # noqa: F401 - fixture


async def test_a_queued_request_closed_meanwhile_does_not_hold_back_the_next_card(
    world: Dialogue,  # noqa: F811 - the fixture imported above
) -> None:
    await world.says(ALICE, FIVE)
    task = await Task.get(number="12")
    await ReportRequest.filter(task_id=task.id).update(state="closed")  # e.g. 销号 granted
    answer = await world.presses(ALICE, "Submit")
    assert "Reported task 1 for 2026-11 (version 1)" in answer
    assert "Task 3:" in answer
    assert CARD_TAIL in answer
    assert "is closed" not in answer


def _asked(request_id: int, *, leads: bool = True, closing: bool = False) -> Asked:
    return Asked(
        id=request_id, state="answered", unit_id=1, task_id=request_id, period_id=1,
        period="2026-11", starts=date(2026, 11, 1), due_on=None, plan_id=1,
        number=str(request_id), title="t", goal="", unit="u", role="lead", versions=1,
        leads=leads, closing=closing,
    )  # fmt: skip


def test_the_offer_names_each_leading_request_once_in_order() -> None:
    done = [_asked(5), _asked(2), _asked(5), _asked(7, leads=False), _asked(9, closing=True)]
    assert closable(done) == [(2, "2"), (5, "5")]
