"""Leases on inbox and outbox rows, and the one elected sender per channel.

Several workers share one database: an update is handled by exactly one of them, a person's
updates in order; a lease left by a worker that died is taken over once it expires and never
while it lasts; the channel's sender fails over to another process when its holder goes.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import DubanApp
from bot.conversation.context import Deps
from bot.delivery import intake as intake_module
from bot.delivery.intake import MAX_ATTEMPTS, Intake
from bot.delivery.outbox import enqueue
from bot.delivery.sender import Sender
from bot.domain.conversation import Inbound, Outbound
from bot.sandbox.telegram import TelegramEmulator
from bot.storage.models import InboxUpdate, OutboxMessage
from tests.dialogue import Clock, DictFiles
from tests.e2e import settings_for
from tests.test_intake import PlainChannel
from tests.waiting import eventually


class LeaseClock:
    """The real-time clock of leases, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def worker(tmp_path: Path, lease_clock: LeaseClock) -> Intake:
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    return Intake({"plain": PlainChannel()}, deps, lease_clock=lease_clock)


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every text the handler was given, per person, in the order it was handled."""
    seen: dict[str, list[str]] = defaultdict(list)

    async def recording(inbound: Inbound, deps: Deps, *_: object) -> list[Outbound]:
        seen[inbound.identity].append(inbound.text or "")
        await asyncio.sleep(0)  # let the other worker run in between
        return [Outbound(text=f"收到 {inbound.text}")]

    monkeypatch.setattr(intake_module, "handle", recording)
    return seen


async def test_an_expired_inbox_lease_is_taken_over_and_a_live_one_is_not(
    db: str, tmp_path: Path, handled: dict[str, list[str]]
) -> None:
    clock = LeaseClock()
    first, second = worker(tmp_path, clock), worker(tmp_path, clock)
    await first.store("plain", "1", {"from": "u1", "text": "一"})
    await first.store("plain", "2", {"from": "u2", "text": "二"})
    claimed = await first.claim()  # and then the first worker dies
    assert [r.external_key for r in claimed] == ["1", "2"]
    assert {r.lease_owner for r in await InboxUpdate.all()} == {first.owner}
    assert await second.process_pending() == 0  # the leases last: nothing to take
    clock.advance(59)
    assert await second.process_pending() == 0
    clock.advance(2)
    assert await second.process_pending() == 2  # expired: taken over
    assert await first._process(claimed[0]) == 0  # the first worker's lease was lost
    assert dict(handled) == {"plain:u1": ["一"], "plain:u2": ["二"]}
    assert await OutboxMessage.filter(key__startswith="reply:").count() == 2
    assert await InboxUpdate.filter(processed_at=None).count() == 0


async def test_an_update_whose_handler_keeps_dying_is_given_up_and_the_next_goes_on(
    db: str, tmp_path: Path, handled: dict[str, list[str]]
) -> None:
    """Each take-over of an expired lease counts an attempt: after five, the update is left
    (its error kept) and the person's next update is handled."""
    clock = LeaseClock()
    inbox = worker(tmp_path, clock)
    await inbox.store("plain", "1", {"from": "u1", "text": "毒"})
    await inbox.store("plain", "2", {"from": "u1", "text": "好"})
    for _ in range(MAX_ATTEMPTS + 1):  # the first claim, then a take-over per attempt
        assert [r.external_key for r in await inbox.claim()] == ["1"]  # then the process dies
        clock.advance(61)
    assert await inbox.process_pending() == 1  # update 1 given up; update 2 handled
    assert dict(handled) == {"plain:u1": ["好"]}
    poisoned = await InboxUpdate.get(external_key="1")
    assert (poisoned.attempts, poisoned.processed_at) == (MAX_ATTEMPTS, None)


async def test_a_persons_updates_are_claimed_one_at_a_time_in_order(
    db: str, tmp_path: Path, handled: dict[str, list[str]]
) -> None:
    inbox = worker(tmp_path, LeaseClock())
    for n, (person, text) in enumerate([("u1", "a"), ("u1", "b"), ("u2", "c"), ("u1", "d")]):
        await inbox.store("plain", str(n), {"from": person, "text": text})
    assert {r.person for r in await InboxUpdate.all()} == {"plain:u1", "plain:u2"}
    first = await inbox.claim()
    assert [r.external_key for r in first] == ["0", "2"]  # each person's earliest only
    assert await inbox.claim() == []  # leased, and u1's later updates wait for the first
    for row in first:
        assert await inbox._process(row) == 1
    assert [r.external_key for r in await inbox.claim()] == ["1"]


