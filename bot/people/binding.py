"""Binding people and chats to units and roles with single-use invite codes (绑定码)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.transactions import in_transaction

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.i18n import Translator
from bot.plans.units import find_unit
from bot.storage.models import (
    AuditLog,
    ChatBinding,
    Contact,
    ConversationState,
    Invite,
    OfferedOptions,
    Plan,
    Unit,
)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud without doubt
CODE_LENGTH = 10  # 30**10 ≈ 2**49: at least 40 bits, as the issue asks
INVITE_DAYS = 7


class ContactRole(StrEnum):
    """What a bound person does."""

    REPORTER = "reporter"  # 联络员
    LEADER = "leader"  # 领导
    SECRETARIAT = "secretariat"  # 秘书组


ROLE_LABELS = {
    ContactRole.REPORTER: N_("reporter"),
    ContactRole.LEADER: N_("leader"),
    ContactRole.SECRETARIAT: N_("secretariat"),
}


def normalise_code(code: str) -> str:
    """Codes are read case-insensitively, with spaces and dashes ignored."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    """Whether ``text`` has the form of a bind code (as typed: any case, spaces or dashes)."""
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def code_hash(code: str) -> str:
    """What is stored instead of the code."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewInvite:
    """A freshly created code: the only time it exists in clear."""

    code: str
    unit: str | None
    role: ContactRole
    expires_at: datetime
    name: str = ""


async def create_invite(
    unit_name: str | None,
    role: ContactRole,
    *,
    now: datetime,
    locale: str,
    days: int = INVITE_DAYS,
    actor: str = "cli",
    name: str = "",
    phone: str = "",
    plan_id: int | None = None,
) -> NewInvite:
    """Create a single-use code binding its redeemer to ``unit_name`` in ``role``.

    ``name`` and ``phone`` say whom the code is for (from a contacts sheet): the contact
    made when it is redeemed carries them. ``plan_id`` makes a secretariat code one plan's
    (its person or group sees that plan only); without it the secretariat is the deployment's
    admin, who sees every plan.
    """
    if plan_id is not None and role is not ContactRole.SECRETARIAT:
        raise RefusedError(msg(N_("Only a secretariat code is given for one plan.")))
    if plan_id is not None and not await Plan.filter(id=plan_id, retired_at=None).exists():
        raise RefusedError(msg(N_("There is no plan {plan}."), plan=plan_id))
    unit: Unit | None = None
    if unit_name:
        unit = await find_unit(unit_name)
    elif role is not ContactRole.SECRETARIAT:
        raise RefusedError(msg(N_("A reporter or leader code needs the unit it is for.")))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + timedelta(days=days)
    async with in_transaction():
        await Invite.create(
            code_hash=code_hash(code),
            unit=unit,
            role=role.value,
            name=name[:200],
            phone=phone[:32],
            locale=locale,
            created_by=actor,
            expires_at=expires_at,
            plan_id=plan_id,
        )
        await AuditLog.create(
            actor=actor,
            action="invite.create",
            subject=unit.name if unit else "",
            detail={
                "role": role.value,
                "expires_at": expires_at.isoformat(),
                "name": name,
                "plan": plan_id,
            },
        )
    return NewInvite(code, unit.name if unit else None, role, expires_at, name)


@dataclass(frozen=True, slots=True)
class BindOutcome:
    """Who or what got bound."""

    unit: str | None
    role: ContactRole
    chat: bool  # a group chat was bound, not a person
    replaced: str | None = None  # the unit of a binding this one replaced


async def peek_invite(code: str, *, now: datetime) -> tuple[str | None, ContactRole] | None:
    """The unit and role a usable code would bind to, without using it; None if unusable."""
    invite = await Invite.get_or_none(code_hash=code_hash(code)).select_related("unit")
    if invite is None or invite.revoked_at or invite.used_at or invite.expires_at <= now:
        return None
    return (invite.unit.name if invite.unit else None), ContactRole(invite.role)


