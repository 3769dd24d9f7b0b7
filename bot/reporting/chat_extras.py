"""存在问题 and 下步打算 in the report flow: asked after the narrative when the plan wants them.

Each is skippable with 无 (typed, or the button where the channel has buttons); either may also
arrive headed in the narrative itself (``存在问题：……``), and is then not asked again. In the
draft, a field absent is not yet answered, ``""`` is 无.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Turn
from bot.domain.conversation import Button
from bot.domain.freetext import split_extras
from bot.domain.messages import N_
from bot.domain.narrative import NEXT_STEPS_LINE, PROBLEMS_LINE, says_none
from bot.domain.payloads import payload
from bot.domain.text import shorten
from bot.reporting.asked import asked
from bot.reporting.reports import check_extra, check_narrative, request_view
from bot.reporting.turn_requests import authorised

EXTRAS = ("problems", "next_steps")
SKIP = {"problems": 1, "next_steps": 2}  # the second argument of ``n`` (skip) for each field
_QUESTIONS = {
    "problems": N_("Any problems met (存在问题)? Write them in one message, or send 无."),
    "next_steps": N_("And the next steps (下步打算)? Write them in one message, or send 无."),
}
_LINES = {"problems": PROBLEMS_LINE, "next_steps": NEXT_STEPS_LINE}


async def wanted(turn: Turn, request_id: int) -> tuple[str, ...]:
    """The fields the request's plan asks for (as this turn read the request, else read now,
    never authorised here: whether the request may be reported is the step's own check)."""
    listed = turn.listed.get(request_id)
    request = turn.requests.get(request_id)
    if request is None and listed is not None and listed.asks is not None:
        asks = listed.asks  # the unit's open list, read this turn, said it
    else:  # read, never refused here: a queued draft's request may have closed since
        request = request or await asked(request_id)
        asks = (request.asks_problems, request.asks_next_steps) if request else (False, False)
    return tuple(name for name, asked in zip(EXTRAS, asks, strict=True) if asked)


async def missing(turn: Turn, data: dict[str, Any]) -> str | None:
    """The first field the plan asks for that the draft has no answer to, or None."""
    found = await wanted(turn, data["request"])
    return next((name for name in found if name not in data), None)


async def ask(turn: Turn, data: dict[str, Any], name: str) -> None:
    """Ask for one field, with a 无 button and a cancel (naming the task when the draft was
    read from free text, where no task card was shown)."""
    assert turn.contact is not None
    request = data["request"]
    question = turn._(_QUESTIONS[name])
    if data.get("read"):
        view = request_view(await authorised(turn, request))
        task = turn._("Task {number}: {title}", number=view.number, title=shorten(view.title, 60))
        question = f"{task}\n{question}"
    turn.reply(
        question,
        buttons=(
            (Button(turn._("None (无)"), payload("n", request, SKIP[name])),),
            (Button(turn._("Cancel"), payload("x", request)),),
        ),
        free_input=True,  # typed words are the answer, never an option
    )


def answer(data: dict[str, Any], name: str, text: str) -> None:
    """A typed answer to the field being asked: 无 and the like are ``""``."""
    data[name] = "" if says_none(text) else check_extra(text)


def take_narrative(data: dict[str, Any], text: str) -> bool:
    """The narrative of a typed message, the headed fields set apart; False when the message
    holds only headed fields (the narrative is left as it was)."""
    narrative, problems, next_steps = split_extras(text)
    for name, value in zip(EXTRAS, (problems, next_steps), strict=True):
        if value is not None:
            data[name] = value and check_extra(value)
    if not narrative and (problems is not None or next_steps is not None):
        return False
    data["text"] = check_narrative(narrative or text)
    return True


def card_lines(turn: Turn, data: dict[str, Any]) -> list[str]:
    """The confirmation's lines for the fields answered (无 shown as such)."""
    return [
        turn._(_LINES[name], text=data[name] or turn._("none (无)"))
        for name in EXTRAS
        if data.get(name) is not None
    ]
