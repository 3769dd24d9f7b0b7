"""Several plans sharing units, each with its own secretariat, as dialogue tables.

A secretariat bound to one plan (``duban invite --role secretariat --plan X``) sees only that
plan; the deployment's admin (a secretariat bound to no plan) names the plan first when
several are active and is asked which when it does not; a plan's digest goes to its own
secretariat and the admins, never to another plan's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.oversight.publish import post_digest
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import OutboxMessage
from tests.dialogue import JOBS, TZ, Dialogue, Person, reply, run_table

ADMIN = Person("telegram:3001", "县政府督查室")  # the deployment's admin: every plan
SEC_A = Person("telegram:3002", "营商办小李")  # 优化营商环境's secretariat
SEC_B = Person("telegram:3003", "教育局小王")  # 教育强县's secretariat
GROUP_B = Person("telegram:3003", "教育专班群", group="-100777")  # 教育强县's group, SEC_B in it
TASK_1A = "深化“一件事一次办”改革。"
TASK_1B = "推进集团化办学改革。"
WHICH = (
    "Which plan? 1 优化营商环境（青溪县2026年优化营商环境重点任务分工方案）；"
    "2 教育强县（青溪县2026年教育强县重点任务分工方案）. Write its short name or number "
    "first, e.g. “/{command} 优化营商环境”."
)


def plan_text(sample: Path, word: str, doc: str, first_task: str) -> str:
    """The sample plan under another title, 文号 and first task: a plan sharing its units."""
    text = sample.read_text(encoding="utf-8")
    return (
        text.replace("优化营商环境", word).replace("青营商组发", doc).replace(TASK_1A, first_task)
    )


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    second = tmp_path / "edu.md"
    second.write_text(plan_text(sample_plan, "教育强县", "青教组发", TASK_1B), encoding="utf-8")
    for path in (sample_plan, second):
        await import_plan(
            read_plan(path), source_name=path.name, sha256="0" * 64, now=datetime.now(UTC)
        )
    d = Dialogue(tmp_path / "data")
    for who, plan in ((ADMIN, None), (SEC_A, 1), (SEC_B, 2), (GROUP_B, 2)):
        invite = await create_invite(
            None, ContactRole.SECRETARIAT, now=d.clock(), locale="en", plan_id=plan
        )
        await d.says(who, f"/start {invite.code}")
    for plan_id in (1, 2):
        await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date(), plan_id=plan_id)
    return d


def task_status(title: str) -> str:
    return reply(
        f"🟡 1. {title}\nLead: 县政务服务中心\nnot reported: 县人社局、县发改局、县政务服务中心、"
        "县财政局",
        "Status 2026-11",
    )


async def test_each_secretariat_sees_its_own_plan(world: Dialogue) -> None:
    preparing = reply("Preparing the status…")
    await run_table(
        world,
        [
            (SEC_A, "/status 1", preparing),
            (SEC_A, JOBS, task_status(TASK_1A)),
            (SEC_B, "/status 1", preparing),
            (SEC_B, JOBS, task_status(TASK_1B)),
            (GROUP_B, "/status 1", preparing),
            (GROUP_B, JOBS, task_status(TASK_1B)),
            # a plan's secretariat cannot name another plan: its words are its own plan's
            (SEC_B, "/status 优化营商环境", preparing),
        ],
    )


async def test_the_admin_names_the_plan_or_is_asked(world: Dialogue) -> None:
    await run_table(
        world,
        [
            (ADMIN, "/status", reply(WHICH.format(command="status"))),
            (ADMIN, "/status 县发改局", reply(WHICH.format(command="status"))),
            (ADMIN, "/overdue", reply(WHICH.format(command="overdue"))),
            (ADMIN, "/digest", reply(WHICH.format(command="digest"))),
            (ADMIN, "/export docx", reply(WHICH.format(command="export"))),
            (ADMIN, "/nudge", reply(WHICH.format(command="nudge"))),
            (ADMIN, "/status 教育强县 1", reply("Preparing the status…")),
            (ADMIN, JOBS, task_status(TASK_1B)),
            (ADMIN, "/status 营商 1", reply("Preparing the status…")),
            (ADMIN, JOBS, task_status(TASK_1A)),
        ],
    )
    assert await OutboxMessage.filter(recipient__in=["telegram:3002", "telegram:3003"]).count() == 0


async def test_a_plans_digest_goes_to_its_secretariat_and_the_admin(world: Dialogue) -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
    for plan_id in (1, 2):
        await post_digest(
            Month(2026, 11), now=now, zone=TZ, data_dir=world.deps.data_dir, plan_id=plan_id
        )
    keys = await OutboxMessage.filter(key__startswith="digest:").values_list("key", "recipient")
    got = sorted((str(k).split(":")[1], str(r)) for k, r in keys)
    assert got == [
        ("1", "telegram:3001"),
        ("1", "telegram:3002"),
        ("2", "telegram:-100777"),
        ("2", "telegram:3001"),
        ("2", "telegram:3003"),
    ]
