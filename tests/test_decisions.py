"""Deadline extensions (延期申请) and closing a task (销号) as dialogue tables, on Telegram and
WeCom: the reporter asks, the leader endorses, the secretariat decides; forged and stale
presses change nothing; a closed task is asked no more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cadence.deadlines import deadline_states, overdue, run_deadline_warnings
from bot.cadence.dispatch import dispatch
from bot.domain.digest import TaskLine
from bot.domain.lights import Light
from bot.domain.payloads import payload
from bot.domain.reporting import Month, Status
from bot.i18n import Translator
from bot.importers import read_plan
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.render.digest import digest_text
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import (
    AuditLog,
    Contact,
    DeadlineExtension,
    OutboxMessage,
    ReportRequest,
    Task,
    TaskClosure,
)
from tests.dialogue import JOBS, TZ, Contains, Dialogue, Person, reply, run_table

UNIT = "县市场监督管理局"  # leads task 2 (完成时间 2026年10月底: past on 2026-11-25)


@dataclass(frozen=True)
class Cast:
    """The people of one channel, and how they type commands there."""

    reporter: Person
    leader: Person
    secretariat: Person
    other: Person  # 县税务局's reporter: responsible on task 2, not its lead
    extend: str
    close: str
    bind: str


CASTS = {
    "telegram": Cast(
        Person("telegram:21", "市场监管局联络员"), Person("telegram:22", "市场监管局局长"),
        Person("telegram:23", "秘书组"), Person("telegram:24", "税务局联络员"),
        "/extend", "/close", "/start",
    ),
    "wecom": Cast(
        Person("wecom:lianluo", "市场监管局联络员"), Person("wecom:juzhang", "市场监管局局长"),
        Person("wecom:mishu", "秘书组"), Person("wecom:shuiwu", "税务局联络员"),
        "延期", "销号", "绑定",
    ),
}  # fmt: skip


@pytest.fixture(params=sorted(CASTS))
async def world(
    request: pytest.FixtureRequest, db: str, sample_plan: Path, tmp_path: Path
) -> tuple[Dialogue, Cast]:
    cast = CASTS[request.param]
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (cast.reporter, UNIT, ContactRole.REPORTER),
        (cast.leader, UNIT, ContactRole.LEADER),
        (cast.secretariat, None, ContactRole.SECRETARIAT),
        (cast.other, "县税务局", ContactRole.REPORTER),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"{cast.bind} {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d, cast


async def _card(kind: str, who: Person) -> list[str]:
    """The payloads of the newest card of ``kind`` queued for ``who``."""
    card = (
        await OutboxMessage.filter(key__contains=f":{kind}:", recipient=who.identity)
        .order_by("-id")
        .first()
    )
    assert card is not None, kind
    return [b["payload"] for row in card.payload["buttons"] for b in row]


async def _news(who: Person, prefix: str) -> str:
    found = (
        await OutboxMessage.filter(key__startswith=prefix, recipient=who.identity)
        .order_by("-id")
        .first()
    )
    assert found is not None, prefix
    return str(found.payload["text"])


async def _task_2(today: date) -> tuple[TaskLine, str]:
    """Task 2's line in November's digest, and the digest as the secretariat reads it."""
    digest = await build_digest(Month(2026, 11), today=today)
    return next(t for t in digest.tasks if t.number == "2"), digest_text(Translator("en"), digest)


async def _exported(folder: Path, today: date) -> dict[str, dict[str, str]]:
    """November's exported table (xlsx), row by task number, cell by the plan's headers."""
    out = folder / "november.xlsx"
    await export_month(Month(2026, 11), "xlsx", out, today=today, zone=TZ, locale="en")
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[0] == "序号")
    header = [str(cell) for cell in rows[at]]
    return {str(r[0]): dict(zip(header, map(str, r), strict=True)) for r in rows[at + 1 :] if r[0]}


async def _missing(unit: str, today: date) -> int:
    """The unit's unanswered requests in November's digest."""
    digest = await build_digest(Month(2026, 11), today=today)
    return next(u.missing for u in digest.units if u.unit == unit)


async def _late(today: date) -> list[str]:
    return [s.task.number for s in overdue(await deadline_states(), today)]


async def _asked(d: Dialogue, cast: Cast) -> int:
    """The reporter asks to extend task 2 to 2027-03-31; the request's id."""
    reason = "审批流程调整，需延期。"
    await run_table(
        d,
        [
            (cast.reporter, f"{cast.extend} 2 2027-03-31",
             reply("Why does it need more time? Write the reason in one message.")),
            (cast.reporter, reason, reply(
                "Asked to extend task 2 to 2027-03-31; your leader is asked to endorse it.")),
        ],
    )  # fmt: skip
    row = await DeadlineExtension.get(task__number="2")
    assert (row.state, row.reason, row.old_deadline) == ("endorsing", reason, date(2026, 10, 31))
    return row.id


