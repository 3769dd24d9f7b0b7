"""``duban --help`` in the deployment's locale: command and option help through gettext.

The help strings are the English docstrings and ``help=`` texts of the commands; they are
extracted into the catalogs by ``scripts/i18n.py cli`` (which walks this same command tree),
and translated here on the built command tree, so typer renders them as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.domain.messages import N_
from bot.i18n import Translator

# typer's own panel titles and markers, as module constants in typer.rich_utils
_TYPER_STRINGS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}


def walk(command: Any, path: str = "duban") -> Iterator[tuple[str, Any]]:
    """Every command of the tree with its path, the root first."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, f"{path} {name}")


def help_texts(command: Any) -> list[str]:
    """Every help string of the tree (for the catalogs)."""
    texts: list[str] = list(_TYPER_STRINGS.values())
    for _, cmd in walk(command):
        texts += [t for t in (cmd.help, cmd.short_help) if t]
        texts += [p.help for p in cmd.params if getattr(p, "help", None)]
    return list(dict.fromkeys(t.strip() for t in texts))


def localize_help(command: Any, translator: Translator) -> Any:
    """Translate the tree's help in place (English stays as written) and return it."""
    if translator.locale == "en":
        return command
    from typer import rich_utils  # noqa: PLC0415 - typer's help renderer, light

    for name, msgid in _TYPER_STRINGS.items():
        setattr(rich_utils, name, translator.gettext(msgid))
    for _, cmd in walk(command):
        cmd.help = translator.gettext(cmd.help.strip()) if cmd.help else cmd.help
        cmd.short_help = translator.gettext(cmd.short_help) if cmd.short_help else None
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = translator.gettext(param.help.strip())
    return command
