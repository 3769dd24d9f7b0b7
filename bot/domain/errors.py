"""The error every use case raises when it refuses (it carries the sentence to show), and the
one a channel raises for a file too large to download."""

from __future__ import annotations

from bot.domain.messages import Message


class RefusedError(Exception):
    """A request that cannot be carried out; ``message`` says why, in the user's words."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


class FileTooLargeError(Exception):
    """A file someone sent is over the download limit; found before (or while) downloading it.

    ``size`` is its size in bytes when the channel said it, else None.
    """

    def __init__(self, size: int | None) -> None:
        super().__init__(f"file too large: {size if size is not None else 'over the limit'}")
        self.size = size
