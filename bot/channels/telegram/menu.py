"""Telegram's command menu (setMyCommands), built from the command declarations.

Private chats get the reporters' commands by default and groups the secretariat chat's, once in
the deployment's language, once in English and once in Chinese for clients set to them. A bound
leader or secretariat member (or anyone who chose another language with /lang) gets a menu of
their own in their chat (``BotCommandScopeChat``): set for everyone at start-up, then kept as
people bind, change role or unbind (``keep_chat_menus``, from the audit log, through
``people/menus.py``); an unbound chat falls back to the default.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from tortoise.exceptions import BaseORMException

from bot.conversation.registry import REGISTRY
from bot.domain.commands import REPORTER, SECRETARIAT
from bot.i18n import Translator
from bot.people.menus import ChatMenu, chat_menus

log = logging.getLogger(__name__)
MENU_EVERY = 30.0  # seconds between looks at the audit log for changed bindings


def _menu(translator: Translator, role: str, *, in_group: bool) -> list[BotCommand]:
    return [
        BotCommand(command=c.name, description=translator.gettext(c.menu))
        for c in REGISTRY.for_role(role, in_group=in_group)
        if c.name != "start"
    ]


async def set_menus(bot: Bot, default_locale: str) -> int:
    """Set the menus for private chats and groups, per language, then each bound person's own;
    the audit position from which :func:`keep_chat_menus` goes on."""
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
    return await sync_chat_menus(bot, default_locale, after=0)


async def set_chat_menu(bot: Bot, menu: ChatMenu) -> None:
    """One chat's menu: its person's role in their language, or the default again."""
    scope = BotCommandScopeChat(chat_id=menu.chat_id)
    if menu.role is None:
        await bot.delete_my_commands(scope=scope)
    else:
        await bot.set_my_commands(
            _menu(Translator(menu.locale), menu.role, in_group=False), scope=scope
        )


async def sync_chat_menus(bot: Bot, default_locale: str, *, after: int) -> int:
    """Set the menus of the chats whose binding changed after audit row ``after`` (everyone
    whose menu is not the default when ``after`` is 0); the new position. A chat Telegram
    refuses (blocked, deleted) is logged and skipped."""
    try:
        newest, menus = await chat_menus(after, default_locale)
    except BaseORMException as exc:  # the database away: the same chats next time
        log.warning("telegram menus not read: %s", exc)
        return after
    for menu in menus:
        try:
            await set_chat_menu(bot, menu)
        except TelegramAPIError as exc:
            log.warning("telegram menu of chat %s not set: %s", menu.chat_id, exc)
    return newest


async def keep_chat_menus(
    bot: Bot, default_locale: str, *, after: int, every: float = MENU_EVERY
) -> None:
    """Run for the life of the Telegram link: each ``every`` seconds, the changed chats."""
    while True:
        await asyncio.sleep(every)
        try:
            after = await sync_chat_menus(bot, default_locale, after=after)
        except TelegramAPIError as exc:  # the menu is a comfort: try again next time
            log.warning("telegram menus not kept: %s", exc)