async def redeem_invite(
    code: str,
    *,
    identity: str,
    channel: str,
    display_name: str,
    chat_identity: str,
    is_group: bool,
    now: datetime,
    hashed: bool = False,
) -> tuple[BindOutcome, Contact | ChatBinding]:
    """Use a code: bind the person (or, for a secretariat code in a group, the chat).

    ``code`` may also be given as its :func:`code_hash` (``hashed=True``): what a conversation
    keeps while it asks the person first, so the code itself is never stored.
    """
    digest = code if hashed else code_hash(code) if normalise_code(code) else ""
    if not digest:
        raise RefusedError(
            msg(N_("Send the code after the command, for example “/start ABCD234567”."))
        )
    async with in_transaction():
        invite = await Invite.get_or_none(code_hash=digest).select_related("unit")
        if invite is None:
            raise RefusedError(msg(N_("This code is not valid. Check it, or ask the secretariat.")))
        if invite.revoked_at is not None:
            raise RefusedError(msg(N_("This code was revoked. Ask the secretariat for a new one.")))
        if invite.used_at is not None:
            raise RefusedError(msg(N_("This code has already been used. Each code binds once.")))
        if invite.expires_at <= now:
            raise RefusedError(msg(N_("This code has expired. Ask the secretariat for a new one.")))
        role = ContactRole(invite.role)
        unit = invite.unit
        bound: Contact | ChatBinding
        if is_group:
            if role is not ContactRole.SECRETARIAT:
                raise RefusedError(
                    msg(N_("Reporter and leader codes are used in a private chat with me."))
                )
            bound = await _secretariat_chat(
                chat_identity, title=display_name, locale=invite.locale, plan_id=invite.plan_id
            )
            outcome = BindOutcome(None, role, chat=True)
        else:
            previous = await Contact.filter(identity=identity, active=True).select_related("unit")
            replaced = None
            for old in previous:
                replaced = old.unit.name if old.unit else ""
                old.active, old.left_at = False, now
                await old.save()
            contact = await Contact.create(
                unit=unit,
                role=role.value,
                identity=identity,
                channel=channel,
                display_name=(invite.name or display_name)[:200],
                phone=invite.phone,
                locale=invite.locale,
                plan_id=invite.plan_id,
            )
            outcome = BindOutcome(unit.name if unit else None, role, chat=False, replaced=replaced)
            bound = contact
        invite.used_at, invite.used_by = now, identity
        await invite.save()
        await AuditLog.create(
            actor=identity,
            action="bind.chat" if is_group else "bind.contact",
            subject=unit.name if unit else chat_identity,
            detail={"role": role.value},
        )
    return outcome, bound


async def bind_known(
    identity: str,
    *,
    unit: Unit | None,
    role: ContactRole,
    name: str,
    phone: str = "",
    locale: str,
    actor: str,
    via: str,
) -> Contact:
    """Bind a person whose account is already known (a WeCom userid): no code to type.

    Refused when the account is bound already; ``via`` (``import``, ``wecom-sync``) is noted
    in the audit log beside the role.
    """
    async with in_transaction():
        if await Contact.filter(identity=identity, active=True).exists():
            raise RefusedError(msg(N_("{account} is already bound."), account=identity))
        contact = await Contact.create(
            unit=unit,
            role=role.value,
            identity=identity,
            channel=identity.split(":", 1)[0],
            display_name=name[:200],
            phone=phone[:32],
            locale=locale,
        )
        await AuditLog.create(
            actor=actor,
            action="bind.contact",
            subject=unit.name if unit else identity,
            detail={"role": role.value, "via": via, "identity": identity, "name": name},
        )
    return contact


def contact_name(contact: Contact) -> str:
    """How a contact is shown to a person: the name, else the account without its channel."""
    return contact.display_name or contact.identity.split(":", 1)[-1]


async def unbind(contact: Contact, *, now: datetime, actor: str) -> None:
    """End a binding (the person left, or the secretariat revoked it)."""
    async with in_transaction():
        contact.active, contact.left_at = False, now
        await contact.save()
        await ConversationState.filter(identity=contact.identity).delete()
        await OfferedOptions.filter(identity=contact.identity).delete()
        await AuditLog.create(
            actor=actor,
            action="unbind" if actor == contact.identity else "revoke",
            subject=contact.identity,
            detail={"contact": contact.id},
        )


