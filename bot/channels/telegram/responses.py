"""aiogram's response models, kept alive while the bot runs.

aiogram reads every Bot API answer as ``Response[method.__returning__]``, a pydantic generic
model that pydantic caches only weakly: once the garbage collector has collected it, the next
call builds the class again (about 10 ms of CPU each time; a burst of sends did it about once
every 15 sends). Holding the response models of the methods Duban calls, for as long as the
bot runs, makes each of them a dictionary look-up.
"""

from __future__ import annotations

from typing import Any

from aiogram import methods
from aiogram.methods.base import Response

USED = (  # every Bot API method the channel, the polling and the menus call
    methods.SendMessage, methods.SendDocument, methods.SendPhoto, methods.EditMessageText,
    methods.EditMessageReplyMarkup, methods.AnswerCallbackQuery, methods.GetUpdates,
    methods.GetMe, methods.GetFile, methods.SetMyCommands, methods.DeleteMyCommands,
    methods.SetWebhook, methods.DeleteWebhook, methods.GetWebhookInfo,
)  # fmt: skip


def response_models() -> tuple[Any, ...]:
    """The response models of the methods Duban calls: hold the tuple while the bot runs."""
    # a runtime subscription, as aiogram's own session does it: mypy cannot type it
    return tuple(Response[method.__returning__] for method in USED)  # type: ignore[name-defined]
