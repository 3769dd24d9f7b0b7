"""The Telegram channel reads a stored update straight from its JSON (issue 15): for every
shape, real ones from the emulator and hand-written edge cases, it gives exactly what the
former reader built on aiogram's pydantic ``Update`` gave (kept here as the reference), None
where that gave None, and raises where that failed validation."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Message, Update

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.telegram.updates import UnreadableUpdateError, read_update
from bot.conversation.registry import text_inbound
from bot.domain.conversation import Inbound, InboundFile
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.telegram_users import Message as EmulatedMessage

BOT = Bot("123456:" + "A" * 35)
CHANNEL = "telegram"


# -- the reference: the reader as it was, on aiogram's model ------------------------------


def reference(payload: dict[str, Any], username: str | None) -> Inbound | None:
    """The former ``TelegramChannel.parse``, verbatim but for ``self``."""
    update = Update.model_validate(payload, context={"bot": BOT})
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat = message.chat if message is not None else None
        chat_id = str(chat.id) if chat is not None else str(query.from_user.id)
        return Inbound(
            channel=CHANNEL,
            sender=str(query.from_user.id),
            chat=chat_id,
            kind="button",
            payload=query.data or "",
            display_name=query.from_user.full_name,
            language=query.from_user.language_code,
            message_ref=f"{chat_id}:{message.message_id}" if message is not None else None,
            is_group=chat is not None and chat.type != "private",
        )
    if update.message is not None and update.message.from_user is not None:
        return _reference_message(update.message, username)
    edited = update.edited_message
    if edited is not None and edited.from_user is not None and edited.text is not None:
        inbound = _reference_message(edited, username)
        if inbound is None or inbound.is_group:
            return None
        return Inbound(
            channel=CHANNEL,
            sender=inbound.sender,
            chat=inbound.chat,
            kind="edit",
            text=edited.text,
            display_name=inbound.display_name,
            language=inbound.language,
            message_ref=inbound.message_ref,
        )
    return None


def _reference_message(message: Message, username: str | None) -> Inbound | None:
    user = message.from_user
    assert user is not None
    sender, chat = str(user.id), str(message.chat.id)
    common: dict[str, Any] = {
        "display_name": (message.chat.title if message.chat.type != "private" else user.full_name)
        or "",
        "language": user.language_code,
        "is_group": message.chat.type != "private",
        "message_ref": f"{chat}:{message.message_id}",
    }
    caption = message.caption or ""
    if message.photo:
        best = message.photo[-1]
        file = InboundFile(
            "photo", best.file_id, f"{best.file_unique_id}.jpg", best.file_size, "image/jpeg"
        )
        return Inbound(
            channel=CHANNEL, sender=sender, chat=chat, kind="file", file=file, text=caption,
            **common,
        )  # fmt: skip
    if message.document is not None:
        doc = message.document
        file = InboundFile(
            "document",
            doc.file_id,
            doc.file_name or doc.file_unique_id,
            doc.file_size,
            doc.mime_type or "application/octet-stream",
        )
        return Inbound(
            channel=CHANNEL, sender=sender, chat=chat, kind="file", file=file, text=caption,
            **common,
        )  # fmt: skip
    if message.voice is not None or message.audio is not None or message.video_note:
        return Inbound(channel=CHANNEL, sender=sender, chat=chat, kind="voice", **common)
    text = message.text or message.caption
    if text is None:
        return None
    return text_inbound(
        channel=CHANNEL, sender=sender, chat=chat, text=text, bot_username=username, **common
    )


# -- payloads -------------------------------------------------------------------------------

DATE = 1_764_000_000
ALICE = {"id": 1001, "is_bot": False, "first_name": "王", "last_name": "联络",
         "language_code": "en"}  # fmt: skip
BARE = {"id": 1002, "is_bot": False, "first_name": "李"}  # no last name, no language
EMPTY_LAST = {"id": 1003, "is_bot": False, "first_name": "Ann", "last_name": "",
              "language_code": "zh-hans", "username": "ann"}  # fmt: skip
PRIVATE = {"id": 1001, "type": "private", "first_name": "王"}
GROUP = {"id": -100123, "type": "supergroup", "title": "县发改局群"}
UNTITLED = {"id": -5, "type": "group"}
PHOTO = [
    {"file_id": "S", "file_unique_id": "s", "width": 90, "height": 60, "file_size": 900},
    {"file_id": "L", "file_unique_id": "l", "width": 800, "height": 600, "file_size": 9000},
]
DOCUMENT = {"file_id": "D", "file_unique_id": "d", "file_name": "报告.pdf",
            "mime_type": "application/pdf", "file_size": 12345}  # fmt: skip
BARE_DOCUMENT = {"file_id": "D2", "file_unique_id": "d2"}  # no name, type or size
VOICE = {"file_id": "V", "file_unique_id": "v", "duration": 3}
AUDIO = {"file_id": "A", "file_unique_id": "a", "duration": 90, "title": "song"}
VIDEO_NOTE = {"file_id": "N", "file_unique_id": "n", "length": 240, "duration": 5}
CONTENTS: list[dict[str, Any]] = [
    {"text": "第3项 推进中，完成70%"},
    {"text": ""},
    {"text": "/start"},
    {"text": "/start ABCD1234"},
    {"text": "/start@BotName"},
    {"text": "/start@BotName ABCD1234"},
    {"text": "/start@OtherBot"},
    {"text": "/help@botname"},
    {"text": "/history", "entities": [{"type": "bot_command", "offset": 0, "length": 8}]},
    {"text": "/nosuchcommand"},
    {"photo": PHOTO, "caption": "第19项：隐患排查已完成"},
    {"photo": PHOTO},
    {"photo": PHOTO[:1], "caption": "/start"},
    {"photo": []},
    {"photo": [], "caption": "说明"},
    {"document": DOCUMENT, "caption": "附件"},
    {"document": BARE_DOCUMENT},
    {"document": {**BARE_DOCUMENT, "file_name": ""}},
    {"document": DOCUMENT, "photo": PHOTO},
    {"voice": VOICE},
    {"voice": VOICE, "caption": "语音"},
    {"audio": AUDIO},
    {"video_note": VIDEO_NOTE},
    {"caption": "只有说明"},
    {
        "sticker": {
            "file_id": "K",
            "file_unique_id": "k",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    },
    {},
    {"new_chat_members": [BARE]},
]


def _message(chat: dict[str, Any], user: dict[str, Any] | None, **content: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": 55, "date": DATE, "chat": chat, **content}
    if user is not None:
        message["from"] = user
    return message


def _press(message: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    query: dict[str, Any] = {"id": "cb1", "from": ALICE, "chat_instance": "ci", **fields}
    if message is not None:
        query["message"] = message
    return {"update_id": 9, "callback_query": query}


def combinations() -> list[dict[str, Any]]:
    """Every content in every chat from every kind of sender, new and edited."""
    updates: list[dict[str, Any]] = []
    chats = (PRIVATE, GROUP, UNTITLED)
    senders = (ALICE, BARE, EMPTY_LAST, None)
    for chat, sender, content in itertools.product(chats, senders, CONTENTS):
        for kind in ("message", "edited_message"):
            message = _message(chat, sender, **content)
            if kind == "edited_message":
                message["edit_date"] = DATE + 60
            updates.append({"update_id": len(updates) + 1, kind: message})
    return updates


HAND_WRITTEN: list[dict[str, Any]] = [
    _press(_message(PRIVATE, {**BARE, "id": 123456, "is_bot": True}, text="卡片"), data="p:1"),
    _press(_message(GROUP, ALICE, text="卡片"), data="p:2"),
    _press(None, data="p:3"),  # the message too old to be sent along
    _press({"message_id": 77, "date": 0, "chat": PRIVATE}, data="p:4"),  # inaccessible
    _press({"message_id": 77, "date": 0, "chat": GROUP}),  # inaccessible, no data
    _press({"message_id": 78, "chat": PRIVATE}, data="p:5"),  # no date: inaccessible too
    _press(_message(PRIVATE, None), game_short_name="game"),
    {
        "update_id": 1,
        "callback_query": {"id": "cb", "from": BARE, "chat_instance": "c"},
        "message": _message(PRIVATE, ALICE, text="ignored"),
    },
    {
        "update_id": 2,
        "message": _message(PRIVATE, None, text="no sender"),
        "edited_message": _message(PRIVATE, ALICE, text="the edit"),
    },
    {
        "update_id": 3,
        "channel_post": _message(
            {"id": -1009, "type": "channel", "title": "频道"}, None, text="公告"
        ),
    },
    {
        "update_id": 4,
        "edited_channel_post": _message({"id": -1009, "type": "channel"}, None, text="公告"),
    },
    {
        "update_id": 5,
        "my_chat_member": {
            "chat": GROUP,
            "from": ALICE,
            "date": DATE,
            "old_chat_member": {"status": "left", "user": BARE},
            "new_chat_member": {"status": "member", "user": BARE},
        },
    },
    {"update_id": 6, "inline_query": {"id": "iq", "from": ALICE, "query": "q", "offset": ""}},
    {"update_id": 7},
    {"update_id": 8, "message": None, "callback_query": None, "edited_message": None},
    {
        "update_id": "9",
        "message": _message(
            {"id": "1001", "type": "private"}, {**BARE, "id": 1001.0}, text="lax ints"
        ),
    },
    {"update_id": 10, "message": _message(PRIVATE, ALICE, text="x", unknown_field={"a": 1})},
]

MALFORMED: list[Any] = [
    {},
    {"update_id": None},
    {"update_id": "x", "message": _message(PRIVATE, ALICE, text="x")},
    {"update_id": 1, "message": "text"},
    {"update_id": 1, "message": {"message_id": 1, "chat": PRIVATE, "from": ALICE, "text": "x"}},
    {"update_id": 1, "message": _message({"type": "private"}, ALICE, text="x")},
    {"update_id": 1, "message": _message({"id": 1.5, "type": "private"}, ALICE, text="x")},
    {"update_id": 1, "message": _message(PRIVATE, {"id": 1, "is_bot": False}, text="x")},
    {"update_id": 1, "message": _message(PRIVATE, {**ALICE, "last_name": 7}, text="x")},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, text=5)},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, caption=["x"])},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, photo=[{"file_id": "F"}])},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, photo={"file_id": "F"})},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, document={"file_id": "F"})},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, document={**DOCUMENT, "file_size": "x"})},
    {
        "update_id": 1,
        "message": _message(PRIVATE, ALICE, voice={"file_id": "V", "file_unique_id": "v"}),
    },
    {"update_id": 1, "message": _message(PRIVATE, ALICE, video_note=VOICE)},
    {"update_id": 1, "message": _message(PRIVATE, ALICE, date=[1])},
    {"update_id": 1, "message": _message(PRIVATE, None, text="x"), "edited_message": "x"},
    {"update_id": 1, "edited_message": _message(PRIVATE, ALICE, text=None, caption=3)},
    _press(_message(PRIVATE, ALICE), id=None),
    _press(_message(PRIVATE, ALICE), chat_instance=None),
    _press(_message(PRIVATE, ALICE), data=5),
    _press({"message_id": 77, "date": 5, "chat": PRIVATE, "text": 5}),
    _press({"message_id": 77, "date": 0}),
    {"update_id": 1, "callback_query": {"id": "cb", "chat_instance": "c"}},
]


async def emulated() -> list[dict[str, Any]]:
    """Updates as the emulator delivers them: texts, commands, files and presses, in private
    chats and a group."""
    emulator = TelegramEmulator(username="BotName")
    emulator.user(1001, "王联络")
    emulator.user(1002, "Li", language_code="en")
    emulator.group(-100123, "县发改局群")
    card = EmulatedMessage(
        900, 1001, 0, "卡片",
        reply_markup={"inline_keyboard": [[{"text": "提交", "callback_data": "s:1"}]]},
    )  # fmt: skip
    emulator.messages[1001].append(card)
    await emulator.user_sends(1001, "第3项 推进中，完成70%")
    await emulator.user_sends(1001, "/start ABCD1234")
    await emulator.user_sends(1002, "/start@BotName", chat_id=-100123)
    await emulator.user_sends(1002, "/history@BotName 2026-11", chat_id=-100123)
    await emulator.user_sends(1002, "plain text in a group", chat_id=-100123)
    await emulator.user_sends_photo(1001, b"jpeg", caption="第19项：隐患排查已完成")
    await emulator.user_sends_photo(1002, b"jpeg")
    await emulator.user_sends_document(1001, b"%PDF", "报告.pdf")
    await emulator.user_presses(1001, "提交")
    await emulator.user_sends_callback(1002, 4242, "forged")  # no such message
    return copy.deepcopy(emulator.updates)


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [None, "BotName", "botname"])
async def test_every_shape_reads_as_the_pydantic_reader_read_it(username: str | None) -> None:
    updates = [*await emulated(), *combinations(), *HAND_WRITTEN]
    kinds: set[str] = set()
    for payload in updates:
        expected = reference(payload, username)
        assert read_update(payload, username) == expected, payload
        kinds.add(expected.kind if expected is not None else "none")
    assert kinds == {"text", "command", "file", "voice", "edit", "button", "none"}


def test_a_malformed_update_raises_as_the_pydantic_reader_did() -> None:
    for payload in MALFORMED:
        with pytest.raises(Exception):  # noqa: B017, PT011 - pydantic's ValidationError
            reference(payload, None)
        with pytest.raises(UnreadableUpdateError):
            read_update(payload, None)


def test_the_channel_reads_with_its_username(tmp_path: Path) -> None:
    channel = TelegramChannel(BOT, tmp_path, username="BotName")
    payload = {"update_id": 1, "message": _message(GROUP, ALICE, text="/start@BotName X1")}
    inbound = channel.parse(payload)
    assert inbound is not None
    assert (inbound.kind, inbound.command, inbound.args, inbound.is_group) == (
        "command",
        "start",
        "X1",
        True,
    )
    assert inbound.display_name == "县发改局群"
    assert channel.parse({"update_id": 2, "message": _message(GROUP, ALICE, text="hi")}) == (
        reference({"update_id": 2, "message": _message(GROUP, ALICE, text="hi")}, "BotName")
    )
