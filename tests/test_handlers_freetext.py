"""Reporting the way officials write, as dialogue tables on Telegram and WeCom: free text read
into pre-filled confirmations, five tasks in one message, no new progress in one tap, captions,
voice and edits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.oversight.publish import digest_message
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import Attachment, ConversationState, ProgressReport, Task
from tests.dialogue import Contains, Dialogue, Person, replies, reply, run_table

ALICE = Person("telegram:1001", "王联络")  # 县发改局: tasks 1 3 4 12 18 19 20
BOB = Person("wecom:zhangsan", "张三")  # 县财政局: tasks 1 6 7 13
CAROL = Person("wecom:lisi", "李四")  # 县发改局 too, on WeCom
CARD_TAIL = "Submit this report? You can still send photos or files first."
FIVE = (
    "本月进展如下：\n"
    "1. 已完成，第三批事项清单已公布。\n"
    "3. 推进中，完成60%，审批时限压缩至30个工作日。\n"
    "4. 有困难，完成40%，用电报装改造待电网公司配合。\n"
    "12. 已完成，政商交往正负面清单已印发。\n"
    "18. 正在推进，完成80%，第三方评价已启动。"
)


def card(number: str, title: str, status: str, text: str, *, more: int = 0, files: int = 0) -> str:
    """A confirmation pre-filled from free text."""
    lines = [f"Task {number}: {title}", f"Status: {status}", f"Progress: {text}"]
    if files:
        lines.append(f"Files attached: {files}")
    lines += ["", CARD_TAIL]
    if more:
        lines.append(f"{more} more tasks from your message follow.")
    return reply("\n".join(lines), title="Check your report")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit in ((ALICE, "县发改局"), (BOB, "县财政局")):
        invite = await create_invite(unit, ContactRole.REPORTER, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


async def stored() -> list[tuple[str, str, int | None, str, bool]]:
    rows = await ProgressReport.all().select_related("task").order_by("id")
    return [(r.task.number, r.status, r.percent, r.text, r.carried) for r in rows]


async def test_five_tasks_in_one_message_one_tap_on_telegram(world: Dialogue) -> None:
    """Before: 5 × (task, status, percent, text, submit). After: one message, one tap."""
    first = card("1", "深化“一件事一次办”改革。", "Done", "已完成，第三批事项清单已公布。", more=4)
    await run_table(
        world,
        [
            (ALICE, FIVE, first),
            (
                ALICE,
                "[Submit all 5]",
                reply(
                    "Reported task 1 for 2026-11 (version 1): Done.\n"
                    "Reported task 3 for 2026-11 (version 1): In progress 60%.\n"
                    "Reported task 4 for 2026-11 (version 1): Behind schedule 40%.\n"
                    "Reported task 12 for 2026-11 (version 1): Done.\n"
                    "Reported task 18 for 2026-11 (version 1): In progress 80%.\n\n"
                    "Still to report: 2."
                ),
            ),
        ],
    )
    assert await stored() == [
        ("1", "done", 100, "已完成，第三批事项清单已公布。", False),
        ("3", "in_progress", 60, "推进中，完成60%，审批时限压缩至30个工作日。", False),
        ("4", "behind", 40, "有困难，完成40%，用电报装改造待电网公司配合。", False),
        ("12", "done", 100, "已完成，政商交往正负面清单已印发。", False),
        ("18", "in_progress", 80, "正在推进，完成80%，第三方评价已启动。", False),
    ]


async def test_a_task_past_its_deadline_is_named_and_the_rest_submitted(world: Dialogue) -> None:
    """Task 3 answered, the due day passed: it is said so, not offered, and the others store."""
    await world.says(ALICE, "第3项 推进中，完成50%")
    await world.presses(ALICE, "Submit")
    world.clock.advance(days=40)
    closed = reply("Task 3: the 2026-11 deadline (2026-12-02) has passed; no more revisions.")
    answers = (await world.says(ALICE, FIVE)).split("\n---\n")
    assert answers[0] == closed
    assert answers[1:] == [
        card("1", "深化“一件事一次办”改革。", "Done", "已完成，第三批事项清单已公布。", more=3)
    ]
    await world.presses(ALICE, "Submit all 4")
    assert [row[:3] for row in await stored()] == [
        ("3", "in_progress", 50),
        ("1", "done", 100),
        ("4", "behind", 40),
        ("12", "done", 100),
        ("18", "in_progress", 80),
    ]


async def test_tasks_one_confirmation_each_on_wecom(world: Dialogue) -> None:
    """WeCom: one numbered confirmation per task, one typed "1" each; an unknown task is named."""
    text = "23号任务已完成\n6. 推进中，完成60%，退税时限压缩。\n7号已完成，续贷产品上线。"
    answer = await world.says(BOB, text)
    assert answer == replies(
        reply("Your unit has no open report request on task 23; /report lists the open ones."),
        card("6", "便利纳税缴费。", "In progress 60%", "推进中，完成60%，退税时限压缩。", more=1),
    )
    await run_table(
        world,
        [
            (
                BOB,
                "1",
                replies(
                    reply("Reported task 6 for 2026-11 (version 1): In progress 60%."),
                    card("7", "破解融资难融资贵。", "Done", "已完成，续贷产品上线。"),
                ),
            ),
            (
                BOB,
                "1",
                reply("Reported task 7 for 2026-11 (version 1): Done.\n\nStill to report: 2."),
            ),
        ],
    )
    assert [r[:3] for r in await stored()] == [("6", "in_progress", 60), ("7", "done", 100)]


@pytest.mark.parametrize("who", [ALICE, CAROL], ids=["telegram", "wecom"])
async def test_task_23_done_is_a_prefilled_card(world: Dialogue, who: Person) -> None:
    """``23号任务已完成`` → a card pre-filled with task 23 and 已完成; one tap (WeCom: "1")."""
    await Task.filter(number="20").update(number="23")  # the sample plan stops at 20
    invite = await create_invite("县发改局", ContactRole.REPORTER, now=world.clock(), locale="en")
    await world.says(CAROL, f"/start {invite.code}")
    submit = "[Submit]" if who is ALICE else "1"
    await run_table(
        world,
        [
            (
                who,
                "23号任务已完成，经费已拨付到位",
                card("23", "推进信用体系建设。", "Done", "已完成，经费已拨付到位"),
            ),
            (
                who,
                submit,
                reply("Reported task 23 for 2026-11 (version 1): Done.\n\nStill to report: 6."),
            ),
        ],
    )
    assert await stored() == [("23", "done", 100, "已完成，经费已拨付到位", False)]


async def test_unsure_status_is_asked_not_guessed(world: Dialogue) -> None:
    """已完成 but 60 %: the status buttons are shown for task 3, nothing is stored unasked."""
    answer = await world.says(ALICE, "第3项 已完成，进度60%")
    assert answer.startswith("Report 2026-11\nTask 3: 优化工程建设项目审批。")
    assert answer.endswith("Choose the status:")
    assert await ProgressReport.all().count() == 0


async def test_no_new_progress_carries_the_last_status(world: Dialogue) -> None:
    """A second month: 本月无新进展 in one tap on the task card, stored as carried."""
    d = world
    await d.says(ALICE, "第3项 推进中，完成60%，审批时限压缩")
    await d.presses(ALICE, "Submit")
    d.clock.advance(days=10)
    await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())
    await d.says(ALICE, "/report")
    await d.presses(ALICE, "Report task 3")
    note = "No new progress this month; the status is carried forward from the last report."
    await run_table(
        d,
        [
            (
                ALICE,
                "[No new progress this month]",
                reply(
                    f"Status: In progress 60% · no new progress, carried forward\n"
                    f"Progress: {note}\n\n{CARD_TAIL}",
                    title="Check your report",
                ),
            ),
            (ALICE, "[Submit]", Contains("Reported task 3 for 2026-12 (version 1): In progress")),
        ],
    )
    assert (await stored())[-1] == ("3", "in_progress", 60, note, True)
    # the digest shows it as what it is, not as a fresh report
    _, digest = await digest_message(
        Month(2026, 12), locale="en", data_dir=d.deps.data_dir, today=d.clock.now.date(),
        zone=d.deps.timezone, plan_id=None,
    )  # fmt: skip
    assert note in digest.text
    # typed, with the task: the same, pre-filled
    answer = await d.says(ALICE, "第4项 本月无新进展")
    assert "Task 4:" in answer


async def test_captioned_photo_stores_the_caption(world: Dialogue) -> None:
    """The caption under a photo is the narrative (Telegram)."""
    d = world
    answer = await d.sends_file(
        ALICE, b"jpeg" * 100, "site.jpg", caption="第19项：隐患排查已完成，整改率100%"
    )
    assert answer == card(
        "19", "加强营商环境宣传推介。", "Done", "隐患排查已完成，整改率100%", files=1
    )
    await d.presses(ALICE, "Submit")
    report = await ProgressReport.get().prefetch_related("attachments")
    assert (report.text, report.status, len(report.attachments)) == (
        "隐患排查已完成，整改率100%",
        "done",
        1,
    )
    assert await Attachment.filter(report_id=report.id).count() == 1


async def test_voice_is_answered_and_stores_nothing(world: Dialogue) -> None:
    voice = reply("I cannot listen to voice messages. Please type the progress as text.")
    for who in (ALICE, BOB):
        assert await world.sends_voice(who) == voice
    assert await ProgressReport.all().count() == 0
    assert not await ConversationState.filter(flow__not="").exists()


async def test_an_edit_asks_before_replacing_the_stored_report(world: Dialogue) -> None:
    d = world
    await d.says(ALICE, "第3项 推进中，完成60%", ref="1001:55")
    await d.presses(ALICE, "Submit")
    asked = reply(
        "You edited a message already stored as your report on task 3. "
        "Replace the stored report with the edited text (a new version)?"
    )
    assert await d.edits(ALICE, "1001:55", "第3项 推进中，完成70%") == asked
    assert await d.presses(ALICE, "Replace") == reply(
        "Reported task 3 for 2026-11 (version 2): In progress 70%."
    )
    assert [r[:3] for r in await stored()] == [("3", "in_progress", 60), ("3", "in_progress", 70)]
    # an edit of a message never stored changes nothing, and says so
    assert await d.edits(ALICE, "1001:99", "随便改改") == reply(
        "Edits change nothing stored. Send the corrected progress as a new message."
    )


def test_report_buttons_name_the_month_when_two_are_open() -> None:
    """October's and November's task 5 are two buttons that say which month they are."""
    from datetime import date  # noqa: PLC0415

    from bot.i18n import Translator  # noqa: PLC0415
    from bot.reporting.prompts import request_buttons  # noqa: PLC0415
    from bot.reporting.requests import RequestView  # noqa: PLC0415

    views = [
        RequestView(1, "2026-10", date(2026, 11, 2), "5", "t", "u", False, 1),
        RequestView(2, "2026-11", date(2026, 12, 2), "5", "t", "u", False, 1),
    ]
    zh = Translator("zh_CN")
    labels = [b.label for row in request_buttons(zh, views) for b in row]
    assert labels == ["报送第5项（10月）", "报送第5项（11月）"]


async def test_five_tasks_in_one_message_one_number_each_on_wecom(world: Dialogue) -> None:
    """WeCom, the same five tasks confirmed one by one: a typed "1" per task, nothing else."""
    invite = await create_invite("县发改局", ContactRole.REPORTER, now=world.clock(), locale="en")
    await world.says(CAROL, f"/start {invite.code}")
    answer = await world.says(CAROL, FIVE)
    assert answer.startswith("Check your report\nTask 1: ")
    for number in ("3", "4", "12", "18"):
        assert f"Task {number}: " in await world.says(CAROL, "1")
    assert (await world.says(CAROL, "1")).endswith("Still to report: 2.")
    assert [r[0] for r in await stored()] == ["1", "3", "4", "12", "18"]


async def test_an_edit_of_a_two_task_message_replaces_both_reports(world: Dialogue) -> None:
    """Telegram (WeCom has no edits): a message that reported tasks 1 and 3 is edited; one
    question for both; yes → a new version of each, read from its own line."""
    d = world
    await d.says(ALICE, "1. 已完成，清单已公布。\n3. 推进中，完成60%，压缩时限。", ref="1001:77")
    await d.presses(ALICE, "Submit all 2")
    asked = reply(
        "You edited a message already stored as your report on task 1、3. "
        "Replace the stored report with the edited text (a new version)?"
    )
    edited = "1. 已完成，清单已公布并解读。\n3. 推进中，完成70%，压缩时限。"
    assert await d.edits(ALICE, "1001:77", edited) == asked
    assert await d.presses(ALICE, "Replace") == reply(
        "Reported task 1 for 2026-11 (version 2): Done.\n"
        "Reported task 3 for 2026-11 (version 2): In progress 70%."
    )
    assert await stored() == [
        ("1", "done", 100, "已完成，清单已公布。", False),
        ("3", "in_progress", 60, "推进中，完成60%，压缩时限。", False),
        ("1", "done", 100, "已完成，清单已公布并解读。", False),
        ("3", "in_progress", 70, "推进中，完成70%，压缩时限。", False),
    ]
    # keeping instead changes nothing
    assert await d.edits(ALICE, "1001:77", "1. 已完成。\n3. 推进中。") == asked
    assert await d.presses(ALICE, "Keep the stored report") == reply(
        "The stored report stays as it was."
    )
    assert await ProgressReport.all().count() == 4
