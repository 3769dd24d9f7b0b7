"""The report flow (报送): pick a task, a status, a percentage, write, attach, confirm.

Every step re-checks on the server that the request belongs to the speaker's unit and is
still open; a button only says what it was meant to do. A draft read from free text
(``reporting/chat_read.py``) enters here pre-filled, with the other tasks of the same message
queued behind it: one confirmation per task, or one "submit all" for the lot.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Handler, Turn
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.payloads import Payload, payload
from bot.domain.reporting import PERCENT_CHOICES, STATUS_PERCENT, Status
from bot.domain.text import shorten
from bot.reporting import chat_extras as extras
from bot.reporting.asked import Asked
from bot.reporting.closable import closable
from bot.reporting.prompts import open_requests_message, request_buttons, status_text, task_card
from bot.reporting.reports import (
    Draft,
    check_revisable,
    previous_report,
    request_view,
    store_report,
    task_context,
)
from bot.reporting.requests import RequestView, open_requests
from bot.reporting.turn_requests import authorised, open_and_authorised

FLOW = "report"
STASH = "stash"  # a message written outside a flow, waiting to be filed under a task
NO_CHANGE_NOTE = N_(
    "No new progress this month; the status is carried forward from the last report."
)


def status_label(turn: Turn, status: Status, percent: int | None) -> str:
    """``推进中 60%``."""
    return status_text(turn.tr, status, percent)


async def show_open(turn: Turn) -> None:
    """``/report``: the unit's open requests as buttons (a stray message waiting is dropped)."""
    assert turn.contact is not None
    if turn.flow == STASH:
        await turn.clear_flow()
    turn.send(open_requests_message(turn.tr, await open_requests(turn.contact.unit_id)))


async def reportable(turn: Turn, request_id: int) -> Asked:
    """The request if it can still be reported (or revised); refused, and the draft dropped,
    when it was closed or its deadline passed after a report."""
    assert turn.contact is not None
    try:
        request = await authorised(turn, request_id)
        check_revisable(request, answered_before=request.versions > 0, today=turn.today)
    except RefusedError:
        if turn.flow == FLOW and turn.data.get("request") == request_id:
            await turn.clear_flow()  # the next text must not land in a dead draft
        raise
    return request


async def begin(
    turn: Turn, request_id: int, *, keep_draft: bool = False, take_stash: bool = False
) -> None:
    """Open a request for reporting: the task, its goal, the previous report, the statuses.

    ``take_stash``: a message written before the task was chosen (``f``) becomes its text;
    a task chosen from ``/report`` (``t``) starts empty.
    """
    request = await reportable(turn, request_id)
    view = request_view(request)
    context = task_context(request)
    previous = await previous_report(request)
    data: dict[str, Any] = {"request": request.id, "step": "status", "attachments": []}
    current = turn.data
    if keep_draft and current.get("request") == request.id:
        data = {**current, "step": "status"}
    elif take_stash and turn.flow == STASH:
        kept = ("text", "attachments", "ref", "status", "percent", "carried", *extras.EXTRAS)
        data |= {k: v for k, v in current.items() if k in kept}
    await turn.set_flow(FLOW, data)
    if take_stash and data.get("status") is not None:  # the text said its status
        data["read"] = True
        await advance(turn, data)
        return
    card = task_card(turn.tr, turn.deps.timezone, view, context, previous)
    turn.reply(card.text, title=card.title, buttons=card.buttons)


async def _ask_text(turn: Turn, data: dict[str, Any]) -> None:
    request = await reportable(turn, data["request"])
    previous = await previous_report(request)
    data["step"] = "text"
    await turn.set_flow(FLOW, data)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if previous is not None:
        buttons = ((Button(turn._("Keep the last text"), payload("k", request.id)),),)
    buttons += ((Button(turn._("Cancel"), payload("x", request.id)),),)
    turn.reply(
        turn._("Write this month’s progress as one message (photos and files can follow)."),
        buttons=buttons,
        free_input=True,
    )


async def advance(turn: Turn, data: dict[str, Any]) -> None:
    """Go to the next missing piece: status, percent, text, the fields the plan asks for
    (存在问题, 下步打算), then the confirmation card."""
    status = Status.from_code(data["status"]) if data.get("status") is not None else None
    if status is None:
        await begin(turn, data["request"], keep_draft=True)
    elif status not in STATUS_PERCENT and "percent" not in data:
        data["step"] = "percent"
        await turn.set_flow(FLOW, data)
        choices = tuple(Button(f"{p}%", payload("p", data["request"], p)) for p in PERCENT_CHOICES)
        turn.reply(
            turn._("How far along is it? Choose, or send a number such as 65."),
            buttons=(choices, (Button(turn._("Skip"), payload("n", data["request"])),)),
            free_input=True,  # "5" is 5 %, never the fifth button
        )
    elif not data.get("text"):
        await _ask_text(turn, data)
    elif (field := await extras.missing(turn, data)) is not None:
        data["step"] = field
        await turn.set_flow(FLOW, data)
        await extras.ask(turn, data, field)
    else:
        await confirm_card(turn, data)


