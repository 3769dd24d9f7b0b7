"""What a chat command is: its words, who may run it, its argument, its help; and the registry.

Each feature declares its own commands (``bot.<feature>.commands``); ``bot.conversation.registry``
gathers them into one :class:`Registry`, from which the router dispatches, ``/help`` lists, text
is recognised as a command (``/digest`` and 汇总 alike) and Telegram's command menu is set. Each
command names the roles that may run it in a private chat and whether a bound secretariat chat
(a group) may run it too. A secretariat command about one plan (``plan``) takes the plan's
short name or number as its first word (``/digest 教育``); where its word form is followed by
words no argument reads (``汇总 教育``), :meth:`Registry.with_plan` finds the command for the
router to check the plan's name against the active plans. A command of any role whose handler
reads an optional plan before its argument (``/history 教育 3``) has its word form with a plan
found by :meth:`Registry.with_plan_first` (``历史 教育 3``; its argument must follow).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

REPORTER, LEADER, SECRETARIAT = "reporter", "leader", "secretariat"
ANYONE = frozenset({"", REPORTER, LEADER, SECRETARIAT})  # "" is someone not bound yet
BOUND = frozenset({REPORTER, LEADER, SECRETARIAT})


class Argument(StrEnum):
    """What may follow a command word."""

    NONE = "none"
    TOKEN = "token"  # noqa: S105 - not a secret: a code, a number, a month, a format: [A-Za-z0-9_-]{1,40}
    NAME = "name"  # a token, or a unit's name after a space (``状态 县教育局``)
    TEXT = "text"  # a token, then anything: a number, a date, a reason (``延期 5 2027-03-31 …``)


@dataclass(frozen=True, slots=True)
class Command:
    """One chat command."""

    name: str  # the /name, also Telegram's menu entry
    words: tuple[str, ...]  # the words that stand for it where there is no menu (WeCom)
    roles: frozenset[str]  # who may run it in a private chat
    group: bool  # a bound secretariat chat may run it
    argument: Argument
    usage: str  # msgid of its /help line
    menu: str  # msgid of its Telegram menu description (short)
    plan: bool = False  # its first word may name a plan (a secretariat command about one plan)

    def takes(self, rest: str) -> bool:
        """Whether ``rest`` (what follows the command word and a space) is its argument."""
        return _takes(self.argument, rest, spaced=True)


_ARGUMENT = re.compile(r"[A-Za-z0-9_-]{1,40}")
_NAME_MAX = 40


def _takes(argument: Argument, rest: str, *, spaced: bool) -> bool:
    """Whether ``rest`` reads as an ``argument`` (after a space when ``spaced``)."""
    if not rest:
        return True
    if argument is Argument.NONE:
        return False
    if _ARGUMENT.fullmatch(rest):
        return True
    if argument is Argument.NAME:
        return spaced and len(rest) <= _NAME_MAX
    first = rest.split(maxsplit=1)[0]
    return argument is Argument.TEXT and spaced and bool(_ARGUMENT.fullmatch(first))


def allowed(command: Command, role: str, *, in_group: bool) -> bool:
    """Whether ``role`` (``""`` unbound) may run ``command`` here (a group: a secretariat chat)."""
    return command.group if in_group else role in command.roles


@dataclass(frozen=True, slots=True)
class Registry:
    """Every chat command, in the order /help and the menu list them."""

    commands: tuple[Command, ...]
    by_name: dict[str, Command] = field(init=False)
    _words: tuple[tuple[str, Command], ...] = field(init=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.commands]
        if len(set(names)) != len(names):
            raise ValueError(f"a command is declared twice: {sorted(names)}")
        object.__setattr__(self, "by_name", {c.name: c for c in self.commands})
        # the longest word first: 一键催办 before 催办
        words = sorted(((w, c) for c in self.commands for w in c.words), key=lambda p: -len(p[0]))
        object.__setattr__(self, "_words", tuple(words))

    @classmethod
    def of(cls, *groups: Iterable[Command]) -> Registry:
        """The registry of the features' declarations, in the order given."""
        return cls(tuple(command for group in groups for command in group))

    def for_role(self, role: str, *, in_group: bool = False) -> list[Command]:
        """The commands a role may run, in the declared order (what /help and the menu list)."""
        return [c for c in self.commands if allowed(c, role, in_group=in_group)]

    def recognise(self, text: str, bot_username: str | None = None) -> tuple[str, str] | None:
        """``(command, args)`` when ``text`` is a command (``/start X``, ``绑定 X``), else None."""
        stripped = text.strip()
        if not stripped:
            return None
        head, _, rest = stripped.partition(" ")
        if head.startswith("/") and len(head) > 1:
            name, _, addressee = head[1:].partition("@")
            if addressee and bot_username and addressee.lower() != bot_username.lower():
                return None
            return name.lower(), rest.strip()
        for word, command in self._words:
            if not stripped.startswith(word):
                continue
            rest = stripped[len(word) :].strip()
            spaced = stripped[len(word) : len(word) + 1].isspace()
            if _takes(command.argument, rest, spaced=spaced):
                return command.name, rest
        return None

    def with_plan(self, text: str) -> tuple[Command, str, str] | None:
        """``(command, first word, the rest)`` when ``text`` is the word form of a command
        about one plan, a space, then a word that may name a plan and what its argument takes
        (``汇总 教育 2026-10``); the caller checks that the word names an active plan."""
        stripped = text.strip()
        for word, command in self._words:
            if not command.plan or not stripped.startswith(word):
                continue
            after = stripped[len(word) :]
            if not after[:1].isspace():
                continue
            first, *rest = after.split(maxsplit=1)
            remainder = rest[0] if rest else ""
            return (command, first, remainder) if command.takes(remainder) else None
        return None

    def with_plan_first(self, text: str, name: str) -> tuple[str, str] | None:
        """``(first word, the rest)`` when ``text`` is the word form of the command ``name``, a
        space, a word that may name a plan, a space, then the command's argument (``历史 教育
        3``); the caller checks that the word names an active plan. Without the argument it is
        not the command (``历史 教育``: no task is numbered 教育), nor when another command's
        longer word starts the text."""
        stripped = text.strip()
        said = next((c for word, c in self._words if stripped.startswith(word)), None)
        if said is None or said.name != name:
            return None
        word = max((w for w in said.words if stripped.startswith(w)), key=len)
        after = stripped[len(word) :]
        if not after[:1].isspace():
            return None
        first, *rest = after.split(maxsplit=1)
        return (first, rest[0]) if rest and said.takes(rest[0]) else None
