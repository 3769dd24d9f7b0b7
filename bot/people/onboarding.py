"""Bulk onboarding from a contacts sheet: bind known WeCom accounts, create the other codes.

All or nothing: every row is checked first (its unit exists, its person is not twice in the
sheet nor bound elsewhere) and every problem is reported at once; only a clean sheet is
applied, in one transaction, together with writing the printable invitations.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, Message, msg
from bot.domain.roster import RosterRow, duplicate_problems
from bot.people.binding import INVITE_DAYS, ContactRole, NewInvite, bind_known, create_invite
from bot.plans.units import UnitIndex
from bot.storage.models import Contact, Invite, Unit

BIND = "bind"  # a WeCom userid is known: bound now, no code
INVITE = "invite"  # a code to hand out
BOUND = "bound"  # already bound like this: nothing to do
INVITED = "invited"  # an open code exists for this person: skipped unless reissued
ACTIONS = (BIND, INVITE, BOUND, INVITED)


class SheetRefusedError(RefusedError):
    """The sheet has problems; ``problems`` lists every one, each naming its row."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__(
            msg(
                N_("{count} problems in the sheet; nothing was imported."),
                count=len(problems),
            )
        )
        self.problems = problems


@dataclass(slots=True)
class Step:
    """What importing one row does."""

    row: RosterRow
    unit: Unit | None
    action: str
    invites: list[Invite] = field(default_factory=list)  # open codes a reissue revokes


@dataclass(slots=True)
class Imported:
    """What an import did: the steps, and the codes created (the only time they are clear)."""

    steps: list[Step]
    codes: list[tuple[Step, NewInvite]]

    def count(self, action: str) -> int:
        """Rows that took ``action``."""
        return sum(1 for s in self.steps if s.action == action)


def unit_label(unit: Unit | None) -> str:
    """A step's unit as shown (the secretariat has none)."""
    return unit.name if unit else ""


async def plan_import(
    people: list[RosterRow], *, now: datetime, reissue: bool = False
) -> list[Step]:
    """Check every row against what is stored; refuse with every problem at once."""
    index = await UnitIndex.load()
    problems: list[Message] = []
    units: dict[int, Unit | None] = {}
    for person in people:
        if not person.unit:
            units[person.line] = None
            continue
        unit = index.get(person.unit)
        if unit is None:
            problems.append(_unknown_unit(person, index.suggest(person.unit)))
        units[person.line] = unit
    names = {line: unit.name for line, unit in units.items() if unit is not None}
    problems += duplicate_problems(people, names)
    steps: list[Step] = []
    for person in people:
        if not person.ok or (person.unit and units[person.line] is None):
            continue
        step = await _step(person, units[person.line], now=now, reissue=reissue)
        if isinstance(step, Message):
            problems.append(step)
        else:
            steps.append(step)
    if problems:
        problems.sort(key=_row_of)
        raise SheetRefusedError(problems)
    return steps


def _row_of(problem: Message) -> int:
    row = problem.params.get("row", 0)
    return row if isinstance(row, int) else 0


def _unknown_unit(person: RosterRow, suggestions: list[str]) -> Message:
    if suggestions:
        return msg(
            N_("Row {row}: there is no unit “{unit}”; did you mean {suggestions}?"),
            row=person.line,
            unit=person.unit,
            suggestions="、".join(f"“{s}”" for s in suggestions),
        )
    return msg(N_("Row {row}: there is no unit “{unit}”."), row=person.line, unit=person.unit)


async def _step(
    person: RosterRow, unit: Unit | None, *, now: datetime, reissue: bool
) -> Step | Message:
    unit_id = unit.id if unit else None
    account = (
        f"wecom:{person.wecom}"
        if person.wecom
        else f"telegram:{person.telegram}"
        if person.telegram.isdecimal()
        else None
    )
    if account is not None:
        bound = await Contact.filter(identity=account, active=True).select_related("unit").first()
        if bound is not None:
            if bound.unit_id == unit_id and bound.role == person.role:
                return Step(person, unit, BOUND)
            return msg(
                N_("Row {row}: {account} is already bound to {unit} (contact #{number})."),
                row=person.line,
                account=person.wecom or f"Telegram {person.telegram}",
                unit=bound.unit.name if bound.unit else "—",
                number=bound.id,
            )
    if person.wecom:
        return Step(person, unit, BIND)
    if person.name:
        same = Contact.filter(active=True, unit_id=unit_id, role=person.role)
        if await same.filter(display_name=person.name).exists():
            return Step(person, unit, BOUND)
    if person.phone:
        other = await Contact.filter(active=True, phone=person.phone).select_related("unit").first()
        if other is not None:
            return msg(
                N_("Row {row}: the phone {phone} is already bound to {unit} (contact #{number})."),
                row=person.line,
                phone=person.phone,
                unit=other.unit.name if other.unit else "—",
                number=other.id,
            )
    open_codes = (
        await Invite.filter(
            unit_id=unit_id,
            role=person.role,
            name=person.name,
            used_at=None,
            revoked_at=None,
            expires_at__gt=now,
        )
        if person.name
        else []
    )
    if open_codes and not reissue:
        return Step(person, unit, INVITED, open_codes)
    return Step(person, unit, INVITE, open_codes)


async def apply_import(
    steps: list[Step],
    *,
    now: datetime,
    locale: str,
    days: int = INVITE_DAYS,
    actor: str = "cli",
    publish: Callable[[list[tuple[Step, NewInvite]]], Awaitable[None]] | None = None,
) -> Imported:
    """Bind and invite as planned, in one transaction; ``publish`` writes the codes down.

    ``publish`` runs inside the transaction: if the invitation sheet cannot be written, no
    code exists that nobody can read.
    """
    codes: list[tuple[Step, NewInvite]] = []
    async with in_transaction():
        for step in steps:
            person = step.row
            if step.action == BIND:
                await bind_known(
                    f"wecom:{person.wecom}",
                    unit=step.unit,
                    role=ContactRole(person.role),
                    name=person.name,
                    phone=person.phone,
                    locale=locale,
                    actor=actor,
                    via="import",
                )
            elif step.action == INVITE:
                for old in step.invites:
                    old.revoked_at = now
                    await old.save(update_fields=["revoked_at"])
                created = await create_invite(
                    step.unit.name if step.unit else None,
                    ContactRole(person.role),
                    now=now,
                    locale=locale,
                    days=days,
                    actor=actor,
                    name=person.name,
                    phone=person.phone,
                )
                codes.append((step, created))
        if publish is not None and codes:
            await publish(codes)
    return Imported(steps, codes)
