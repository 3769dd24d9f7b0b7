"""One question per person per month across plans, and a task two plans share asked once.

Three small plans share 县教育局: 教育 and 卫生 dispatch the same month, so its reporter gets one
prompt with both plans' tasks under their names, due by the earlier due day, the task both
plans hold (建设智慧校园) listed once and its report filed to both; 体育, dispatched later, sends
only its own task. Reminders come one per person; a button of the second plan stores under
that plan; ``3. 已完成`` with a task 3 open in two plans asks which.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch, dispatch_month
from bot.cadence.jobs import run_escalation, run_reminders
from bot.cadence.prompting import month_views
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.reporting.latest import last_statuses
from bot.reporting.prompts import monthly_prompt
from bot.storage.models import (
    Attachment,
    AuditLog,
    Contact,
    OutboxMessage,
    Plan,
    ProgressReport,
    ReportRequest,
    Task,
)
from tests.dialogue import TZ, Dialogue, Person, replies, reply, run_table

EDU = Person("telegram:5001", "教育局联络员")  # 县教育局: asked by every plan
EDU_2 = Person("telegram:5002", "教育局副联络员")  # 县教育局's second reporter
HEALTH = Person("telegram:5003", "卫健局联络员")  # 县卫健局: asked by 卫生 only

PLANS = {  # short name → (title words, due day, tasks: number, task, goal, lead unit)
    "教育": ("教育强县", 25, [
        ("1", "推进集团化办学改革。", "组建教育集团3个。", "县教育局"),
        ("2", "建设智慧校园。", "覆盖全部中小学。", "县教育局"),
        ("3", "改善农村学校办学条件。", "改造校舍10所。", "县教育局"),
    ]),
    "卫生": ("健康县城", 20, [
        ("1", "推进县域医共体建设。", "组建医共体2个。", "县卫健局"),
        ("2", "建设 智慧校园", "覆盖全部中小学", "县教育局"),  # the same task, written loosely
        ("3", "开展校园健康行动。", "全县中小学全覆盖。", "县教育局"),
    ]),
    "体育": ("体育强县", 25, [
        ("1", "建设校园足球场。", "新建足球场5片。", "县教育局"),
    ]),
}  # fmt: skip


def plan_markdown(words: str, due_day: int, tasks: list[tuple[str, str, str, str]]) -> str:
    """A plan as a secretariat writes it: its title, the monthly due day, its table."""
    title = f"青溪县2026年{words}重点任务分工方案"
    rows = [
        f"| {n} | {task} | {goal} | | {unit} | | | | 2026年12月 |" for n, task, goal, unit in tasks
    ]
    return "\n".join(
        [
            f"关于印发《{title}》的通知",
            "",
            f"实行一月一调度，每月{due_day}日前各单位报送工作进展。",
            "",
            title,
            "",
            "| 序号 | 重点任务 | 工作目标 | 进展情况 | 牵头单位 | 责任单位 | 配合单位 | 联络股室 "
            "| 完成时间 |",
            "|----|------|------|----|------|------|------|------|------|",
            *rows,
            "",
        ]
    )


async def import_named(tmp_path: Path, name: str) -> int:
    words, due_day, tasks = PLANS[name]
    path = tmp_path / f"{words}.md"
    path.write_text(plan_markdown(words, due_day, tasks), encoding="utf-8")
    outcome = await import_plan(
        read_plan(path), source_name=path.name, sha256="0" * 64, now=datetime.now(UTC)
    )
    plan = await Plan.get(title__contains=words)
    await Plan.filter(id=plan.id).update(short_name=name)
    assert outcome is not None
    return plan.id


NOVEMBER = Month(2026, 11)


@pytest.fixture
async def world(db: str, tmp_path: Path) -> Dialogue:
    for name in ("教育", "卫生", "体育"):
        await import_named(tmp_path, name)
    d = Dialogue(tmp_path / "data")
    for who, unit in ((EDU, "县教育局"), (EDU_2, "县教育局"), (HEALTH, "县卫健局")):
        invite = await create_invite(unit, ContactRole.REPORTER, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    return d


async def prompts_to(who: Person) -> list[Outbound]:
    rows = await OutboxMessage.filter(recipient=who.identity, key__startswith="dispatch:")
    return [Outbound.from_json(m.payload) for m in sorted(rows, key=lambda m: m.id)]


async def requests_of(plan: str, number: str) -> list[int]:
    return [
        int(str(i))
        for i in await ReportRequest.filter(
            period__plan__short_name=plan, task__number=number, unit__name="县教育局"
        ).values_list("id", flat=True)
    ]


async def reports_on(plan: str, number: str) -> list[tuple[str, str, int]]:
    """(status, text, version) of each report on the plan's task, as stored."""
    rows = await ProgressReport.filter(task__plan__short_name=plan, task__number=number).order_by(
        "id"
    )
    return [(r.status, r.text, r.version) for r in rows]


