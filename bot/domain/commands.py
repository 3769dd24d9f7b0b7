"""The chat commands, declared once: their words, who may run them, their argument, their help.

The router dispatches from this table, ``/help`` lists from it, text is recognised as a
command from it (``/digest`` and 汇总 alike), and Telegram's command menu is set from it. Each
command names the roles that may run it in a private chat and whether a bound secretariat
chat (a group) may run it too; the handler behind each name lives in ``bot.conversation.router``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.messages import N_

REPORTER, LEADER, SECRETARIAT = "reporter", "leader", "secretariat"
ANYONE = frozenset({"", REPORTER, LEADER, SECRETARIAT})  # "" is someone not bound yet
BOUND = frozenset({REPORTER, LEADER, SECRETARIAT})


class Argument(StrEnum):
    """What may follow a command word."""

    NONE = "none"
    TOKEN = "token"  # noqa: S105 - not a secret: a code, a number, a month, a format: [A-Za-z0-9_-]{1,40}
    NAME = "name"  # a token, or a unit's name after a space (``状态 县教育局``)


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


COMMANDS: tuple[Command, ...] = (
    Command("start", ("绑定", "綁定", "bind"), ANYONE, True, Argument.TOKEN,
            N_("/start CODE (绑定 CODE) — bind yourself (or this group) with a code"),
            N_("Bind with a code")),
    Command("report", ("报送", "報送"), frozenset({REPORTER}), False, Argument.NONE,
            N_("/report (报送) — report progress on your unit’s open requests"),
            N_("Report progress")),
    Command("mytasks", ("我的任务", "我的任務"), frozenset({REPORTER, LEADER}), False,
            Argument.NONE,
            N_("/mytasks (我的任务) — your unit’s tasks and their last status"),
            N_("My unit's tasks")),
    Command("history", ("历史", "歷史"), BOUND, True, Argument.TOKEN,
            N_("/history N (历史 N) — the reports on task N"),
            N_("Reports on a task")),
    Command("cancel", ("取消",), frozenset({REPORTER, LEADER}), False, Argument.NONE,
            N_("/cancel (取消) — abandon the report you are writing"),
            N_("Abandon the current step")),
    Command("contacts", ("联系人", "聯繫人"), frozenset({SECRETARIAT}), True, Argument.NONE,
            N_("/contacts (联系人) — who is bound, with their numbers"),
            N_("Who is bound")),
    Command("revoke", ("撤销", "撤銷"), frozenset({SECRETARIAT}), True, Argument.TOKEN,
            N_("/revoke N (撤销 N) — end the binding of contact N"),
            N_("End a binding")),
    Command("digest", ("汇总", "匯總"), frozenset({SECRETARIAT}), True, Argument.TOKEN,
            N_("/digest [YYYY-MM] (汇总) — the monthly digest with the filled table"),
            N_("The monthly digest")),
    Command("status", ("状态", "狀態"), frozenset({SECRETARIAT}), True, Argument.NAME,
            N_("/status [N|unit] (状态) — lights, one task, or one unit"),
            N_("Lights by task or unit")),
    Command("overdue", ("逾期",), frozenset({SECRETARIAT}), True, Argument.NONE,
            N_("/overdue (逾期) — tasks past their deadline, units past the due day"),
            N_("What is overdue")),
    Command("nudge", ("一键催办", "一鍵催辦", "催办", "催辦"), frozenset({SECRETARIAT}), True,
            Argument.NONE,
            N_("/nudge (一键催办) — remind every unit that has not reported"),
            N_("Remind units that have not reported")),
    Command("export", ("导出", "導出"), frozenset({SECRETARIAT}), True, Argument.TOKEN,
            N_("/export [xlsx|docx|png] (导出) — the table, the written material, the chart"),
            N_("The table, material or chart")),
    Command("lang", ("语言", "語言"), BOUND, True, Argument.TOKEN,
            N_("/lang zh_CN|zh_TW|en (语言) — the language I write in"),
            N_("The language I write in")),
    Command("unbind", ("解绑", "解綁"), BOUND, False, Argument.NONE,
            N_("/unbind (解绑) — stop receiving messages as {role}"),
            N_("Stop receiving messages")),
    Command("help", ("帮助", "幫助"), ANYONE, True, Argument.NONE,
            N_("/help (帮助) — this list"),
            N_("The commands")),
)  # fmt: skip
BY_NAME = {command.name: command for command in COMMANDS}
_ARGUMENT = re.compile(r"[A-Za-z0-9_-]{1,40}")
_NAME_MAX = 40


def allowed(command: Command, role: str, *, in_group: bool) -> bool:
    """Whether ``role`` (``""`` unbound) may run ``command`` here (a group: a secretariat chat)."""
    return command.group if in_group else role in command.roles


def for_role(role: str, *, in_group: bool = False) -> list[Command]:
    """The commands a role may run, in the table's order (what /help and the menu list)."""
    return [c for c in COMMANDS if allowed(c, role, in_group=in_group)]


def recognise(text: str, bot_username: str | None = None) -> tuple[str, str] | None:
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
    # the longest word first: 一键催办 before 催办
    words = sorted(((w, c) for c in COMMANDS for w in c.words), key=lambda p: -len(p[0]))
    for word, command in words:
        if not stripped.startswith(word):
            continue
        rest = stripped[len(word) :].strip()
        if not rest:
            return command.name, ""
        if command.argument is not Argument.NONE and _ARGUMENT.fullmatch(rest):
            return command.name, rest
        spaced = stripped[len(word) : len(word) + 1].isspace()
        if command.argument is Argument.NAME and spaced and len(rest) <= _NAME_MAX:
            return command.name, rest
    return None
