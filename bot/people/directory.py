"""The WeCom address book (通讯录) beside our contacts: real names, and userids offered per unit.

A department is taken for a unit when its name is the unit's name or alias, or the same agency
written at another level (教育局 for 县教育局); a department below one inherits its unit (the
办公室 of 县教育局 belongs to 县教育局). Its members who are not bound are offered; a pending code
made for a person of that name in that unit (from a contacts sheet) can be replaced by binding
the member directly. Nothing here talks to WeCom: the caller fetches the book.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from bot.people.binding import ContactRole, bind_known
from bot.plans.units import UnitIndex
from bot.storage.models import AuditLog, Contact, Invite, Unit

NEW, INVITED, BOUND = "new", "invited", "bound"


@dataclass(frozen=True, slots=True)
class Department:
    """A department of the corp."""

    id: int
    name: str
    parent: int
    leaders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Member:
    """A member the app may see."""

    userid: str
    name: str
    departments: tuple[int, ...]


@dataclass(slots=True)
class AddressBook:
    """Departments by id, members by userid."""

    departments: dict[int, Department]
    members: dict[str, Member]

    @classmethod
    def from_api(
        cls, departments: Iterable[dict[str, Any]], members: Iterable[dict[str, Any]]
    ) -> AddressBook:
        """From ``department/list`` and ``user/simplelist`` answers (a member once per dept)."""
        book = cls(
            {
                int(d["id"]): Department(
                    int(d["id"]),
                    str(d.get("name") or d["id"]),
                    int(d.get("parentid") or 0),
                    tuple(str(u) for u in d.get("department_leader") or ()),
                )
                for d in departments
            },
            {},
        )
        for m in members:
            userid = str(m["userid"])
            known = book.members.get(userid)
            deps = tuple(int(d) for d in m.get("department") or ())
            merged = tuple(dict.fromkeys((*(known.departments if known else ()), *deps)))
            book.members[userid] = Member(userid, str(m.get("name") or userid), merged)
        return book


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A member offered for a unit."""

    unit: str
    department: str
    userid: str
    name: str
    role: str | None  # leader for a department head; the waiting code's role when there is one
    status: str  # new | invited (a code waits for this name) | bound (just bound, with --bind)
    exact: bool  # the department (or one above it) is named as the unit, not its agency alone


@dataclass(slots=True)
class Synced:
    """What a sync found and did."""

    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (userid, old, new)
    missing: list[Contact] = field(default_factory=list)  # bound, but not in the book
    suggestions: list[Suggestion] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # departments that match no unit


def department_units(book: AddressBook, index: UnitIndex) -> dict[int, tuple[Unit, bool]]:
    """Each department's unit, and True when its name (or the name of one above) is the
    unit's name or alias; False when only the agency matches (教育局 for 县教育局)."""
    found: dict[int, tuple[Unit, bool] | None] = {}

    def unit_of(dep_id: int, trail: frozenset[int] = frozenset()) -> tuple[Unit, bool] | None:
        if dep_id in found:
            return found[dep_id]
        department = book.departments.get(dep_id)
        if department is None or dep_id in trail:
            return None
        own = index.get(department.name)
        result: tuple[Unit, bool] | None = (own, True) if own is not None else None
        if result is None:
            above = unit_of(department.parent, trail | {dep_id})
            same = index.same_agency(department.name)
            result = above if above else (same, False) if same else None
        found[dep_id] = result
        return result

    return {d: r for d in book.departments if (r := unit_of(d)) is not None}


async def sync_address_book(
    book: AddressBook, *, now: datetime, bind: bool = False, unit: Unit | None = None
) -> Synced:
    """Fill bound WeCom contacts' names from the book; offer (and with ``bind``, bind) members."""
    result = Synced()
    lowered = {userid.lower(): m for userid, m in book.members.items()}
    bound_ids: set[str] = set()
    async with in_transaction():
        for contact in await Contact.filter(active=True, channel="wecom").select_related("unit"):
            userid = contact.identity.split(":", 1)[1]
            bound_ids.add(userid.lower())
            member = lowered.get(userid.lower())
            if member is None:
                result.missing.append(contact)
            elif member.name not in (member.userid, contact.display_name):
                result.renamed.append((userid, contact.display_name, member.name))
                await AuditLog.create(
                    actor="wecom-sync",
                    action="contact.rename",
                    subject=contact.identity,
                    detail={"contact": contact.id, "old": contact.display_name, "new": member.name},
                )
                contact.display_name = member.name[:200]
                await contact.save(update_fields=["display_name"])
        index = await UnitIndex.load()
        units = department_units(book, index)
        result.unmatched = sorted(
            d.name for i, d in book.departments.items() if i not in units and d.parent
        )
        waiting = (
            await Invite.filter(
                used_at=None, revoked_at=None, expires_at__gt=now, unit_id__not_isnull=True
            )
            .filter(name__not="")
            .select_related("unit")
        )
        result.suggestions = _suggest(book, units, bound_ids, waiting, unit)
        if bind:
            result.suggestions = await _bind(result.suggestions, waiting, now=now)
    return result


def _suggest(
    book: AddressBook,
    units: dict[int, tuple[Unit, bool]],
    bound_ids: set[str],
    waiting: list[Invite],
    only: Unit | None,
) -> list[Suggestion]:
    codes = {(i.unit.name, i.name): i for i in waiting if i.unit is not None}
    offered: dict[tuple[str, str], Suggestion] = {}
    for member in sorted(book.members.values(), key=lambda m: m.userid):
        if member.userid.lower() in bound_ids:
            continue
        for dep_id in member.departments:
            if dep_id not in units:
                continue
            unit, exact = units[dep_id]
            if (only is not None and unit.id != only.id) or (unit.name, member.userid) in offered:
                continue
            department = book.departments[dep_id]
            code = codes.get((unit.name, member.name))
            role = (
                code.role
                if code
                else ContactRole.LEADER.value
                if member.userid in department.leaders
                else None
            )
            offered[(unit.name, member.userid)] = Suggestion(
                unit.name,
                department.name,
                member.userid,
                member.name,
                role,
                INVITED if code else NEW,
                exact,
            )
    return sorted(offered.values(), key=lambda s: (s.unit, s.status != INVITED, s.userid))


async def _bind(
    suggestions: list[Suggestion], waiting: list[Invite], *, now: datetime
) -> list[Suggestion]:
    """Bind each member a code waits for, when the name is unique in the unit's departments."""
    same_name: dict[tuple[str, str], int] = {}
    for s in suggestions:
        same_name[(s.unit, s.name)] = same_name.get((s.unit, s.name), 0) + 1
    codes = {(i.unit.name, i.name): i for i in waiting if i.unit is not None}
    done: list[Suggestion] = []
    for s in suggestions:
        invite = codes.pop((s.unit, s.name), None) if s.status == INVITED and s.exact else None
        if invite is None or same_name[(s.unit, s.name)] > 1:
            done.append(s)
            continue
        await bind_known(
            f"wecom:{s.userid}",
            unit=invite.unit,
            role=ContactRole(invite.role),
            name=s.name,
            phone=invite.phone,
            locale=invite.locale,
            actor="cli",
            via="wecom-sync",
        )
        invite.used_at, invite.used_by = now, f"wecom:{s.userid}"
        await invite.save(update_fields=["used_at", "used_by"])
        done.append(Suggestion(s.unit, s.department, s.userid, s.name, invite.role, BOUND, True))
    return done
