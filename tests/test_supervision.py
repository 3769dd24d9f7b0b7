"""Graded 督办 end to end: an overdue task yields one 督办单 (a docx) to its lead unit's leader,
whose reply (整改措施 and a date) is stored and shown to the secretariat; a second run issues
nothing; a reply is asked once; on Telegram and on WeCom (numbered choices)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.conversation import Outbound
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.domain.supervision import Thresholds
from bot.importers import read_plan
from bot.oversight.closing import close_task
from bot.oversight.supervision import SupervisionRules, run_supervision
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.render.notice import NoticeDocument, write_notice_docx
from bot.storage.models import AuditLog, OutboxMessage, SupervisionNotice
from scheduler.jobs import JobContext, run_job
from tests.dialogue import JOBS, Contains, Dialogue, Person, replies, reply, run_table
from tests.test_quarter import _pages, _render

TZ = ZoneInfo("Asia/Shanghai")
# only task deadlines count here: task 2 (企业开办和注销, due 2026年10月底), led by
# 县市场监督管理局, is the first of three tasks past their deadline on 26 November
RULES = SupervisionRules(Thresholds(late_days=60, due_soon_days=0, missed_periods=2))
NUMBER = "青营商督〔2026〕1号"
TASK = "2. 提升企业开办和注销便利度。"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ).astimezone(UTC)


def people(channel: str) -> tuple[Person, Person, Person]:
    if channel == "telegram":
        return (
            Person("telegram:21", "市场监管局局长"),
            Person("telegram:22", "市场监管局联络员"),
            Person("telegram:23", "秘书组"),
        )
    return (Person("wecom:juzhang"), Person("wecom:lianluoyuan"), Person("wecom:mishu"))


@pytest.fixture(params=["telegram", "wecom"])
async def setting(
    request: pytest.FixtureRequest, db: str, sample_plan: Path, tmp_path: Path
) -> tuple[Dialogue, Person, Person, Person]:
    """The sample plan, November dispatched, the 市场监管局's leader and reporter and the
    secretariat bound in English."""
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    leader, reporter, sec = people(str(request.param))
    for who, unit, role in (
        (leader, "县市场监督管理局", ContactRole.LEADER),
        (reporter, "县市场监督管理局", ContactRole.REPORTER),
        (sec, None, ContactRole.SECRETARIAT),
    ):
        code = (await create_invite(unit, role, now=d.clock(), locale="en")).code
        await d.says(who, f"/start {code}")
    await dispatch(Month(2026, 11), now=at("2026-11-20"), today=at("2026-11-20").date())
    d.clock.now = at("2026-11-26").astimezone(TZ)
    return d, leader, reporter, sec


def notice_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text]


async def test_a_notice_and_its_reply(setting: tuple[Dialogue, Person, Person, Person]) -> None:
    d, leader, reporter, sec = setting
    report = await run_supervision(d.clock(), TZ, d.deps.data_dir, RULES)
    assert report.issued == [NUMBER, "青营商督〔2026〕2号", "青营商督〔2026〕3号"]
    assert [(i.unit, i.number, i.graded.grade.value) for i in report.items] == [
        ("县市场监督管理局", "2", "red"),
        ("县司法局", "10", "red"),
        ("县人社局", "17", "red"),
    ]
    notice = await SupervisionNotice.get(number=1)
    sent = await OutboxMessage.get(key=f"notice:{notice.id}:contact:1")
    assert sent.recipient == leader.identity
    outbound = Outbound.from_json(sent.payload)
    assert outbound.title == "Supervision notice (督办单)"
    assert outbound.text == (
        "Supervision notices (督办单) to 县市场监督管理局:\n"
        f"{NUMBER}（红色督办）2. 提升企业开办和注销便利度："
        "已超过完成时限（2026年10月31日）尚未完成\n"
        "Please reply with your rectification measures and a date by 2026-12-01."
    )
    assert [b.payload for b in outbound.options()] == [payload("j", notice.id)]
    (file,) = outbound.files
    assert file.name == f"督办单{NUMBER}.docx"
    text = notice_paragraphs(d.deps.data_dir / file.path)
    assert text[:5] == [
        "督办单",
        NUMBER,
        "县市场监督管理局：",
        "督办等级：红色督办",
        f"督办事项：{TASK}",
    ]
    assert "存在问题：已超过完成时限（2026年10月31日）尚未完成" in text
    assert text[-2:] == ["中共青溪县委优化营商环境工作领导小组", "2026年11月26日"]
    # the reporter has it too; the secretariat one list of the run's notices
    recipients = [
        m.recipient for m in await OutboxMessage.filter(key__startswith=f"notice:{notice.id}:")
    ]
    assert sorted(recipients) == sorted([leader.identity, reporter.identity])
    listed = await OutboxMessage.get(key__startswith="notices:")
    assert listed.recipient == sec.identity
    assert Outbound.from_json(listed.payload).text == (
        "3 supervision notices issued; replies are due by 2026-12-01:\n"
        f"{NUMBER} 县市场监督管理局 · 2 · red\n"
        "青营商督〔2026〕2号 县司法局 · 10 · red\n"
        "青营商督〔2026〕3号 县人社局 · 17 · red"
    )

    # running again issues nothing and sends nothing
    again = await run_supervision(d.clock(), TZ, d.deps.data_dir, RULES)
    assert again.issued == []
    assert again.queued == 0
    assert await SupervisionNotice.all().count() == 3

    measures = "召开专题会议，推行注销“一网通办”，12月15日前完成"
    await run_table(
        d,
        [
            (sec, "/supervision", reply(
                "青营商督〔2026〕3号 县人社局 · 17 · red — no reply yet (due 2026-12-01)\n"
                "青营商督〔2026〕2号 县司法局 · 10 · red — no reply yet (due 2026-12-01)\n"
                f"{NUMBER} 县市场监督管理局 · 2 · red — no reply yet (due 2026-12-01)",
                "Supervision notices (督办单)")),
        ],
    )  # fmt: skip
    opened = await d.sends_payload(leader, payload("j", notice.id))
    assert opened == reply(
        f"Supervision notice {NUMBER}: send your rectification measures and the date they "
        "will be done by in one message, e.g. “召开专题会议，12月15日前完成”."
    )
    await run_table(
        d,
        [
            (leader, "马上整改", reply(
                "Please add the date the measures will be done by (today or later), "
                "e.g. 12月15日 or 2026-12-15.")),
            (leader, measures, reply(
                f"Rectification measures for supervision notice {NUMBER}:\n{measures}\n"
                "To be done by: 2026-12-15\nSubmit?")),
            (leader, "[Submit]", reply(
                f"Your reply to supervision notice {NUMBER} is stored; the secretariat has it.")),
            (sec, "/supervision", Contains(
                f"{NUMBER} 县市场监督管理局 · 2 · red — replied: {measures} (by 2026-12-15)")),
        ],
    )  # fmt: skip
    told = await OutboxMessage.get(key__startswith=f"notice:{notice.id}:reply:")
    assert told.recipient == sec.identity
    assert Outbound.from_json(told.payload).text == (
        f"县市场监督管理局 replied to supervision notice {NUMBER} (task 2): {measures} "
        "— to be done by 2026-12-15."
    )
    # a reply is given once: the reporter's button is refused now
    assert await d.sends_payload(reporter, payload("j", notice.id)) == replies(
        reply("That supervision notice has been answered already.")
    )


async def test_rankings_and_unanswered_notices_in_the_digest(
    setting: tuple[Dialogue, Person, Person, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    d, leader, reporter, sec = setting
    monkeypatch.delenv("DUBAN_RANKINGS", raising=False)
    await run_supervision(d.clock(), TZ, d.deps.data_dir, RULES)
    d.clock.now = at("2026-12-02").astimezone(TZ)  # past the notices' reply date
    await run_table(d, [(sec, "/digest 2026-11", reply("Preparing the digest of 2026-11…"))])
    digest = await d.jobs(sec)
    assert (
        "Supervision notices not answered by their date:\n"
        f"{NUMBER} 县市场监督管理局 (task 2): reply due 2026-12-01\n"
        "青营商督〔2026〕2号 县司法局 (task 10): reply due 2026-12-01\n"
        "青营商督〔2026〕3号 县人社局 (task 17): reply due 2026-12-01"
    ) in digest
    assert "Ranking of units" not in digest  # off by default

    monkeypatch.setenv("DUBAN_RANKINGS", "true")
    await run_table(
        d,
        [
            (sec, "/digest 2026-11", reply("Preparing the digest of 2026-11…")),
            (sec, JOBS, Contains("Ranking of units by timeliness (通报排名, 2026):\n1. ")),
            # units never see it: the digest is the secretariat's
            (leader, "/digest", reply("Only the secretariat can use that command.")),
            (reporter, "/digest", reply("Only the secretariat can use that command.")),
        ],
    )
    assert await d.jobs(sec) == ""  # nothing deferred is left over


async def test_two_runs_at_once_issue_each_notice_once(
    setting: tuple[Dialogue, Person, Person, Person],
) -> None:
    d, *_ = setting
    first, second = await asyncio.gather(
        run_supervision(d.clock(), TZ, d.deps.data_dir, RULES),
        run_supervision(d.clock(), TZ, d.deps.data_dir, RULES),
    )
    assert sorted(first.issued + second.issued) == [
        NUMBER, "青营商督〔2026〕2号", "青营商督〔2026〕3号"
    ]  # fmt: skip
    assert [n.number for n in await SupervisionNotice.all().order_by("number")] == [1, 2, 3]
    # one message per notice and person, whichever run sent it: the 市场监管局's leader and
    # reporter for notice 1 (the other units have nobody bound); the secretariat a list
    assert await OutboxMessage.filter(key__startswith="notice:").count() == 2
    assert await OutboxMessage.filter(key__startswith="notices:").count() >= 1


async def test_a_closed_task_gets_no_notice(
    setting: tuple[Dialogue, Person, Person, Person],
) -> None:
    d, *_ = setting
    await close_task("2", now=d.clock(), actor="test")  # 销号
    report = await run_supervision(d.clock(), TZ, d.deps.data_dir, RULES)
    assert [i.number for i in report.items] == ["10", "17"]
    assert report.issued == [NUMBER, "青营商督〔2026〕2号"]


async def test_the_scheduled_job_runs_once_a_working_day(
    setting: tuple[Dialogue, Person, Person, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    d, *_ = setting
    monkeypatch.setenv("DUBAN_SUPERVISION_LATE_DAYS", "60")
    monkeypatch.setenv("DUBAN_SUPERVISION_DUE_SOON_DAYS", "0")
    context = partial(JobContext, zone=TZ, data_dir=d.deps.data_dir)
    assert await run_job("supervise", context(at("2026-11-28"))) == 0  # a Saturday
    assert await run_job("supervise", context(at("2026-11-26", 8))) == 0  # before 09:00
    assert await SupervisionNotice.all().count() == 0
    assert await run_job("supervise", context(at("2026-11-26", 9))) == 2 + 1
    assert await SupervisionNotice.all().count() == 3
    assert await run_job("supervise", context(at("2026-11-26", 15))) == 0  # once a day
    assert await AuditLog.filter(action="supervise").count() == 1


async def test_a_units_notices_go_together(
    setting: tuple[Dialogue, Person, Person, Person],
) -> None:
    d, leader, *_ = setting
    late = SupervisionRules(Thresholds(late_days=1, due_soon_days=0, missed_periods=2))
    report = await run_supervision(d.clock(), TZ, d.deps.data_dir, late)  # due 25 November
    mine = [i for i in report.items if i.unit == "县市场监督管理局"]
    assert [(i.number, i.graded.grade.value) for i in mine][:2] == [("2", "red"), ("9", "yellow")]
    (sent,) = await OutboxMessage.filter(recipient=leader.identity, key__startswith="notice:")
    outbound = Outbound.from_json(sent.payload)
    notices = await SupervisionNotice.filter(unit__name="县市场监督管理局").order_by("number")
    assert [(b.label, b.payload) for b in outbound.options()] == [
        (f"Reply to No. {n.number}", payload("j", n.id)) for n in notices
    ]
    (file,) = outbound.files
    count = len(mine)
    assert file.name == f"督办单青营商督〔2026〕{notices[0].number}号等{count}份.docx"
    pages = notice_paragraphs(d.deps.data_dir / file.path)
    assert pages.count("督办单") == count  # a notice a page
    assert {n.path for n in notices} == {file.path}


async def test_the_notices_print_a_page_each(tmp_path: Path) -> None:
    """Rendered by LibreOffice (skipped where it is absent): one A4 portrait page a notice."""
    document = NoticeDocument(
        NUMBER, "县市场监督管理局", TASK, "红色督办",
        ["已超过完成时限（2026年10月31日）尚未完成", "连续2期未按时报送工作进展"],
        "2026年12月1日", "中共青溪县委优化营商环境工作领导小组", "2026年11月26日",
    )  # fmt: skip
    path = tmp_path / "notices.docx"
    write_notice_docx([document, document], path)
    (pdf,) = await _render([path], tmp_path)
    pages, (width, height) = await _pages(pdf)
    assert pages == 2
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
