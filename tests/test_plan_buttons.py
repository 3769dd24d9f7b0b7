"""Which plan, as buttons: the admin of two plans is asked with a button per plan, and pressing
one runs the command for that plan; a stale or forged press is refused with one sentence. The
word forms take a plan as the slash commands do (汇总 教育强县), and nothing else is read as
one: a report sentence starting with a command word stays a report."""

from __future__ import annotations

import pytest

from bot.conversation.registry import REGISTRY
from bot.domain.payloads import payload
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import DeferredJob
from tests.dialogue import JOBS, Contains, Dialogue, Person, reply, run_table
from tests.test_portfolio import ADMIN, SEC_A, TASK_1A, WHICH, world

__all__ = ["world"]  # the two plans' fixture, shared with test_portfolio

ADMIN_GROUP = Person("telegram:3001", "督查室群", group="-100888")  # the admin's own group
GOV = Person("telegram:4003", "政务中心联络员")  # 县政务服务中心: task 1 of both plans
STALE = reply("That choice is no longer open; send the command again.")
PREPARING = reply("Preparing the status…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("汇总 教育", ("digest", "教育", "")),
        ("汇总 教育 2026-10", ("digest", "教育", "2026-10")),
        ("汇总　教育", ("digest", "教育", "")),  # a full-width space
        ("逾期 2", ("overdue", "2", "")),
        ("一键催办 教育", ("nudge", "教育", "")),
        ("导出 教育 xlsx 2026-10", ("export", "教育", "xlsx 2026-10")),
        ("状态 教育 县发改局", ("status", "教育", "县发改局")),
        ("汇总 教育 本月材料已报送", None),  # more than a month follows: prose
        ("逾期 教育 的任务", None),
        ("汇总教育", None),  # no space: prose
        ("历史 教育", None),  # not a command about one plan
        ("督办单 教育", None),
    ],
)
def test_a_word_form_may_name_a_plan_first(
    text: str, expected: tuple[str, str, str] | None
) -> None:
    found = REGISTRY.with_plan(text)
    assert (None if found is None else (found[0].name, found[1], found[2])) == expected


def which(command: str) -> str:
    return reply(WHICH.replace("/{command}", command))


async def test_the_plans_are_buttons_and_a_press_runs_the_command(world: Dialogue) -> None:
    d = world
    await run_table(
        d,
        [
            (ADMIN, "/status 县发改局", which("/status")),
            (ADMIN, "[教育强县]", PREPARING),  # the command with its words, for that plan
            (ADMIN, JOBS, Contains("Tasks of 县发改局")),
            (ADMIN, "[教育强县]", STALE),  # answered already
            (ADMIN, "汇总", which("汇总")),  # the example in the words the person used
            (ADMIN, "[优化营商环境]", reply("Preparing the digest of 2026-11…")),
            (ADMIN, "/export 2026-11 xlsx", which("/export")),
        ],
    )
    assert d.buttons(ADMIN) == [
        ("优化营商环境", d.buttons(ADMIN)[0][1]),
        ("教育强县", d.buttons(ADMIN)[1][1]),
    ]
    first = d.buttons(ADMIN)[0][1]
    await run_table(d, [(ADMIN, "/overdue", which("/overdue"))])  # asked again: the first is stale
    assert await d.sends_payload(ADMIN, first) == STALE
    forged = payload("o", 2, 12345)
    assert await d.sends_payload(ADMIN, forged) == STALE
    assert await d.sends_payload(SEC_A, forged) == STALE  # nothing was asked of them
    assert await d.sends_payload(ADMIN, "v1:o:2") == STALE
    await run_table(d, [(ADMIN, "[教育强县]", reply("Preparing the overdue list…"))])
    kinds = await DeferredJob.all().order_by("id").values_list("kind", "args")
    assert [(kind, data.get("plan"), data.get("query")) for kind, data in kinds] == [
        ("status", 2, "县发改局"),
        ("digest", 1, None),
        ("overdue", 2, None),
    ]