async def _complete(turn: Turn, item: dict[str, Any]) -> bool:
    """Whether a queued draft needs nothing more than a tap."""
    status = Status.from_code(item["status"]) if item.get("status") is not None else None
    return (
        status is not None
        and bool(item.get("text"))
        and (status in STATUS_PERCENT or "percent" in item)
        and await extras.missing(turn, item) is None
    )


async def confirm_card(turn: Turn, data: dict[str, Any]) -> None:
    """The pre-filled report: one tap stores it."""
    data["step"] = "confirm"
    await turn.set_flow(FLOW, data)
    status = Status.from_code(data["status"])
    assert status is not None
    request = data["request"]
    files = len(data.get("attachments", []))
    lines = []
    if data.get("read"):  # read from free text: say which task it was read as
        view = turn.listed.get(request) or request_view(await reportable(turn, request))
        lines.append(
            turn._("Task {number}: {title}", number=view.number, title=shorten(view.title, 60))
        )
    label = status_label(turn, status, data.get("percent"))
    if data.get("carried"):
        label += " · " + turn._("no new progress, carried forward")
    lines += [
        turn._("Status: {status}", status=label),
        turn._("Progress: {text}", text=data["text"]),
        *extras.card_lines(turn, data),
    ]
    if files:
        lines.append(turn._("Files attached: {count}", count=files))
    lines += ["", turn._("Submit this report? You can still send photos or files first.")]
    queue = data.get("queue", [])
    if queue:
        lines.append(turn._("{count} more tasks from your message follow.", count=len(queue)))
    buttons: tuple[tuple[Button, ...], ...] = ((Button(turn._("Submit"), payload("c", request)),),)
    if queue and all([await _complete(turn, item) for item in queue]):
        buttons += (
            (Button(turn._("Submit all {count}", count=len(queue) + 1), payload("l", request)),),
        )
    buttons += (
        (
            Button(turn._("Change status"), payload("t", request)),
            Button(turn._("Rewrite text"), payload("e", request)),
        ),
        (Button(turn._("Cancel"), payload("x", request)),),
    )
    turn.reply("\n".join(lines), title=turn._("Check your report"), buttons=buttons)


async def _store(turn: Turn, data: dict[str, Any], newest: dict[int, int]) -> tuple[str, Asked]:
    """Store one draft; the sentence saying so, and the request as it is now (answered).
    A request this turn already read and authorised (same transaction) is not read again.
    ``newest``: each request's status as last stored in this turn, twins filed to included."""
    assert turn.contact is not None
    status = Status.from_code(data["status"])
    assert status is not None
    percent = STATUS_PERCENT.get(status, data.get("percent"))
    draft = Draft(
        status, percent, data["text"], tuple(data.get("attachments", [])),
        carried=bool(data.get("carried")), source_ref=data.get("ref"),
        problems=data.get("problems"), next_steps=data.get("next_steps"),
    )  # fmt: skip
    report, request, twins = await store_report(
        turn.contact, data["request"], draft, now=turn.now, today=turn.today,
        checked=turn.requests.get(data["request"]),
    )  # fmt: skip
    turn.requests[request.id] = request
    newest |= dict.fromkeys([request.id, *twins], status.code)
    view = request_view(request)
    text = turn._(
        "Reported task {number} for {period} (version {version}): {status}.",
        number=view.number,
        period=view.period,
        version=report.version,
        status=status_label(turn, status, percent),
    )
    if report.late:
        text += "\n" + turn._("It arrived after the deadline and is recorded as late.")
    return text, request


async def _submit(
    turn: Turn, data: dict[str, Any], listed: list[RequestView], *, every: bool = False
) -> None:
    """Store the draft (and, ``every``, the complete ones queued behind it); then the next
    queued task, or what the unit has left to report. ``listed``: the unit's open requests as
    read at the start of the turn, before anything was stored."""
    assert turn.contact is not None
    newest: dict[int, int] = {}
    text, request = await _store(turn, data, newest)
    texts = [text]
    stored = [request]
    queue: list[dict[str, Any]] = list(data.get("queue", []))
    while every and queue and await _complete(turn, queue[0]):
        text, request = await _store(turn, queue.pop(0), newest)
        texts.append(text)
        stored.append(request)
    done = Status.DONE.code  # only a request whose newest version says done may close
    stored = [r for r in stored if newest.get(r.id) == done]
    await turn.clear_flow()
    if queue:  # the next task of the same message
        turn.reply("\n".join(texts), notice=turn._("Saved"))
        await start_item(turn, queue[0], queue[1:])
        return
    text = "\n".join(texts)
    # what is left: the open requests read before storing, less those just answered (the
    # drafts stored and the twins they were filed to); nothing else changed in this turn
    waiting = [v for v in listed if not v.answered and v.id not in newest]
    if waiting:
        text += "\n\n" + turn._("Still to report: {count}.", count=len(waiting))
    buttons = request_buttons(turn.tr, waiting) + tuple(  # 销号, where a lead unit said done
        (Button(turn._("Ask to close task {number} (销号)", number=n), payload("z", r)),)
        for r, n in closable(stored)
    )
    turn.reply(text, buttons=buttons, notice=turn._("Saved"))


