"""The reporting day a plan states (每月25日前报送): read from its header, proposed as the
cadence of a new plan, followed by a revision unless an admin set the schedule by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.cadence import ADMIN, PLAN, Cadence, origin_of, quote_of, stored
from bot.domain.plan import ReportingDay
from bot.domain.text import to_halfwidth_digits
from bot.importers import read_plan, read_plan_bytes
from bot.importers.preamble import read_meta
from bot.plans.importing import ImportOutcome, import_plan
from bot.storage.models import AuditLog, Plan

SAMPLE_SENTENCE = "每月25日前各单位报送工作进展"


@pytest.mark.parametrize(
    ("text", "day", "next_month"),
    [
        ("自2026年9月起实行一月一调度，每月25日前各单位报送工作进展。", 25, False),
        ("各责任单位于每月25日前将工作进展情况报送县委督查室。", 25, False),
        ("请各单位每月20日前报送本月进展。", 20, False),
        ("每月二十日前报县政府办。", 20, False),
        ("各单位每月１５日前上报进展。", 15, False),  # full-width digits
        ("每月25号以前报送。", 25, False),
        ("请于每月底前报送工作推进情况。", 31, False),
        ("各单位须在每月月末前提交进展。", 31, False),
        ("每个月的最后一个工作日前报送进展情况。", 31, False),
        ("每月5日前报送上月工作完成情况。", 5, True),
        ("各单位于每月5日前报送进展情况。", 5, True),  # an early day is for the month before
        ("每月5日前报送当月工作计划。", 5, False),
        ("工作进展于次月10日前报送。", 10, True),
        ("每月上旬报送上月进展。", 10, True),
        ("各单位报送的截止时间为每月25日。", 25, False),
    ],
)
def test_monthly_reporting_days(text: str, day: int, next_month: bool) -> None:
    meta = read_meta(["XX县人民政府办公室", text], fallback_title="t")
    assert meta.report_due is not None, text
    assert (meta.report_due.day, meta.report_due.next_month) == (day, next_month)
    assert meta.report_due.quote in to_halfwidth_digits(text)  # the plan's words, normalised
    assert meta.summary_due is None


@pytest.mark.parametrize(
    "text",
    [
        "每月5日召开调度会。",  # a meeting, not a deadline
        "每月25日前后报送。",  # "around", not "by"
        "并于2023年1月15日前将工作方案报区人民政府办公室。",  # once, not monthly
        "从10月底开始实行一月一调度、一季度一总结。",
        "每季度末，牵头部门要向秘书组报送经主要领导审定后的书面材料。",
    ],
)
def test_sentences_that_state_no_monthly_day(text: str) -> None:
    assert read_meta([text], fallback_title="t").report_due is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("牵头单位每季度末月25日前报送季度总结。", 25),
        (
            "从2023年第一季度开始,各责任单位要在每季度最后一个月的30日前将本季度落实各项工作"
            "目标任务进展情况报区人民政府办公室,区人民政府办公室将对落实情况进行全程跟踪督办。",
            30,
        ),  # caidian_2023.txt, as published
        ("每季度第三个月20日前提交书面材料。", 20),
        ("每季度末月底前报送。", 31),
    ],
)
def test_quarterly_reporting_days(text: str, day: int) -> None:
    meta = read_meta([text], fallback_title="t")
    assert meta.summary_due == ReportingDay(
        day, quote=meta.summary_due.quote if meta.summary_due else ""
    )
    assert meta.report_due is None


def test_the_real_plans() -> None:
    sample = read_plan(Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md")
    assert sample.meta.report_due == ReportingDay(25, quote=SAMPLE_SENTENCE)
    assert sample.meta.summary_due is None  # 每季度末 alone: the quarter's end, as by default
    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "plans"
    if shared.exists():
        assert read_plan(shared / "003_task_division_plan.md").meta.report_due is None


@pytest.fixture
def sample(sample_plan: Path) -> str:
    return sample_plan.read_text(encoding="utf-8")


def _plan_bytes(sample: str, sentence: str | None = SAMPLE_SENTENCE + "，") -> bytes:
    return sample.replace(SAMPLE_SENTENCE + "，", sentence or "").encode()


async def _import(data: bytes) -> tuple[Plan, ImportOutcome]:
    parsed = read_plan_bytes(data, name="sample.md")
    outcome = await import_plan(
        parsed, source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return await Plan.get(id=outcome.plan_id), outcome


async def test_a_new_plan_takes_the_day_it_states(db: str, sample: str) -> None:
    plan, outcome = await _import(_plan_bytes(sample))
    assert Cadence.from_json(plan.cadence) == Cadence(due_day=25)
    assert (origin_of(plan.cadence), quote_of(plan.cadence)) == (PLAN, SAMPLE_SENTENCE)
    note = outcome.cadence
    assert note is not None
    assert note.adopted
    assert note.quote == SAMPLE_SENTENCE
    assert await AuditLog.filter(action="schedule.plan", subject=str(plan.id)).exists()


async def test_a_plan_stating_no_day_keeps_the_defaults(db: str, sample: str) -> None:
    plan, outcome = await _import(_plan_bytes(sample, None))
    assert plan.cadence == {}
    assert Cadence.from_json(plan.cadence) == Cadence()
    assert outcome.cadence is None


async def test_a_revision_follows_the_plan_unless_an_admin_set_the_schedule(
    db: str, sample: str
) -> None:
    await _import(_plan_bytes(sample))
    # the revised plan moves the day to the 20th: the cadence follows (nothing set by hand)
    revised = _plan_bytes(sample, "每月20日前各单位报送工作进展，")
    plan, outcome = await _import(revised)
    assert Cadence.from_json(plan.cadence).due_day == 20
    assert plan.revision == 1  # the register is the same: the cadence changes, not the revision
    assert outcome.cadence is not None
    assert outcome.cadence.adopted
    # an admin sets the schedule by hand; a later revision says the 25th again: kept, and said
    plan.cadence = stored(Cadence(due_day=22, dispatch_lead_workdays=4), ADMIN)
    await plan.save()
    plan, outcome = await _import(_plan_bytes(sample))
    assert Cadence.from_json(plan.cadence) == Cadence(due_day=22, dispatch_lead_workdays=4)
    note = outcome.cadence
    assert note is not None
    assert not note.adopted
    assert note.cadence.due_day == 25
    # the admin's day agreeing with the plan's: nothing to say
    plan.cadence = stored(Cadence(due_day=25, dispatch_lead_workdays=3), ADMIN)
    await plan.save()
    plan, outcome = await _import(revised.replace("每月20日前".encode(), "每月25日前".encode()))
    assert Cadence.from_json(plan.cadence).dispatch_lead_workdays == 3
    assert outcome.cadence is None


async def test_a_plan_stored_before_days_were_read_takes_its_day_on_reimport(
    db: str, sample: str
) -> None:
    plan, outcome = await _import(_plan_bytes(sample))
    plan.cadence = {}  # as imported before the reporting day was read
    await plan.save()
    again, outcome = await _import(_plan_bytes(sample))
    assert again.revision == 1  # the same register: no new revision, only the cadence
    assert Cadence.from_json(again.cadence) == Cadence(due_day=25)
    assert not outcome.changed_anything
    assert outcome.cadence is not None
    assert outcome.cadence.adopted
