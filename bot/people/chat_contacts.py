"""Secretariat commands (秘书组): who is bound (``/contacts``), ending a binding (``/revoke N``)."""

from __future__ import annotations

from bot.conversation.context import Handler, Turn
from bot.domain.payloads import is_id
from bot.people.binding import (
    ROLE_LABELS,
    ContactRole,
    active_contacts,
    contact_name,
    revoke_contact,
)
from bot.people.recipients import plan_scope, sees_contact, sees_contact_id


async def contacts(turn: Turn) -> None:
    """Every bound person with the number ``/revoke`` takes."""
    scope = plan_scope(turn.contact, turn.chat)
    people = [c for c in await active_contacts() if await sees_contact(scope, c)]
    if not people:
        turn.reply(turn._("Nobody is bound yet. Create codes with “duban invite”."))
        return
    lines = [
        f"#{c.id} {c.unit.name if c.unit else turn._('secretariat')} · "
        f"{turn._(ROLE_LABELS[ContactRole(c.role)])} · {contact_name(c)} · {c.channel}"
        + (" ⚠" if c.unreachable_at else "")
        for c in people
    ]
    turn.reply("\n".join(lines), title=turn._("Bound contacts ({count})", count=len(people)))


async def revoke(turn: Turn) -> None:
    """End a person's binding and tell them."""
    arg = turn.inbound.args.strip().lstrip("#")
    if not arg.isdecimal() or len(arg) > 10 or not is_id(int(arg)):
        turn.reply(turn._("Send the contact number from /contacts, for example “/revoke 12”."))
        return
    scope = plan_scope(turn.contact, turn.chat)
    contact = (
        await revoke_contact(int(arg), now=turn.now, actor=turn.inbound.identity)
        if await sees_contact_id(scope, int(arg))
        else None
    )
    if contact is None:
        turn.reply(turn._("No bound contact has the number {number}.", number=arg))
        return
    unit = contact.unit.name if contact.unit else turn._("secretariat")
    turn.reply(turn._("The binding of #{number} ({unit}) has ended.", number=arg, unit=unit))


HANDLERS: dict[str, Handler] = {
    "contacts": contacts,
    "revoke": revoke,
}
