"""The command declarations drive the words, the router, /help and Telegram's menu alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BotCommand

from bot.conversation.registry import REGISTRY
from bot.conversation.router import HANDLERS
from bot.domain.commands import REPORTER, SECRETARIAT, Argument, Command, Registry, allowed
from bot.sandbox.telegram import TelegramEmulator
from tests.e2e import world


def test_every_declared_command_has_a_handler_and_words() -> None:
    assert set(HANDLERS) == set(REGISTRY.by_name)
    for command in REGISTRY.commands:
        assert command.words, command.name
        assert command.usage.startswith(f"/{command.name}"), command.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("汇总 2026-11", ("digest", "2026-11")),
        ("匯總", ("digest", "")),
        ("一键催办", ("nudge", "")),
        ("催办", ("nudge", "")),
        ("状态 县教育局", ("status", "县教育局")),
        ("状态县教育局", None),  # a name needs the space: this is prose, not a command
        ("绑定 ABCD234567", ("start", "ABCD234567")),
        ("取消报送", None),
        ("/digest@duban_bot 2026-10", ("digest", "2026-10")),
        ("/digest@someone_else", None),
        ("今天推进顺利", None),
        (
            "延期 5 2027-03-31 上级主管部门尚未批复，需要延期三个月完成，特此申请。",
            ("extend", "5 2027-03-31 上级主管部门尚未批复，需要延期三个月完成，特此申请。"),
        ),
        ("延期 到明年完成", None),  # prose that starts with 延期: no task number follows
        ("销号 5", ("close", "5")),
    ],
)
def test_words_are_read_from_the_declarations(text: str, expected: tuple[str, str] | None) -> None:
    assert REGISTRY.recognise(text, "duban_bot") == expected


def test_who_may_run_what() -> None:
    assert allowed(REGISTRY.by_name["report"], REPORTER, in_group=False)
    assert not allowed(REGISTRY.by_name["report"], SECRETARIAT, in_group=False)
    assert allowed(REGISTRY.by_name["digest"], SECRETARIAT, in_group=False)
    assert allowed(REGISTRY.by_name["digest"], "", in_group=True)  # a bound secretariat chat
    assert not allowed(REGISTRY.by_name["unbind"], SECRETARIAT, in_group=True)
    assert allowed(REGISTRY.by_name["start"], "", in_group=False)


def test_a_command_declared_twice_is_refused_when_the_registry_is_built() -> None:
    one = Command("x", ("叉",), frozenset({REPORTER}), False, Argument.NONE, "/x", "x")
    with pytest.raises(ValueError, match="declared twice"):
        Registry.of((one,), (one,))


async def test_telegram_menus_are_set_from_the_declarations(db: str, tmp_path: Path) -> None:
    async with world(tmp_path, db) as w:
        private = w.tg.menus[("all_private_chats", "zh")]
        assert [name for name, _ in private] == [
            "report", "mytasks", "history", "cancel", "extend", "close", "board", "lang",
            "unbind", "help",
        ]  # fmt: skip
        assert dict(private)["report"] == "报送进展"
        group = dict(w.tg.menus[("all_group_chats", "en")])
        assert group["nudge"] == "Remind units that have not reported"
        assert "unbind" not in group
        assert ("all_private_chats", "") in w.tg.menus  # the deployment's language


async def test_the_emulator_refuses_a_menu_telegram_would_refuse() -> None:
    tg = TelegramEmulator()
    base = await tg.start()
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    try:
        with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
        with pytest.raises(TelegramBadRequest, match="too long"):
            await bot.set_my_commands([BotCommand(command="ok", description="x" * 257)])
    finally:
        await bot.session.close()
        await tg.stop()
