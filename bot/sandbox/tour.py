"""The demo's quarter (October to December 2026) on a moved clock, through the scheduler's jobs.

The same jobs ``duban run`` schedules are called at the moments they would fire — taken from
the plan's own cadence (the sample plan says 每月25日前报送: due by the 25th, dispatched five
working days before) — the simulated people answer through the emulators (on time, late, not at
all, with a photo), and the quarter ends with a summary returned by the leader and approved on
the second try.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import DubanApp
from bot.cadence.calendar import workday_overrides
from bot.domain.cadence import Cadence, MonthSchedule, month_schedule
from bot.domain.reporting import Month
from bot.sandbox import scenario
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from bot.storage.register import latest_plan
from scheduler.jobs import JobContext, run_all

TZ = ZoneInfo("Asia/Shanghai")
REPORTER, LEADER, CLERK, GROUP, WECOM_USER = 1001, 1002, 1003, -1001, "zhangsan"
PHOTO = b"\xff\xd8\xff\xe0" + b"demo-photo" * 200
TICK = timedelta(minutes=5)  # the scheduler's jobs run every five minutes


class MovedClock:
    """The demo's time: moved to each moment the scheduler would act on, then running at real
    speed (the outbox paces and retries by it, so it must not stand still)."""

    def __init__(self, start: datetime) -> None:
        self.base = start
        self.since = time.monotonic()

    def __call__(self) -> datetime:
        return (self.base + timedelta(seconds=time.monotonic() - self.since)).astimezone(UTC)

    def set(self, local: str) -> None:
        """Move to ``2026-10-26 09:05`` (the deployment's zone)."""
        self.base = datetime.fromisoformat(local).replace(tzinfo=TZ)
        self.since = time.monotonic()


@dataclass
class Tour:
    """Walks the quarter; ``step`` is told what happens, for the progress display."""

    app: DubanApp
    clock: MovedClock
    tg: TelegramEmulator
    wx: WecomEmulator
    data_dir: Path
    step: Callable[[str], None]
    queued: dict[str, int] = field(default_factory=dict)
    exchange: str = ""  # October's Telegram report as it happened: prompt, presses, replies
    wecom_exchange: str = ""  # October's WeCom report: prompt, reminders, card clicks, replies

    async def tick(self, local: str, label: str) -> None:
        """Run every scheduler job at ``local`` and let the outbox deliver."""
        self.clock.set(local)
        self.queued[local] = await run_all(JobContext(self.clock(), TZ, self.data_dir))
        self.app.sender.wakeup.set()
        self.step(f"{local} · {label} · {self.queued[local]} ✉")

    async def wait_group(self, words: str) -> None:
        """Until the secretariat's group has received something containing ``words``."""
        await self.tg.wait_for(
            lambda: any(words in m.text for m in self.tg.bot_messages(GROUP)), scenario.WAIT
        )

    async def schedule(self, month: Month) -> MonthSchedule:
        """The month's dates under the plan's cadence and the calendar entered."""
        plan = await latest_plan(None)
        assert plan is not None
        cadence = Cadence.from_json(plan.cadence)
        return month_schedule(month, cadence, TZ, await workday_overrides())

    @staticmethod
    def moment(at: datetime) -> str:
        """The scheduler's first tick after ``at``, as ``2026-10-16 09:05``."""
        return f"{(at + TICK).astimezone(TZ):%Y-%m-%d %H:%M}"

    async def october(self) -> None:
        """Dispatch; 县发改局 reports on time, 县财政局 only after two reminders."""
        s = await self.schedule(Month(2026, 10))
        await self.tick(self.moment(s.dispatch_at), "10月调度 / monthly dispatch")
        await scenario.telegram_answer_prompt(
            self.tg,
            REPORTER,
            scenario.Reply("推进中", "40", "完成报装流程梳理，形成再造方案。", task="4"),
            "2026-10",
        )
        lines = self.tg.timeline[REPORTER]
        start = max(i for i, line in enumerate(lines) if "2026-10 月度进展调度" in line)
        self.exchange = self.tg.conversation(REPORTER, start)
        await self.tick(self.moment(s.reminders[0]), "催报 / reminder")
        await self.tick(self.moment(s.reminders[-1]), "截止日提醒 / due-day reminder")
        await scenario.wecom_answer_prompt(
            self.wx,
            WECOM_USER,
            scenario.Reply("滞后", "20", "惠企资金拨付进度滞后，正在协调。"),
            latest="提醒",
        )
        lines = self.wx.timeline[WECOM_USER]
        start = min(i for i, line in enumerate(lines) if "2026-10 月度进展调度" in line)
        self.wecom_exchange = self.wx.conversation(WECOM_USER, start)
        await self.tick(self.moment(s.escalate_at), "催办 / escalation")
        await self.tick(self.moment(s.digest_at), "调度汇总 / digest")
        await self.wait_group("2026-10 月度调度汇总")

    async def november(self) -> None:
        """Both report on time; a photo comes with 县发改局's report."""
        s = await self.schedule(Month(2026, 11))
        await self.tick(self.moment(s.dispatch_at), "11月调度 / monthly dispatch")
        reply = scenario.Reply("推进中", "70", "报装平均时限压缩至3个工作日。", PHOTO, task="4")
        await scenario.telegram_answer_prompt(self.tg, REPORTER, reply, "2026-11")
        await scenario.wecom_answer_prompt(
            self.wx, WECOM_USER, scenario.Reply("推进中", "50", "已拨付第一批惠企资金1200万元。")
        )
        await self.tick(self.moment(s.escalate_at), "催办 / escalation")
        await self.tick(self.moment(s.digest_at), "调度汇总 / digest")
        await self.wait_group("2026-11 月度调度汇总")

    async def december(self) -> None:
        """The quarter-end month: dispatch, the summary returned once and then approved."""
        s = await self.schedule(Month(2026, 12))
        await self.tick(
            self.moment(s.dispatch_at), "12月调度与季度总结草稿 / dispatch and quarterly drafts"
        )
        await scenario.telegram_answer_prompt(
            self.tg,
            REPORTER,
            scenario.Reply("已完成", None, "报装流程再造全面完成，已常态化运行。", task="4"),
            "2026-12",
        )
        await scenario.quarterly_summary_round(
            self.tg, REPORTER, LEADER, "请补充惠企政策兑现的具体数据。"
        )
        await self.wait_group("已审定")
        # after the quarter's summaries are due (its last working day) and December's digest
        await self.tick("2027-01-05 10:05", "12月汇总与季度汇总 / digests")
        await self.wait_group("2026-12 月度调度汇总")
