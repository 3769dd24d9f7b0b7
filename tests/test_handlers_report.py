"""The report flow as dialogue tables: bind, report with status, text and a photo, revise."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.services.binding import Role, create_invite
from bot.services.dispatch import dispatch
from bot.services.plans import import_plan
from bot.storage.models import Attachment, Contact, OutboxMessage, ProgressReport, ReportRequest
from tests.dialogue import Dialogue, Person, run_table

ALICE = Person("telegram:1001", "王联络")
BOB = Person("wecom:zhangsan", "张三")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(read_plan(sample_plan), source_name="sample.md", sha256="0" * 64)
    return Dialogue(tmp_path / "data")


async def code(
    dialogue: Dialogue, unit: str, role: Role = Role.REPORTER, locale: str = "en"
) -> str:
    invite = await create_invite(unit, role, now=dialogue.clock(), locale=locale)
    return invite.code


async def test_bind_dispatch_report_revise(world: Dialogue) -> None:
    d = world
    alice_code = await code(d, "县发改局")
    await run_table(
        d,
        [
            (ALICE, "hello", "not bound"),
            (ALICE, f"/start {alice_code}", "reporter of 县发改局"),
            (ALICE, f"/start {alice_code}", "already been used"),
            (ALICE, "/report", "no open report requests"),
        ],
    )
    outcome = await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    assert outcome.prompts == 1
    prompt = await OutboxMessage.get(recipient=ALICE.identity)
    assert "县发改局" in prompt.payload["text"]
    first = prompt.payload["buttons"][0][0]
    answer = await d.sends_payload(ALICE, first["payload"])
    assert "Choose the status" in answer
    await run_table(
        d,
        [
            (ALICE, "[In progress]", "How far along"),
            (ALICE, "65%", "Write this month"),
            (ALICE, "完成了项目储备库建设，组织三次调度会。", "Submit this report?"),
            (ALICE, "@site.jpg", "File attached (1 so far)"),
            (ALICE, "[Submit]", "(version 1): In progress 65%"),
        ],
    )
    report = await ProgressReport.get().prefetch_related("attachments")
    assert (report.status, report.percent, report.version, report.late) == (
        "in_progress",
        65,
        1,
        False,
    )
    assert len(report.attachments) == 1
    assert (d.deps.data_dir / report.attachments[0].path).exists()
    assert (await ReportRequest.get(id=report.request_id)).state == "answered"
    # revise: the previous report is shown as the starting point, every version is kept
    await d.sends_payload(ALICE, first["payload"])
    await run_table(
        d,
        [
            (ALICE, "[Done]", "Write this month"),
            (ALICE, "[Keep the last text]", "Status: Done"),
            (ALICE, "[Submit]", "(version 2): Done"),
        ],
    )
    versions = await ProgressReport.filter(request_id=report.request_id).order_by("version")
    assert [(v.version, v.status, v.percent) for v in versions] == [
        (1, "in_progress", 65),
        (2, "done", 100),
    ]
    assert versions[1].text == versions[0].text
    assert await Attachment.filter(report_id=versions[0].id).count() == 1
    assert await Contact.filter(identity=ALICE.identity, active=True).count() == 1


async def test_mytasks_and_history_by_role(world: Dialogue) -> None:
    d = world
    leader = Person("telegram:2002", "李局长")
    sec = Person("telegram:3003", "秘书组")
    other = Person("telegram:4004", "财政局联络员")
    for who, unit, role in (
        (ALICE, "县发改局", Role.REPORTER),
        (leader, "县发改局", Role.LEADER),
        (sec, None, Role.SECRETARIAT),
        (other, "县财政局", Role.REPORTER),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    for who, text in ((ALICE, "发改局：项目储备完成"), (other, "财政局：资金已拨付")):
        await d.says(who, "/report")
        await d.presses(who, "Report task 1")
        await d.presses(who, "Done")
        await d.says(who, text)
        await d.presses(who, "Submit")
    await run_table(
        d,
        [
            (ALICE, "/mytasks", "Tasks of 县发改局"),
            (ALICE, "/mytasks", "1. 深化“一件事一次办”改革。 — Done"),
            (leader, "/mytasks", "not reported yet"),
            (ALICE, "/history 1", "发改局：项目储备完成"),
            (leader, "历史 1", "2026-11 · 县发改局 · version 1 · Done"),
            (sec, "/history 1", "财政局：资金已拨付"),
            (sec, "/history 1", "发改局：项目储备完成"),
            (ALICE, "/history 99", "No reports on task 99"),
            (ALICE, "/history", "Send the task number"),
            (sec, "/mytasks", "for a unit’s reporter"),
        ],
    )
    own = await d.says(ALICE, "/history 1")
    assert "财政局" not in own  # a unit sees its own reports only
    # a finished task is not asked about again next month
    outcome = await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())
    assert outcome.closed > 0
    assert not await ReportRequest.filter(
        period__key="2026-12", task__number="1", unit__name="县发改局"
    ).exists()


async def test_wecom_numbers_pick_options_only_at_pure_choice_steps(world: Dialogue) -> None:
    """WeCom has no buttons: a bare number is option N at a pure choice step (the task list,
    the status, the confirmation) and the person's own number at the percent step."""
    d = world
    await d.says(BOB, f"绑定 {await code(d, '县财政局')}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    await run_table(
        d,
        [
            (BOB, "报送", "Open report requests"),
            (BOB, "1", "Choose the status"),
            (BOB, "2", "How far along"),  # the second status: In progress
            (BOB, "5", "Write this month"),  # 5 %, not the fifth option (Skip)
            (BOB, "资金已拨付五成。", "Status: In progress 5%"),
            (BOB, "1", "(version 1): In progress 5%"),  # 1 = Submit
            (BOB, "报送", "Open report requests"),
            (BOB, "1", "Choose the status"),
            (BOB, "２", "How far along"),  # full-width digits count alike
            (BOB, "2", "Write this month"),  # 2 %, not the second option (40 %)
            (BOB, "Keep the last text", "Status: In progress 2%"),  # an option's words
            (BOB, "1", "(version 2): In progress 2%"),
            (BOB, "报送", "Open report requests"),
            (BOB, "1", "Choose the status"),
            (BOB, "3", "How far along"),  # Behind
            (BOB, "150", "whole number from 0 to 100"),
            (BOB, "Skip", "Write this month"),  # the Skip option by its words
            (BOB, "2", "Status: Behind"),  # a free-text step: "2" is the narrative
            (BOB, "Submit", "(version 3): Behind"),
        ],
    )
    reports = await ProgressReport.filter(contact__identity=BOB.identity).order_by("version")
    assert [(r.version, r.status, r.percent, r.text) for r in reports] == [
        (1, "in_progress", 5, "资金已拨付五成。"),
        (2, "in_progress", 2, "资金已拨付五成。"),
        (3, "behind", None, "2"),
    ]