EDU_PROMPT = [
    "县教育局: please report this month’s progress on your 5 tasks by 2026-11-20.",
    "",
    "【教育】",
    "Task 1 推进集团化办学改革。 · lead unit (牵头)",
    "  Goal: 组建教育集团3个。",
    "Task 2 建设智慧校园。 · lead unit (牵头)(also reported for: 卫生 Task 2)",
    "  Goal: 覆盖全部中小学。",
    "Task 3 改善农村学校办学条件。 · lead unit (牵头)",
    "  Goal: 改造校舍10所。",
    "【卫生】",
    "Task 3 开展校园健康行动。 · lead unit (牵头)",
    "  Goal: 全县中小学全覆盖。",
    "【体育】",
    "Task 1 建设校园足球场。 · lead unit (牵头)",
    "  Goal: 新建足球场5片。",
    "",
    "Choose a task below; send “/report” (报送) at any time to see this list.",
    "Or report every task in one message, one line each: “1. 已完成……” “2. 推进中，完成60%……”; "
    "I will ask you to confirm.",
]
EDU_BUTTONS = [
    ["Report 教育 task 1", "Report 教育 task 2"],
    ["Report 教育 task 3", "Report 卫生 task 3"],
    ["Report 体育 task 1"],
]


async def test_one_prompt_per_person_for_every_plan_of_the_month(world: Dialogue) -> None:
    d = world
    outcomes = await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    assert [(o.plan_id, o.requests, o.prompts) for o in outcomes] == [
        (1, 3, 2),
        (2, 3, 3),
        (3, 1, 2),
    ]
    keys = await OutboxMessage.filter(key__startswith="dispatch:").values_list("recipient", "key")
    counted = {who: sum(r == who for r, _ in keys) for who, _ in keys}
    assert counted == {EDU.identity: 1, EDU_2.identity: 1, HEALTH.identity: 1}
    (prompt,) = await prompts_to(EDU)
    assert prompt.title == "Monthly progress report 2026-11"
    assert prompt.text.splitlines() == EDU_PROMPT  # due by 卫生's 20th, the earliest
    assert [[b.label for b in row] for row in prompt.buttons] == EDU_BUTTONS
    (health,) = await prompts_to(HEALTH)  # one plan: no heading, plain buttons
    assert health.text.splitlines()[:3] == [
        "县卫健局: please report this month’s progress on your 1 tasks by 2026-11-20.",
        "",
        "Task 1 推进县域医共体建设。 · lead unit (牵头)",
    ]
    assert [[b.label for b in row] for row in health.buttons] == [["Report task 1"]]
    again = await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    assert [o.prompts for o in again] == [0, 0, 0]
    assert await OutboxMessage.filter(key__startswith="dispatch:").count() == 3


async def test_a_plan_dispatched_later_sends_only_its_own_tasks(world: Dialogue) -> None:
    d = world
    today = date(2026, 11, 2)
    for plan_id in (1, 2):  # 教育 alone first, then 卫生, as `duban dispatch --plan` would
        await dispatch(NOVEMBER, now=d.clock(), today=today, plan_id=plan_id)
    first, later = await prompts_to(EDU)
    assert first.text.splitlines()[0] == (
        "县教育局: please report this month’s progress on your 3 tasks by 2026-11-25."
    )
    assert "【" not in first.text  # 教育 alone
    assert later.text.splitlines()[:5] == [
        "县教育局: 1 more tasks to report this month, by 2026-11-20; "
        "the tasks of my earlier message stand as they were.",
        "",
        "【卫生】",  # its task 2 is 教育's task 2, asked already: not asked again
        "Task 3 开展校园健康行动。 · lead unit (牵头)",
        "  Goal: 全县中小学全覆盖。",
    ]
    assert [[b.label for b in row] for row in later.buttons] == [["Report 卫生 task 3"]]
    await dispatch(NOVEMBER, now=d.clock(), today=today, plan_id=2)
    await dispatch(NOVEMBER, now=d.clock(), today=today, plan_id=1)
    assert len(await prompts_to(EDU)) == 2  # never a second copy