async def revoke_contact(contact_id: int, *, now: datetime, actor: str) -> Contact | None:
    """The secretariat ends a binding (``/revoke N``, ``duban revoke N``) and the person is told.

    None when no bound contact has that number. The notice goes through the outbox in the
    person's own language, in the same transaction as the unbinding.
    """
    async with in_transaction():
        contact = await Contact.get_or_none(id=contact_id, active=True).select_related("unit")
        if contact is None:
            return None
        await unbind(contact, now=now, actor=actor)
        theirs = Translator(contact.locale)
        unit = (
            contact.unit.name
            if contact.unit
            else theirs.gettext(ROLE_LABELS[ContactRole.SECRETARIAT])
        )
        notice = theirs.gettext("The secretariat has ended your binding to {unit}.", unit=unit)
        await enqueue(
            f"revoke:{contact.id}",
            contact.identity,
            Outbound(text=notice, recipient=contact.identity, locale=contact.locale),
            now=now,
            contact_id=contact.id,
        )
    return contact


async def active_contacts() -> list[Contact]:
    """Every bound person: the secretariat first, then by unit and role (alike on every
    database: SQLite sorts a NULL unit first, PostgreSQL last)."""
    people = await Contact.filter(active=True).select_related("unit")
    return sorted(
        people, key=lambda c: (c.unit is not None, c.unit.name if c.unit else "", c.role, c.id)
    )


async def open_invites(now: datetime) -> list[Invite]:
    """Codes not yet used, revoked or expired."""
    return (
        await Invite.filter(used_at=None, revoked_at=None, expires_at__gt=now)
        .select_related("unit")
        .order_by("created_at")
    )


async def bound_chats() -> list[ChatBinding]:
    """Active group chats."""
    return await ChatBinding.filter(active=True).order_by("id")


async def _secretariat_chat(
    identity: str, *, title: str, locale: str, plan_id: int | None = None
) -> ChatBinding:
    """The chat's binding as the secretariat's (of one plan, or of all), created or made
    active again."""
    binding = await ChatBinding.get_or_none(identity=identity)
    if binding is None:
        return await ChatBinding.create(
            identity=identity,
            channel=identity.split(":", 1)[0],
            title=title[:200],
            role=ContactRole.SECRETARIAT.value,
            locale=locale,
            plan_id=plan_id,
        )
    binding.active, binding.role, binding.locale = True, ContactRole.SECRETARIAT.value, locale
    binding.plan_id = plan_id
    binding.title = title[:200] or binding.title
    await binding.save()
    return binding


async def bind_chat(
    identity: str, *, title: str, locale: str, actor: str, plan_id: int | None = None
) -> ChatBinding:
    """Bind a group chat as the secretariat's (a WeCom app chat ``wecom:chat:ID`` from the CLI),
    of the plan ``plan_id`` only when given."""
    async with in_transaction():
        binding = await _secretariat_chat(identity, title=title, locale=locale, plan_id=plan_id)
        await AuditLog.create(
            actor=actor, action="bind.chat", subject=identity, detail={"title": title}
        )
    return binding


async def unbind_chat(identity: str, *, actor: str) -> bool:
    """Stop posting to a bound chat; False when it was not bound."""
    changed = await ChatBinding.filter(identity=identity, active=True).update(active=False)
    if changed:
        await AuditLog.create(actor=actor, action="unbind.chat", subject=identity)
    return bool(changed)


async def set_locale(bound: Contact | ChatBinding, locale: str) -> None:
    """The language a bound person or chat is written to from now on (/lang)."""
    bound.locale = locale
    await bound.save(update_fields=["locale"])
    # audited: a changed language changes the person's Telegram menu (people/menus.py)
    await AuditLog.create(actor=bound.identity, action="locale", subject=locale)
