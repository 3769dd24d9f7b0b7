"""Faults in the middle of things: the process killed half-way through posting a digest, the
disk full when a photo arrives. The first completes on the next run; the second loses nothing."""

from __future__ import annotations

import errno
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.oversight import publish
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.reporting import attachments as attachments_module
from bot.storage.models import Attachment, ConversationState, OutboxMessage
from tests.dialogue import Dialogue, Person, reply, run_table

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return Dialogue(tmp_path / "data")


async def test_a_digest_cut_short_is_completed_once(
    world: Dialogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = world
    for n in (1, 2):
        code = (
            await create_invite(None, ContactRole.SECRETARIAT, now=d.clock(), locale="zh_CN")
        ).code
        await d.says(Person(f"telegram:{900 + n}"), f"/start {code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    after_due = datetime(2026, 12, 4, 10, 30, tzinfo=TZ).astimezone(UTC)
    real = publish.enqueue
    calls = 0

    async def dies_on_the_second(*args: object, **kwargs: object) -> bool:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise SystemError("killed")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "enqueue", dies_on_the_second)
    with pytest.raises(SystemError):
        await publish.run_digest(after_due, TZ, d.deps.data_dir)
    assert await OutboxMessage.filter(key__startswith="digest:").count() == 1
    monkeypatch.setattr(publish, "enqueue", real)
    assert await publish.run_digest(after_due, TZ, d.deps.data_dir) == 1  # the missing one
    assert await publish.run_digest(after_due, TZ, d.deps.data_dir) == 0  # then nothing more
    assert await OutboxMessage.filter(key__startswith="digest:").count() == 2


async def test_disk_full_when_a_photo_arrives(
    world: Dialogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = world
    alice = Person("telegram:77")
    code = (await create_invite("县发改局", ContactRole.REPORTER, now=d.clock(), locale="en")).code
    await d.says(alice, f"/start {code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    # kept while the bot asks which task
    assert await d.says(alice, "本月进展：完成谋划。") == reply("Which task is this for?")

    def full(target: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments_module, "_write", full)
    refused = "The file could not be stored (No space left on device); please send it again later."
    await run_table(d, [(alice, "@photo.jpg", reply(refused))])  # an answer without a title
    assert await Attachment.all().count() == 0
    state = await ConversationState.get(identity=alice.identity)
    assert (
        state.data.get("text") == "本月进展：完成谋划。"
    )  # what was written before is still there