async def test_two_workers_handle_each_update_exactly_once_in_order(
    db: str, tmp_path: Path, handled: dict[str, list[str]]
) -> None:
    clock = LeaseClock()
    workers = [worker(tmp_path, clock) for _ in range(3)]
    people, each = 8, 6
    for n in range(each):
        await workers[0].store_many(
            "plain", [(f"{p}-{n}", {"from": f"u{p}", "text": str(n)}) for p in range(people)]
        )
    total = 0
    for _ in range(people * each):  # a worker stops when the others hold what is left
        total += sum(await asyncio.gather(*(w.process_pending() for w in workers)))
        if total >= people * each:
            break
    assert total == people * each
    assert handled == {f"plain:u{p}": [str(n) for n in range(each)] for p in range(people)}
    assert await InboxUpdate.filter(processed_at=None).count() == 0


async def test_a_live_outbox_claim_is_never_requeued(db: str) -> None:
    clock = LeaseClock()
    sender = Sender({}, clock, lease_clock=clock)
    sender.leading = {"telegram"}
    sender.channels = {"telegram": object()}  # type: ignore[dict-item]
    await enqueue("k", "telegram:1", Outbound(text="在发"), now=clock())
    await OutboxMessage.filter(key="k").update(
        state="sending",
        claimed_at=clock(),
        lease_owner="other-host:42:abcd",
        lease_until=clock() + timedelta(seconds=60),
    )
    assert await sender.take_over() == 0  # a new sender starting does not touch it
    assert (await OutboxMessage.get(key="k")).state == "sending"
    clock.advance(61)
    assert await sender.take_over() == 1
    row = await OutboxMessage.get(key="k")
    assert (row.state, row.lease_owner) == ("pending", None)


async def _prompt(name: str, user: int) -> None:
    now = datetime.now(UTC)
    await enqueue(name, f"telegram:{user}", Outbound(text=name), now=now)


async def test_the_sender_fails_over_to_another_process(db: str, tmp_path: Path) -> None:
    tg = TelegramEmulator()
    base = await tg.start()
    for user in range(1, 7):
        tg.user(user, f"用户{user}")
    values: dict[str, Any] = {"telegram_token": tg.token, "telegram_api_base": base}
    first = DubanApp(settings_for(tmp_path / "a", db, **values))
    second = DubanApp(settings_for(tmp_path / "b", db, **values))
    try:
        await first.start()
        await eventually(lambda: first.sender.active() == {"telegram"}, what="first sends")
        await second.start()
        await asyncio.wait_for(second.linked(), 30)
        await _prompt("one", 1)
        first.sender.wakeup.set()
        await tg.wait_for(lambda: tg.bot_messages(1), 30)
        assert second.sender.active() == set()  # one sender per channel
        await first.stop()  # the holder goes away: the other process takes the role
        await eventually(lambda: second.sender.active() == {"telegram"}, 30, "fail-over")
        for user in range(2, 7):
            await _prompt(f"after {user}", user)
        second.sender.wakeup.set()
        await tg.wait_for(lambda: all(tg.bot_messages(u) for u in range(2, 7)), 30)
    finally:
        await first.stop()
        await second.stop()
        await tg.stop()
    assert tg.stats["sent"] == 6
    assert tg.stats["429"] == 0


@pytest.mark.postgres
async def test_a_sender_that_loses_its_lock_stops_sending(db: str, tmp_path: Path) -> None:
    if not db.startswith("postgres"):
        pytest.skip("the advisory lock's session is PostgreSQL's")
    import asyncpg  # noqa: PLC0415

    tg = TelegramEmulator()
    base = await tg.start()
    values: dict[str, Any] = {"telegram_token": tg.token, "telegram_api_base": base}
    first = DubanApp(settings_for(tmp_path / "a", db, **values))
    second = DubanApp(settings_for(tmp_path / "b", db, **values))
    try:
        await first.start()
        await eventually(lambda: first.sender.active() == {"telegram"}, what="first sends")
        await second.start()
        conn = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
        try:  # the first process's lock session dies (a network cut, a DBA's kill)
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE 'duban sender-telegram%'"
            )
        finally:
            await conn.close()
        await eventually(lambda: first.sender.active() == set(), 30, "the first resigns")

        def one_sender() -> bool:
            return [len(a.sender.active()) for a in (first, second)] in ([1, 0], [0, 1])

        await eventually(one_sender, 30, "exactly one sender again")
    finally:
        await first.stop()
        await second.stop()
        await tg.stop()
