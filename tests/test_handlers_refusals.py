"""Refusals and hostile input, as dialogue tables: nothing stored is touched by any of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.services.binding import Role, create_invite
from bot.services.dispatch import dispatch
from bot.services.plans import import_plan
from bot.storage.models import (
    ChatBinding,
    Contact,
    ConversationState,
    Invite,
    OutboxMessage,
    ProgressReport,
    ReportRequest,
)
from tests.dialogue import Dialogue, Person, run_table

ALICE = Person("telegram:1001", "王联络")
MALLORY = Person("telegram:666", "<b>Mallory</b>")
LEADER = Person("telegram:2002", "李局长")
SEC = Person("telegram:3003", "秘书组小刘")
GROUP = Person("telegram:3003", "秘书组群", group="-100555")
STRANGER_GROUP = Person("telegram:3003", "闲聊群", group="-100777")
BOB = Person("wecom:zhangsan", "张三")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(read_plan(sample_plan), source_name="sample.md", sha256="0" * 64)
    d = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (ALICE, "县发改局", Role.REPORTER),
        (MALLORY, "县财政局", Role.REPORTER),
        (LEADER, "县发改局", Role.LEADER),
        (SEC, None, Role.SECRETARIAT),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


async def alice_request(unit: str = "县发改局") -> ReportRequest:
    return await ReportRequest.filter(unit__name=unit).order_by("id").first()  # type: ignore[return-value]


async def test_unknown_people_get_the_hint_and_nothing_else(world: Dialogue) -> None:
    stranger = Person("telegram:9", language="en")
    request = await alice_request()
    await run_table(
        world,
        [
            (stranger, "/mytasks", "not bound"),
            (stranger, "/contacts", "not bound"),
            (stranger, "进展顺利", "not bound"),
            (stranger, "/start WRONGCODE1", "not valid"),
            (stranger, "/start", "not bound"),
            (stranger, "/help", "not bound"),
        ],
    )
    answer = await world.sends_payload(stranger, payload("s", request.id, 3))
    assert "not bound" in answer
    assert await ProgressReport.all().count() == 0
    assert not await Contact.filter(identity=stranger.identity).exists()


async def test_forged_and_foreign_buttons_are_refused(world: Dialogue) -> None:
    alices = await alice_request()
    for forged in (
        payload("t", alices.id),  # another unit's request
        payload("s", alices.id, 3),
        payload("c", alices.id),
        "v1:t:999999",  # no such request
        "v1:t:999999999999",  # beyond a 32-bit id (PostgreSQL would overflow)
        "v2:t:1",  # unknown version
        "v1:t:1:" + "9" * 60,  # too long
        "v1:zz:1",
        "",
        "v1:t:-1",
        "'; DROP TABLE report_request; --",
    ):
        answer = await world.sends_payload(MALLORY, forged)
        assert "not valid" in answer or "not one of your unit" in answer, (forged, answer)
    # a replayed confirm after the flow ended does not store a second report
    await world.sends_payload(ALICE, payload("t", alices.id))
    await run_table(
        world,
        [
            (ALICE, "[Done]", "Write this month"),
            (ALICE, "全部完成", "Submit this report?"),
            (ALICE, "[Submit]", "version 1"),
        ],
    )
    answer = await world.sends_payload(ALICE, payload("c", alices.id))
    assert "finished or was cancelled" in answer
    answer = await world.sends_payload(ALICE, payload("s", alices.id, 9))
    assert "finished or was cancelled" in answer
    assert await ProgressReport.all().count() == 1


async def test_leaders_and_secretariat_cannot_report(world: Dialogue) -> None:
    request = await alice_request()
    await run_table(
        world,
        [
            (LEADER, "/report", "for a unit’s reporter"),
            (LEADER, "/mytasks", "Tasks of 县发改局"),
            (LEADER, "完成了", "Commands:"),
            (LEADER, "/contacts", "Only the secretariat"),
            (ALICE, "/revoke 1", "Only the secretariat"),
            (SEC, "/report", "for a unit’s reporter"),
        ],
    )
    for who in (LEADER, SEC):
        answer = await world.sends_payload(who, payload("t", request.id))
        assert "Only your unit’s reporter" in answer
    assert await ProgressReport.all().count() == 0


async def test_long_text_html_and_unknown_commands(world: Dialogue) -> None:
    request = await alice_request()
    await world.sends_payload(ALICE, payload("t", request.id))
    await run_table(
        world,
        [
            (ALICE, "[Behind]", "How far along"),
            (ALICE, "250", "whole number from 0 to 100"),
            (ALICE, "[Skip]", "Write this month"),
            (ALICE, "字" * 50_000, "The text has 50000 characters"),
            (ALICE, "   ", "empty"),
            (ALICE, "/frobnicate", "Unknown command"),
            (ALICE, "<script>alert(1)</script> & <b>", "Submit this report?"),
            (ALICE, "[Submit]", "Behind schedule"),
        ],
    )
    report = await ProgressReport.get()
    assert report.text == "<script>alert(1)</script> & <b>"
    assert report.percent is None


async def test_free_text_shortcut_asks_which_task(world: Dialogue) -> None:
    await run_table(
        world,
        [
            (ALICE, "本月完成重大项目谋划12个。", "Which task is this for?"),
        ],
    )
    label = world.buttons(ALICE)[0][0]
    await run_table(
        world,
        [
            (ALICE, f"[{label}]", "Choose the status"),
            (ALICE, "[In progress]", "How far along"),
            (ALICE, "[40%]", "Progress: 本月完成重大项目谋划12个。"),
            (ALICE, "[Submit]", "version 1"),
        ],
    )
    report = await ProgressReport.get()
    assert (report.text, report.percent) == ("本月完成重大项目谋划12个。", 40)


async def test_photo_outside_a_flow_is_kept_until_a_task_is_chosen(world: Dialogue) -> None:
    await run_table(world, [(ALICE, "@scene.jpg", "Which task is this for?")])
    label = world.buttons(ALICE)[0][0]
    await run_table(
        world,
        [
            (ALICE, f"[{label}]", "Choose the status"),
            (ALICE, "[Not started]", "Write this month"),
            (ALICE, "尚未启动，已完成前期调研。", "Files attached: 1"),
            (ALICE, "[Submit]", "version 1"),
        ],
    )
    report = await ProgressReport.get().prefetch_related("attachments")
    assert len(report.attachments) == 1


async def test_cancel_keeps_nothing(world: Dialogue) -> None:
    request = await alice_request()
    await world.sends_payload(ALICE, payload("t", request.id))
    await run_table(
        world,
        [
            (ALICE, "[Done]", "Write this month"),
            (ALICE, "/cancel", "nothing was saved"),
            (ALICE, "/cancel", "nothing was saved"),
        ],
    )
    assert await ProgressReport.all().count() == 0
    state = await ConversationState.get(identity=ALICE.identity)
    assert state.flow == ""


async def test_secretariat_lists_and_revokes_and_people_can_leave(world: Dialogue) -> None:
    mallory = await Contact.get(identity=MALLORY.identity, active=True)
    listing = await world.says(SEC, "/contacts")
    assert "县发改局" in listing
    assert "<b>Mallory</b>" in listing  # stored and shown as text; channels escape it
    await run_table(
        world,
        [
            (SEC, f"/revoke {mallory.id}", "has ended"),
            (SEC, f"/revoke {mallory.id}", "No bound contact"),
            (SEC, "/revoke abc", "contact number"),
            (MALLORY, "/mytasks", "not bound"),
            (ALICE, "/unbind", "no longer bound"),
            (ALICE, "/mytasks", "not bound"),
        ],
    )
    notice = await OutboxMessage.get(recipient=MALLORY.identity, key__startswith="test:")
    assert "ended your binding" in notice.payload["text"]


async def test_group_chats(world: Dialogue) -> None:
    reporter_code = (
        await create_invite("县财政局", Role.REPORTER, now=world.clock(), locale="en")
    ).code
    sec_code = (await create_invite(None, Role.SECRETARIAT, now=world.clock(), locale="en")).code
    await run_table(
        world,
        [
            (STRANGER_GROUP, "大家好", ""),
            (STRANGER_GROUP, "/contacts", ""),
            (STRANGER_GROUP, f"/start {reporter_code}", "private chat"),
            (GROUP, f"/start {sec_code}", "secretariat’s chat"),
            (GROUP, "随便聊聊", ""),
            (GROUP, "/contacts", "Bound contacts"),
        ],
    )
    assert await ChatBinding.filter(identity="telegram:-100555", role="secretariat").exists()
    assert await Invite.filter(used_at=None, revoked_at=None).count() == 1  # the reporter code


async def test_codes_expire_and_a_new_code_replaces_a_binding(world: Dialogue) -> None:
    old = (await create_invite("县财政局", Role.REPORTER, now=world.clock(), locale="en")).code
    world.clock.advance(days=8)
    await run_table(world, [(ALICE, f"/start {old}", "expired")])
    fresh = (await create_invite("县财政局", Role.REPORTER, now=world.clock(), locale="en")).code
    await run_table(
        world, [(ALICE, f"绑定 {fresh.lower()}", "earlier binding (县发改局) has ended")]
    )
    contact = await Contact.get(identity=ALICE.identity, active=True).select_related("unit")
    assert contact.unit is not None
    assert contact.unit.name == "县财政局"


async def test_wecom_numbered_options_and_late_revision(world: Dialogue) -> None:
    invite = await create_invite("县财政局", Role.REPORTER, now=world.clock(), locale="zh_CN")
    await world.says(BOB, f"绑定 {invite.code}")
    answer = await world.says(BOB, "报送")
    assert "1." not in answer  # the numbering is the WeCom renderer's job, the options are stored
    state = await ConversationState.get(identity=BOB.identity)
    assert len(state.data["options"]) >= 1
    await world.says(BOB, "1")
    state = await ConversationState.get(identity=BOB.identity)
    assert state.flow == "report"
    await world.says(BOB, "4")  # the 4th status: done
    await world.says(BOB, "已完成全部工作")
    await world.says(BOB, "1")  # submit
    assert await ProgressReport.filter(contact__identity=BOB.identity).count() == 1
    # after the deadline a first report is late, a revision is refused
    world.clock.advance(days=30)
    await world.says(BOB, "报送")
    await world.says(BOB, "1")
    await world.says(BOB, "4")
    await world.says(BOB, "已完成")
    answer = await world.says(BOB, "1")
    assert "no more revisions" in answer or "不能再修改" in answer
    assert await ProgressReport.filter(contact__identity=BOB.identity).count() == 1


async def test_an_oversized_file_is_refused_before_download(world: Dialogue) -> None:
    from bot.domain.conversation import InboundFile  # noqa: PLC0415

    huge = InboundFile(kind="document", ref="never-fetched", name="全年台账.zip", size=25 * 2**20)
    inbound = world._inbound(ALICE, kind="file", file=huge)
    answer = await world._run(ALICE, inbound)
    assert "larger than 20 MB" in answer
    assert "never-fetched" not in world.files.content  # nothing was downloaded
    assert await ProgressReport.all().count() == 0
