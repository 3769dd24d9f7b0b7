"""The emulators refuse what the real services refuse, with the same error shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import telegram as telegram_module
from bot.sandbox.telegram import TelegramEmulator


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[TelegramEmulator, Bot]]:
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.user(1, "甲")
    emulator.user(2, "乙")
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    yield emulator, bot
    await bot.session.close()
    await emulator.stop()


async def test_telegram_limits_and_errors(
    telegram: tuple[TelegramEmulator, Bot], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, bot = telegram
    clock = SimpleNamespace(now=1000.0)  # the rate windows' clock stands still unless moved
    monkeypatch.setattr(telegram_module, "time", SimpleNamespace(monotonic=lambda: clock.now))
    me = await bot.get_me()
    assert me.username == emulator.username
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "长" * 4097)
    await bot.send_message(1, "&lt;" * 4096, parse_mode="HTML")  # 4096 after parsing is fine
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(2, "<script>x</script>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(2, "A & B", parse_mode="HTML")
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="字" * 22)]]
    )  # 66 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(2, "选择", reply_markup=keyboard)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(404, "hello")
    with pytest.raises(TelegramRetryAfter) as too_fast:
        await bot.send_message(1, "again within a second")
    assert too_fast.value.retry_after == 1
    clock.now += 1.0  # a second later the chat's window is open again
    await bot.send_message(1, "a second later")
    emulator.block(2)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(2, "hello")
    assert emulator.stats["429"] == 1
    assert [m.text for m in emulator.bot_messages(1)] == ["<" * 4096, "a second later"]