async def test_one_reminder_per_person_across_plans(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    moment = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # 卫生's first reminder, 教育's not yet
    report = await run_reminders(moment, TZ)
    assert (report.queued, report.periods) == (3, ["2:2026-11"])
    assert (await run_reminders(moment, TZ)).queued == 0
    rows = await OutboxMessage.filter(key__startswith="remind:").values_list("recipient", "payload")
    assert sorted(str(r) for r, _ in rows) == sorted(p.identity for p in (EDU, EDU_2, HEALTH))
    sent = {str(r): Outbound.from_json(p) for r, p in rows}[EDU.identity]
    assert sent.text == (
        "Reminder: the 2026-11 reports of 县教育局 are due on 2026-11-20; "
        "5 tasks are not reported yet."
    )
    assert [[b.label for b in row] for row in sent.buttons] == EDU_BUTTONS
    # 教育 and 体育 remind together on the 23rd: one more reminder each, 卫生's day passed
    later = await run_reminders(datetime(2026, 11, 23, 9, 30, tzinfo=TZ), TZ)
    assert (later.queued, later.periods) == (2, ["1:2026-11", "3:2026-11"])
    assert (
        await OutboxMessage.filter(recipient=EDU.identity, key__startswith="remind:").count() == 2
    )


async def test_a_shared_task_is_reported_once_and_filed_to_both(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    card = "\n".join(
        [
            "Task 2: 建设智慧校园。",
            "Status: Done",
            "Progress: 已完成，全部学校已接入。",
            "",
            "Submit this report? You can still send photos or files first.",
        ]
    )
    await run_table(
        d,
        [
            (EDU, "2. 已完成，全部学校已接入。", reply(card, "Check your report")),
        ],
    )
    await d.presses(EDU, "Submit")
    done = ("done", "已完成，全部学校已接入。", 1)
    assert await reports_on("教育", "2") == [done]
    assert await reports_on("卫生", "2") == [done]
    twin = await requests_of("卫生", "2")
    assert await ReportRequest.filter(id__in=twin, state="answered").count() == 1
    health = await Plan.get(short_name="卫生")
    latest = {  # what 卫生's lights, digests and exports read
        (await Task.get(id=task)).number: last.status
        for (task, _), last in (await last_statuses(plan_id=health.id)).items()
    }
    assert latest == {"2": "done"}
    audit = await AuditLog.filter(action="report.submit").order_by("id")
    assert [a.detail.get("twin_of") for a in audit] == [None, (await requests_of("教育", "2"))[0]]
    # the reminder lists neither any more
    await run_reminders(datetime(2026, 11, 18, 10, 0, tzinfo=TZ), TZ)
    sent = await OutboxMessage.get(recipient=EDU.identity, key__startswith="remind:")
    assert "4 tasks are not reported yet" in Outbound.from_json(sent.payload).text


async def test_a_button_of_the_second_plan_stores_under_it(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    (prompt,) = await prompts_to(EDU)
    d.last[EDU.identity] = [prompt]  # the prompt as it reached the chat
    answer = await d.presses(EDU, "Report 卫生 task 3")
    assert answer.splitlines()[1] == "Task 3: 开展校园健康行动。"
    await d.presses(EDU, "Done")
    await d.says(EDU, "健康行动已在全部学校开展。")
    await d.presses(EDU, "Submit")
    assert await reports_on("卫生", "3") == [("done", "健康行动已在全部学校开展。", 1)]
    assert await reports_on("教育", "3") == []


async def test_a_task_number_open_in_two_plans_is_asked(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    asked = reply("Task 3 is open in several plans; which one is this for?")
    assert await d.says(EDU, "3. 已完成，校舍改造完毕。") == asked
    assert [label for label, _ in d.buttons(EDU)] == [
        "教育 task 3: 改善农村学校办学条件。",
        "卫生 task 3: 开展校园健康行动。",
    ]
    card = await d.presses(EDU, "卫生 task 3")
    assert "Status: Done" in card
    await d.presses(EDU, "Submit")
    assert await reports_on("卫生", "3") == [("done", "已完成，校舍改造完毕。", 1)]
    assert await reports_on("教育", "3") == []
    # in a message of several tasks, the ambiguous one is not filed by guess
    card = "\n".join(
        [
            "Task 2: 建设智慧校园。",  # twins: one task, filed to both
            "Status: Done",
            "Progress: 已完成，学校已接入。",
            "",
            "Submit this report? You can still send photos or files first.",
        ]
    )
    several = (
        "Task 3 is open in several plans (教育、卫生); send its line again on its own "
        "and I will ask which plan it is for."
    )
    await run_table(
        d,
        [
            (EDU, "2. 已完成，学校已接入。\n3. 推进中，完成50%。",
             replies(reply(several), reply(card, "Check your report"))),
        ],
    )  # fmt: skip
    assert await reports_on("教育", "3") == []


async def test_the_grouped_prompt_in_chinese(world: Dialogue) -> None:
    await dispatch_month(NOVEMBER, now=world.clock(), today=date(2026, 11, 2))
    views = [v for v in await month_views(NOVEMBER.key) if v.unit == "县教育局"]
    prompt = monthly_prompt(Translator("zh_CN"), "县教育局", NOVEMBER.key, views)
    assert prompt.text.splitlines()[:7] == [
        "县教育局：请于2026-11-20前报送以下5项任务的本月进展。",
        "",
        "【教育】",
        "第1项 推进集团化办学改革。 · 牵头单位",
        "  工作目标：组建教育集团3个。",
        "第2项 建设智慧校园。 · 牵头单位（同时报送：卫生 第2项）",
        "  工作目标：覆盖全部中小学。",
    ]
    assert [b.label for row in prompt.buttons for b in row][:4] == [
        "报送 教育 第1项",
        "报送 教育 第2项",
        "报送 教育 第3项",
        "报送 卫生 第3项",
    ]


async def test_a_leader_hears_of_every_late_plan_in_one_message(world: Dialogue) -> None:
    d = world
    leader = Person("telegram:5009", "教育局局长")
    invite = await create_invite("县教育局", ContactRole.LEADER, now=d.clock(), locale="en")
    await d.says(leader, f"/start {invite.code}")
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    late = datetime(2026, 12, 10, 9, 0, tzinfo=TZ)  # every plan's due day long past
    report = await run_escalation(late, TZ)
    assert report.periods == ["1:2026-11", "2:2026-11", "3:2026-11"]
    assert (await run_escalation(late, TZ)).queued == 0
    (sent,) = await OutboxMessage.filter(recipient=leader.identity)
    assert Outbound.from_json(sent.payload).text.splitlines() == [
        "【教育】",
        "县教育局 has not reported 3 tasks for 2026-11; the deadline was 2026-11-25.",
        "",
        "1. 推进集团化办学改革。",
        "2. 建设智慧校园。",
        "3. 改善农村学校办学条件。",
        "",
        "【卫生】",
        "县教育局 has not reported 2 tasks for 2026-11; the deadline was 2026-11-20.",
        "",
        "2. 建设智慧校园",
        "3. 开展校园健康行动。",
        "",
        "【体育】",
        "县教育局 has not reported 1 tasks for 2026-11; the deadline was 2026-11-25.",
        "",
        "1. 建设校园足球场。",
    ]


async def test_report_lists_a_shared_task_once(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    listed = "\n".join(
        [
            "Open report requests (✓ = reported, can still be revised):",
            "",
            "[教育 2026-11] Task 1 推进集团化办学改革。",
            "[教育 2026-11] Task 2 建设智慧校园。(also reported for: 卫生 Task 2)",
            "[教育 2026-11] Task 3 改善农村学校办学条件。",
            "[卫生 2026-11] Task 3 开展校园健康行动。",
            "[体育 2026-11] Task 1 建设校园足球场。",
        ]
    )
    assert await d.says(EDU, "/report") == reply(listed)
    assert [label for label, _ in d.buttons(EDU)] == [b for row in EDU_BUTTONS for b in row]
    which = await d.says(EDU, "学校接入工作正在推进。")  # no task named: which one, each once
    assert which == reply("Which task is this for?")
    assert [label for label, _ in d.buttons(EDU)] == [
        "教育 task 1: 推进集团化办学改革。",
        "教育 task 2: 建设智慧校园。",
        "教育 task 3: 改善农村学校办学条件。",
        "卫生 task 3: 开展校园健康行动。",
        "体育 task 1: 建设校园足球场。",
    ]


async def test_a_prompt_queued_before_the_upgrade_counts(world: Dialogue) -> None:
    """A prompt queued under the older key (one per plan and unit) is not sent again."""
    d = world
    contact = await Contact.get(identity=EDU.identity)
    old = f"dispatch:1:2026-11:unit:{contact.unit_id}:contact:{contact.id}"
    await enqueue(old, EDU.identity, Outbound(text="教育's prompt"), now=d.clock())
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    first, later = await prompts_to(EDU)
    assert first.text == "教育's prompt"
    assert later.text.splitlines()[0].startswith("县教育局: 2 more tasks to report this month")
    assert "【教育】" not in later.text


async def test_a_shared_tasks_files_are_filed_to_both(world: Dialogue) -> None:
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    await d.sends_file(EDU, b"jpeg" * 50, caption="2. 已完成，全部学校已接入。")
    await d.presses(EDU, "Submit")
    reports = await ProgressReport.filter(task__number="2").order_by("id")
    assert [r.version for r in reports] == [1, 1]
    files = [
        await Attachment.filter(report_id=r.id).values_list("sha256", flat=True) for r in reports
    ]
    assert len(files[0]) == 1
    assert files[1] == files[0]  # the same file, stored once on disk, attached to both
