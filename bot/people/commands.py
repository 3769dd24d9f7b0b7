"""The people feature's chat commands: binding, the secretariat's contacts, one's own settings."""

from __future__ import annotations

from bot.domain.commands import ANYONE, BOUND, SECRETARIAT, Argument, Command
from bot.domain.messages import N_

# Binding with a code: the first thing anyone sends.
BINDING: tuple[Command, ...] = (
    Command("start", ("绑定", "綁定", "bind"), ANYONE, True, Argument.TOKEN,
            N_("/start CODE (绑定 CODE) — bind yourself (or this group) with a code"),
            N_("Bind with a code")),
)  # fmt: skip

# The secretariat's view of who is bound.
CONTACTS: tuple[Command, ...] = (
    Command("contacts", ("联系人", "聯繫人"), frozenset({SECRETARIAT}), True, Argument.NONE,
            N_("/contacts (联系人) — who is bound, with their numbers"),
            N_("Who is bound")),
    Command("revoke", ("撤销", "撤銷"), frozenset({SECRETARIAT}), True, Argument.TOKEN,
            N_("/revoke N (撤销 N) — end the binding of contact N"),
            N_("End a binding")),
)  # fmt: skip

# A bound person's own settings, and the list of commands.
SETTINGS: tuple[Command, ...] = (
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
