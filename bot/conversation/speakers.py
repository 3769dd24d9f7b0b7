"""Who is speaking: each identity's newest active binding with its unit, their conversation
state, and whether a quarterly summary of their unit waits for them (draft or returned), for
one identity or a whole batch of updates in one statement.

The intake reads the speakers of a batch together (one person has at most one update in a
batch); a reporter's update changes no one else's binding, but a secretariat's or a leader's
may (/revoke, a returned summary), so after one of those the rest of the batch read their own,
as a lone update does. Columns come from the models, so a new field is read too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.storage.models import Contact, ConversationState, Unit

_MODELS = (("c_", Contact, "c"), ("u_", Unit, "u"), ("s_", ConversationState, "s"))


@dataclass(frozen=True, slots=True)
class Speaker:
    """One identity's binding (its unit loaded, as ``select_related`` would), state, and
    whether a summary of the unit waits for the reporter."""

    contact: Contact | None
    state: ConversationState | None
    summary_waiting: bool


@cache
def _speakers_sql(postgres: bool, count: int) -> str:
    """The statement for ``count`` identities: one row each, whichever of their binding,
    unit and state exist."""
    columns = ", ".join(
        f'{alias}."{column}" AS "{prefix}{column}"'
        for prefix, model, alias in _MODELS
        for column in sorted(model._meta.db_fields)
    )
    marks = [f"${n}" if postgres else "?" for n in range(1, count + 2)]
    given = ", ".join(f"({mark})" for mark in marks[:count])
    active = marks[count]
    # names come from the models; values are bound parameters
    return (
        f'WITH "me" ("identity") AS (VALUES {given}) '  # noqa: S608
        f'SELECT me."identity" AS "me", {columns}, '
        'EXISTS (SELECT 1 FROM "quarterly_summary" w WHERE w."unit_id" = c."unit_id" '
        "AND w.\"state\" IN ('draft', 'returned')) AS \"summary_waiting\" "
        'FROM "me" LEFT JOIN "contact" AS c ON c."id" = (SELECT MAX(k."id") FROM "contact" k '
        f'WHERE k."identity" = me."identity" AND k."active" = {active}) '
        'LEFT JOIN "unit" AS u ON u."id" = c."unit_id" '
        'LEFT JOIN "conversation_state" AS s ON s."identity" = me."identity"'
    )


async def speakers(identities: Collection[str]) -> dict[str, Speaker]:
    """Each identity's :class:`Speaker`, in one statement."""
    wanted = sorted(set(identities))
    if not wanted:
        return {}
    db = Contact._meta.db
    sql = _speakers_sql(str(db.capabilities.dialect) == "postgres", len(wanted))
    params: list[Any] = [*wanted, True]
    found: dict[str, Speaker] = {}
    for row in await db.execute_query_dict(sql, params):
        loaded: dict[str, Any] = {}
        for prefix, model, _ in _MODELS:
            if row[f"{prefix}id"] is None:
                loaded[prefix] = None
                continue
            fields = {column: row[f"{prefix}{column}"] for column in model._meta.db_fields}
            loaded[prefix] = model._init_from_db(**fields)
        contact, unit, state = loaded["c_"], loaded["u_"], loaded["s_"]
        if contact is not None:
            object.__setattr__(contact, "_unit", unit)  # what select_related("unit") leaves
        waiting = contact is not None and bool(row["summary_waiting"])
        found[str(row["me"])] = Speaker(contact, state, waiting)
    return found
