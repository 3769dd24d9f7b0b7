"""A person's messages in order through the sender's claimed passes: a held recipient's later
messages wait with the held one (the sender does not spin, others are not starved), and a
message left claimed by a dead sender holds back that person's later ones until its lease is
taken over."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from bot.delivery import outbox, outcomes
from bot.delivery.pacing import ChannelLimits, Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Outbound
from bot.storage.models import OutboxMessage
from tests.test_outbox_leases import Slow

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
ONE_A_MINUTE = {"telegram": ChannelLimits(per_recipient=((1, 30.0),))}  # one per 30 s


class Plain(Slow):
    """Sends at once."""

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        self.sent.append(outbound.text)
        return "1"


def sender_at(channel: Plain, pacer: Pacer, lease_clock: datetime = NOW) -> Sender:
    return Sender({"telegram": channel}, lambda: NOW, pacer, lease_clock=lambda: lease_clock)


async def test_a_held_recipients_later_messages_wait_with_the_held_one(db: str) -> None:
    for i in range(3):
        await outbox.enqueue(f"m{i}", "telegram:9", Outbound(text=f"t{i}"), now=NOW)
    sender = sender_at(Plain(), Pacer(limits=ONE_A_MINUTE, clock=lambda: 1000.0))
    assert await sender.send_due() == 1  # t0 goes; t1 waits 30 s, and t2 behind it
    rows = {r.key: r for r in await OutboxMessage.all()}
    assert rows["m1"].state == rows["m2"].state == "pending"
    assert rows["m1"].next_attempt_at > NOW
    assert rows["m2"].next_attempt_at > NOW
    assert await sender.next_due_in() > 0  # nothing due: the sender sleeps


async def test_the_sender_does_not_spin_while_a_recipient_is_held(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        await outbox.enqueue(f"m{i}", "telegram:9", Outbound(text=f"t{i}"), now=NOW)
    sender = sender_at(Plain(), Pacer(limits=ONE_A_MINUTE))
    passes = 0
    claim_due = outbox.claim_due

    async def counting(*args: Any, **kwargs: Any) -> list[OutboxMessage]:
        nonlocal passes
        passes += 1
        return await claim_due(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", counting)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(100):  # at least a second of the sender's life
        await asyncio.sleep(0.01)
    stop.set()
    sender.wakeup.set()
    await task
    assert passes < 10  # was about 60 a second when later messages came back due at once


async def test_a_held_recipient_does_not_starve_others(db: str) -> None:
    for i in range(60):
        await outbox.enqueue(f"a{i}", "telegram:1", Outbound(text=f"a{i}"), now=NOW)
    await outbox.enqueue("b", "telegram:2", Outbound(text="b"), now=NOW)
    channel = Plain()
    sender = sender_at(channel, Pacer(limits=ONE_A_MINUTE, clock=lambda: 1000.0))
    for _ in range(5):
        await sender.send_due()
    assert channel.sent == ["a0", "b"]


async def test_a_message_stranded_by_a_dead_sender_holds_back_the_persons_next(db: str) -> None:
    await outbox.enqueue("old", "telegram:9", Outbound(text="first"), now=NOW)
    await outbox.enqueue("other", "telegram:8", Outbound(text="x"), now=NOW)
    # a sender's pass claims both, sends nothing, and is killed
    lease = NOW + timedelta(seconds=60)
    got = await outbox.claim_due(NOW, 50, {"telegram"}, owner="dead:1:a", at=NOW, until=lease)
    assert len(got) == 2
    await outbox.enqueue("new", "telegram:9", Outbound(text="second"), now=NOW)
    channel = Plain()
    sender = sender_at(channel, Pacer(limits={}), NOW + timedelta(seconds=5))
    await sender.send_due()
    assert channel.sent == []  # "second" waits for "first"
    later = sender_at(channel, Pacer(limits={}), NOW + timedelta(seconds=61))
    assert await later.take_over() == 2
    while await later.send_due():
        pass
    assert channel.sent == ["first", "x", "second"]


async def test_a_sent_mark_commits_without_waiting_for_the_flush_and_only_itself(db: str) -> None:
    """On PostgreSQL the mark turns synchronous commit off for its own transaction only: the
    row is marked, and the connection's setting is unchanged afterwards."""
    await outbox.enqueue("m0", "telegram:9", Outbound(text="t0"), now=NOW)
    sender = sender_at(Plain(), Pacer(limits={}))
    assert await sender.send_due() == 1
    row = await OutboxMessage.get(key="m0")
    assert (row.state, row.external_id, row.lease_owner) == ("sent", "1", None)
    if outbox.on_postgres():
        dbc = OutboxMessage._meta.db
        for _ in range(3):  # every pooled connection the mark may have used
            found = await dbc.execute_query_dict("SHOW synchronous_commit")
            assert found[0]["synchronous_commit"] == "on"


async def test_a_mark_inside_a_transaction_leaves_its_commit_synchronous(db: str) -> None:
    """The asynchronous commit is the mark's own: inside a transaction whose other writes need
    the flush it is not added."""
    await outbox.enqueue("m0", "telegram:9", Outbound(text="t0"), now=NOW)
    (row,) = await outbox.claim_due(NOW, 10, {"telegram"}, owner="me", at=NOW, until=NOW)
    async with in_transaction() as connection:
        assert await outcomes.mark_sent(row, now=NOW, external_id="1")
        if outbox.on_postgres():
            found = await connection.execute_query_dict("SHOW synchronous_commit")
            assert found[0]["synchronous_commit"] == "on"
    assert (await OutboxMessage.get(key="m0")).state == "sent"
