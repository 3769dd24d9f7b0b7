"""A request as the report flow reads it, once per turn.

Every step of the report flow re-reads and re-authorises its request; several steps may run in
one turn (a typed report goes from reading the text to the fields the plan asks for to the
confirmation card; a press on Submit checks, stores, then offers 销号). Within one turn, which
is one transaction, the request read for the first step is the one the next steps see
(``Turn.requests``); a step that changes it (storing a report) puts the new value back. A
step that also needs the unit's open requests reads them with its request in one statement
(:func:`open_and_authorised`).
"""

from __future__ import annotations

from bot.conversation.context import Turn
from bot.reporting.asked import Asked, open_asked
from bot.reporting.reports import authorised_request
from bot.reporting.requests import RequestView


async def authorised(turn: Turn, request_id: int) -> Asked:
    """The request if the speaker's unit may report on it (refused otherwise), read at most
    once in this turn."""
    assert turn.contact is not None
    request: Asked | None = turn.requests.get(request_id)
    if request is None:
        request = await authorised_request(turn.contact, request_id)
        turn.requests[request_id] = request
    return request


async def open_and_authorised(turn: Turn, request_id: int) -> list[RequestView]:
    """The speaker's unit's open requests, and with them the request ``request_id`` when it is
    one (so authorised: the unit's and not closed), kept for :func:`authorised` in this turn.
    One statement where listing and authorising would be two; a request not among them is
    left to :func:`authorised` (read, and refused with the reason)."""
    assert turn.contact is not None
    views, request = await open_asked(turn.contact.unit_id, request_id)
    if request is not None:
        turn.requests.setdefault(request_id, request)
    return views
