"""Contacts who can no longer be reached: a permanent delivery failure marks the contact and
tells the secretariat, once."""

from __future__ import annotations

from datetime import datetime

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.i18n import Translator
from bot.people import recipients
from bot.storage.models import AuditLog, Contact


async def mark_unreachable(identity: str, *, now: datetime, reason: str) -> int:
    """A permanent delivery failure: mark the contact and tell the secretariat, once."""
    changed = 0
    for contact in await Contact.filter(
        identity=identity, active=True, unreachable_at=None
    ).select_related("unit"):
        contact.unreachable_at = now
        await contact.save(update_fields=["unreachable_at"])
        await AuditLog.create(
            actor="outbox",
            action="contact.unreachable",
            subject=identity,
            detail={"reason": reason[:500]},
        )
        changed += 1
        for person in await recipients.secretariat():
            if person.identity == identity:
                continue
            tr = Translator(person.locale)
            text = tr.gettext(
                "Contact #{number} ({unit}, {name}, {channel}) can no longer be reached: "
                "{reason}. Ask them to bind again, or bind someone else.",
                number=contact.id,
                unit=contact.unit.name if contact.unit else tr.gettext("secretariat"),
                name=contact.display_name or "—",
                channel=contact.channel,
                reason=reason[:200],
            )
            await enqueue(
                f"unreachable:{contact.id}:{person.key}", person.identity,
                Outbound(text=text, locale=tr.locale), now=now, contact_id=person.contact_id,
            )  # fmt: skip
    return changed
