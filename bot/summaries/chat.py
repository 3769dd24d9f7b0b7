"""The quarterly summary in chat (季总结): the reporter submits or rewrites the draft, the
leader approves (审定) or returns it with a comment. Every payload is re-checked."""

from __future__ import annotations

from bot.conversation.context import Turn
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.freetext import read_reply
from bot.domain.payloads import Payload, payload
from bot.reporting.chat import STASH
from bot.reporting.prompts import month_label
from bot.reporting.requests import RequestView, open_requests
from bot.summaries.cycle import announce_decision, announce_submitted, draft_card
from bot.summaries.drafts import authorised, decide, rewritable, rewrite, submit

SUMMARY_ACTIONS = frozenset("awyr")
REWRITE_FLOW = "summary"
RETURN_FLOW = "summary-return"


async def on_button(turn: Turn, p: Payload) -> None:
    """A summary button: a/w for the reporter, y/r for the leader."""
    assert turn.contact is not None
    summary_id = p.args[0] if p.args else 0
    if p.action in ("a", "w") and turn.contact.role != "reporter":
        turn.refuse(turn._("Only your unit’s reporter can report progress."))
        return
    if p.action in ("y", "r") and turn.contact.role != "leader":
        turn.refuse(turn._("Only the unit’s leader can approve or return a summary."))
        return
    if p.action == "a":
        submitted = await submit(turn.contact, summary_id)
        await announce_submitted(submitted, turn.now)
        turn.reply(
            turn._(
                "Submitted to your leader for approval (version {version}).",
                version=submitted.version,
            )
        )
    elif p.action == "w" and len(p.args) > 1 and p.args[1] == 1 and turn.flow == STASH:
        await _rewrite(turn, summary_id, str(turn.data.get("summary_text", "")))
    elif p.action == "w":
        await authorised(turn.contact, summary_id, states=("draft", "returned"))
        await turn.set_flow(REWRITE_FLOW, {"summary": summary_id})
        turn.reply(
            turn._("Send the whole summary as one message; it replaces the draft."), free_input=True
        )
    elif p.action == "y":
        decided = await decide(turn.contact, summary_id, now=turn.now, approve=True)
        await announce_decision(decided, turn.now)
        turn.reply(
            turn._(
                "Approved (version {version}); it has gone to the secretariat.",
                version=decided.version,
            )
        )
    else:
        await authorised(turn.contact, summary_id, states=("pending",))
        await turn.set_flow(RETURN_FLOW, {"summary": summary_id})
        turn.reply(turn._("Write what should change; the reporter will see it."), free_input=True)


async def on_text(turn: Turn, text: str) -> None:
    """The rewritten summary (reporter) or the return comment (leader)."""
    assert turn.contact is not None
    summary_id = int(turn.data.get("summary", 0))
    try:
        if turn.flow == REWRITE_FLOW:
            await _rewrite(turn, summary_id, text)
            return
        decided = await decide(turn.contact, summary_id, now=turn.now, approve=False, comment=text)
    except RefusedError:
        await turn.clear_flow()  # the summary moved on: the next text is not taken for it
        raise
    await turn.clear_flow()
    await announce_decision(decided, turn.now)
    turn.reply(turn._("Returned to the reporter with your comment."))


async def _rewrite(turn: Turn, summary_id: int, text: str) -> None:
    assert turn.contact is not None
    version = await rewrite(turn.contact, summary_id, text)
    await version.fetch_related("task", "unit", "period")
    await turn.clear_flow()
    turn.send(draft_card(turn.tr, version))


def _monthly_choice(turn: Turn, view: RequestView, views: list[RequestView]) -> str:
    """``Monthly report, task 5``; with the month when another month of task 5 is open too."""
    if sum(v.number == view.number for v in views) > 1:
        return turn._(
            "Monthly report, task {number} ({period})",
            number=view.number,
            period=month_label(turn.tr, view.period),
        )
    return turn._("Monthly report, task {number}", number=view.number)


async def offer_rewrite(turn: Turn, text: str) -> bool:
    """A reporter's text outside a flow while a summary waits for a rewritten text: asked
    whether it is that summary or a monthly report (never filed as either unasked).

    False when no summary waits, or the text names a task (it is a monthly report).
    """
    assert turn.contact is not None
    if not turn.summary_waiting:  # read with the speaker: nothing waits, most of the year
        return False
    waiting = await rewritable(turn.contact.unit_id)
    if not waiting or any(r.task for r in read_reply(text)):
        return False
    data = {"text": text.strip(), "summary_text": text.strip(), "attachments": []}
    await turn.set_flow(STASH, data)
    buttons = tuple(
        (
            Button(
                turn._(
                    "Quarterly summary {quarter}, task {number}",
                    quarter=s.period.key,
                    number=s.task.number,
                ),
                payload("w", s.id, 1),
            ),
        )
        for s in waiting
    )
    views = await open_requests(turn.contact.unit_id)
    buttons += tuple((Button(_monthly_choice(turn, v, views), payload("f", v.id)),) for v in views)
    turn.reply(turn._("Is this the rewritten quarterly summary, or a monthly report?"),
               buttons=buttons)  # fmt: skip
    return True
