"""After a report: which of the requests just answered may go on to close their task (销号).

A request qualifies when its unit leads the task itself (a collective's member does not), its
newest report says done, and no request to close the task is waiting or granted. The button
it earns is only an offer: ``bot.oversight.closing`` checks everything again when pressed.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.reporting import Status
from bot.reporting.latest import request_latest
from bot.storage.models import Assignment, ReportRequest, TaskClosure


async def closable(unit_id: int | None, request_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(request id, task number) of the requests whose task the unit may now ask to close."""
    ids = sorted(set(request_ids))
    if unit_id is None or not ids:
        return []
    rows = await ReportRequest.filter(id__in=ids, unit_id=unit_id).values_list(
        "id", "task_id", "task__number"
    )
    tasks = [int(str(task)) for _, task, _ in rows]
    leads = set(
        await Assignment.filter(
            task_id__in=tasks, unit_id=unit_id, role="lead", retired_at=None
        ).values_list("task_id", flat=True)
    )
    asked = set(
        await TaskClosure.filter(task_id__in=tasks, state__in=("pending", "closed")).values_list(
            "task_id", flat=True
        )
    )
    found = []
    for request_id, task_id, number in rows:
        if task_id not in leads or task_id in asked:
            continue
        last = await request_latest(int(str(request_id)))
        if last is not None and last.status == Status.DONE.value:
            found.append((int(str(request_id)), str(number)))
    return found
