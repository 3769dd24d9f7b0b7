"""Telegram's command menu (setMyCommands), built from the command declarations.

Private chats get the reporters' commands (most people there are reporters; others find theirs
with /help), groups the secretariat chat's; once in the deployment's language, once in English
and once in Chinese for clients set to them.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.conversation.registry import REGISTRY
from bot.domain.commands import REPORTER, SECRETARIAT
from bot.i18n import Translator


def _menu(translator: Translator, role: str, *, in_group: bool) -> list[BotCommand]:
    return [
        BotCommand(command=c.name, description=translator.gettext(c.menu))
        for c in REGISTRY.for_role(role, in_group=in_group)
        if c.name != "start"
    ]


async def set_menus(bot: Bot, default_locale: str) -> None:
    """Set the menus for private chats and groups, per language."""
    chinese = default_locale if default_locale.startswith("zh") else "zh_CN"
    for language, locale in ((None, default_locale), ("en", "en"), ("zh", chinese)):
        translator = Translator(locale)
        await bot.set_my_commands(
            _menu(translator, REPORTER, in_group=False),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=language,
        )
        await bot.set_my_commands(
            _menu(translator, SECRETARIAT, in_group=True),
            scope=BotCommandScopeAllGroupChats(),
            language_code=language,
        )
