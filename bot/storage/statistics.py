"""Fresh planner statistics after a bulk change, on PostgreSQL.

PostgreSQL plans from statistics that autovacuum refreshes only after a while (a minute or
more): right after a dispatch has opened thousands of requests (for a plan whose import gave
a task hundreds of units), it would still plan the unit's part in a task as if the task had a
handful of assignments, and read them all for every reply (1 ms instead of 0.07 with 3 000
units on one task) exactly when the month's replies pour in. ``ANALYZE`` of the tables changed
samples them at once (milliseconds). SQLite plans from its indexes alone here and keeps no
statistics unless asked, so nothing is done there.
"""

from __future__ import annotations

from tortoise.models import Model


async def refresh_statistics(*models: type[Model]) -> None:
    """``ANALYZE`` the tables of ``models`` (PostgreSQL only)."""
    if not models:
        return
    db = models[0]._meta.db
    if str(db.capabilities.dialect) != "postgres":
        return
    tables = ", ".join(f'"{model._meta.db_table}"' for model in models)
    await db.execute_script(f"ANALYZE {tables}")