async def test_an_ambiguous_name_offers_the_plans_it_may_mean(world: Dialogue) -> None:
    d = world
    answer = await d.says(ADMIN, "/export 青溪县 docx")
    assert answer.startswith("\n“青溪县” may be any of 2 plans:")
    assert [label for label, _ in d.buttons(ADMIN)] == ["优化营商环境", "教育强县"]
    assert await d.presses(ADMIN, "教育强县") == reply("Preparing the docx export of 2026-11…")
    jobs = await DeferredJob.all().values_list("kind", "args")
    assert [(kind, data["format"], data.get("plan")) for kind, data in jobs] == [
        ("export", "docx", 2)
    ]


async def test_in_the_admins_group_the_asker_presses(world: Dialogue) -> None:
    d = world
    invite = await create_invite(None, ContactRole.SECRETARIAT, now=d.clock(), locale="en")
    await d.says(ADMIN_GROUP, f"/start {invite.code}")
    await run_table(
        d,
        [
            (ADMIN_GROUP, "/status", which("/status")),
            (ADMIN_GROUP, "[教育强县]", PREPARING),
            (ADMIN_GROUP, JOBS, Contains("🟡 1. 推进集团化办学改革。")),
            (ADMIN_GROUP, "逾期 教育强县", reply("Preparing the overdue list…")),
            (ADMIN_GROUP, "逾期 教育", ""),  # no plan's exact name: text, which groups ignore
        ],
    )


async def test_word_forms_take_a_plan(world: Dialogue) -> None:
    d = world
    invite = await create_invite("县政务服务中心", ContactRole.REPORTER, now=d.clock(), locale="en")
    await d.says(GOV, f"/start {invite.code}")
    help_line = Contains("/digest [YYYY-MM] (汇总) — the monthly digest")
    await run_table(
        d,
        [
            (ADMIN, "汇总 教育强县", reply("Preparing the digest of 2026-11…")),
            (ADMIN, "/digest 教育强县", reply("Preparing the digest of 2026-11…")),
            (ADMIN, "汇总 2 2026-11", reply("Preparing the digest of 2026-11…")),
            (ADMIN, "逾期 优化营商环境", reply("Preparing the overdue list…")),
            (ADMIN, "/overdue 优化营商环境", reply("Preparing the overdue list…")),
            (ADMIN, "导出 教育强县 xlsx", reply("Preparing the xlsx export of 2026-11…")),
            (ADMIN, "/export 教育强县 xlsx", reply("Preparing the xlsx export of 2026-11…")),
            (ADMIN, "状态 教育强县 1", PREPARING),
            (ADMIN, "/status 教育强县 1", PREPARING),
            (ADMIN, "一键催办 教育强县", Contains("Reminders sent to")),
            (ADMIN, "/nudge 教育强县", Contains("Reminders sent to")),
            # not a plan's exact short name, or more than the command takes: not a command
            (ADMIN, "汇总 教育", help_line),
            (ADMIN, "逾期 教育强县 的任务", help_line),
            # the plan's own secretariat may name it; the only plan needs no name either
            (SEC_A, "汇总 优化营商环境", reply("Preparing the digest of 2026-11…")),
        ],
    )
    kinds = await DeferredJob.all().order_by("id").values_list("kind", "args")
    assert [(kind, data.get("plan")) for kind, data in kinds] == [
        ("digest", 2),
        ("digest", 2),
        ("digest", 2),
        ("overdue", 1),
        ("overdue", 1),
        ("export", 2),
        ("export", 2),
        ("status", 2),
        ("status", 2),
        ("digest", 1),
    ]
    # a reporter's sentence starting with a command word is a report, never the command
    answer = await d.says(GOV, f"汇总 教育强县 {TASK_1A}已完成")
    assert "Only the secretariat" not in answer
    assert await d.says(GOV, "汇总 教育强县") != reply("Only the secretariat can use that command.")


async def test_on_wecom_the_plan_is_answered_by_its_name(world: Dialogue) -> None:
    d = world
    admin = Person("wecom:duchashi", "督查室（企业微信）")
    invite = await create_invite(None, ContactRole.SECRETARIAT, now=d.clock(), locale="en")
    await d.says(admin, f"绑定 {invite.code}")
    await run_table(
        d,
        [
            (admin, "汇总", which("汇总")),
            (admin, "教育强县", reply("Preparing the digest of 2026-11…")),  # the option's words
            (admin, "教育强县", STALE),  # the card's words again: answered already
        ],
    )
    jobs = await DeferredJob.all().values_list("kind", "args")
    assert [(kind, data.get("plan")) for kind, data in jobs] == [("digest", 2)]
