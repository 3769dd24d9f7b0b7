"""The Telegram channel: updates → Inbound, Outbound → sendMessage/editMessageText/sendDocument.

An Outbound goes out in parts (:meth:`TelegramChannel.split`: its text in pieces of 4096
characters, the keyboard under the last, then each file), which the sender paces one by one:
nothing here waits between messages.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import BufferedInputFile, FSInputFile

from bot.channels.parts import inline_content, split
from bot.channels.telegram.lean import call, call_json
from bot.channels.telegram.render import MAX_CHARS, keyboard, render_pieces, telegram_length
from bot.channels.telegram.updates import CHANNEL, read_update
from bot.channels.text import split_lines
from bot.delivery.channel import PermanentSendError, RefusedSendError, TransientSendError
from bot.domain.conversation import (
    Capabilities,
    Choices,
    Inbound,
    InboundFile,
    Outbound,
    OutFile,
)
from bot.domain.errors import FileTooLargeError
from bot.reporting.attachments import MAX_FILE_BYTES

log = logging.getLogger(__name__)
TOKEN_RETRY = 300.0  # seconds: a rejected token is the operator's to fix, not the recipient's
PERMANENT_WORDS = ("chat not found", "user is deactivated", "bot was kicked", "have no rights")


def update_key(update: dict[str, Any]) -> str:
    """The inbox key of an update."""
    return str(update["update_id"])


def _texts(outbound: Outbound) -> list[str]:
    """The text messages of an outbound: none for files alone (the outbox sends a message's
    files as parts of their own after its text)."""
    if outbound.files and not (outbound.text or outbound.title or outbound.buttons):
        return []
    return render_pieces(outbound)


class TelegramChannel:
    """Speaks to the Bot API through an aiogram :class:`Bot`."""

    name = CHANNEL
    capabilities = Capabilities(buttons=True, edits=True, cards=False)

    def __init__(
        self, bot: Bot, data_dir: Path, username: str | None = None, send_timeout: float = 20.0
    ) -> None:
        self.bot = bot
        self.data_dir = data_dir
        self.username = username
        self.send_timeout = send_timeout

    # -- intake ---------------------------------------------------------------------------

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        """A stored update as an Inbound (None for kinds we do not handle), read straight from
        its JSON (:func:`read_update`); raises for an update not in the Bot API's shape."""
        return read_update(payload, self.username)

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:  # noqa: ARG002
        """Inline keyboards send their payloads: typed text is never read as a choice."""
        return inbound

    async def fetch(self, channel: str, file: InboundFile) -> bytes:  # noqa: ARG002 - the port's shape
        """Download a file someone sent (getFile, then the file URL)."""
        info = await self.bot.get_file(file.ref)
        if info.file_size is not None and info.file_size > MAX_FILE_BYTES:
            raise FileTooLargeError(info.file_size)  # a self-hosted Bot API server has no cap
        buffer = io.BytesIO()
        assert info.file_path is not None
        await self.bot.download_file(info.file_path, destination=buffer, timeout=60)
        return buffer.getvalue()

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        """Answer a callback query so the button stops spinning, with the first notice."""
        query = payload.get("callback_query")
        if query:
            notice = next((r.notice for r in replies if r.notice), "")
            answer = AnswerCallbackQuery(callback_query_id=query["id"], text=notice[:200] or None)
            await call(self.bot, answer, request_timeout=self.send_timeout)

    # -- delivery -------------------------------------------------------------------------

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        """Send (or edit in place) an outbound; the id of the last message it produced."""
        try:
            return await self._send(recipient, outbound)
        except TelegramRetryAfter as exc:
            raise TransientSendError(str(exc), retry_after=float(exc.retry_after)) from exc
        except TelegramUnauthorizedError as exc:  # the bot's token, not the recipient
            raise TransientSendError(str(exc), retry_after=TOKEN_RETRY) from exc
        except (TelegramForbiddenError, TelegramNotFound) as exc:
            raise PermanentSendError(str(exc)) from exc
        except TelegramBadRequest as exc:
            if any(word in exc.message.lower() for word in PERMANENT_WORDS):
                raise PermanentSendError(str(exc)) from exc
            # the message, not the chat (too long, bad entities): it fails, the person stays
            raise RefusedSendError(f"rejected: {exc.message}") from exc
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            raise TransientSendError(str(exc)) from exc
        except TelegramAPIError as exc:
            raise TransientSendError(str(exc)) from exc

    def pieces(self, outbound: Outbound, recipient: str = "") -> int:
        """How many messages ``outbound`` makes: one per part."""
        return len(self.split(outbound, recipient))

    def split(self, outbound: Outbound, recipient: str = "") -> list[Outbound]:  # noqa: ARG002 - the port
        """The parts ``outbound`` goes out in, one message each: its text in pieces of 4096
        characters (the title on the first), the keyboard under the last, then each file; an
        edit in place only when the text is one piece."""
        title, text = outbound.title, outbound.text
        texts: list[Outbound] = []
        if title or text:
            plain = f"{title}\n{text}" if title and text else title or text
            for piece in split_lines(plain, MAX_CHARS, size=telegram_length):
                if not texts and title and (piece == title or piece.startswith(title + "\n")):
                    texts.append(Outbound(title=title, text=piece[len(title) + 1 :]))
                else:
                    texts.append(Outbound(text=piece))
        return split(
            outbound, texts, lambda part: len(render_pieces(part)) == 1, replaces_on_first=False
        )

    async def _send(self, chat_id: str, outbound: Outbound) -> str | None:
        pieces = _texts(outbound)
        markup = keyboard(outbound)
        last_id: str | None = None
        if outbound.replaces and len(pieces) == 1 and await self._edit(outbound, pieces[0], markup):
            return outbound.replaces.split(":", 1)[-1]
        steps: list[Callable[[], Awaitable[str]]] = [
            partial(
                self._send_text,
                chat_id,
                piece,
                markup if i == len(pieces) - 1 else None,
            )
            for i, piece in enumerate(pieces)
        ]
        steps += [partial(self._send_document, chat_id, file) for file in outbound.files]
        for step in steps:  # one, from the sender: it sends a message's parts one by one
            last_id = await step()
        return last_id

    async def _send_text(self, chat_id: str, text: str, markup: Any) -> str:
        body: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
        if markup:
            body["reply_markup"] = markup

        def method() -> SendMessage:  # only to name the call in an error
            return SendMessage(chat_id=chat_id, text=text, parse_mode="HTML", reply_markup=markup)

        sent = await call_json(
            self.bot, "sendMessage", body, method, request_timeout=self.send_timeout
        )
        return str(sent["message_id"])

    async def _send_document(self, chat_id: str, file: OutFile) -> str:
        sent = await self.bot.send_document(chat_id, self._document(file))
        return str(sent.message_id)

    def _document(self, file: OutFile) -> BufferedInputFile | FSInputFile:
        """A file on disk, or one made from the message's own text (a long text in full)."""
        content = inline_content(file)
        if content is not None:
            return BufferedInputFile(content, filename=file.name)
        return FSInputFile(self.data_dir / file.path, filename=file.name)

    async def _edit(self, outbound: Outbound, piece: str, markup: Any) -> bool:
        assert outbound.replaces is not None
        chat_id, _, message_id = outbound.replaces.rpartition(":")
        if not message_id.isdecimal():
            return False
        try:
            body: dict[str, Any] = {
                "chat_id": chat_id, "message_id": int(message_id), "text": piece,
                "parse_mode": "HTML",
            }  # fmt: skip
            if markup:
                body["reply_markup"] = markup

            def method() -> EditMessageText:  # only to name the call in an error
                return EditMessageText(
                    chat_id=chat_id, message_id=int(message_id), text=piece, parse_mode="HTML",
                    reply_markup=markup,
                )  # fmt: skip

            await call_json(
                self.bot, "editMessageText", body, method, request_timeout=self.send_timeout
            )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return True
            log.info("edit failed (%s); sending a new message", exc.message)
            return False
        return True
