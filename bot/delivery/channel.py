"""The port every chat channel implements, and the two ways a send can fail.

An adapter declares its :class:`~bot.domain.conversation.Capabilities` and renders every
:class:`Outbound` natively; where it has no buttons it lists the options itself and reads a
typed answer back into the press it stands for (:meth:`Channel.read_choice`). It tells how many
messages a send makes (:meth:`Channel.pieces`); :func:`pieces` asks a channel that may predate it.
A channel that splits a message into its parts, one message each (``split``: a long text's
pieces, the buttons on the last, then the files), has each part sent and paced on its own.

A send fails in one of three ways: try again later (:class:`TransientSendError`), the recipient
is gone (:class:`PermanentSendError`: the contact is marked unreachable), or this message was
refused (:class:`RefusedSendError`: the message fails, the person stays reachable). A channel
that keeps something in the database to decide how it sends (WeCom: cards refused) reads it in
``prepare`` (:func:`prepare`), which the sender awaits before it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.conversation import Capabilities, Choices, Inbound, InboundFile, Outbound
from bot.domain.messages import Message


class SendError(Exception):
    """A message could not be delivered."""


class TransientSendError(SendError):
    """Try again later (rate limit, 5xx, timeout); ``retry_after`` in seconds when told."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """The recipient cannot be reached (blocked, chat not found, not in the app's visible
    range): the contact is marked unreachable."""


class RefusedSendError(SendError):
    """The channel refused this message (its content, its kind), not the recipient: the
    message fails, the contact is left alone."""


@dataclass(frozen=True, slots=True)
class Probe:
    """Whether a channel's credentials work right now (``duban doctor``, ``duban run``)."""

    ok: bool
    detail: Message  # one sentence: who the bot is, or what is wrong and what to change
    retry: bool = True  # False when retrying cannot help until a setting is changed


class Channel(Protocol):
    """A chat channel: turns stored updates into :class:`Inbound`, sends :class:`Outbound`."""

    name: str
    capabilities: Capabilities

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        """The inbound a stored update stands for; None for updates that need no handling."""
        ...

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        """A typed answer to the options this channel listed for want of buttons, as the press
        it stands for (a bare number only at a pure choice step); anything else unchanged.
        Called only on channels without buttons, with the options of the last step sent."""
        ...

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        """Deliver to ``recipient`` (the id on this channel); the channel's message id."""
        ...

    def pieces(self, outbound: Outbound, recipient: str = "") -> int:
        """How many messages :meth:`send` makes of ``outbound`` (a long text is cut in several,
        each file is one more) for ``recipient`` (how it is sent may depend on the chat): the
        pacer takes that many slots. An outbound of files alone (no text, title or buttons)
        counts only its files where the channel sends it so."""
        ...

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        """The bytes of a file someone sent."""
        ...

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        """Tell the channel an update was handled (Telegram: answer the callback query)."""
        ...


def split(channel: Channel, outbound: Outbound, recipient: str = "") -> list[Outbound] | None:
    """The parts ``outbound`` goes out in for ``recipient``, one message each (a long text's
    pieces, then each file), where the channel says (``split``); None where it does not."""
    own = getattr(channel, "split", None)
    return list(own(outbound, recipient)) if own is not None else None


def pieces(channel: Channel, outbound: Outbound, recipient: str = "") -> int:
    """:meth:`Channel.pieces`, or one text and each file where a channel does not tell (then
    a text-less outbound is taken to carry a placeholder text too: never fewer than it sends)."""
    count = getattr(channel, "pieces", None)
    return int(count(outbound, recipient)) if count is not None else 1 + len(outbound.files)


async def prepare(channel: Channel, *, fresh: bool = False) -> None:
    """Let a channel read what it keeps in the database before sending (once, or again when
    ``fresh``: a sender just elected); nothing for a channel without a ``prepare``."""
    ready = getattr(channel, "prepare", None)
    if ready is not None:
        await ready(fresh=fresh)
