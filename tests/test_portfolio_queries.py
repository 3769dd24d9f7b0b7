"""/mytasks and /history with several plans, as dialogue tables.

The three plans of ``test_portfolio_prompts`` share 县教育局: /mytasks lists its tasks under
each plan's short name, the task 教育 and 卫生 share (建设智慧校园) once with a note naming the
other, and a retired plan's tasks not at all. ``/history 3`` (task 3 of 教育 and of 卫生 are
different tasks, both reported) asks which plan with a button per plan; ``/history 卫生 3``
names it; a task two plans share shows both copies, each report labelled with its plan. A
plan's secretariat reads its own plan only; the admin is asked like a reporter.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.cadence.dispatch import dispatch_month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import Plan
from tests.dialogue import Dialogue, Person, reply, run_table
from tests.test_portfolio_prompts import EDU, HEALTH, NOVEMBER, world

__all__ = ["world"]  # the three plans' fixture, shared with test_portfolio_prompts

SEC_HEALTH = Person("telegram:5101", "卫健委小张")  # 卫生's secretariat
ADMIN = Person("telegram:5102", "县政府督查室")  # the deployment's admin: every plan
EDU_ZH = Person("telegram:5103", "教育局信息员")  # 县教育局's third reporter, in Chinese
EDU_TITLE = "1 教育（青溪县2026年教育强县重点任务分工方案）"
HEALTH_TITLE = "2 卫生（青溪县2026年健康县城重点任务分工方案）"
SPORT_TITLE = "3 体育（青溪县2026年体育强县重点任务分工方案）"
WHICH_3 = reply(
    f"Task 3 is in several plans: {EDU_TITLE}；{HEALTH_TITLE}. Which one? "
    "You can also send “/history 教育 3”."
)
STALE = reply("That choice is no longer open; send the command again.")
AT = "2026-11-25 09:00"
EDU_3 = f"2026-11 · 县教育局 · version 1 · Done · {AT}\n校舍改造完毕。"
HEALTH_3 = f"2026-11 · 县教育局 · version 1 · Done · {AT} · late\n健康行动已开展。"  # due 11-20
SCHOOLS = "智慧校园已全部接入。"


async def report(d: Dialogue, who: Person, button: str, text: str) -> None:
    """``who`` reports 已完成 on the task of ``button`` in /report's list."""
    await d.says(who, "/report")
    await d.presses(who, button)
    await d.presses(who, "Done")
    await d.says(who, text)
    await d.presses(who, "Submit")


@pytest.fixture
async def reported(world: Dialogue) -> Dialogue:
    """November dispatched; 县教育局 reported the shared task 2 (filed to 教育 and 卫生) and
    task 3 of both 教育 and 卫生 (two different tasks)."""
    d = world
    await dispatch_month(NOVEMBER, now=d.clock(), today=date(2026, 11, 2))
    await report(d, EDU, "Report 教育 task 2", SCHOOLS)
    await report(d, EDU, "Report 卫生 task 3", "健康行动已开展。")
    await report(d, EDU, "Report 教育 task 3", "校舍改造完毕。")
    return d


async def test_mytasks_groups_the_plans_and_lists_a_shared_task_once(reported: Dialogue) -> None:
    d = reported
    tasks = reply(
        "\n".join(
            [
                "【教育】",
                "1. 推进集团化办学改革。 — not reported yet ⏰2026年12月",
                "2. 建设智慧校园。(also reported for: 卫生 Task 2) — Done ⏰2026年12月",
                "3. 改善农村学校办学条件。 — Done ⏰2026年12月",
                "【卫生】",
                "3. 开展校园健康行动。 — Done ⏰2026年12月",
                "【体育】",
                "1. 建设校园足球场。 — not reported yet ⏰2026年12月",
            ]
        ),
        title="Tasks of 县教育局 (5)",
    )
    one_plan = reply(  # a unit of one plan: as before, no heading
        "1. 推进县域医共体建设。 — not reported yet ⏰2026年12月", title="Tasks of 县卫健局 (1)"
    )
    await run_table(d, [(EDU, "/mytasks", tasks), (HEALTH, "/mytasks", one_plan)])
    await Plan.filter(short_name="体育").update(retired_at=datetime.now(UTC))
    await Plan.filter(short_name="卫生").update(retired_at=datetime.now(UTC))
    alone = reply(  # 教育 alone: no heading, no note, the retired plans' tasks gone
        "1. 推进集团化办学改革。 — not reported yet ⏰2026年12月\n"
        "2. 建设智慧校园。 — Done ⏰2026年12月\n"
        "3. 改善农村学校办学条件。 — Done ⏰2026年12月",
        title="Tasks of 县教育局 (3)",
    )
    none = reply("县卫健局 has no tasks in the active plans.")
    await run_table(d, [(EDU, "/mytasks", alone), (HEALTH, "/mytasks", none)])


