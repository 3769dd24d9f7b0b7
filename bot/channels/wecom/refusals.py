"""Whether WeCom refuses this deployment's template cards, kept in the database.

WeCom refuses a card for reasons that are the deployment's, not the member's: a 政务微信 build
without 模板卡片 (40008, an unknown message type), an app without a callback URL, a value it
finds out of range (40058). The channel then sends that step as numbered text at once and notes
here that cards are refused, so the steps after it go as numbered text too. The note is an
audit-log row (any process may become the channel's sender, so it cannot live in one process's
memory); it holds for the configuration it was made under (corp, app, API host) and for
senders started before it: a restart, or a changed configuration, tries cards again (one more
refusal, and the note is made again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.storage.models import AuditLog

ACTION = "wecom.cards_refused"


def configuration(corp_id: str, agent_id: int, api_base: str) -> str:
    """What the note is about: one corp's app on one API host."""
    return f"{corp_id}:{agent_id}@{api_base.rstrip('/')}"[:200]


async def cards_refused(config: str, since: datetime) -> dict[str, Any] | None:
    """The latest refusal noted for ``config`` from ``since`` on (errcode, errmsg), if any."""
    row = (
        await AuditLog.filter(action=ACTION, subject=config, at__gte=since).order_by("-id").first()
    )
    return dict(row.detail) if row is not None else None


async def note_cards_refused(config: str, *, code: int | None, message: str) -> None:
    """WeCom refused a card under ``config``: later steps go as numbered text."""
    await AuditLog.create(
        actor="outbox",
        action=ACTION,
        subject=config,
        detail={"errcode": code, "errmsg": message[:200]},
    )
