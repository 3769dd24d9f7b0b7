"""Who receives what: the secretariat (its people and chats), a unit's reporters and leaders."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.storage.models import Assignment, ChatBinding, Contact, Task


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person or chat to send to, with the locale to write in."""

    identity: str
    locale: str
    key: str  # stable part of outbox keys: contact:5 / chat:3
    contact_id: int | None = None


async def secretariat(plan_id: int | None = None) -> list[Recipient]:
    """Every secretariat contact and bound secretariat chat; of the plan ``plan_id`` when
    given: those of that plan and the admins (bound to no plan)."""
    mine = Q(plan_id=None) | Q(plan_id=plan_id) if plan_id is not None else Q()
    people = await Contact.filter(mine, active=True, role="secretariat").order_by("id")
    chats = await ChatBinding.filter(mine, active=True, role="secretariat").order_by("id")
    return [Recipient(c.identity, c.locale, f"contact:{c.id}", c.id) for c in people] + [
        Recipient(c.identity, c.locale, f"chat:{c.id}") for c in chats
    ]


async def admins() -> list[Recipient]:
    """The deployment's admins: secretariat people and chats bound to no plan."""
    people = await Contact.filter(active=True, role="secretariat", plan_id=None).order_by("id")
    chats = await ChatBinding.filter(active=True, role="secretariat", plan_id=None).order_by("id")
    return [Recipient(c.identity, c.locale, f"contact:{c.id}", c.id) for c in people] + [
        Recipient(c.identity, c.locale, f"chat:{c.id}") for c in chats
    ]


async def unit_contacts(unit_ids: list[int], role: str) -> dict[int, list[Recipient]]:
    """Active contacts in ``role`` of each unit, reachable ones only."""
    found: dict[int, list[Recipient]] = {}
    for c in await Contact.filter(
        active=True, role=role, unit_id__in=unit_ids, unreachable_at=None
    ).order_by("id"):
        found.setdefault(c.unit_id or 0, []).append(
            Recipient(c.identity, c.locale, f"contact:{c.id}", c.id)
        )
    return found


async def refuse_other_plan(by: Contact | None, task_id: int) -> None:
    """Refused when ``by`` is the secretariat of another plan than the task's."""
    if by is None or by.plan_id is None:
        return
    if not await Task.filter(id=task_id, plan_id=by.plan_id).exists():
        raise RefusedError(
            msg(N_("That task belongs to another plan; its own secretariat decides."))
        )


async def sees_contact(plan_id: int | None, contact: Contact) -> bool:
    """Whether the secretariat of ``plan_id`` (None: the admin) sees ``contact``: the people
    of the units its plan asks, and its own secretariat."""
    if plan_id is None:
        return True
    if contact.unit_id is None:
        return contact.plan_id == plan_id
    return await Assignment.filter(
        unit_id=contact.unit_id, task__plan_id=plan_id, retired_at=None, task__retired_at=None
    ).exists()


async def sees_contact_id(plan_id: int | None, contact_id: int) -> bool:
    """Whether the secretariat of ``plan_id`` sees the active contact ``contact_id``."""
    contact = await Contact.get_or_none(id=contact_id, active=True)
    return contact is not None and await sees_contact(plan_id, contact)


def plan_scope(contact: Contact | None, chat: ChatBinding | None) -> int | None:
    """The one plan a secretariat sees (its group's, else its own), None: every plan."""
    if chat is not None and chat.role == "secretariat":
        return chat.plan_id
    return contact.plan_id if contact is not None and contact.role == "secretariat" else None
