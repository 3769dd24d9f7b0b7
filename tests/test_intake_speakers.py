"""The speakers of a batch read together stay true: a secretariat's update revoking a reporter
whose own update is in the same batch leaves that update handled as the revoke left them (on
PostgreSQL different people's batches also run side by side: one batch here)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.dispatch import dispatch
from bot.conversation.context import Deps
from bot.delivery import intake
from bot.delivery.intake import Intake
from bot.domain.reporting import Month
from bot.people.binding import ContactRole
from bot.storage.models import Contact, ConversationState, ProgressReport
from tests.dialogue import Clock, DictFiles
from tests.test_board import NOW, bind
from tests.test_intake import PlainChannel


async def test_a_reporter_revoked_earlier_in_the_same_batch_is_unbound(
    planned: str, tmp_path: Path
) -> None:
    await dispatch(Month(2026, 10), now=NOW, today=NOW.date())
    await bind("plain:mishu", ContactRole.SECRETARIAT)
    wang = await bind("plain:wang", ContactRole.REPORTER, "县发改局")
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    channels: dict[str, Any] = {"plain": PlainChannel()}
    worker = Intake(channels, deps, concurrency=1)  # one batch, on PostgreSQL too
    revoke = {"from": "mishu", "text": f"/revoke {wang}"}
    await worker.store_many("plain", [("1", revoke), ("2", {"from": "wang", "text": "1 已完成"})])
    assert await worker.process_pending() == 2
    assert not (await Contact.get(id=wang)).active
    assert not await ConversationState.filter(identity="plain:wang").exists()
    assert await ProgressReport.filter(contact_id=wang).count() == 0


async def _secretariat_and_two_reporters(tmp_path: Path, *, concurrency: int) -> tuple[int, Intake]:
    """October dispatched, mishu of the secretariat, wang (县发改局) and li (县财政局) bound:
    wang's contact id, and an intake worker handling ``concurrency`` batches at once."""
    await dispatch(Month(2026, 10), now=NOW, today=NOW.date())
    await bind("plain:mishu", ContactRole.SECRETARIAT)
    wang = await bind("plain:wang", ContactRole.REPORTER, "县发改局")
    await bind("plain:li", ContactRole.REPORTER, "县财政局")
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    channels: dict[str, Any] = {"plain": PlainChannel()}
    return wang, Intake(channels, deps, concurrency=concurrency)


async def test_reporters_states_are_written_together_and_before_a_revoke_after_them(
    planned: str, tmp_path: Path
) -> None:
    """A batch writes its reporters' new states in one statement at its end, except that an
    update of someone else (who may change others' bindings and states) first has the states
    before it written: a revoke after a reporter's own update leaves no state behind."""
    wang, worker = await _secretariat_and_two_reporters(tmp_path, concurrency=1)  # one batch
    said = "本月完成项目储备12个。"  # which task? — the reporter is now asked, a state to keep
    await worker.store_many(
        "plain",
        [
            ("1", {"from": "wang", "text": said}),
            ("2", {"from": "li", "text": said}),
            ("3", {"from": "mishu", "text": f"/revoke {wang}"}),
        ],
    )
    assert await worker.process_pending() == 3
    assert not (await Contact.get(id=wang)).active
    assert not await ConversationState.filter(identity="plain:wang").exists()
    li = await ConversationState.get(identity="plain:li")
    assert li.flow  # li's state, written at the batch's end
    await worker.store_many("plain", [("4", {"from": "li", "text": said})])
    assert await worker.process_pending() == 1  # written again: updated in place
    assert await ConversationState.filter(identity="plain:li").count() == 1


async def test_a_revoke_in_a_batch_alongside_leaves_no_state_behind(
    planned: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL runs batches side by side: a reporter's new state is written as their turn
    ends (its row locked), so a revoke in another batch, while the reporter's batch goes on,
    waits for it and then deletes it; written only at the batch's end, it came back."""
    db = ConversationState._meta.db
    if str(db.capabilities.dialect) != "postgres":
        pytest.skip("SQLite handles one batch at a time, under its one write lock")
    wang, worker = await _secretariat_and_two_reporters(tmp_path, concurrency=2)  # side by side
    said = "本月完成项目储备12个。"
    await worker.store_many("plain", [("0", {"from": "wang", "text": said})])
    assert await worker.process_pending() == 1
    assert await ConversationState.filter(identity="plain:wang").exists()  # a state before
    real = intake.handle

    async def revoke_meanwhile(inbound: Any, deps: Deps, *args: Any) -> Any:
        out = await real(inbound, deps, *args)
        if inbound.identity == "plain:wang":  # wang's batch goes on until the revoke is
            for _ in range(3000):  # held up by wang's state row, or done (then seen here)
                if await _waiting_on_a_lock() or not (await Contact.get(id=wang)).active:
                    break
                await asyncio.sleep(0.01)
            else:  # bounded, so a lock never taken fails the test instead of hanging it
                raise AssertionError("the revoke neither waited for wang's state nor ended")
        return out

    monkeypatch.setattr(intake, "handle", revoke_meanwhile)
    await worker.store_many(
        "plain",
        [
            ("1", {"from": "wang", "text": said}),  # batch one: wang, li
            ("2", {"from": "mishu", "text": f"/revoke {wang}"}),  # batch two, alongside
            ("3", {"from": "li", "text": said}),
        ],
    )
    assert await worker.process_pending() == 3
    assert not (await Contact.get(id=wang)).active
    assert not await ConversationState.filter(identity="plain:wang").exists()


async def _waiting_on_a_lock() -> bool:
    """Whether another session of this database waits on a row lock (the statistics snapshot
    is cleared first: inside a transaction it is otherwise kept from its first read)."""
    await ConversationState._meta.db.execute_query_dict("SELECT pg_stat_clear_snapshot()")
    rows = await ConversationState._meta.db.execute_query_dict(
        "SELECT count(*) AS n FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return bool(rows[0]["n"])
