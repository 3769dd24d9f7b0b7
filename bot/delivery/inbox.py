"""The inbox table in plain SQL: the statements the inbox worker runs for every update.

Each is one statement on SQLite and PostgreSQL alike, built from the model's column names with
bound values, so the hot path builds no ORM query: storing a batch is one ``INSERT … ON
CONFLICT DO NOTHING RETURNING``, a claim one ``UPDATE … RETURNING`` (its rows picked with ``FOR
UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer), marking a claimed batch handled one
``UPDATE … RETURNING`` that also re-checks the lease, and giving an update back one statement.
The worker itself (transactions, handlers, retries) is :mod:`bot.delivery.intake`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.delivery.outbox import on_postgres
from bot.domain.conversation import Inbound
from bot.people.binding import looks_like_code
from bot.storage.models import InboxUpdate

MAX_ATTEMPTS = 5  # an update that failed this often is given up (and apologised for)


class Marks:
    """Placeholders in the database's style: ``?`` on SQLite, ``$1, $2…`` on PostgreSQL."""

    def __init__(self) -> None:
        self.postgres = on_postgres()
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self(v) for v in values)


@dataclass(frozen=True, slots=True)
class Leased:
    """A claimed update: what handling it reads of its row (no ORM model is built on the hot
    path: a model's dates and fields cost more to build than the claim did)."""

    id: int
    channel: str
    external_key: str
    payload: dict[str, Any]
    person: str


COLUMNS = '"id", "channel", "external_key", "payload", "person"'  # Leased's fields


def _rows(found: list[dict[str, Any]]) -> list[Leased]:
    """The claimed rows, in id order (``RETURNING`` keeps none); the payload decoded as the
    model's field would."""
    payload = InboxUpdate._meta.fields_map["payload"]
    rows = [
        Leased(int(r["id"]), r["channel"], r["external_key"],
               payload.to_python_value(r["payload"]), r["person"])
        for r in found
    ]  # fmt: skip
    return sorted(rows, key=lambda r: r.id)


async def insert(channel: str, updates: list[tuple[str, Any, datetime, str]]) -> int:
    """Store ``(key, payload, received_at, person)`` rows; how many were new (a key already
    stored, here or concurrently elsewhere, is skipped by the database, not raised)."""
    payload = InboxUpdate._meta.fields_map["payload"]
    marks = Marks()
    values = ", ".join(
        f"({marks(channel)}, {marks(key)}, {marks(payload.to_db_value(p, InboxUpdate))}, "
        f"{marks(at)}, {marks(0)}, {marks(person)})"
        for key, p, at, person in updates
    )
    sql = (  # only placeholders are formatted in: the values are bound parameters
        'INSERT INTO "inbox_update" ("channel", "external_key", "payload", "received_at", '  # noqa: S608
        f'"attempts", "person") VALUES {values} '
        'ON CONFLICT ("channel", "external_key") DO NOTHING RETURNING "id"'
    )
    return len(await InboxUpdate._meta.db.execute_query_dict(sql, marks.values))


async def claim(
    channels: Collection[str],
    *,
    owner: str,
    now: datetime,
    until: datetime,
    limit: int,
    skip: Collection[int] = (),
) -> list[Leased]:
    """Lease to ``owner`` until ``until`` up to ``limit`` unhandled updates of ``channels``
    whose lease is free or expired at ``now``: each person's earliest only (so a person's
    updates go one at a time, in order), and updates of no known person. One statement.

    Taking over an expired lease counts an attempt: its holder died or hung while handling it,
    so an update that kills the process handling it is given up after ``MAX_ATTEMPTS`` and the
    person's later updates go on (a failure that raises is counted by :func:`give_back`)."""
    if not channels:
        return []
    marks = Marks()  # placeholders in the order they appear (SQLite's are positional)
    sql = (  # names and placeholders only: every value is bound
        f'UPDATE "inbox_update" SET "lease_owner" = {marks(owner)}, '  # noqa: S608
        '"attempts" = "attempts" + CASE WHEN "lease_owner" IS NULL THEN 0 ELSE 1 END, '
        f'"lease_until" = {marks(until)} WHERE "id" IN (SELECT "id" FROM "inbox_update" '
        f"WHERE {_pending(marks, channels)} "
        f'AND ("lease_until" IS NULL OR "lease_until" < {marks(now)}) '
        f'AND ("person" = \'\' OR "id" IN (SELECT MIN("id") FROM "inbox_update" '
        f'WHERE {_pending(marks, channels)} AND "person" <> \'\' GROUP BY "person"))'
        + (f' AND "id" NOT IN ({marks.many(sorted(skip))})' if skip else "")
        + f' ORDER BY "id" LIMIT {marks(limit)}'
        + (" FOR UPDATE SKIP LOCKED" if marks.postgres else "")
        + f") RETURNING {COLUMNS}"
    )
    return _rows(await InboxUpdate._meta.db.execute_query_dict(sql, marks.values))


