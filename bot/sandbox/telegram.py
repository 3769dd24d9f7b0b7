"""A Telegram Bot API emulator: the wire format aiogram speaks, with the real limits.

It serves ``/bot<token>/<method>`` (form-encoded or multipart with ``attach://``) and
``/file/bot<token>/<path>``, keeps chats and messages, delivers updates by getUpdates or to a
webhook, and lets a test act as a user. Limits and error shapes follow the real API: 429 with
``retry_after`` (30 msg/s per bot, 1 msg/s per chat, 20 msg/min per group, counted exactly as
documented over sliding windows of arrivals: no tolerance), 403 when the user
blocked the bot, 400 chat not found, 4096 characters, 64-byte callback_data, HTML entities.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import defaultdict, deque
from typing import Any

from aiohttp import BodyPartReader, ClientSession, web

from bot.sandbox.loopback import serve
from bot.sandbox.telegram_html import EntityError, utf16_length, visible_text
from bot.sandbox.telegram_users import Message, User, UserActions

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def _json_field(value: Any) -> Any:
    """A structured parameter as sent: JSON in a form field, or already decoded."""
    return json.loads(value) if isinstance(value, str) else value


class ApiError(Exception):
    """An error response of the Bot API."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


class TelegramEmulator(UserActions):
    """One bot, its users and chats, served over HTTP on loopback."""

    def __init__(
        self,
        token: str = "123456:TEST",  # noqa: S107 - the emulator's own test token
        username: str = "duban_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.users: dict[int, User] = {}
        self.groups: dict[int, str] = {}
        self.messages: defaultdict[int, list[Message]] = defaultdict(list)
        self.timeline: defaultdict[int, list[str]] = defaultdict(list)  # see ``conversation``
        self.files: dict[str, tuple[bytes, str]] = {}
        self.updates: list[dict[str, Any]] = []
        self.webhook: tuple[str, str] | None = None
        self.menus: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (scope, language)
        self.stats: dict[str, int] = defaultdict(int)
        self.open_callbacks: set[str] = set()
        self.callback_chats: dict[str, int] = {}  # an open callback query → its chat
        self.limits_on = True
        # Faults for the next sends, consumed in order: "429", "500", "502", or "hang"
        # (no answer for hang_seconds, the message not delivered).
        self.faults: list[str] = []
        self.hang_seconds = 30.0
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._sent: dict[Any, deque[float]] = defaultdict(deque)
        self._arrived = asyncio.Condition()
        self._polls = 0  # getUpdates calls so far: the newest one wins
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.base = ""
        self._closing = False

    # -- server ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on loopback; returns the base URL to give aiogram."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner, self.base = await serve(app, host, port)
        self._session = ClientSession()
        return self.base

    async def stop(self) -> None:
        """Stop serving (pending long polls return at once)."""
        self._closing = True
        async with self._arrived:
            self._arrived.notify_all()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            result = await handler(params)
        except ApiError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
                self.stats["429"] += 1
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data: dict[str, Any] = await request.json()
            return data
        params: dict[str, Any] = {}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                if part.filename:
                    params[name] = (part.filename, await part.read())
                else:
                    params[name] = await part.text()
        else:
            params.update(await request.post())
            params.update(request.query)
        return params

    async def _file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for content, file_path in self.files.values():
            if file_path == path:
                return web.Response(body=content)
        return web.Response(status=404)

    # -- limits ---------------------------------------------------------------------------

    def _check_rate(self, chat_id: int) -> None:
        if not self.limits_on:
            return
        now = time.monotonic()
        windows = [("bot", 30, 1.0), (chat_id, 1, 1.0)]
        if chat_id < 0:
            windows.append((("group", chat_id), 20, 60.0))
        for key, count, seconds in windows:
            sent = self._sent[key]
            while sent and now - sent[0] >= seconds:
                sent.popleft()
            if len(sent) >= count:
                retry = max(1, math.ceil(seconds - (now - sent[0])))
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for key, _, _ in windows:
            self._sent[key].append(now)

    def _chat(self, value: Any) -> int:
        try:
            chat_id = int(value)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: chat not found") from exc
        if chat_id in self.groups:
            return chat_id
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _render(self, text: Any, parse_mode: Any) -> tuple[str, str]:
        markup = str(text or "")
        if parse_mode == "HTML":
            try:
                visible = visible_text(markup)
            except EntityError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        else:
            visible = markup
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(visible) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return visible, markup

    @staticmethod
    def _keyboard(value: Any) -> dict[str, Any] | None:
        if not value:
            return None
        markup: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    # -- JSON shapes ----------------------------------------------------------------------

    def _bot_json(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Duban", "username": self.username}

    def _chat_json(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.groups:
            return {"id": chat_id, "type": "supergroup", "title": self.groups[chat_id]}
        return {"id": chat_id, "type": "private", "first_name": self.users[chat_id].first_name}

    def message_json(self, message: Message) -> dict[str, Any]:
        """A message as the Bot API returns it."""
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat_json(message.chat_id),
            "from": self._bot_json() if message.sender == 0 else self.users[message.sender].json(),
        }
        if message.text:
            body["text"] = message.text
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.document:
            body["document"] = message.document
        return body

    # -- methods --------------------------------------------------------------------------

    async def _m_getMe(self, _: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - API name
        return {**self._bot_json(), "can_join_groups": True}

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = (str(params["url"]), str(params.get("secret_token", "")))
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> bool:  # noqa: N802
        commands = _json_field(params.get("commands"))
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: too many commands")
        for entry in commands:
            name, about = str(entry.get("command", "")), str(entry.get("description", ""))
            if not COMMAND_NAME.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(about) <= MAX_COMMAND_DESCRIPTION:
                raise ApiError(400, "Bad Request: command description is too long")
        scope = _json_field(params.get("scope")) or {"type": "default"}
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: invalid language code specified")
        self.menus[(str(scope.get("type")), language)] = [
            (str(e["command"]), str(e["description"])) for e in commands
        ]
        return True

    async def _m_deleteWebhook(self, _: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = None
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = float(params.get("timeout") or 0)
        async with self._arrived:
            self._polls += 1  # a newer getUpdates ends an older one, as Telegram does
            mine = self._polls
            self._arrived.notify_all()
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if not self.updates and wait > 0 and not self._closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout=wait)
            if self._polls != mine and not self.updates:
                self.stats["conflict_409"] += 1
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            return self.updates[:limit]

    async def _fault(self) -> None:
        if not self.faults:
            return
        fault = self.faults.pop(0)
        self.stats[f"fault_{fault}"] += 1
        if fault == "hang":
            await asyncio.sleep(self.hang_seconds)
            raise ApiError(504, "Gateway Timeout")
        if fault == "429":
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        raise ApiError(int(fault), "Internal Server Error" if fault == "500" else "Bad Gateway")

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        await self._fault()
        chat_id = self._chat(params.get("chat_id"))
        text, markup = self._render(params.get("text"), params.get("parse_mode"))
        keyboard = self._keyboard(params.get("reply_markup"))
        self._check_rate(chat_id)
        message = Message(next(self._ids), chat_id, 0, text, markup, keyboard)
        self.messages[chat_id].append(message)
        self.note(chat_id, "bot", message)
        self.stats["sent"] += 1
        return self.message_json(message)

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id = self._chat(params.get("chat_id"))
        message_id = int(params.get("message_id") or 0)
        found = [m for m in self.messages[chat_id] if m.message_id == message_id and m.sender == 0]
        if not found:
            raise ApiError(400, "Bad Request: message to edit not found")
        text, markup = self._render(params.get("text"), params.get("parse_mode"))
        keyboard = self._keyboard(params.get("reply_markup"))
        message = found[0]
        if (message.markup, message.reply_markup) == (markup, keyboard):
            raise ApiError(400, "Bad Request: message is not modified")
        message.text, message.markup, message.reply_markup = text, markup, keyboard
        message.edits += 1
        self.note(chat_id, "bot ✎", message)
        self.stats["edits"] += 1
        return self.message_json(message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:  # noqa: N802
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.open_callbacks:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.open_callbacks.discard(query_id)
        if params.get("text"):
            chat = self.callback_chats.pop(query_id, 0)
            self.timeline[chat].append(f"bot (toast): {params['text']}")
        self.stats["answered"] += 1
        return True

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id = self._chat(params.get("chat_id"))
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))
        if not isinstance(document, tuple):
            raise ApiError(400, "Bad Request: invalid file")
        name, content = document
        self._check_rate(chat_id)
        file_id = self._store_file(content, f"documents/{name}")
        message = Message(next(self._ids), chat_id, 0)
        message.document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "file_size": len(content),
        }
        self.messages[chat_id].append(message)
        self.note(chat_id, "bot", message)
        self.stats["documents"] += 1
        return self.message_json(message)

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        content, path = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(content),
            "file_path": path,
        }

    def _store_file(self, content: bytes, path: str) -> str:
        file_id = f"F{len(self.files) + 1:06d}"
        self.files[file_id] = (
            content,
            f"{path.rsplit('/', 1)[0]}/{file_id}_{path.rsplit('/', 1)[-1]}",
        )
        return file_id
