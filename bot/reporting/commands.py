"""The reporting feature's chat commands: report, read the unit's tasks and a task's history."""

from __future__ import annotations

from bot.domain.commands import BOUND, LEADER, REPORTER, Argument, Command
from bot.domain.messages import N_

# A unit's reporter at work, and the unit's leader reading.
COMMANDS: tuple[Command, ...] = (
    Command("report", ("报送", "報送"), frozenset({REPORTER}), False, Argument.NONE,
            N_("/report (报送) — report progress on your unit’s open requests"),
            N_("Report progress")),
    Command("mytasks", ("我的任务", "我的任務"), frozenset({REPORTER, LEADER}), False,
            Argument.NONE,
            N_("/mytasks (我的任务) — your unit’s tasks and their last status"),
            N_("My unit's tasks")),
    Command("history", ("历史", "歷史"), BOUND, True, Argument.TOKEN,
            N_("/history N (历史 N) — the reports on task N; with several plans, /history PLAN N"),
            N_("Reports on a task")),
    Command("cancel", ("取消",), frozenset({REPORTER, LEADER}), False, Argument.NONE,
            N_("/cancel (取消) — abandon the report you are writing"),
            N_("Abandon the current step")),
)  # fmt: skip
