"""The inbox worker: duplicates stored once, each update handled once, failures retried and
then answered with an apology instead of silence."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.delivery import intake as intake_module
from bot.delivery.intake import MAX_ATTEMPTS, Intake
from bot.domain.conversation import (
    Capabilities,
    Choices,
    Inbound,
    InboundFile,
    Outbound,
    text_inbound,
)
from bot.handlers.context import Deps
from bot.storage.models import InboxUpdate, OutboxMessage
from tests.dialogue import Clock, DictFiles


class PlainChannel:
    """A channel at the edge whose stored payloads are already neutral."""

    name = "plain"
    capabilities = Capabilities(buttons=True, edits=False, cards=False)

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        return text_inbound(
            channel="plain", sender=payload["from"], chat=payload["from"], text=payload["text"]
        )

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        raise AssertionError("a channel with buttons is never asked to read choices")

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        raise AssertionError("the inbox worker never sends: the outbox does")

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        raise AssertionError("no file is sent in these tests")

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        return None


@pytest.fixture
def worker(db: str, tmp_path: Path) -> Intake:
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    return Intake({"plain": PlainChannel()}, deps)


async def test_duplicates_are_stored_once_and_handled_once(worker: Intake) -> None:
    update = {"from": "u1", "text": "你好"}
    assert await worker.store("plain", "1", update)
    assert not await worker.store("plain", "1", update)
    assert await worker.store_many("plain", [("1", update), ("2", update)]) == 1
    assert await worker.process_pending() == 2
    assert await worker.process_pending() == 0
    assert await OutboxMessage.filter(recipient="plain:u1").count() == 2  # one hint each
    assert await InboxUpdate.filter(processed_at=None).count() == 0


async def test_a_failing_update_is_retried_then_apologised_for(
    worker: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(inbound: Inbound, deps: Deps) -> list[Outbound]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake_module, "handle", broken)
    await worker.store("plain", "7", {"from": "u2", "text": "进展"})
    for _ in range(MAX_ATTEMPTS):
        assert await worker.process_pending() == 0
    row = await InboxUpdate.get(external_key="7")
    assert row.attempts == MAX_ATTEMPTS
    assert "database went away" in (row.error or "")
    apology = await OutboxMessage.get(recipient="plain:u2")
    assert "未能处理" in apology.payload["text"]
    assert await worker.process_pending() == 0  # given up: not retried forever


async def test_a_flood_is_recorded_not_handled_and_answered_once(worker: Intake) -> None:
    for n in range(35):
        await worker.store("plain", f"f{n}", {"from": "flooder", "text": f"消息{n}"})
    await worker.store("plain", "calm", {"from": "calm", "text": "你好"})
    assert await worker.process_pending() == 36
    replies = await OutboxMessage.filter(recipient="plain:flooder").order_by("id")
    assert len([r for r in replies if r.key.startswith("reply:")]) == 20  # the first 20 handled
    notices = [r for r in replies if r.key.startswith("flood:")]
    assert len(notices) == 1
    assert (
        "slow" in notices[0].payload["text"]
        or "频繁" in notices[0].payload["text"]
        or "快" in notices[0].payload["text"]
    )
    assert await InboxUpdate.filter(error="flood: not handled").count() == 15  # kept, not lost
    assert await OutboxMessage.filter(recipient="plain:calm").count() == 1  # others unaffected