async def test_an_extension_approved_moves_the_deadline_and_keeps_its_history(
    world: tuple[Dialogue, Cast], tmp_path: Path
) -> None:
    d, cast = world
    today = d.clock.now.date()
    assert "2" in await _late(today)
    line, _ = await _task_2(today)
    assert line.light is Light.RED  # past 2026-10-31
    refusals = [
        (cast.other, f"{cast.extend} 2 2027-03-31",
         reply("Only a lead unit of task 2 can ask to extend it.")),
        (cast.reporter, f"{cast.extend} 2 2026-10-01",
         reply("The new date must be later than the deadline 2026-10-31 and today.")),
        (cast.reporter, f"{cast.extend} 2 明年",
         reply("“明年” is not a date; write it as YYYY-MM-DD.")),
        (cast.reporter, f"{cast.extend} 99 2027-03-31", reply("There is no task 99 in the plan.")),
    ]  # fmt: skip
    await run_table(d, refusals)
    assert not await DeadlineExtension.exists()
    extension = await _asked(d, cast)
    endorse, _ = await _card("endorse", cast.leader)
    # the reporter cannot endorse; the secretariat cannot approve before the leader has
    only_leader = reply("Only the unit’s leader can endorse an extension request.")
    assert await d.sends_payload(cast.reporter, endorse) == only_leader
    waiting = reply("This extension request is still waiting for the unit’s leader.")
    assert await d.sends_payload(cast.secretariat, payload("h", extension, 1)) == waiting
    endorsed = reply("Endorsed; the request has gone to the secretariat.")
    assert await d.sends_payload(cast.leader, endorse) == endorsed
    assert await _news(cast.reporter, f"extension:{extension}:pending:") == (
        "Your leader endorsed extending task 2 to 2027-03-31; it is with the secretariat."
    )
    approve, _ = await _card("decide", cast.secretariat)
    # a stranger's press and a forged id change nothing
    only_secretariat = reply("Only the secretariat can approve or refuse an extension.")
    assert await d.sends_payload(cast.other, approve) == only_secretariat
    assert await d.sends_payload(cast.leader, approve) == only_secretariat
    missing = reply("That extension request does not exist.")
    assert await d.sends_payload(cast.secretariat, payload("h", 999999, 1)) == missing
    assert await d.sends_payload(cast.secretariat, "v1:h:1") == reply("That button is not valid.")
    assert (await Task.get(number="2")).deadline == date(2026, 10, 31)

    approved = reply("Approved: task 2’s deadline is now 2027-03-31 (was 2026-10-31).")
    assert await d.sends_payload(cast.secretariat, approve) == approved
    again = reply("This extension request was already approved; nothing to do.")
    assert await d.sends_payload(cast.secretariat, approve) == again
    assert await _news(cast.reporter, f"extension:{extension}:approved:") == (
        "The secretariat approved: task 2’s deadline is now 2027-03-31."
    )
    assert (await Task.get(number="2")).deadline == date(2027, 3, 31)
    history = await DeadlineExtension.get(id=extension).prefetch_related(
        "requested_by", "endorsed_by", "decided_by"
    )
    assert (history.old_deadline, history.new_deadline, history.state) == (
        date(2026, 10, 31), date(2027, 3, 31), "approved",
    )  # fmt: skip
    assert history.requested_by is not None
    assert history.requested_by.identity == cast.reporter.identity
    assert history.endorsed_by is not None
    assert history.endorsed_by.identity == cast.leader.identity
    assert history.decided_by is not None
    assert history.decided_by.identity == cast.secretariat.identity
    assert history.decided_at is not None
    assert "2" not in await _late(today)  # the light reads the approved date
    line, text = await _task_2(today)
    assert (line.light, line.extended_to) == (Light.YELLOW, date(2027, 3, 31))
    assert "extended to 2027-03-31" in text
    assert (await _exported(tmp_path, today))["2"]["完成时间"] == "extended to 2027-03-31"
    await run_table(
        d,
        [
            (cast.secretariat, "/status 2", reply("Preparing the status…")),
            (cast.secretariat, JOBS, Contains("\nextended to 2027-03-31")),
        ],
    )
    actions = await AuditLog.filter(subject=str(extension), action__startswith="extension.")
    assert sorted(a.action for a in actions) == [
        "extension.approved", "extension.endorse", "extension.request",
    ]  # fmt: skip


