"""The one error an importer raises: a file that is not a plan we can read, said in one sentence."""

from __future__ import annotations

from typing import Any

from bot.domain.messages import Message


class PlanFileError(Exception):
    """A plan file was refused. ``message`` is the localizable sentence shown to the user."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.message = Message(msgid, params)
