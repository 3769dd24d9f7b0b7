"""The report flow as dialogue tables: bind, report with status, text and a photo, revise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import Attachment, Contact, OutboxMessage, ProgressReport, ReportRequest
from tests.answers import GOAL_1, HOW_FAR, REPORTER_HELP, SECRETARIAT_HELP, WRITE
from tests.dialogue import Dialogue, Person, replies, reply, run_table

ALICE = Person("telegram:1001", "王联络")
BOB = Person("wecom:zhangsan", "张三")


def task_1(before: str = "No earlier report on this task.") -> str:
    """The card of task 1, asking for its status."""
    return reply(
        "Task 1: 深化“一件事一次办”改革。\n"
        f"Goal: {GOAL_1}\nYour unit: responsible unit (责任)\nPeriod 2026-11, due 2026-12-02\n\n"
        f"{before}\n\nChoose the status:",
        title="Report 2026-11",
    )


def check(status: str, text: str, files: int = 0) -> str:
    """The card asking to confirm a report."""
    attached = f"\nFiles attached: {files}" if files else ""
    return reply(
        f"Status: {status}\nProgress: {text}{attached}\n\n"
        "Submit this report? You can still send photos or files first.",
        title="Check your report",
    )


def reported(version: int, status: str, still: int) -> str:
    """The answer to a submitted report on task 1 for 2026-11."""
    return reply(
        f"Reported task 1 for 2026-11 (version {version}): {status}.\n\nStill to report: {still}."
    )


def waiting(*tasks: str) -> str:
    """The list of open report requests."""
    lines = "\n".join(f"[2026-11] Task {task}" for task in tasks)
    return reply(f"Open report requests (✓ = reported, can still be revised):\n\n{lines}")


FINANCE_TASKS = ("6 便利纳税缴费。", "7 破解融资难融资贵。", "13 清理拖欠企业账款。")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return Dialogue(tmp_path / "data")


async def code(
    dialogue: Dialogue, unit: str, role: ContactRole = ContactRole.REPORTER, locale: str = "en"
) -> str:
    invite = await create_invite(unit, role, now=dialogue.clock(), locale=locale)
    return invite.code


async def test_bind_dispatch_report_revise(world: Dialogue) -> None:
    d = world
    alice_code = await code(d, "县发改局")
    await run_table(
        d,
        [
            (
                ALICE,
                "hello",
                reply(
                    "You are not bound to a unit yet. Ask the secretariat (秘书组) for a bind "
                    "code, then send “/start CODE” (Telegram) or “绑定 CODE” (WeCom)."
                ),
            ),
            (
                ALICE,
                f"/start {alice_code}",
                replies(reply("Bound: you are the reporter of 县发改局."), REPORTER_HELP),
            ),
            (
                ALICE,
                f"/start {alice_code}",
                reply("This code has already been used. Each code binds once."),
            ),
            (ALICE, "/report", reply("Your unit has no open report requests right now.")),
        ],
    )
    outcome = await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    assert outcome.prompts == 1
    prompt = await OutboxMessage.get(recipient=ALICE.identity)
    assert "县发改局" in prompt.payload["text"]
    first = prompt.payload["buttons"][0][0]
    answer = await d.sends_payload(ALICE, first["payload"])
    assert answer == task_1()
    text = "完成了项目储备库建设，组织三次调度会。"
    await run_table(
        d,
        [
            (ALICE, "[In progress]", HOW_FAR),
            (ALICE, "65%", WRITE),
            (ALICE, text, check("In progress 65%", text)),
            (
                ALICE,
                "@site.jpg",
                replies(reply("File attached (1 so far)."), check("In progress 65%", text, 1)),
            ),
            (ALICE, "[Submit]", reported(1, "In progress 65%", 6)),
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
    answer = await d.sends_payload(ALICE, first["payload"])
    assert answer == task_1(f"Last report (2026-11-25, version 1): In progress 65%\n{text}")
    await run_table(
        d,
        [
            (ALICE, "[Done]", WRITE),
            (ALICE, "[Keep the last text]", check("Done", text)),
            (ALICE, "[Submit]", reported(2, "Done", 6)),
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
        (ALICE, "县发改局", ContactRole.REPORTER),
        (leader, "县发改局", ContactRole.LEADER),
        (sec, None, ContactRole.SECRETARIAT),
        (other, "县财政局", ContactRole.REPORTER),
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
    tasks = reply(
        "1. 深化“一件事一次办”改革。 — Done ⏰2026年12月\n"
        "3. 优化工程建设项目审批。 — not reported yet ⏰2026年底\n"
        "4. 提升获得电力、用水用气服务水平。 — not reported yet ⏰2026年11月\n"
        "12. 构建亲清政商关系。 — not reported yet ⏰2026年底\n"
        "18. 开展营商环境监督评价。 — not reported yet ⏰2026年第四季度\n"
        "19. 加强营商环境宣传推介。 — not reported yet ⏰持续推进\n"
        "20. 推进信用体系建设。 — not reported yet ⏰2026年12月",
        title="Tasks of 县发改局 (7)",
    )
    development = "2026-11 · 县发改局 · version 1 · Done · 2026-11-25 09:00\n发改局：项目储备完成"
    finance = "2026-11 · 县财政局 · version 1 · Done · 2026-11-25 09:00\n财政局：资金已拨付"
    own = reply(development, title="Reports on task 1")  # a unit sees its own reports only
    every = reply(f"{finance}\n\n{development}", title="Reports on task 1")
    await run_table(
        d,
        [
            (ALICE, "/mytasks", tasks),
            (leader, "/mytasks", tasks),
            (ALICE, "/history 1", own),
            (leader, "历史 1", own),
            (sec, "/history 1", every),  # the secretariat sees every unit's
            (ALICE, "/history 99", reply("No reports on task 99 yet.")),
            (
                ALICE,
                "/history",
                reply("Send the task number, for example “/history 3” or “历史 3”."),
            ),
            (
                sec,
                "/mytasks",
                replies(reply("That command is for a unit’s reporter."), SECRETARIAT_HELP),
            ),
        ],
    )
    # a finished task is not asked about again next month
    outcome = await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())
    assert outcome.closed == 95  # every request of 2026-11, answered or not
    assert not await ReportRequest.filter(
        period__key="2026-12", task__number="1", unit__name="县发改局"
    ).exists()


async def test_wecom_numbers_pick_options_only_at_pure_choice_steps(world: Dialogue) -> None:
    """WeCom has no buttons: a bare number is option N at a pure choice step (the task list,
    the status, the confirmation) and the person's own number at the percent step."""
    d = world
    await d.says(BOB, f"绑定 {await code(d, '县财政局')}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    text = "资金已拨付五成。"
    await run_table(
        d,
        [
            (BOB, "报送", waiting("1 深化“一件事一次办”改革。", *FINANCE_TASKS)),
            (BOB, "1", task_1()),
            (BOB, "2", HOW_FAR),  # the second status: In progress
            (BOB, "5", WRITE),  # 5 %, not the fifth option (Skip)
            (BOB, text, check("In progress 5%", text)),
            (BOB, "1", reported(1, "In progress 5%", 3)),  # 1 = Submit
            (BOB, "报送", waiting("1 深化“一件事一次办”改革。 ✓", *FINANCE_TASKS)),
            (BOB, "1", task_1(f"Last report (2026-11-25, version 1): In progress 5%\n{text}")),
            (BOB, "２", HOW_FAR),  # full-width digits count alike
            (BOB, "2", WRITE),  # 2 %, not the second option (40 %)
            (BOB, "Keep the last text", check("In progress 2%", text)),  # an option's words
            (BOB, "1", reported(2, "In progress 2%", 3)),
            (BOB, "报送", waiting("1 深化“一件事一次办”改革。 ✓", *FINANCE_TASKS)),
            (BOB, "1", task_1(f"Last report (2026-11-25, version 2): In progress 2%\n{text}")),
            (BOB, "3", HOW_FAR),  # Behind
            (BOB, "150", reply("Send a whole number from 0 to 100, or choose below.")),
            (BOB, "Skip", WRITE),  # the Skip option by its words
            (BOB, "2", check("Behind schedule", "2")),  # a free-text step: "2" is the narrative
            (BOB, "Submit", reported(3, "Behind schedule", 3)),
        ],
    )
    reports = await ProgressReport.filter(contact__identity=BOB.identity).order_by("version")
    assert [(r.version, r.status, r.percent, r.text) for r in reports] == [
        (1, "in_progress", 5, text),
        (2, "in_progress", 2, text),
        (3, "behind", None, "2"),
    ]