async def test_an_extension_refused_by_the_leader_or_the_secretariat(
    world: tuple[Dialogue, Cast],
) -> None:
    d, cast = world
    first = await _asked(d, cast)
    _, refuse = await _card("endorse", cast.leader)
    assert await d.sends_payload(cast.leader, refuse) == reply(
        "Not endorsed; the reporter is told."
    )
    assert await _news(cast.reporter, f"extension:{first}:refused:") == (
        "Your leader did not endorse extending task 2 to 2027-03-31."
    )
    assert (await DeadlineExtension.get(id=first)).state == "refused"

    await d.says(cast.reporter, f"{cast.extend} 2 2027-03-31 项目审批延后")
    second = (await DeadlineExtension.filter(state="endorsing").get()).id
    endorse, _ = await _card("endorse", cast.leader)
    await d.sends_payload(cast.leader, endorse)
    _, refuse = await _card("decide", cast.secretariat)
    comment = "与年度目标冲突，请按期完成。"
    assert await d.sends_payload(cast.secretariat, refuse) == reply(
        "Write why it is refused; the unit will see it."
    )
    await run_table(
        d, [(cast.secretariat, comment, reply(f"Refused; {UNIT} is told your comment."))]
    )
    assert await _news(cast.reporter, f"extension:{second}:refused:") == (
        f"The secretariat refused extending task 2 to 2027-03-31: {comment}"
    )
    refused = await DeadlineExtension.get(id=second)
    assert (refused.state, refused.comment) == ("refused", comment)
    assert (await Task.get(number="2")).deadline == date(2026, 10, 31)
    stale = reply("This extension request was already refused; nothing to do.")
    assert await d.sends_payload(cast.secretariat, refuse) == stale


async def _done(cast: Cast, d: Dialogue) -> None:
    reporter = await Contact.get(identity=cast.reporter.identity, active=True)
    request = await ReportRequest.get(task__number="2", unit_id=reporter.unit_id)
    draft = Draft(Status.DONE, 100, "企业开办一日办结已全面实现。")
    await submit_report(reporter, request.id, draft, now=d.clock(), today=d.clock.now.date())


