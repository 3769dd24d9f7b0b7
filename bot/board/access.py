"""Who may look at the board: one-time sign-in links, the sessions they open, the viewer.

A link is sent in chat (``/board``, 看板) to a bound contact; opening it once exchanges it for
a session (a cookie in the browser). Inside WeCom, WeCom's web authorisation names the member
instead (:mod:`bot.board.oauth`). Only SHA-256 hashes of the tokens are stored. Each request
reads the session back as a :class:`Viewer`: the contact's role and the units it may see,
exactly as the chat scopes them: the secretariat sees every unit; a unit's reporter or
leader its unit and the collectives it belongs to (one bound to no unit may not look). A plan's
secretariat (bound with ``--plan``) sees that plan only; the deployment's admin every plan.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.people.binding import ContactRole
from bot.reporting.history import unit_scope
from bot.storage.models import BoardLink, BoardSession, Contact

LINK_TTL = timedelta(minutes=15)  # a link is for opening now, not for keeping
SESSION_TTL = timedelta(hours=8)  # a working day on one sign-in
BOARD_ROLES = frozenset({ContactRole.SECRETARIAT, ContactRole.LEADER, ContactRole.REPORTER})


def _utc(now: datetime) -> datetime:
    """Stored times are compared in UTC (SQLite compares their text)."""
    return now.astimezone(UTC)


def token_hash(token: str) -> str:
    """What is stored instead of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, and what they may see."""

    contact_id: int
    name: str
    role: str
    locale: str
    units: frozenset[int] | None  # the units whose tasks they see; None: every unit
    plan: int | None = None  # a plan's secretariat: the one plan it sees; None: every plan

    @property
    def wide(self) -> bool:
        """Sees the whole plan (the secretariat): every unit's words, rates and downloads."""
        return self.units is None

    def sees_unit(self, unit_id: int) -> bool:
        """Whether the unit's page is theirs to see."""
        return self.units is None or unit_id in self.units

    def sees_plan(self, plan_id: int) -> bool:
        """Whether a plan's secretariat may see the plan: its own only (every plan passes for the
        admin and for a unit's viewer, whose units' tasks decide instead)."""
        return self.plan is None or plan_id == self.plan


async def _allowed(contact_id: int) -> Contact | None:
    """The contact, when it is still bound in a role that may look at the board."""
    contact = await Contact.get_or_none(id=contact_id, active=True)
    if contact is None or contact.role not in BOARD_ROLES:
        return None
    if contact.role != ContactRole.SECRETARIAT and contact.unit_id is None:
        return None
    return contact


async def issue_link(contact_id: int, *, now: datetime) -> str:
    """A new one-time sign-in token for the contact (the only time it exists in clear)."""
    now = _utc(now)
    token = secrets.token_urlsafe(32)
    await BoardLink.filter(expires_at__lt=now - SESSION_TTL).delete()  # old rows go
    await BoardLink.create(
        token_hash=token_hash(token), contact_id=contact_id, expires_at=now + LINK_TTL
    )
    return token


async def link_open(token: str, *, now: datetime) -> bool:
    """Whether the link can still be used (read only: opening the page spends nothing)."""
    now = _utc(now)
    return await BoardLink.filter(
        token_hash=token_hash(token), used_at=None, expires_at__gt=now
    ).exists()


async def redeem_link(token: str, *, now: datetime) -> str | None:
    """Spend the link for a new session token; None when it is unknown, used or expired.

    The spending is one conditional UPDATE, so two browsers racing on one link get one
    session between them.
    """
    hashed, now = token_hash(token), _utc(now)
    spent = await BoardLink.filter(token_hash=hashed, used_at=None, expires_at__gt=now).update(
        used_at=now
    )
    if not spent:
        return None
    link = await BoardLink.get(token_hash=hashed)
    return await open_session(link.contact_id, via="link", now=now)


async def open_session(contact_id: int, *, via: str, now: datetime) -> str | None:
    """A session for the contact (None when it may not look at the board)."""
    now = _utc(now)
    if await _allowed(contact_id) is None:
        return None
    token = secrets.token_urlsafe(32)
    await BoardSession.filter(expires_at__lt=now).delete()
    await BoardSession.create(
        token_hash=token_hash(token), contact_id=contact_id, via=via, expires_at=now + SESSION_TTL
    )
    return token


async def wecom_session(userid: str, *, now: datetime) -> str | None:
    """A session for the WeCom member ``userid`` (None when they are not bound)."""
    contact = await Contact.filter(identity=f"wecom:{userid}", active=True).order_by("-id").first()
    if contact is None:
        return None
    return await open_session(contact.id, via="wecom", now=now)


async def viewer(token: str, *, now: datetime) -> Viewer | None:
    """The viewer of a session token; None when unknown, expired or no longer bound."""
    if not token or len(token) > 100:
        return None
    session = await BoardSession.get_or_none(token_hash=token_hash(token), expires_at__gt=_utc(now))
    if session is None:
        return None
    contact = await _allowed(session.contact_id)
    if contact is None:
        return None
    units = None
    if contact.role != ContactRole.SECRETARIAT:
        assert contact.unit_id is not None  # _allowed refuses a unit's role without a unit
        units = frozenset(await unit_scope(contact.unit_id))  # a unit's reporter or leader
    return Viewer(
        contact_id=contact.id,
        name=contact.display_name,
        role=contact.role,
        locale=contact.locale,
        units=units,
        plan=contact.plan_id if contact.role == ContactRole.SECRETARIAT else None,
    )


async def sign_out(token: str) -> None:
    """End the session of ``token`` (nothing when there is none)."""
    await BoardSession.filter(token_hash=token_hash(token)).delete()
