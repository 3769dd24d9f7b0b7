"""The oversight feature's chat commands: digest, lights, overdue, nudge and exports."""

from __future__ import annotations

from bot.domain.commands import REPORTER, SECRETARIAT, Argument, Command
from bot.domain.messages import N_

# The secretariat's view of the cycle, in a private chat or its bound group; all but
# /supervision are about one plan, named first where several are active (``/digest 教育``).
COMMANDS: tuple[Command, ...] = (
    Command("digest", ("汇总", "匯總"), frozenset({SECRETARIAT}), True, Argument.TOKEN,
            N_("/digest [YYYY-MM] (汇总) — the monthly digest with the filled table"),
            N_("The monthly digest"), plan=True),
    Command("status", ("状态", "狀態"), frozenset({SECRETARIAT}), True, Argument.NAME,
            N_("/status [N|unit] (状态) — lights, one task, or one unit"),
            N_("Lights by task or unit"), plan=True),
    Command("overdue", ("逾期",), frozenset({SECRETARIAT}), True, Argument.NONE,
            N_("/overdue (逾期) — tasks past their deadline, units past the due day"),
            N_("What is overdue"), plan=True),
    Command("nudge", ("一键催办", "一鍵催辦", "催办", "催辦"), frozenset({SECRETARIAT}), True,
            Argument.NONE,
            N_("/nudge (一键催办) — remind every unit that has not reported"),
            N_("Remind units that have not reported"), plan=True),
    Command("export", ("导出", "導出"), frozenset({SECRETARIAT}), True, Argument.NAME,
            N_("/export [xlsx|docx|png] [YYYY-MM] (导出) — the table, the written material, "
               "the chart"),
            N_("The table, material or chart"), plan=True),
    Command("supervision", ("督办单", "督辦單"), frozenset({SECRETARIAT}), True, Argument.NONE,
            N_("/supervision (督办单) — supervision notices issued and the units' replies"),
            N_("Supervision notices and replies")),
)  # fmt: skip

# A lead unit's reporter asking the secretariat to close a completed task (销号).
CLOSING: tuple[Command, ...] = (
    Command("close", ("销号", "銷號"), frozenset({REPORTER}), False, Argument.TOKEN,
            N_("/close N (销号 N) — ask the secretariat to close task N your unit completed"),
            N_("Ask to close a completed task")),
)  # fmt: skip
