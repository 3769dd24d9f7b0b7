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
from bot.cadence.jobs import run_escalation
from bot.domain.conversation import Outbound
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.domain.supervision import Thresholds
from bot.importers import read_plan
from bot.oversight.portfolio import run_portfolio
from bot.oversight.publish import post_digest
from bot.oversight.supervision import SupervisionRules, run_supervision
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import Contact, DeadlineExtension, OutboxMessage, Task
from tests.dialogue import JOBS, TZ, Dialogue, Person, reply, run_table

ADMIN = Person("telegram:3001", "县政府督查室")  # the deployment's admin: every plan
SEC_A = Person("telegram:3002", "营商办小李")  # 优化营商环境's secretariat
SEC_B = Person("telegram:3003", "教育局小王")  # 教育强县's secretariat
GROUP_B = Person("telegram:3003", "教育专班群", group="-100777")  # 教育强县's group, SEC_B in it
TASK_1A = "深化“一件事一次办”改革。"
TASK_1B = "推进集团化办学改革。"
EDU = Person("telegram:4001", "教育局联络员")  # 县教育局: lead of task 1 in 教育强县 only
EDU_LEADER = Person("telegram:4002", "教育局局长")
GOV = Person("telegram:4003", "政务中心联络员")  # 县政务服务中心: task 1 of both plans
GOV_LEADER = Person("telegram:4004", "政务中心主任")
FGW = Person("telegram:4005", "发改局联络员")  # 县发改局: lead of task 4 in both plans
FGW_LEADER = Person("telegram:4006", "发改局局长")
WHICH = (
    "Which plan? 1 优化营商环境（青溪县2026年优化营商环境重点任务分工方案）；"
    "2 教育强县（青溪县2026年教育强县重点任务分工方案）. Write its short name or number "
    "first, e.g. “/{command} 优化营商环境”."
)

PLAN_AUDIENCES = [  # (plan, recipient): each plan's secretariat and group, and the admin
    ("1", "telegram:3001"),
    ("1", "telegram:3002"),
    ("2", "telegram:-100777"),
    ("2", "telegram:3001"),
    ("2", "telegram:3003"),
]


def plan_text(sample: Path, word: str, doc: str, first_task: str) -> str:
    """The sample plan under another title and 文号, its first task another one led by
    县教育局: a plan sharing its units."""
    text = sample.read_text(encoding="utf-8").replace("优化营商环境", word)
    lines = text.replace("青营商组发", doc).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("| 1 |"))
    lines[first] = (
        lines[first].replace(TASK_1A, first_task).replace("| 县政务服务中心 |", "| 县教育局 |", 1)
    )
    return "\n".join(lines) + "\n"


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


def task_status(title: str, lead: str) -> str:
    """``/status 1`` of a plan whose task 1 is ``title``, led by ``lead``."""
    missing = "、".join(sorted(["县人社局", "县发改局", lead, "县财政局"], key=ORDER.index))
    return reply(f"🟡 1. {title}\nLead: {lead}\nnot reported: {missing}", "Status 2026-11")


ORDER = ["县人社局", "县发改局", "县教育局", "县政务服务中心", "县财政局"]  # as stored, by name
STATUS_A = task_status(TASK_1A, "县政务服务中心")
STATUS_B = task_status(TASK_1B, "县教育局")