def _pending(marks: Marks, channels: Collection[str]) -> str:
    """Not handled, not given up, of ``channels``."""
    return (
        f'"processed_at" IS NULL AND "attempts" < {marks(MAX_ATTEMPTS)} '
        f'AND "channel" IN ({marks.many(sorted(channels))})'
    )


async def mark_handled(
    ids: Collection[int], *, owner: str, processed_at: datetime, handled_at: datetime
) -> set[int]:
    """Mark the updates of ``ids`` still leased to ``owner`` handled at ``processed_at`` (the
    business clock; ``lease_until`` becomes ``handled_at``, the real time flood control counts
    from); the ids marked. Run inside the transaction that handles them: the lease re-check."""
    if not ids:
        return set()
    marks = Marks()
    sql = (  # names and placeholders only: every value is bound
        f'UPDATE "inbox_update" SET "processed_at" = {marks(processed_at)}, '  # noqa: S608
        f'"lease_until" = {marks(handled_at)} WHERE "id" IN ({marks.many(sorted(ids))}) '
        f'AND "lease_owner" = {marks(owner)} AND "processed_at" IS NULL RETURNING "id"'
    )
    found = await InboxUpdate._meta.db.execute_query_dict(sql, marks.values)
    return {int(r["id"]) for r in found}


async def give_back(row_id: int, *, owner: str, error: str, unmark: bool) -> int | None:
    """Count a failed attempt at an update leased to ``owner`` and release its lease (and,
    with ``unmark``, its mark of this transaction); its attempts so far, None when another
    worker holds it."""
    marks = Marks()
    sql = (  # names and placeholders only: every value is bound
        'UPDATE "inbox_update" SET "attempts" = "attempts" + 1, '  # noqa: S608
        f'"error" = {marks(error[:2000])}, "lease_owner" = NULL, "lease_until" = NULL'
        + (', "processed_at" = NULL' if unmark else "")
        + f' WHERE "id" = {marks(row_id)} AND "lease_owner" = {marks(owner)} RETURNING "attempts"'
    )
    found = await InboxUpdate._meta.db.execute_query_dict(sql, marks.values)
    return int(found[0]["attempts"]) if found else None


CODE_MARKER = "[bind code]"


def _scrub(value: Any, code: str) -> Any:
    """``value`` with every occurrence of ``code`` in its strings replaced by the marker."""
    if isinstance(value, str):
        return value.replace(code, CODE_MARKER)
    if isinstance(value, dict):
        return {k: _scrub(v, code) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, code) for v in value]
    return value


def redacted(payload: dict[str, Any], inbound: Inbound | None) -> dict[str, Any] | None:
    """The payload to keep once the update is handled, when it differs: a bind code
    (``/start CODE``, ``绑定 CODE``) is replaced, so a dump of the inbox hands out no valid
    code."""
    if inbound is None or inbound.kind != "command" or inbound.command != "start":
        return None
    code = inbound.args.strip()
    if not looks_like_code(code):
        return None  # ``/start a``: nothing a dump could hand out, and "a" is everywhere
    scrubbed: dict[str, Any] = _scrub(payload, code)
    return scrubbed
