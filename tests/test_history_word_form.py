"""``历史 卫生 3``: the word form of /history with a plan first, for any role.

``/history 卫生 3`` named the plan; its word form read as a report. It is the command when the
word after 历史 names an active plan exactly (its short name or number) and a task number
follows; ``历史 卫生`` alone, or a word that is no plan's name, stays text (a report), as any
other sentence starting with a command word. The three plans of ``test_portfolio_prompts``.
"""

from __future__ import annotations

import pytest

from bot.conversation.registry import REGISTRY
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import ProgressReport
from tests.dialogue import Dialogue, Person, reply, run_table
from tests.test_portfolio_prompts import EDU
from tests.test_portfolio_queries import EDU_3, HEALTH_3, reported, world

__all__ = ["reported", "world"]  # the three plans' fixtures, shared with test_portfolio_queries

ADMIN = Person("telegram:5201", "县政府督查室")  # the deployment's admin
ADMIN_GROUP = Person("telegram:5201", "督查室群", group="-100999")  # the admin's group


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("历史 卫生 3", ("卫生", "3")),
        ("歷史 卫生 3", ("卫生", "3")),
        ("历史　卫生　3", ("卫生", "3")),  # full-width spaces
        ("历史 2 3", ("2", "3")),  # the plan's number
        ("历史 卫生", None),  # no task number: text
        ("历史 3", None),  # no plan: the plain command, recognised as it always was
        ("历史卫生 3", None),  # no space: prose
        ("历史 卫生 3 已完成", None),  # more than a number follows: prose
        ("历史 卫生 第三项", None),
        ("汇总 卫生 3", None),  # another command
    ],
)
def test_the_word_form_of_history_may_name_a_plan_first(
    text: str, expected: tuple[str, str] | None
) -> None:
    assert REGISTRY.with_plan_first(text, "history") == expected


async def test_a_reporter_names_the_plan_in_words(reported: Dialogue) -> None:
    d = reported
    await run_table(
        d,
        [
            (EDU, "历史 卫生 3", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (EDU, "历史 1 3", reply(f"教育 · {EDU_3}", title="Reports on task 3")),
            (EDU, "歷史 教育 3", reply(f"教育 · {EDU_3}", title="Reports on task 3")),
        ],
    )
    # not a plan's exact name, or no task number: a report's text, as before
    before = await ProgressReport.all().count()
    for text in ("历史 卫 3", "历史 卫生"):
        answer = await d.says(EDU, text)
        assert "Reports on task" not in answer, text
    assert await ProgressReport.all().count() == before  # read as a draft, nothing filed


async def test_the_secretariat_in_chat_and_in_its_group(reported: Dialogue) -> None:
    d = reported
    for who in (ADMIN, ADMIN_GROUP):
        invite = await create_invite(None, ContactRole.SECRETARIAT, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await run_table(
        d,
        [
            (ADMIN, "历史 卫生 3", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (ADMIN_GROUP, "历史 卫生 3", reply(f"卫生 · {HEALTH_3}", title="Reports on task 3")),
            (ADMIN_GROUP, "历史 卫生", ""),  # text, which groups ignore
        ],
    )
