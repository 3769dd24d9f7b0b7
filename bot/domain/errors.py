"""The error every use case raises when it refuses: it carries the sentence to show."""

from __future__ import annotations

from bot.domain.messages import Message


class RefusedError(Exception):
    """A request that cannot be carried out; ``message`` says why, in the user's words."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message
