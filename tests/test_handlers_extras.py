"""存在问题 and 下步打算, asked per plan, as dialogue tables on Telegram and WeCom; text sent
while a confirmation waits replaces its narrative; ``duban plan fields``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cadence.dispatch import dispatch
from bot.cli import build_app
from bot.domain.narrative import progress_text
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.fields import set_report_fields
from bot.plans.importing import import_plan
from bot.storage.models import Plan, ProgressReport
from tests.dialogue import Dialogue, Person, replies, reply, run_table

ALICE = Person("telegram:1001", "王联络")  # 县发改局: tasks 1 3 4 12 18 19 20
BOB = Person("wecom:zhangsan", "张三")  # 县财政局: tasks 1 6 7 13
CARD_TAIL = "Submit this report? You can still send photos or files first."
PROBLEMS = "Any problems met (存在问题)? Write them in one message, or send 无."
NEXT = "And the next steps (下步打算)? Write them in one message, or send 无."
TASK_3 = "Task 3: 优化工程建设项目审批。"
TASK_6 = "Task 6: 便利纳税缴费。"


def card(*lines: str) -> str:
    return reply("\n".join([*lines, "", CARD_TAIL]), title="Check your report")


async def _world(
    sample_plan: Path, tmp_path: Path, *, problems: bool, next_steps: bool
) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    plan = await Plan.get()
    await set_report_fields(plan.id, problems=problems, next_steps=next_steps, actor="test")
    d = Dialogue(tmp_path / "data")
    for who, unit in ((ALICE, "县发改局"), (BOB, "县财政局")):
        invite = await create_invite(unit, ContactRole.REPORTER, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    """The plan asks for both fields."""
    return await _world(sample_plan, tmp_path, problems=True, next_steps=True)


async def stored() -> list[tuple[str, str, str | None, str | None]]:
    rows = await ProgressReport.all().select_related("task").order_by("id")
    return [(r.task.number, r.text, r.problems, r.next_steps) for r in rows]


async def test_both_fields_asked_after_the_narrative_on_telegram(world: Dialogue) -> None:
    """Telegram: the narrative, then 存在问题 typed, 下步打算 skipped with the 无 button."""
    await run_table(
        world,
        [
            (ALICE, "第3项 推进中，完成60%，审批时限压缩", reply(f"{TASK_3}\n{PROBLEMS}")),
            (ALICE, "资金不足，部分单位配合不够", reply(f"{TASK_3}\n{NEXT}")),
            (
                ALICE,
                "[None (无)]",
                card(
                    TASK_3,
                    "Status: In progress 60%",
                    "Progress: 推进中，完成60%，审批时限压缩",
                    "Problems: 资金不足，部分单位配合不够",
                    "Next steps: none (无)",
                ),
            ),
            (
                ALICE,
                "[Submit]",
                reply(
                    "Reported task 3 for 2026-11 (version 1): In progress 60%.\n\n"
                    "Still to report: 6."
                ),
            ),
        ],
    )
    assert await stored() == [
        ("3", "推进中，完成60%，审批时限压缩", "资金不足，部分单位配合不够", "")
    ]
    # /history shows them under the narrative
    history = await world.says(ALICE, "/history 3")
    assert history.endswith("推进中，完成60%，审批时限压缩\nProblems: 资金不足，部分单位配合不够")


async def test_headed_lines_are_read_and_not_asked_on_wecom(world: Dialogue) -> None:
    """WeCom: 存在问题：无 and 下步打算：…… written in the message fill the card; one "1"."""
    text = "6. 推进中，完成60%，退税时限压缩。\n存在问题：无\n下步打算：月底前完成系统对接"
    await run_table(
        world,
        [
            (
                BOB,
                text,
                card(
                    TASK_6,
                    "Status: In progress 60%",
                    "Progress: 推进中，完成60%，退税时限压缩。",
                    "Problems: none (无)",
                    "Next steps: 月底前完成系统对接",
                ),
            ),
            (
                BOB,
                "1",
                reply(
                    "Reported task 6 for 2026-11 (version 1): In progress 60%.\n\n"
                    "Still to report: 3."
                ),
            ),
        ],
    )
    assert await stored() == [("6", "推进中，完成60%，退税时限压缩。", "", "月底前完成系统对接")]


async def test_typed_none_skips_on_wecom_and_a_long_answer_is_refused(world: Dialogue) -> None:
    """WeCom has no buttons: 无 typed skips; an answer too long is one sentence, nothing kept."""
    too_long = "问" * 1001
    await run_table(
        world,
        [
            (BOB, "第6项 已完成，退税时限压缩。", reply(f"{TASK_6}\n{PROBLEMS}")),
            (
                BOB,
                too_long,
                reply("The answer has 1001 characters; at most 1000 are kept. Shorten it."),
            ),
            (BOB, "无", reply(f"{TASK_6}\n{NEXT}")),
            (
                BOB,
                "没有。",
                card(
                    TASK_6,
                    "Status: Done",
                    "Progress: 已完成，退税时限压缩。",
                    "Problems: none (无)",
                    "Next steps: none (无)",
                ),
            ),
        ],
    )
    assert await stored() == []


async def test_a_plan_without_the_fields_asks_nothing(
    db: str, sample_plan: Path, tmp_path: Path
) -> None:
    """The default: nothing more is asked, and a headed line is still kept apart."""
    d = await _world(sample_plan, tmp_path, problems=False, next_steps=False)
    await run_table(
        d,
        [
            (
                ALICE,
                "第3项 推进中，完成60%\n存在问题：资金不足",
                card(
                    TASK_3,
                    "Status: In progress 60%",
                    "Progress: 推进中，完成60%",
                    "Problems: 资金不足",
                ),
            ),
            (
                ALICE,
                "[Submit]",
                reply(
                    "Reported task 3 for 2026-11 (version 1): In progress 60%.\n\n"
                    "Still to report: 6."
                ),
            ),
        ],
    )
    assert await stored() == [("3", "推进中，完成60%", "资金不足", None)]


@pytest.mark.parametrize("who", [ALICE, BOB], ids=["telegram", "wecom"])
async def test_text_while_the_card_waits_replaces_its_narrative(
    db: str, sample_plan: Path, tmp_path: Path, who: Person
) -> None:
    """A message sent while the confirmation waits is the new narrative, and says so."""
    d = await _world(sample_plan, tmp_path, problems=False, next_steps=False)
    task, number = (TASK_3, "3") if who is ALICE else (TASK_6, "6")
    submit = "[Submit]" if who is ALICE else "1"
    await d.says(who, f"第{number}项 推进中，完成60%，初稿")
    await run_table(
        d,
        [
            (
                who,
                "第二稿：完成60%，审批时限压缩至30个工作日",
                replies(
                    reply(f"Your message replaces the progress text of task {number}."),
                    card(
                        task,
                        "Status: In progress 60%",
                        "Progress: 第二稿：完成60%，审批时限压缩至30个工作日",
                    ),
                ),
            ),
            (
                who,
                "存在问题：资金不足",
                replies(
                    reply(f"Noted on the report of task {number}."),
                    card(
                        task,
                        "Status: In progress 60%",
                        "Progress: 第二稿：完成60%，审批时限压缩至30个工作日",
                        "Problems: 资金不足",
                    ),
                ),
            ),
            (
                who,
                submit,
                reply(
                    f"Reported task {number} for 2026-11 (version 1): In progress 60%.\n\n"
                    f"Still to report: {6 if who is ALICE else 3}."
                ),
            ),
        ],
    )
    assert await stored() == [
        (number, "第二稿：完成60%，审批时限压缩至30个工作日", "资金不足", None)
    ]


def test_progress_text_joins_the_three_parts() -> None:
    """The one composition of 进展情况: the exports and digests call it."""
    zh = Translator("zh_CN").gettext
    assert progress_text("完成60%", "资金不足", "加快推进", zh) == (
        "完成60%\n存在问题：资金不足\n下步打算：加快推进"
    )
    assert progress_text("完成60%", "", None, zh) == "完成60%"
    en = Translator("en").gettext
    assert progress_text("done", "money", "", en) == "done\nProblems: money"


def test_plan_fields_cli(cli_env: Path, runner: CliRunner, sample_plan: Path) -> None:
    """``duban plan fields PLAN``: shown, set, unset; ``plan show`` says it; an unknown plan
    is one sentence."""
    app = build_app()
    assert runner.invoke(app, ["import", str(sample_plan)]).exit_code == 0
    shown = runner.invoke(app, ["plan", "fields", "1"])
    assert shown.stdout.strip() == "方案 1：月报只填状态和进展情况（duban plan fields）。"
    result = runner.invoke(app, ["plan", "fields", "1", "--problems", "--next-steps"])
    assert result.stdout.strip() == "方案 1：月报还需填写：存在问题、下步打算。"
    result = runner.invoke(app, ["plan", "fields", "1", "--no-next-steps", "--json"])
    assert json.loads(result.stdout) == {"plan": 1, "problems": True, "next_steps": False}
    assert "月报还需填写：存在问题。" in runner.invoke(app, ["plan", "show"]).stdout
    shown_json = json.loads(runner.invoke(app, ["plan", "show", "--json"]).stdout)
    assert shown_json["plan"]["report_fields"] == {"problems": True, "next_steps": False}
    refused = runner.invoke(app, ["plan", "fields", "9", "--problems"])
    assert (refused.exit_code, refused.stderr.strip()) == (2, "没有当前的方案 9。")
