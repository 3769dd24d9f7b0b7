"""A stored Telegram update (the Bot API's JSON, as polled or posted to the webhook) read
straight from its dict into a neutral :class:`Inbound`, without building aiogram's pydantic
model of the whole update (which cost a few percent of all intake CPU).

It reads what the channel reads: a button press, a message (photo, document, voice, audio,
video note, caption, text, command) and an edited private text. Every object it reads is
checked much as aiogram's model checks it (its required fields present, the fields it reads of
the right type, integers much as pydantic reads them in lax mode), so a malformed update raises
:class:`UnreadableUpdateError`; the callers treat that as unreadable. Only on shapes the Bot API
never sends do the two part ways: it does not validate what it never reads (a message's
entities or date string, ``is_bot``, a photo's size, an update of a kind not handled), and it
refuses integers spelt as ``"1.0"`` or ``"1_0"``. Wherever both read an update, they read it
the same (``tests/test_telegram_updates.py``).
"""

from __future__ import annotations

import re
from typing import Any

from bot.conversation.registry import text_inbound
from bot.domain.conversation import Inbound, InboundFile

CHANNEL = "telegram"
_INTEGER = re.compile(r"[+-]?[0-9]+")

# The fields aiogram's models require of each object read here (the Bot API's own).
_UPDATE = ("update_id",)
_MESSAGE = ("message_id", "date", "chat")
_INACCESSIBLE = ("message_id", "chat")  # a button's message gone: its date 0 (or absent)
_CHAT = ("id", "type")
_USER = ("id", "is_bot", "first_name")
_QUERY = ("id", "from", "chat_instance")
_PHOTO = ("file_id", "file_unique_id", "width", "height")
_FILE = ("file_id", "file_unique_id")
_VOICE = ("file_id", "file_unique_id", "duration")
_VIDEO_NOTE = ("file_id", "file_unique_id", "length", "duration")
_VOICES = (("voice", _VOICE), ("audio", _VOICE), ("video_note", _VIDEO_NOTE))


class UnreadableUpdateError(ValueError):
    """An update not in the Bot API's shape (where aiogram's model failed validation)."""


def _entry(value: Any, where: str, required: tuple[str, ...]) -> dict[str, Any]:
    """An object with its required fields (``where`` names it in an error)."""
    if type(value) is not dict:
        raise UnreadableUpdateError(f"{where}: an object expected, not {type(value).__name__}")
    for name in required:
        if value.get(name) is None:
            raise UnreadableUpdateError(f"{where}.{name}: missing")
    return value


def _object(
    parent: dict[str, Any], key: str, where: str, required: tuple[str, ...]
) -> dict[str, Any] | None:
    """The object ``parent[key]``, if any, with its required fields."""
    value = parent.get(key)
    return None if value is None else _entry(value, f"{where}.{key}", required)


def _int(parent: dict[str, Any], key: str, where: str) -> int:
    """The integer ``parent[key]`` as pydantic reads one in lax mode: also a bool, an
    integral float, or a string of digits."""
    value = parent.get(key)
    if type(value) is int:
        return value
    if isinstance(value, int):  # a bool
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise UnreadableUpdateError(f"{where}.{key}: an integer expected, not {value!r}")


def _optional_int(parent: dict[str, Any], key: str, where: str) -> int | None:
    return None if parent.get(key) is None else _int(parent, key, where)


def _str(parent: dict[str, Any], key: str, where: str) -> str:
    value = parent.get(key)
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    raise UnreadableUpdateError(f"{where}.{key}: a string expected, not {value!r}")


def _optional_str(parent: dict[str, Any], key: str, where: str) -> str | None:
    value = parent.get(key)
    if value is None or type(value) is str:
        return value
    return _str(parent, key, where)


def _date(message: dict[str, Any], where: str) -> None:
    """A message's date: a Unix time (0 for an inaccessible message) or a date string."""
    value = message.get("date")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        raise UnreadableUpdateError(f"{where}.date: a date expected, not {value!r}")


def _user(value: Any, where: str) -> tuple[str, str, str | None]:
    """A user: their id, full name (aiogram's ``User.full_name``) and language."""
    user = _entry(value, where, _USER)
    first = _str(user, "first_name", where)
    last = _optional_str(user, "last_name", where)
    language = _optional_str(user, "language_code", where)
    return str(_int(user, "id", where)), f"{first} {last}" if last else first, language


def _chat(message: dict[str, Any], where: str) -> tuple[str, bool, str | None]:
    """A message's chat: its id, whether it is a group, its title."""
    chat = _entry(message["chat"], f"{where}.chat", _CHAT)
    is_group = _str(chat, "type", where) != "private"
    return str(_int(chat, "id", where)), is_group, _optional_str(chat, "title", where)


def _file(value: dict[str, Any], where: str) -> tuple[str, str, int | None]:
    """A file's id, unique id and size."""
    return (
        _str(value, "file_id", where),
        _str(value, "file_unique_id", where),
        _optional_int(value, "file_size", where),
    )