async def test_closing_a_task_confirmed_then_no_more_prompts(
    world: tuple[Dialogue, Cast], tmp_path: Path
) -> None:
    d, cast = world
    await run_table(
        d,
        [
            (cast.other, f"{cast.close} 2",
             reply("Only the lead unit of task 2 can ask to close it.")),
            (cast.reporter, f"{cast.close} 2", reply(
                "Report task 2 as done first: that report is the evidence for closing it.")),
        ],
    )  # fmt: skip
    await _done(cast, d)
    asked = reply("Asked the secretariat to close task 2 (销号).")
    assert await d.says(cast.reporter, f"{cast.close} 2") == asked
    waits = reply("Task 2 already waits for the secretariat to close it.")
    assert await d.says(cast.reporter, f"{cast.close} 2") == waits
    close, _ = await _card("decide", cast.secretariat)
    owed = await _missing("县税务局", d.clock.now.date())
    only = reply("Only the secretariat can close a task or send it back.")
    assert await d.sends_payload(cast.reporter, close) == only
    assert await d.sends_payload(cast.secretariat, close) == reply("Task 2 is closed (销号).")
    stale = reply("This task is already closed (销号); nothing to do.")
    assert await d.sends_payload(cast.secretariat, close) == stale
    closure = await TaskClosure.get(task__number="2")
    assert closure.state == "closed"
    assert closure.evidence == "企业开办一日办结已全面实现。"
    assert await _news(cast.reporter, f"closure:{closure.id}:closed:") == (
        "The secretariat closed task 2 (销号)."
    )
    assert not await ReportRequest.filter(task__number="2", state__in=("open", "answered")).exists()
    line, text = await _task_2(d.clock.now.date())
    assert (line.closed, line.light, line.missing_units) == (True, Light.GREEN, [])
    assert await _missing("县税务局", d.clock.now.date()) == owed - 1  # task 2 is owed no more
    assert "Closed (已销号): tasks 2" in text
    progress = (await _exported(tmp_path, d.clock.now.date()))["2"]["进展情况"]
    assert progress.startswith("closed (已销号)\n县市场监督管理局（Done）：企业开办一日办结")
    await run_table(
        d,
        [
            (cast.secretariat, "/status 2", reply("Preparing the status…")),
            (cast.secretariat, JOBS, Contains("\nclosed (已销号)")),
        ],
    )
    d.clock.advance(days=30)
    outcome = await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())
    assert outcome.requests > 0
    assert not await ReportRequest.filter(task__number="2", period__key="2026-12").exists()
    # 县税务局, responsible on task 2 and never done, is asked its other tasks but not task 2
    prompt = await OutboxMessage.get(key__startswith="dispatch:", key__contains=":2026-12:",
                                     recipient=cast.other.identity)  # fmt: skip
    labels = [b["label"] for row in prompt.payload["buttons"] for b in row]
    assert labels
    assert "Report task 2" not in labels


async def test_closing_sent_back_with_a_comment(world: tuple[Dialogue, Cast]) -> None:
    d, cast = world
    await _done(cast, d)
    await d.says(cast.reporter, f"{cast.close} 2")
    _, back = await _card("decide", cast.secretariat)
    comment = "请补充验收材料。"
    assert await d.sends_payload(cast.secretariat, back) == reply(
        "Write why it is sent back; the unit will see it."
    )
    answer = await d.says(cast.secretariat, comment)
    assert answer == reply(f"Sent back; {UNIT} is told your comment.")
    closure = await TaskClosure.get(task__number="2")
    assert (closure.state, closure.comment) == ("returned", comment)
    assert await _news(cast.reporter, f"closure:{closure.id}:returned:") == (
        f"The secretariat sent back closing task 2: {comment}"
    )
    assert await ReportRequest.filter(task__number="2", state__in=("open", "answered")).exists()
    # it may be asked again, with better evidence
    again = reply("Asked the secretariat to close task 2 (销号).")
    assert await d.says(cast.reporter, f"{cast.close} 2") == again


