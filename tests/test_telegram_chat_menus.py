"""Each bound person's Telegram chat shows the menu of their role, in their language: set at
start-up, kept as people bind, change role and unbind (read from the audit log)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from aiogram import Bot

from bot.channels.telegram.menu import set_menus, sync_chat_menus
from bot.conversation.registry import REGISTRY
from bot.domain.commands import LEADER, SECRETARIAT
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from tests.dialogue import Dialogue, Person


class Recorder:
    """Stands in for aiogram's Bot at the edge: what would be sent to Telegram, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None, list[str]]] = []

    async def set_my_commands(
        self, commands: list[Any], scope: Any = None, language_code: str | None = None
    ) -> bool:
        target = str(getattr(scope, "chat_id", getattr(scope.type, "value", scope.type)))
        self.calls.append(("set", target, language_code, [c.command for c in commands]))
        return True

    async def delete_my_commands(self, scope: Any = None, language_code: str | None = None) -> bool:
        self.calls.append(("delete", str(scope.chat_id), language_code, []))
        return True

    def chats(self) -> list[tuple[str, str, list[str]]]:
        """The per-chat calls (action, chat, commands)."""
        return [(a, t, c) for a, t, _, c in self.calls if t.lstrip("-").isdecimal()]


def menu(role: str) -> list[str]:
    """The commands of a role's private menu, as the registry declares them."""
    return [c.name for c in REGISTRY.for_role(role) if c.name != "start"]


async def test_chat_menus_follow_bindings(db: str, sample_plan: Path, tmp_path: Path) -> None:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    reporter, leader = Person("telegram:1001"), Person("telegram:2001")
    secretary = Person("telegram:3001", language="en")
    for who, unit, role, locale in (
        (reporter, "县发改局", ContactRole.REPORTER, "zh_CN"),
        (leader, "县发改局", ContactRole.LEADER, "zh_CN"),
        (secretary, None, ContactRole.SECRETARIAT, "en"),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale=locale)
        await d.says(who, f"/start {invite.code}")
    bot = Recorder()
    after = await set_menus(cast(Bot, bot), "zh_CN")
    defaults = [(t, lang) for _, t, lang, _ in bot.calls[:6]]
    assert defaults == [
        ("all_private_chats", None), ("all_group_chats", None),
        ("all_private_chats", "en"), ("all_group_chats", "en"),
        ("all_private_chats", "zh"), ("all_group_chats", "zh"),
    ]  # fmt: skip
    chats = bot.chats()
    assert [(a, t) for a, t, _ in chats] == [("set", "2001"), ("set", "3001")]  # not the reporter
    assert chats[0][2] == menu(LEADER)
    assert chats[1][2] == menu(SECRETARIAT)
    # the leader unbinds: their chat goes back to the default menu; nothing else is touched
    bot.calls.clear()
    await d.says(leader, "/unbind")
    after = await sync_chat_menus(cast(Bot, bot), "zh_CN", after=after)
    assert bot.chats() == [("delete", "2001", [])]
    # the reporter binds a leader code (asked first): their chat gets the leader's menu
    bot.calls.clear()
    invite = await create_invite("县发改局", ContactRole.LEADER, now=d.clock(), locale="zh_CN")
    await d.says(reporter, f"/start {invite.code}")
    assert await sync_chat_menus(cast(Bot, bot), "zh_CN", after=after) >= after
    assert bot.chats() == []  # only asked so far: nothing changed
    await d.presses(reporter, "确定，使用新绑定码")
    await sync_chat_menus(cast(Bot, bot), "zh_CN", after=after)
    assert bot.chats() == [("set", "1001", menu(LEADER))]
    # the reporter, now a leader, switches to English: their chat's menu follows the language
    bot.calls.clear()
    after = await sync_chat_menus(cast(Bot, bot), "zh_CN", after=0)
    bot.calls.clear()
    await d.says(reporter, "/lang en")
    await sync_chat_menus(cast(Bot, bot), "zh_CN", after=after)
    assert bot.chats() == [("set", "1001", menu(LEADER))]
    assert [lang for _, t, lang, _ in bot.calls if t == "1001"] == [None]  # the chat's own scope
