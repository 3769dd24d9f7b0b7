"""The Telegram emulator's people: users and groups, what they send and press, and reading
the chats back (for tests, screenshots and the demo)."""

from __future__ import annotations

import asyncio
import itertools
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

from bot.sandbox.loopback import wait_until


@dataclass
class User:
    """A person using Telegram."""

    id: int
    first_name: str
    language_code: str = "zh-hans"
    blocked: bool = False

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass
class Message:
    """A message in a chat, from the bot or a user."""

    message_id: int
    chat_id: int
    sender: int  # 0 for the bot
    text: str = ""
    markup: str = ""
    reply_markup: dict[str, Any] | None = None
    date: int = field(default_factory=lambda: int(time.time()))
    document: dict[str, Any] | None = None
    photo: bool = False
    edits: int = 0

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b for row in rows for b in row]

    def shown(self) -> str:
        """The message as one line of a transcript: its text (or file) and its buttons."""
        body = (
            "[photo]"
            if self.photo
            else f"[{self.document['file_name']}]"
            if self.document
            else self.text
        )
        buttons = " ".join(f"[{b['text']}]" for b in self.buttons())
        return f"{body} {buttons}".rstrip()


class UserActions(ABC):
    """Acting as users of a :class:`TelegramEmulator` (which provides the state below)."""

    users: dict[int, User]
    groups: dict[int, str]
    messages: defaultdict[int, list[Message]]
    timeline: defaultdict[int, list[str]]
    callback_chats: dict[str, int]
    webhook: tuple[str, str] | None
    updates: list[dict[str, Any]]
    open_callbacks: set[str]
    _ids: itertools.count[int]
    _update_ids: itertools.count[int]
    _arrived: asyncio.Condition
    _session: ClientSession | None

    @abstractmethod
    def message_json(self, message: Message) -> dict[str, Any]:
        """The Bot API shape of a message (the emulator's)."""

    @abstractmethod
    def _store_file(self, content: bytes, path: str) -> str:
        """Keep a file; its file_id."""

    # -- acting as users ------------------------------------------------------------------

    def user(self, user_id: int, first_name: str, language_code: str = "zh-hans") -> User:
        """Register a person (their private chat has their id)."""
        self.users[user_id] = User(user_id, first_name, language_code)
        return self.users[user_id]

    def group(self, chat_id: int, title: str) -> None:
        """Create a group chat (negative id)."""
        self.groups[chat_id] = title

    def block(self, user_id: int) -> None:
        """The user blocks the bot."""
        self.users[user_id].blocked = True

    async def _deliver(self, update: dict[str, Any]) -> None:
        update = {"update_id": next(self._update_ids), **update}
        if self.webhook is not None:
            url, secret = self.webhook
            assert self._session is not None
            for _ in range(20):
                async with self._session.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                ) as response:
                    if response.ok:
                        return
                await asyncio.sleep(0.2)
            return
        async with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()

    async def user_sends(self, user_id: int, text: str, chat_id: int | None = None) -> Message:
        """A user writes ``text`` in their private chat (or a group)."""
        chat = chat_id if chat_id is not None else user_id
        message = Message(next(self._ids), chat, user_id, text)
        self.messages[chat].append(message)
        self.note(chat, self.name(user_id), message)
        await self._deliver({"message": self.message_json(message)})
        return message

    async def user_sends_photo(self, user_id: int, content: bytes, caption: str = "") -> None:
        """A user sends a photo."""
        file_id = self._store_file(content, "photos/photo.jpg")
        message = Message(next(self._ids), user_id, user_id, photo=True)
        body = self.message_json(message)
        body["photo"] = [
            {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600,
             "file_size": len(content)}
        ]  # fmt: skip
        if caption:
            body["caption"] = caption
        self.messages[user_id].append(message)
        self.timeline[user_id].append(f"{self.name(user_id)}: [photo] {caption}".rstrip())
        await self._deliver({"message": body})

    async def user_sends_document(self, user_id: int, content: bytes, name: str) -> None:
        """A user sends a file as a document."""
        file_id = self._store_file(content, f"documents/{name}")
        message = Message(next(self._ids), user_id, user_id)
        message.document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name,
                            "mime_type": "application/pdf", "file_size": len(content)}  # fmt: skip
        self.messages[user_id].append(message)
        self.note(user_id, self.name(user_id), message)
        await self._deliver({"message": self.message_json(message)})

    async def user_sends_callback(self, user_id: int, message_id: int, data: str) -> str:
        """A user's client sends callback ``data`` for a message (a real press, or a forgery)."""
        own = any(m.message_id == message_id for m in self.messages[user_id])
        chat = (  # the presser's own chat first: a scan of every chat is for group messages
            user_id
            if own
            else next(
                (c for c, ms in self.messages.items() for m in ms if m.message_id == message_id),
                user_id,
            )
        )
        message = next((m for m in self.messages[chat] if m.message_id == message_id), None)
        query_id = f"cb{next(self._ids)}"
        self.open_callbacks.add(query_id)
        self.callback_chats[query_id] = chat
        pressed = next(
            (
                b["text"]
                for b in (message.buttons() if message else [])
                if b["callback_data"] == data
            ),
            data,
        )
        self.timeline[chat].append(f"{self.name(user_id)} ▸ [{pressed}]")
        body: dict[str, Any] = {
            "id": query_id,
            "from": self.users[user_id].json(),
            "chat_instance": f"ci{chat}",
            "data": data,
        }
        if message is not None:
            body["message"] = self.message_json(message)
        await self._deliver({"callback_query": body})
        return query_id

    async def user_presses(self, user_id: int, label: str, chat_id: int | None = None) -> str:
        """A user presses the newest button whose text contains ``label``."""
        chat = chat_id if chat_id is not None else user_id
        for message in reversed(self.messages[chat]):
            for button in message.buttons():
                if label in button["text"]:
                    return await self.user_sends_callback(
                        user_id, message.message_id, button["callback_data"]
                    )
        shown = [b["text"] for m in self.messages[chat] for b in m.buttons()]
        raise LookupError(f"no button {label!r} in chat {chat}: {shown}")

    # -- reading the chat -----------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[Message]:
        """What the bot has sent to a chat, oldest first."""
        return [m for m in self.messages[chat_id] if m.sender == 0]

    def note(self, chat_id: int, who: str, message: Message) -> None:
        """Add a sent or edited message to the chat's timeline, as it reads at this moment."""
        self.timeline[chat_id].append(f"{who}: {message.shown()}")

    def name(self, user_id: int) -> str:
        """A user's first name (their id when the test never introduced them)."""
        user = self.users.get(user_id)
        return user.first_name if user else str(user_id)

    def conversation(self, chat_id: int, start: int = 0) -> str:
        """The chat as it happened, from entry ``start``: every message as sent, every edit,
        every button press (``▸``) and toast, for the demo's transcript."""
        return "\n".join(self.timeline[chat_id][start:])

    def transcript(self, chat_id: int) -> str:
        """The chat as it reads now, both sides, for assertions and screenshots."""
        return "\n".join(
            f"{'bot' if m.sender == 0 else self.name(m.sender)}: {m.shown()}"
            for m in self.messages[chat_id]
        )

    async def wait_for(self, predicate: Any, seconds: float = 15.0) -> None:
        """Wait until ``predicate()`` is true (the bot works asynchronously)."""
        await wait_until(predicate, seconds)
