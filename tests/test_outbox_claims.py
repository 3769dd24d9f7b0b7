"""A sender's pass claims light rows (``outbox.Claim``), not models: they carry what the stored
row says, the marks take them as they take a model row, and a message a channel splits is
split once per send (each of its parts is one message: it is never split again for the
pacer's count)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from aiogram import Bot

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import NUMBERED, WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.delivery import outbox, outcomes
from bot.delivery.pacing import Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Button, Outbound, OutFile
from bot.storage.models import OutboxMessage
from tests.test_outbox_leases import Slow

NOW = datetime(2026, 11, 25, 1, 0, 0, 123456, tzinfo=UTC)
LEASE = timedelta(seconds=60)


async def test_a_claim_carries_what_the_row_holds(db: str) -> None:
    files = (OutFile("a.xlsx", "a.xlsx"),)
    message = Outbound(text="导出", title="任务", files=files, buttons=((Button("好", "p:1"),),))
    await outbox.enqueue("m", "telegram:9", message, now=NOW, contact_id=3)
    await outbox.enqueue("n", "telegram:8", Outbound(text="x"), now=NOW)
    await OutboxMessage.filter(key="m").update(attempts=2, parts_sent=1)
    at = NOW + timedelta(seconds=1, microseconds=7)
    got = await outbox.claim_due(NOW, 10, {"telegram"}, owner="me:1:a", at=at, until=at + LEASE)
    assert [c.key for c in got] == ["m", "n"]  # oldest first
    claim = got[0]
    assert isinstance(claim, outbox.Claim)
    row = await OutboxMessage.get(key="m")
    for name in ("id", "key", "channel", "recipient", "payload", "attempts", "parts_sent"):
        assert getattr(claim, name) == getattr(row, name), name
    for name in ("state", "lease_owner", "lease_until", "claimed_at"):  # the lease just taken
        assert getattr(claim, name) == getattr(row, name), name
    assert (claim.state, claim.lease_owner, claim.lease_until) == ("sending", "me:1:a", at + LEASE)
    assert Outbound.from_json(claim.payload) == message


async def test_the_marks_take_a_claim(db: str) -> None:
    for key in ("a", "b", "c"):
        await outbox.enqueue(key, "telegram:9", Outbound(text=key), now=NOW)
        await outbox.enqueue(f"{key}2", f"telegram:{key}", Outbound(text=key), now=NOW)
    a, a2, b, b2, c, c2 = await outbox.claim_due(
        NOW, 10, {"telegram"}, owner="me", at=NOW, until=NOW + LEASE
    )
    claims = {r.key: r for r in (a, a2, b, b2, c, c2)}
    assert await outcomes.mark_retry(claims["a"], now=NOW, error="timeout")
    assert await outcomes.mark_failed(claims["a2"], error="refused")
    assert await outcomes.mark_part(claims["b2"], now=NOW, due=NOW)
    assert await outcomes.mark_sent(claims["c2"], now=NOW, external_id="5", parts_sent=1)
    assert await outbox.release([claims["b"], claims["c"]], owner="me") == 2
    rows = {r.key: r for r in await OutboxMessage.all()}
    assert (rows["a"].state, rows["a"].attempts, rows["a"].last_error) == ("pending", 1, "timeout")
    assert rows["a"].next_attempt_at == claims["a"].next_attempt_at == NOW + timedelta(seconds=2)
    assert (rows["a2"].state, rows["a2"].last_error) == ("failed", "refused")
    assert (rows["b2"].state, rows["b2"].parts_sent) == ("pending", 1)
    assert (rows["c2"].state, rows["c2"].external_id) == ("sent", "5")
    assert rows["b"].state == rows["c"].state == "pending"
    assert all(r.lease_owner is None for r in rows.values())
    assert not await outcomes.mark_sent(claims["a"], now=NOW, external_id="6")  # not its lease


class Counting(Slow):
    """A channel that splits a message in parts (a long text's pieces, then its files) and
    counts how often it is asked to."""

    def __init__(self) -> None:
        super().__init__()
        self.splits = 0
        self.counts = 0

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        self.sent.append(outbound.text or outbound.files[0].name)
        return "1"

    def split(self, outbound: Outbound, recipient: str = "") -> list[Outbound]:
        self.splits += 1
        texts = [Outbound(text=t) for t in outbound.text.split("|") if t]
        return texts + [Outbound(text="", files=(f,)) for f in outbound.files]

    def pieces(self, outbound: Outbound, recipient: str = "") -> int:
        self.counts += 1
        return len(self.split(outbound, recipient))


async def test_a_split_message_is_split_once_per_send(db: str) -> None:
    files = (OutFile("a.xlsx", "a.xlsx"),)
    await outbox.enqueue("m", "telegram:9", Outbound(text="one|two", files=files), now=NOW)
    channel = Counting()
    sender = Sender({"telegram": channel}, lambda: NOW, Pacer(limits={}), lease_clock=lambda: NOW)
    while await sender.send_due():
        pass
    assert channel.sent == ["one", "two", "a.xlsx"]
    assert (channel.splits, channel.counts) == (3, 0)  # once per part sent, never counted again
    assert (await OutboxMessage.get(key="m")).state == "sent"


def _messages(count: int) -> list[Outbound]:
    """Messages of every shape: short and long texts (one line, many lines), titles, buttons,
    free input, files, replaces."""
    rnd = random.Random(7)  # noqa: S311 - test data, the same every run
    words = ["完成", "进展", "a", "<b>", "&amp;", "😀", "项目储备12个", "x" * 50, "说明" * 40]

    def text() -> str:
        if rnd.random() < 0.1:
            return "y" * rnd.choice([2100, 4096, 4097, 9000])
        lines = rnd.choice([0, 1, 5, 40, 200, 600])
        return "\n".join(
            "".join(rnd.choice(words) for _ in range(rnd.randint(0, 12))) for _ in range(lines)
        )

    def buttons() -> tuple[tuple[Button, ...], ...]:
        return tuple(
            tuple(Button(f"选项{i}{j}" * rnd.randint(1, 5), f"p:{i}:{j}") for j in range(3))
            for i in range(rnd.choice([0, 0, 1, 3, 8, 25]))
        )

    return [
        Outbound(
            text=text(),
            title=rnd.choice(["", "", "任务状态", "标题" * 30]),
            buttons=buttons(),
            files=tuple(OutFile(f"f{i}.xlsx", f"f{i}.xlsx") for i in range(rnd.choice([0, 1, 2]))),
            replaces=rnd.choice([None, None, "telegram:5", "task:abc"]),
            free_input=rnd.random() < 0.3,
            locale=rnd.choice(["", "zh_CN"]),
        )
        for _ in range(count)
    ]


def test_each_part_a_channel_splits_a_message_into_is_one_message(tmp_path: Path) -> None:
    """What lets the sender count one slot per part without splitting the part again."""
    client = cast(WecomClient, SimpleNamespace(corp_id="corp", API_BASE_URL="http://wecom/"))
    cards = WecomChannel(client, 1, tmp_path, cards=True)
    numbered = WecomChannel(client, 1, tmp_path, cards=True)
    numbered.capabilities = NUMBERED  # cards refused
    telegram = TelegramChannel(Bot("123:abc"), tmp_path)
    channels: list[tuple[TelegramChannel | WecomChannel, str]] = [
        (telegram, "9"), (cards, "zs"), (cards, "chat:wrg"), (numbered, "zs"),
    ]  # fmt: skip
    for message in _messages(400):
        for channel, recipient in channels:
            for part in channel.split(message, recipient):
                assert channel.pieces(part, recipient) == 1, (message, part)
