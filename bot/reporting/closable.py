"""After a report: which of the requests just answered may go on to close their task (销号).

A request qualifies when its unit leads the task itself (a collective's member does not), its
newest version stored in the turn says done (the caller keeps only those: a later draft of the
same message, or a twin's report filed to it, may have said otherwise), and no request to close
the task is waiting or granted.
Both facts come with the request as the flow read it in the same transaction
(:class:`bot.reporting.asked.Asked`), so no statement is spent on it. The button it earns is
only an offer: ``bot.oversight.closing`` checks everything again when pressed.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.reporting.asked import Asked


def closable(done: Iterable[Asked]) -> list[tuple[int, str]]:
    """(request id, task number) of the requests, each newest reported done, whose task their
    unit may now ask to close, in request order (each once)."""
    found = {a.id: a.number for a in done if a.leads and not a.closing}
    return sorted(found.items())
