"""Every chat command, gathered from the features' declarations in the order /help lists them.

Also where typed text becomes a command: the channels hand each text to :func:`text_inbound`.
"""

from __future__ import annotations

from typing import Any

from bot.board import commands as board
from bot.cadence import commands as cadence
from bot.domain.commands import Registry
from bot.domain.conversation import Inbound
from bot.oversight import commands as oversight
from bot.people import commands as people
from bot.reporting import commands as reporting

REGISTRY = Registry.of(
    people.BINDING,
    reporting.COMMANDS,
    cadence.COMMANDS,
    oversight.CLOSING,
    people.CONTACTS,
    oversight.COMMANDS,
    board.COMMANDS,
    people.SETTINGS,
)


def text_inbound(
    *,
    channel: str,
    sender: str,
    chat: str,
    text: str,
    bot_username: str | None = None,
    **extra: Any,
) -> Inbound:
    """An :class:`Inbound` for typed text: a command if it reads as one, plain text otherwise."""
    command = REGISTRY.recognise(text, bot_username)
    if command is None:
        return Inbound(channel=channel, sender=sender, chat=chat, kind="text", text=text, **extra)
    name, args = command
    return Inbound(
        channel=channel,
        sender=sender,
        chat=chat,
        kind="command",
        text=text,
        command=name,
        args=args,
        **extra,
    )
