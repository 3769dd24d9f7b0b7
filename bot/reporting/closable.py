"""After a report: which of the requests just answered may go on to close their task (销号).

A request qualifies when its unit leads the task itself (a collective's member does not), its
newest report says done, and no request to close the task is waiting or granted. The button
it earns is only an offer: ``bot.oversight.closing`` checks everything again when pressed.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.reporting import Status
from bot.reporting.plainsql import rows

CLOSABLE_SQL = (
    'SELECT q."id", t."number" FROM "report_request" q JOIN "task" t ON t."id" = q."task_id" '
    'WHERE q."id" IN ({ids}) AND q."unit_id" = ? '
    'AND EXISTS (SELECT 1 FROM "assignment" a WHERE a."task_id" = q."task_id" '
    'AND a."unit_id" = q."unit_id" AND a."role" = \'lead\' AND a."retired_at" IS NULL) '
    'AND NOT EXISTS (SELECT 1 FROM "task_closure" c WHERE c."task_id" = q."task_id" '
    "AND c.\"state\" IN ('pending', 'closed')) "
    'AND (SELECT r."status" FROM "progress_report" r WHERE r."request_id" = q."id" '
    'ORDER BY r."version" DESC LIMIT 1) = ? '
    'ORDER BY q."id"'
)


async def closable(unit_id: int | None, request_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(request id, task number) of the requests whose task the unit may now ask to close.

    One plain statement (asked after every report stored)."""
    ids = sorted(set(request_ids))
    if unit_id is None or not ids:
        return []
    sql = CLOSABLE_SQL.format(ids=", ".join("?" * len(ids)))
    found = await rows(sql, *ids, unit_id, Status.DONE.value)
    return [(int(row["id"]), str(row["number"])) for row in found]
