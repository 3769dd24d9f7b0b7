"""The board's chat command: ``/board`` (看板), answered with a one-time sign-in link."""

from __future__ import annotations

from bot.domain.commands import LEADER, REPORTER, SECRETARIAT, Argument, Command
from bot.domain.messages import N_

# A link opens a personal session: asked in a private chat only, never in a group.
COMMANDS: tuple[Command, ...] = (
    Command("board", ("看板",), frozenset({SECRETARIAT, LEADER, REPORTER}), False, Argument.NONE,
            N_("/board (看板) — a one-time link to the status board in the browser"),
            N_("Status board in the browser")),
)  # fmt: skip
