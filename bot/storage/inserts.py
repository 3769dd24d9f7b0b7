"""Rows inserted in one plain statement, built once per model, dialect and row count.

``Model.create`` builds its query anew for every row; on the hot paths (a report stored from
chat, its audit row, a batch's replies) that cost more than the database did. Here the
statement is fixed text with bound values, and each value is what the model's field would
write (``to_db_value``: its validation, ``auto_now_add``, JSON encoding), so a new column needs
no change. The instances come back saved, with their ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from tortoise.fields import Field
from tortoise.models import Model


@cache
def _fields(model: type[Model]) -> tuple[tuple[str, Field[Any]], ...]:
    """Every field but the generated key, in a fixed order."""
    meta = model._meta
    names = sorted(n for n in meta.fields_db_projection if n != meta.pk_attr)
    return tuple((n, meta.fields_map[n]) for n in names)


@cache
def _statement(model: type[Model], postgres: bool, count: int, conflict: str) -> str:
    meta = model._meta
    fields = _fields(model)
    columns = ", ".join(f'"{meta.fields_db_projection[n]}"' for n, _ in fields)
    width = len(fields)
    rows = ", ".join(
        "(" + ", ".join(f"${r * width + i}" if postgres else "?" for i in range(1, width + 1)) + ")"
        for r in range(count)
    )
    skip = f' ON CONFLICT ("{conflict}") DO NOTHING' if conflict else ""
    pk = meta.fields_db_projection[meta.pk_attr]
    # only names from the model and placeholders are formatted in; the values are bound
    return f'INSERT INTO "{meta.db_table}" ({columns}) VALUES {rows}{skip} RETURNING "{pk}"'  # noqa: S608


def insert_statement(*instances: Model, conflict: str = "") -> tuple[str, list[Any]]:
    """The statement :func:`insert` runs, with its values (to send with others in one trip:
    :func:`bot.storage.trips.together`; then :func:`inserted` gives the instances their ids)."""
    model = type(instances[0])
    postgres = str(model._meta.db.capabilities.dialect) == "postgres"
    values: list[Any] = []
    for instance in instances:
        values += [field.to_db_value(getattr(instance, n), instance) for n, field in _fields(model)]
    return _statement(model, postgres, len(instances), conflict), values


def inserted(
    instances: Sequence[Model], found: Sequence[dict[str, Any]], conflict: str = ""
) -> int:
    """How many rows the insert of ``instances`` made (``found``: its statement's rows); each
    instance gets its id where no conflict column was given."""
    if not conflict and instances:
        pk = instances[0]._meta.pk_attr
        _saved(instances, sorted(row[pk] for row in found))
    return len(found)


async def insert(*instances: Model, conflict: str = "") -> int:
    """Insert new ``instances`` of one model in one statement; how many were inserted.

    With ``conflict`` (a unique column) a row whose value is already there is skipped
    (``ON CONFLICT DO NOTHING``), and the instances are left as they were (which row was new
    is not read back). Without it, every instance gets its id: keys are drawn in the order
    of the rows (SQLite's rowid, PostgreSQL's sequence), whatever order RETURNING lists
    them in."""
    if not instances:
        return 0
    sql, values = insert_statement(*instances, conflict=conflict)
    found = await type(instances[0])._meta.db.execute_query_dict(sql, values)
    return inserted(instances, found, conflict)


def _saved(instances: Sequence[Model], ids: list[Any]) -> None:
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._saved_in_db = True
