"""Every outbox mark is conditional on the lease it was sent under: a sender that lost its
lease (demoted, or so slow that another sender took the row over) writes nothing, so it cannot
overwrite the new owner's progress and no part goes out twice on its account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.delivery import outbox, outcomes
from bot.delivery.pacing import Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Capabilities, Choices, Inbound, InboundFile, Outbound, OutFile
from bot.storage.models import OutboxMessage

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


async def claimed(key: str, owner: str, *, at: datetime = NOW) -> OutboxMessage:
    row = await OutboxMessage.get(key=key)
    assert await outbox.claim(row, owner=owner, now=at, until=at + LEASE)
    return row


async def test_a_demoted_senders_late_marks_write_nothing(db: str) -> None:
    files = (OutFile("a.xlsx", "a.xlsx"), OutFile("b.xlsx", "b.xlsx"))
    await outbox.enqueue("m", "telegram:9", Outbound(text="导出", files=files), now=NOW)
    old = await claimed("m", "old:1:a")
    # its lease expires while it sends; the new sender takes the row over and claims it
    later = NOW + LEASE + timedelta(seconds=1)
    assert await outbox.take_over(later, {"telegram"}, LEASE) == 1
    new = await claimed("m", "new:2:b", at=later)
    assert await outcomes.mark_part(new, now=later, due=later)  # the text, by the new owner
    stale = await OutboxMessage.get(key="m")
    assert (stale.state, stale.parts_sent) == ("pending", 1)
    for late in (
        outcomes.mark_part(old, now=later, due=later),
        outcomes.mark_sent(old, now=later, external_id="x", parts_sent=3),
        outcomes.mark_retry(old, now=later, error="timeout"),
        outcomes.mark_failed(old, error="refused"),
    ):
        assert not await late
    row = await OutboxMessage.get(key="m")
    assert (row.state, row.parts_sent, row.attempts, row.external_id) == ("pending", 1, 0, None)
    # the new owner goes on where it was, and its marks apply
    again = await claimed("m", "new:2:b", at=later)
    assert await outcomes.mark_sent(again, now=later, external_id="7", parts_sent=3)
    done = await OutboxMessage.get(key="m")
    assert (done.state, done.parts_sent, done.external_id) == ("sent", 3, "7")
    assert not await outcomes.mark_failed(again, error="late")  # sent is final
    assert (await OutboxMessage.get(key="m")).state == "sent"


class Slow:
    """A channel whose first send outlives the sender's lease: meanwhile another sender takes
    the row over and sends that part itself."""

    name = "telegram"
    capabilities = Capabilities(buttons=True, edits=False, cards=False)

    def __init__(self) -> None:
        self.sent: list[str] = []

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        return None

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        return inbound

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        self.sent.append(outbound.text or outbound.files[0].name)
        if len(self.sent) == 1:
            later = NOW + LEASE + timedelta(seconds=1)
            await outbox.take_over(later, {"telegram"}, LEASE)
            row = await OutboxMessage.get(key="slow")
            assert await outbox.claim(row, owner="new:2:b", now=later, until=later + LEASE)
            assert await outcomes.mark_part(row, now=later, due=NOW)  # it sent the text too
        return "1"

    def pieces(self, outbound: Outbound, recipient: str = "") -> int:
        return 1

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        return b""

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        """Nothing to acknowledge."""


async def test_a_sender_that_lost_its_lease_does_not_set_the_row_back(db: str) -> None:
    files = (OutFile("a.xlsx", "a.xlsx"),)
    await outbox.enqueue("slow", "telegram:9", Outbound(text="导出", files=files), now=NOW)
    channel = Slow()
    pacer = Pacer(limits={})  # no limits: this is about the marks
    sender = Sender({"telegram": channel}, lambda: NOW, pacer, lease_clock=lambda: NOW)
    assert await sender.send_due() == 1  # it went out; its mark found the lease gone
    row = await OutboxMessage.get(key="slow")
    assert (row.state, row.parts_sent, row.lease_owner) == ("pending", 1, None)
    assert await sender.send_due() == 1  # the file, once
    assert channel.sent == ["导出", "a.xlsx"]
    assert (await OutboxMessage.get(key="slow")).state == "sent"