async def start_item(turn: Turn, item: dict[str, Any], queue: list[dict[str, Any]]) -> None:
    """Open a draft read from free text, the rest of the message queued behind it."""
    await turn.set_flow(FLOW, {**item, "queue": queue, "read": True})
    await advance(turn, {**item, "queue": queue, "read": True})


async def carry_forward(turn: Turn, data: dict[str, Any]) -> bool:
    """本月无新进展: the last status and percent with that note; False when nothing to carry."""
    request = await reportable(turn, data["request"])
    previous = await previous_report(request)
    if previous is None:
        return False
    data |= {"status": Status(previous.status).code, "percent": previous.percent, "carried": True}
    if not data.get("text"):
        data["text"] = turn._(NO_CHANGE_NOTE)
    return True


def _same_request(turn: Turn, request_id: int) -> dict[str, Any] | None:
    data = turn.data
    if turn.flow == FLOW and data.get("request") == request_id:
        return data
    return None


async def on_button(turn: Turn, p: Payload) -> None:  # noqa: PLR0912, PLR0915 - a branch per action
    """A pressed report button: re-authorised, then applied to the stored draft."""
    assert turn.contact is not None
    if not p.args:
        raise RefusedError(msg(N_("That button is not valid.")))
    request_id = p.args[0]
    listed: list[RequestView] = []
    if p.action in ("c", "l"):  # Submit ends listing what is left: read with the request
        listed = await open_and_authorised(turn, request_id)
    await reportable(turn, request_id)
    if p.action in ("t", "f"):
        await begin(turn, request_id, keep_draft=p.action == "t", take_stash=p.action == "f")
        return
    data = _same_request(turn, request_id)
    if data is None:
        turn.refuse(turn._("That button belongs to a report that is finished or was cancelled."))
        await show_open(turn)
        return
    if p.action == "s":
        status = Status.from_code(p.args[1]) if len(p.args) > 1 else None
        if status is None:
            raise RefusedError(msg(N_("That button is not valid.")))
        data["status"] = status.code
        data.pop("percent", None)
        data.pop("carried", None)
        if status in STATUS_PERCENT:
            data["percent"] = STATUS_PERCENT[status]
        await advance(turn, data)
    elif p.action == "m":
        if not await carry_forward(turn, data):
            raise RefusedError(msg(N_("There is no earlier report to carry forward.")))
        await advance(turn, data)
    elif p.action == "p":
        if len(p.args) < 2 or p.args[1] > 100:
            raise RefusedError(msg(N_("That button is not valid.")))
        data["percent"] = p.args[1]
        await advance(turn, data)
    elif p.action == "n":  # skip: the percent, or 存在问题 (1) / 下步打算 (2) answered 无
        skipped = [name for name, code in extras.SKIP.items() if p.args[1:] == (code,)]
        if len(p.args) > 1 and not skipped:
            raise RefusedError(msg(N_("That button is not valid.")))
        if skipped:
            data[skipped[0]] = ""
        else:
            data["percent"] = None
        await advance(turn, data)
    elif p.action == "k":
        previous = await previous_report(await reportable(turn, request_id))
        if previous is None:
            raise RefusedError(msg(N_("There is no earlier text to keep.")))
        data["text"] = previous.text
        await advance(turn, data)
    elif p.action == "e":
        data.pop("text", None)
        await _ask_text(turn, data)
    elif p.action in ("c", "l"):
        if data.get("status") is None or not data.get("text"):
            await advance(turn, data)
        else:
            await _submit(turn, data, listed, every=p.action == "l")
    elif p.action == "x":
        await turn.clear_flow()
        turn.reply(turn._("Cancelled; nothing was saved."))


async def cancel(turn: Turn) -> None:
    """``/cancel``: abandon the step in progress (a report, a summary being rewritten)."""
    await turn.clear_flow()
    turn.reply(turn._("Cancelled; nothing was saved."))


HANDLERS: dict[str, Handler] = {
    "report": show_open,
    "cancel": cancel,
}
