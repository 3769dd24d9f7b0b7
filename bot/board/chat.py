"""``/board`` (看板) in chat: a one-time sign-in link to the status board.

The link is good for one sign-in within :data:`bot.board.access.LINK_TTL`; the board then
shows what the person's role and units allow (a reporter: its own unit's tasks).
"""

from __future__ import annotations

from bot.board.access import LINK_TTL, issue_link
from bot.conversation.context import Handler, Turn


async def board(turn: Turn) -> None:
    """Answer with a fresh sign-in link."""
    assert turn.contact is not None  # the router lets only bound people run it
    base = turn.deps.board_url()
    if not base:
        turn.reply(
            turn._(
                "The status board has no web address yet: the administrator sets DUBAN_PUBLIC_URL."
            )
        )
        return
    token = await issue_link(turn.contact.id, now=turn.now)
    turn.reply(
        turn._(
            "Open this link to see the board (valid {minutes} minutes, for one sign-in):\n{url}",
            minutes=int(LINK_TTL.total_seconds() // 60),
            url=f"{base}/board/signin/{token}",
        ),
        title=turn._("Status board"),
    )


HANDLERS: dict[str, Handler] = {"board": board}