async def test_a_long_reason_in_one_line_and_the_asker_never_endorses(
    world: tuple[Dialogue, Cast],
) -> None:
    d, cast = world
    reason = (
        "由于项目审批流程调整，上级主管部门尚未批复，需要延期三个月完成全部工作内容，特此申请。"
    )
    asked = reply("Asked to extend task 2 to 2027-03-31; your leader is asked to endorse it.")
    assert await d.says(cast.reporter, f"{cast.extend} 2 2027-03-31 {reason}") == asked
    assert (await DeadlineExtension.get()).reason == reason
    endorse, _ = await _card("endorse", cast.leader)
    # the asker, bound again as the unit's leader, still cannot endorse their own request
    invite = await create_invite(UNIT, ContactRole.LEADER, now=d.clock(), locale="en")
    await d.says(cast.reporter, f"{cast.bind} {invite.code}")
    await d.presses(cast.reporter, "Yes, use the new code")
    refused = reply("You asked for this extension, so someone else must endorse it.")
    assert await d.sends_payload(cast.reporter, endorse) == refused
    assert (await DeadlineExtension.get()).state == "endorsing"


async def test_a_lead_units_done_report_offers_to_close_the_task(
    world: tuple[Dialogue, Cast],
) -> None:
    d, cast = world
    await run_table(
        d,
        [
            (cast.reporter, "2. 已完成，企业开办一日办结已全面实现。",
             Contains("Check your report")),
            (cast.reporter, "[Submit]", Contains("Reported task 2 for 2026-11 (version 1): Done.")),
            (cast.reporter, "[Ask to close task 2 (销号)]",
             reply("Asked the secretariat to close task 2 (销号).")),
        ],
    )  # fmt: skip
    assert (await TaskClosure.get()).evidence == "已完成，企业开办一日办结已全面实现。"
    # a responsible unit's done report offers nothing
    await d.says(cast.other, "2. 已完成，退税即报即审。")
    await d.presses(cast.other, "Submit")
    assert not [label for label, _ in d.buttons(cast.other) if "销号" in label]


async def test_deadline_warnings_follow_the_approved_date_and_stop_once_closed(
    world: tuple[Dialogue, Cast],
) -> None:
    d, cast = world
    task = await Task.get(number="2")
    assert await run_deadline_warnings(d.clock(), TZ) > 0  # task 2 is past 2026-10-31
    assert await OutboxMessage.filter(key__startswith=f"deadline:{task.id}:overdue:").exists()
    extension = await _asked(d, cast)
    endorse, _ = await _card("endorse", cast.leader)
    await d.sends_payload(cast.leader, endorse)
    await d.sends_payload(cast.secretariat, payload("h", extension, 1))
    # 30 days before the new date the lead unit is warned again, of the new date
    soon = datetime(2027, 3, 5, 9, 0, tzinfo=TZ)
    await run_deadline_warnings(soon, TZ)
    warned = await OutboxMessage.filter(
        key__startswith=f"deadline:{task.id}@2027-03-31:30:", recipient=cast.reporter.identity
    ).get()
    assert "2027-03-31" in warned.payload["text"]
    await _done(cast, d)
    await d.says(cast.reporter, f"{cast.close} 2")
    close, _ = await _card("decide", cast.secretariat)
    await d.sends_payload(cast.secretariat, close)
    late = datetime(2027, 4, 2, 9, 0, tzinfo=TZ)
    await run_deadline_warnings(late, TZ)
    assert not await OutboxMessage.filter(
        key__startswith=f"deadline:{task.id}@2027-03-31:overdue:"
    ).exists()


async def test_a_reason_never_given_does_not_swallow_a_later_report(
    world: tuple[Dialogue, Cast],
) -> None:
    d, cast = world
    asked = reply("Why does it need more time? Write the reason in one message.")
    assert await d.says(cast.reporter, f"{cast.extend} 2 2027-03-31") == asked
    d.clock.advance(hours=2)
    answer = await d.says(cast.reporter, "11. 推进中，完成60%，新增发明专利12件。")
    assert "Check your report" in answer
    assert not await DeadlineExtension.exists()
