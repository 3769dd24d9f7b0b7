"""Authorisation by the sender, as dialogue tables: the secretariat's group, self-approval,
a second code, and a summary's rewritten text never filed as a monthly report."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.conversation.router import GROUP_READABLE
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import (
    Contact,
    ConversationState,
    ProgressReport,
    QuarterlySummary,
    ReportingPeriod,
    Task,
    Unit,
)
from tests.dialogue import Dialogue, Person, reply, run_table

SEC = Person("telegram:3003", "秘书组小刘")
GROUP = Person("telegram:3003", "秘书组群", group="-100555")
STRANGER = Person("telegram:7777", "路人甲", group="-100555")
ALICE = Person("telegram:1001", "王联络")  # 县政务服务中心's reporter, then its leader
ONLY = reply("Only members of the secretariat who bound themselves can do that.")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (ALICE, "县政务服务中心", ContactRole.REPORTER),
        (SEC, None, ContactRole.SECRETARIAT),
        (GROUP, None, ContactRole.SECRETARIAT),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


async def test_a_strangers_revoke_in_the_secretariat_group_changes_nothing(
    world: Dialogue,
) -> None:
    alice = await Contact.get(identity=ALICE.identity, active=True)
    await run_table(
        world,
        [
            (STRANGER, f"/revoke {alice.id}", ONLY),
            (STRANGER, "/contacts", ONLY),
            (STRANGER, "/status 县人社局", ONLY),
            (STRANGER, "/overdue", ONLY),
            (STRANGER, "闲聊", ""),
        ],
    )
    assert await Contact.filter(id=alice.id, active=True).exists()
    # the secretariat's own member may, in the same group
    answer = await world.says(GROUP, f"/revoke {alice.id}")
    assert answer == reply(f"The binding of #{alice.id} (县政务服务中心) has ended.")


async def test_the_author_cannot_approve_their_own_summary(world: Dialogue) -> None:
    d = world
    task = await Task.get(number="1")
    unit = await Unit.get(name="县政务服务中心")
    period = await ReportingPeriod.create(
        plan_id=task.plan_id, kind="quarter", key="2026-Q4", starts=date(2026, 10, 1),
        ends=date(2026, 12, 31), due_on=date(2026, 12, 31),
    )  # fmt: skip
    summary = await QuarterlySummary.create(
        period=period, task=task, unit=unit, version=1, text="第四季度完成事项清单公布。",
        state="draft",
    )  # fmt: skip
    # a returned or draft summary: the reporter's text is asked about, never filed unasked
    answer = await d.says(ALICE, "第四季度：事项清单已公布，免申即享上线。")
    assert answer.startswith("\nIs this the rewritten quarterly summary, or a monthly report?")
    assert await ProgressReport.all().count() == 0
    await d.presses(ALICE, "Quarterly summary 2026-Q4, task 1")
    newest = await QuarterlySummary.filter(unit=unit).order_by("-version").first()
    assert newest is not None
    assert (newest.version, newest.text) == (2, "第四季度：事项清单已公布，免申即享上线。")
    await d.sends_payload(ALICE, payload("a", summary.id))
    leader = await create_invite("县政务服务中心", ContactRole.LEADER, now=d.clock(), locale="en")
    asked = await d.says(ALICE, f"/start {leader.code}")
    assert asked == reply(
        "You are bound as reporter · 县政务服务中心. This code would end that binding and "
        "bind you as leader · 县政务服务中心. Use it?"
    )
    kept = await ConversationState.get(identity=ALICE.identity)
    assert leader.code not in json.dumps(kept.data)  # the code itself is never stored
    await d.presses(ALICE, "Yes, use the new code")
    refused = reply("You wrote this summary, so someone else must approve or return it.")
    assert await d.sends_payload(ALICE, payload("y", summary.id)) == refused
    newest = await QuarterlySummary.filter(unit=unit).order_by("-version").first()
    assert newest is not None
    assert newest.state == "pending"


async def test_a_deployment_may_open_status_and_overdue_to_the_group(world: Dialogue) -> None:
    """DUBAN_GROUP_READS_STATUS opens /status and /overdue to members; never /revoke."""
    world.deps = dataclasses.replace(world.deps, group_readable=GROUP_READABLE)
    alice = await Contact.get(identity=ALICE.identity, active=True)
    assert await world.says(STRANGER, f"/revoke {alice.id}") == ONLY
    assert await world.says(STRANGER, "/overdue") == reply("Preparing the overdue list…")
    assert (await world.jobs(STRANGER)).startswith("Overdue (2026-11)")  # to the group
    assert await Contact.filter(id=alice.id, active=True).exists()
