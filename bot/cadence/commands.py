"""The cadence feature's chat commands: a lead unit asks to extend a task's deadline."""

from __future__ import annotations

from bot.domain.commands import REPORTER, Argument, Command
from bot.domain.messages import N_

# A lead unit's reporter asking for a new deadline (延期申请); its leader endorses it.
COMMANDS: tuple[Command, ...] = (
    Command("extend", ("延期申请", "延期申請", "延期"), frozenset({REPORTER}), False,
            Argument.TEXT,
            N_("/extend N YYYY-MM-DD reason (延期 N …) — ask to extend task N’s deadline"),
            N_("Ask for a later deadline")),
)  # fmt: skip
