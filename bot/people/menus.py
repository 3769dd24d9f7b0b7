"""Whose Telegram chat needs a menu of its own: the bound people whose role (or language) is
not the default private menu's, and those whose binding changed since a given point.

The channel (``channels/telegram/menu.py``) sets what this says; the feature never talks to
Telegram. Changes are found in the audit log (bind, unbind, revoke, a new language), so any
process can pick them up from where it last looked, and a process that starts looks at
everyone once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.commands import REPORTER
from bot.storage.models import AuditLog, Contact

CHANGES = ("bind.contact", "unbind", "revoke", "locale")
PREFIX = "telegram:"


@dataclass(frozen=True, slots=True)
class ChatMenu:
    """The menu one private chat should show: ``role`` None means the default again."""

    chat_id: int
    role: str | None
    locale: str


def _chat_id(identity: str) -> int | None:
    rest = identity.removeprefix(PREFIX)
    return int(rest) if identity.startswith(PREFIX) and rest.lstrip("-").isdecimal() else None


async def _current(identities: set[str]) -> dict[str, Contact]:
    rows = await Contact.filter(identity__in=list(identities), active=True).order_by("id")
    return {c.identity: c for c in rows}  # the newest binding last, so it wins


async def chat_menus(after: int, default_locale: str) -> tuple[int, list[ChatMenu]]:
    """``(last audit id seen, menus to set)``. ``after=0``: every bound Telegram person whose
    menu differs from the default (not a reporter, or another language); otherwise everyone
    whose binding changed after audit row ``after`` (back to the default when unbound)."""
    last = await AuditLog.all().order_by("-id").limit(1).values_list("id", flat=True)
    newest = int(str(last[0])) if last else 0
    if after <= 0:
        contacts = await Contact.filter(active=True, channel="telegram").order_by("id")
        current = {c.identity: c for c in contacts}
        wanted = {i for i, c in current.items() if c.role != REPORTER or c.locale != default_locale}
    else:
        rows = await AuditLog.filter(id__gt=after, id__lte=newest, action__in=CHANGES).values_list(
            "actor", "subject"
        )
        wanted = {str(v) for row in rows for v in row if str(v).startswith(PREFIX)}
        current = await _current(wanted)
    menus = []
    for identity in sorted(wanted):
        chat_id = _chat_id(identity)
        if chat_id is None:
            continue
        contact = current.get(identity)
        role = contact.role if contact is not None else None
        locale = contact.locale if contact is not None else default_locale
        menus.append(ChatMenu(chat_id, role, locale))
    return newest, menus