async def test_each_secretariat_sees_its_own_plan(world: Dialogue) -> None:
    preparing = reply("Preparing the status…")
    await run_table(
        world,
        [
            (SEC_A, "/status 1", preparing),
            (SEC_A, JOBS, STATUS_A),
            (SEC_B, "/status 1", preparing),
            (SEC_B, JOBS, STATUS_B),
            (GROUP_B, "/status 1", preparing),
            (GROUP_B, JOBS, STATUS_B),
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
            (ADMIN, JOBS, STATUS_B),
            (ADMIN, "/status 营商 1", reply("Preparing the status…")),
            (ADMIN, JOBS, STATUS_A),
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
    assert got == PLAN_AUDIENCES


async def test_an_extension_goes_to_its_plans_secretariat(world: Dialogue) -> None:
    d = world
    for who, unit, role in (
        (EDU, "县教育局", ContactRole.REPORTER),
        (EDU_LEADER, "县教育局", ContactRole.LEADER),
        (GOV, "县政务服务中心", ContactRole.REPORTER),
        (GOV_LEADER, "县政务服务中心", ContactRole.LEADER),
        (FGW, "县发改局", ContactRole.REPORTER),
        (FGW_LEADER, "县发改局", ContactRole.LEADER),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    asked = "Asked to extend task 1 to 2027-03-31; your leader is asked to endorse it."
    await run_table(
        d,
        [
            # task 4 is 县发改局's in both plans: which one is not guessed
            (FGW, "/extend 4 2027-03-31 审批延后",
             reply("Task 4 is in several plans; name the plan to the secretariat.")),
            # 县教育局 leads task 1 of 教育强县 only, 县政务服务中心 of 优化营商环境 only
            (EDU, "/extend 1 2027-03-31 校舍改造延后", reply(asked)),
            (GOV, "/extend 1 2027-03-31 系统改造延后", reply(asked)),
        ],
    )  # fmt: skip
    gov = await DeadlineExtension.get(unit__name="县政务服务中心")
    assert (await Task.get(id=gov.task_id)).plan_id == 1
    row = await DeadlineExtension.get(unit__name="县教育局")
    assert (await Task.get(id=row.task_id)).plan_id == 2
    endorsed = reply("Endorsed; the request has gone to the secretariat.")
    assert await d.sends_payload(EDU_LEADER, payload("g", row.id, 1)) == endorsed
    cards = await OutboxMessage.filter(key__startswith=f"extension:{row.id}:decide:")
    assert sorted(m.recipient for m in cards) == [
        "telegram:-100777",
        "telegram:3001",
        "telegram:3003",
    ]
    other = reply("That task belongs to another plan; its own secretariat decides.")
    assert await d.sends_payload(SEC_A, payload("h", row.id, 1)) == other
    assert (await DeadlineExtension.get(id=row.id)).state == "pending"
    approved = reply("Approved: task 1’s deadline is now 2027-03-31 (was 2026-12-31).")
    assert await d.sends_payload(SEC_B, payload("h", row.id, 1)) == approved


SEC_C = Person("telegram:3005", "审批办小赵")  # a third plan's secretariat


def first_tasks(sample: Path, count: int) -> str:
    """A third plan: the sample's first ``count`` tasks under another title and 文号."""
    text = sample.read_text(encoding="utf-8").replace("优化营商环境", "审批提速")
    lines = text.replace("青营商组发", "青审组发").splitlines()
    keep = {f"| {n} |" for n in range(1, count + 1)}
    return "\n".join(
        line for line in lines if not line.startswith("| ") or line[:6].rstrip() in keep
        or not line[2:3].isdigit()
    ) + "\n"  # fmt: skip


async def test_three_plans_each_secretariat_sees_its_units(
    world: Dialogue, sample_plan: Path, tmp_path: Path
) -> None:
    d = world
    third = tmp_path / "third.md"
    third.write_text(first_tasks(sample_plan, 3), encoding="utf-8")
    await import_plan(
        read_plan(third), source_name=third.name, sha256="0" * 64, now=datetime.now(UTC)
    )
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date(), plan_id=3)
    for who, unit, role, plan in (
        (SEC_C, None, ContactRole.SECRETARIAT, 3),
        (EDU, "县教育局", ContactRole.REPORTER, None),  # not asked by the third plan
        (GOV, "县政务服务中心", ContactRole.REPORTER, None),  # asked by all three
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en", plan_id=plan)
        await d.says(who, f"/start {invite.code}")
    ids = {c.identity: c.id for c in await Contact.filter(active=True)}
    edu, gov, sec_c = ids[EDU.identity], ids[GOV.identity], ids[SEC_C.identity]
    which = (
        "Which plan? 1 优化营商环境（青溪县2026年优化营商环境重点任务分工方案）；"
        "2 教育强县（青溪县2026年教育强县重点任务分工方案）；"
        "3 审批提速（青溪县2026年审批提速重点任务分工方案）. Write its short name or number "
        "first, e.g. “/status 优化营商环境”."
    )
    await run_table(
        d,
        [
            (SEC_C, "/contacts", reply(
                f"#{sec_c} secretariat · secretariat · 审批办小赵 · telegram\n"
                f"#{gov} 县政务服务中心 · reporter · 政务中心联络员 · telegram",
                "Bound contacts (2)")),
            (SEC_C, f"/revoke {edu}", reply(f"No bound contact has the number {edu}.")),
            (ADMIN, "/status", reply(which)),
            (SEC_C, "/status", reply("Preparing the status…")),
        ],
    )  # fmt: skip
    assert await Contact.filter(id=edu, active=True).exists()
    lights = (await d.jobs(SEC_C)).splitlines()
    assert lights[0] == "Status 2026-11"
    assert [line.split(". ")[0][-1] for line in lights[1:]] == ["1", "2", "3"]  # its 3 tasks


async def test_the_admin_gets_one_portfolio_digest_a_month(world: Dialogue) -> None:
    early = datetime(2026, 11, 20, 9, 0, tzinfo=TZ)  # before the plans' digests are due
    assert await run_portfolio(early, TZ) == 0
    later = datetime(2026, 12, 10, 9, 0, tzinfo=TZ)
    assert await run_portfolio(later, TZ) == 1
    assert await run_portfolio(later, TZ) == 0  # once a month
    sent = await OutboxMessage.filter(key__startswith="portfolio:")
    assert [m.recipient for m in sent] == ["telegram:3001"]  # the admin alone
    message = Outbound.from_json(sent[0].payload)
    assert message.title == "All plans 2026-11"
    assert message.text.splitlines() == [
        "优化营商环境 (2026-11): 0% reported (0 of 87), 🔴 5 red, 🟡 15 yellow",
        "教育强县 (2026-11): 0% reported (0 of 87), 🔴 5 red, 🟡 15 yellow",
    ]


async def test_escalation_goes_to_its_plans_secretariat(world: Dialogue) -> None:
    await run_escalation(datetime(2026, 12, 10, 9, 0, tzinfo=TZ), TZ)
    rows = await OutboxMessage.filter(key__contains=":secretariat:").values_list("key", "recipient")
    got = sorted((str(k).split(":")[1], str(r)) for k, r in rows)
    assert got == PLAN_AUDIENCES


async def test_issued_supervision_notices_are_listed_to_their_plans_secretariat(
    world: Dialogue,
) -> None:
    """Each plan's 督办单 list goes to that plan's secretariat and the admin, never to another
    plan's secretariat."""
    day = datetime(2026, 12, 10, 10, 0, tzinfo=TZ)
    rules = SupervisionRules(Thresholds(late_days=60, due_soon_days=0, missed_periods=2))
    report = await run_supervision(day, TZ, world.deps.data_dir, rules)
    assert report.issued  # both plans have overdue tasks
    rows = await OutboxMessage.filter(key__startswith="notices:").values_list(
        "recipient", "payload"
    )
    by_person: dict[str, list[int]] = {}
    for recipient, body in rows:
        by_person.setdefault(str(recipient), []).append(len(body["text"].splitlines()) - 1)
    issued = len(report.issued)
    assert sorted(by_person) == [
        "telegram:-100777",
        "telegram:3001",
        "telegram:3002",
        "telegram:3003",
    ]
    assert len(by_person["telegram:3001"]) == 2  # the admin: one list per plan
    assert sum(by_person["telegram:3001"]) == issued
    assert by_person["telegram:3002"][0] + by_person["telegram:3003"][0] == issued
