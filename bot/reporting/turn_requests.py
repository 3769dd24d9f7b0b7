"""A request as the report flow reads it, once per turn.

Every step of the report flow re-reads and re-authorises its request; several steps may run in
one turn (a typed report goes from reading the text to the fields the plan asks for to the
confirmation card; a press on Submit checks, stores, then offers 销号). Within one turn, which
is one transaction, the request read for the first step is the one the next steps see
(``Turn.requests``); a step that changes it (storing a report) puts the new value back.
"""

from __future__ import annotations

from bot.conversation.context import Turn
from bot.reporting.asked import Asked
from bot.reporting.reports import authorised_request


async def authorised(turn: Turn, request_id: int) -> Asked:
    """The request if the speaker's unit may report on it (refused otherwise), read at most
    once in this turn."""
    assert turn.contact is not None
    request: Asked | None = turn.requests.get(request_id)
    if request is None:
        request = await authorised_request(turn.contact, request_id)
        turn.requests[request_id] = request
    return request