class _Message:
    """The fields of a message the channel reads, each checked."""

    __slots__ = ("caption", "chat", "file", "is_group", "ref", "text", "title", "user", "voice")

    def __init__(self, message: dict[str, Any], where: str) -> None:
        _date(message, where)
        self.chat, self.is_group, self.title = _chat(message, where)
        self.ref = f"{self.chat}:{_int(message, 'message_id', where)}"
        sender = message.get("from")
        self.user = None if sender is None else _user(sender, f"{where}.from")
        self.text = _optional_str(message, "text", where)
        self.caption = _optional_str(message, "caption", where)
        self.file: InboundFile | None = None
        photo = message.get("photo")
        if photo:  # the sizes, smallest first
            if type(photo) is not list:
                raise UnreadableUpdateError(f"{where}.photo: a list expected")
            at = f"{where}.photo"
            sizes = [_file(_entry(size, at, _PHOTO), at) for size in photo]
            file_id, unique, size = sizes[-1]
            self.file = InboundFile("photo", file_id, f"{unique}.jpg", size, "image/jpeg")
        elif photo is not None and type(photo) is not list:
            raise UnreadableUpdateError(f"{where}.photo: a list expected")
        document = _object(message, "document", where, _FILE)
        if document is not None:
            file_id, unique, size = _file(document, f"{where}.document")
            name = _optional_str(document, "file_name", f"{where}.document")
            mime = _optional_str(document, "mime_type", f"{where}.document")
            if self.file is None:
                self.file = InboundFile(
                    "document", file_id, name or unique, size, mime or "application/octet-stream"
                )
        self.voice = False
        for kind, required in _VOICES:
            if _object(message, kind, where, required) is not None:
                self.voice = True


def read_update(payload: dict[str, Any], bot_username: str | None = None) -> Inbound | None:
    """A stored update as an Inbound (None for kinds we do not handle); raises
    :class:`UnreadableUpdateError` for one not in the Bot API's shape.

    A photo's or file's caption is the Inbound's ``text``; a voice message is ``voice``
    (answered, never stored); an edited private text message is ``edit``.
    """
    update = _entry(payload, "update", _UPDATE)
    _int(update, "update_id", "update")
    query = _object(update, "callback_query", "update", _QUERY)
    press = _press(query) if query is not None else None
    message = _object(update, "message", "update", _MESSAGE)
    said = _Message(message, "update.message") if message is not None else None
    edited = _object(update, "edited_message", "update", _MESSAGE)
    changed = _Message(edited, "update.edited_message") if edited is not None else None
    if press is not None:
        return press
    if said is not None and said.user is not None:
        return _inbound(said, bot_username)
    if changed is None or changed.user is None or changed.text is None:
        return None
    inbound = _inbound(changed, bot_username)
    if inbound is None or inbound.is_group:
        return None  # in groups only commands count, and an edit is none
    return Inbound(
        channel=CHANNEL,
        sender=inbound.sender,
        chat=inbound.chat,
        kind="edit",
        text=changed.text,
        display_name=inbound.display_name,
        language=inbound.language,
        message_ref=inbound.message_ref,
    )


def _press(query: dict[str, Any]) -> Inbound:
    """A button press (a callback query), on a message still accessible or not."""
    where = "update.callback_query"
    _str(query, "id", where)
    _str(query, "chat_instance", where)
    sender, name, language = _user(query["from"], f"{where}.from")
    data = _optional_str(query, "data", where)
    message = _object(query, "message", where, _INACCESSIBLE)
    chat, is_group, ref = sender, False, None
    if message is not None:
        where = f"{where}.message"
        if message.get("date") in (0, None):  # aiogram's InaccessibleMessage: chat and id only
            chat, is_group, _ = _chat(message, where)
            ref = f"{chat}:{_int(message, 'message_id', where)}"
        else:
            read = _Message(_entry(message, where, _MESSAGE), where)
            chat, is_group, ref = read.chat, read.is_group, read.ref
    return Inbound(
        channel=CHANNEL,
        sender=sender,
        chat=chat,
        kind="button",
        payload=data or "",
        display_name=name,
        language=language,
        message_ref=ref,
        is_group=is_group,
    )


def _inbound(message: _Message, bot_username: str | None) -> Inbound | None:
    """A message from a person: a file, a voice, text or a command (None for other kinds)."""
    assert message.user is not None
    sender, name, language = message.user
    chat = message.chat
    common: dict[str, Any] = {
        "display_name": (message.title if message.is_group else name) or "",
        "language": language,
        "is_group": message.is_group,
        "message_ref": message.ref,
    }
    if message.file is not None:
        return Inbound(
            channel=CHANNEL, sender=sender, chat=chat, kind="file", file=message.file,
            text=message.caption or "", **common,
        )  # fmt: skip
    if message.voice:
        return Inbound(channel=CHANNEL, sender=sender, chat=chat, kind="voice", **common)
    text = message.text or message.caption
    if text is None:
        return None
    return text_inbound(
        channel=CHANNEL, sender=sender, chat=chat, text=text, bot_username=bot_username, **common
    )