async def test_history_asks_which_plan_or_takes_it_first(reported: Dialogue) -> None:
    d = reported
    both = reply(
        f"卫生 · 2026-11 · 县教育局 · version 1 · Done · {AT} · late\n{SCHOOLS}\n\n"
        f"教育 · 2026-11 · 县教育局 · version 1 · Done · {AT}\n{SCHOOLS}",
        title="Reports on task 2",
    )
    await run_table(
        d,
        [
            (EDU, "/history 3", WHICH_3),
            (EDU, "[卫生]", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (EDU, "[教育]", STALE),  # answered already
            (EDU, "历史 3", WHICH_3),
            (EDU, "[教育]", reply(f"教育 · {EDU_3}", title="Reports on task 3")),
            (EDU, "/history 卫生 3", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (EDU, "/history 1 3", reply(f"教育 · {EDU_3}", title="Reports on task 3")),
            (EDU, "/history 2", both),  # one task two plans share: both copies, no question
            (EDU, "/history 1", reply("No reports on task 1 yet.")),  # none: nothing to choose
            (EDU, "/history 体育 1", reply("No reports on 体育 task 1 yet.")),
            (
                EDU,
                "/history 足球 3",
                reply(
                    f"There is no plan “足球”; the plans: "
                    f"{EDU_TITLE}；{HEALTH_TITLE}；{SPORT_TITLE}."
                ),
            ),
            (
                EDU,
                "/history 教育 3 4",
                reply("Send the task number, for example “/history 3” or “历史 3”."),
            ),
            (HEALTH, "/history 3", reply("No reports on task 3 yet.")),  # another unit's
        ],
    )
    assert [label for label, _ in d.buttons(EDU)] == ["教育", "卫生"]


async def test_a_plans_secretariat_reads_its_own_plan(reported: Dialogue) -> None:
    d = reported
    health = await Plan.get(short_name="卫生")
    for who, plan in ((SEC_HEALTH, health.id), (ADMIN, None)):
        invite = await create_invite(
            None, ContactRole.SECRETARIAT, now=d.clock(), locale="en", plan_id=plan
        )
        await d.says(who, f"/start {invite.code}")
    await run_table(
        d,
        [
            (SEC_HEALTH, "/history 3", reply(HEALTH_3, title="Reports on task 3")),
            (
                SEC_HEALTH,
                "/history 教育 3",
                reply(f"There is no plan “教育”; the plans: {HEALTH_TITLE}."),
            ),
            (ADMIN, "/history 3", WHICH_3),
            (ADMIN, "[卫生]", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (ADMIN, "/history 教育 3", reply(f"教育 · {EDU_3}", title="Reports on task 3")),
        ],
    )


async def test_the_question_and_the_list_in_chinese(reported: Dialogue) -> None:
    d = reported
    invite = await create_invite("县教育局", ContactRole.REPORTER, now=d.clock(), locale="zh_CN")
    await d.says(EDU_ZH, f"/start {invite.code}")
    which = (
        f"第3项任务在多个方案中都有：{EDU_TITLE}；{HEALTH_TITLE}。要看哪个方案的？"
        "也可以发送“/history 教育 3”。"
    )
    tasks = await d.says(EDU_ZH, "我的任务")
    await run_table(
        d,
        [
            (EDU_ZH, "历史 3", reply(which)),
            (EDU_ZH, "/history 体育 1", reply("体育 第1项任务尚无报送记录。")),
        ],
    )
    assert tasks.splitlines()[:3] == [
        "县教育局的任务（5项）",
        "【教育】",
        "1. 推进集团化办学改革。 — 尚未报送 ⏰2026年12月",
    ]
    assert (
        tasks.splitlines()[3] == "2. 建设智慧校园。（同时报送：卫生 第2项） — 已完成 ⏰2026年12月"
    )
