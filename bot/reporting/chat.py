"""The report flow (报送): pick a task, a status, a percentage, write, attach, confirm.

Every step re-checks on the server that the request belongs to the speaker's unit and is
still open; a button only says what it was meant to do.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Handler, Turn
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.payloads import Payload, payload
from bot.domain.reporting import (
    ATTACHMENTS_MAX,
    PERCENT_CHOICES,
    STATUS_PERCENT,
    Status,
    parse_percent,
)
from bot.domain.text import shorten
from bot.reporting.attachments import MAX_FILE_BYTES, store_attachment
from bot.reporting.latest import open_requests
from bot.reporting.prompts import open_requests_message, request_buttons
from bot.reporting.reports import (
    Draft,
    LastReport,
    authorised_request,
    check_narrative,
    previous_report,
    request_view,
    submit_report,
)

FLOW = "report"
STASH = "stash"  # a message written outside a flow, waiting to be filed under a task
PREVIEW_CHARS = 300


def status_label(turn: Turn, status: Status, percent: int | None) -> str:
    """``推进中 60%``."""
    label = turn._(status.label)
    return f"{label} {percent}%" if percent is not None and status not in STATUS_PERCENT else label


async def show_open(turn: Turn) -> None:
    """``/report``: the unit's open requests as buttons."""
    assert turn.contact is not None
    turn.send(open_requests_message(turn.tr, await open_requests(turn.contact.unit_id)))


def _previous_lines(turn: Turn, previous: LastReport | None) -> list[str]:
    if previous is None:
        return [turn._("No earlier report on this task.")]
    status = status_label(turn, Status(previous.status), previous.percent)
    return [
        turn._(
            "Last report ({when}, version {version}): {status}",
            when=previous.submitted_at.astimezone(turn.deps.timezone).date().isoformat(),
            version=previous.version,
            status=status,
        ),
        shorten(previous.text, PREVIEW_CHARS),
    ]


async def begin(turn: Turn, request_id: int, *, keep_draft: bool = False) -> None:
    """Open a request for reporting: show the task, the previous report, the status choice."""
    assert turn.contact is not None
    request = await authorised_request(turn.contact, request_id)
    view = request_view(request)
    previous = await previous_report(request)
    data: dict[str, Any] = {"request": request.id, "step": "status", "attachments": []}
    current = turn.data
    if keep_draft and current.get("request") == request.id:
        data = {**current, "step": "status"}
    elif turn.flow == STASH:
        data["text"] = current.get("text")
        data["attachments"] = current.get("attachments", [])
    await turn.set_flow(FLOW, data)
    lines = [
        turn._("Task {number}: {title}", number=view.number, title=shorten(view.title, 200)),
        turn._(
            "Period {period}, due {due}",
            period=view.period,
            due=view.due_on.isoformat() if view.due_on else "—",
        ),
        "",
        *_previous_lines(turn, previous),
        "",
        turn._("Choose the status:"),
    ]
    buttons = (
        *((Button(turn._(s.label), payload("s", request.id, s.code)),) for s in Status),
        (Button(turn._("Cancel"), payload("x", request.id)),),
    )
    turn.reply(
        "\n".join(lines), title=turn._("Report {period}", period=view.period), buttons=buttons
    )


async def _ask_text(turn: Turn, data: dict[str, Any]) -> None:
    request = await authorised_request(turn.contact, data["request"])  # type: ignore[arg-type]
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


async def _advance(turn: Turn, data: dict[str, Any]) -> None:
    """Go to the next missing piece: percent, text, then the confirmation card."""
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
    else:
        await _confirm_card(turn, data)


async def _confirm_card(turn: Turn, data: dict[str, Any]) -> None:
    data["step"] = "confirm"
    await turn.set_flow(FLOW, data)
    status = Status.from_code(data["status"])
    assert status is not None
    request = data["request"]
    files = len(data.get("attachments", []))
    lines = [
        turn._("Status: {status}", status=status_label(turn, status, data.get("percent"))),
        turn._("Progress: {text}", text=data["text"]),
    ]
    if files:
        lines.append(turn._("Files attached: {count}", count=files))
    lines += ["", turn._("Submit this report? You can still send photos or files first.")]
    turn.reply(
        "\n".join(lines),
        title=turn._("Check your report"),
        buttons=(
            (Button(turn._("Submit"), payload("c", request)),),
            (
                Button(turn._("Change status"), payload("t", request)),
                Button(turn._("Rewrite text"), payload("e", request)),
            ),
            (Button(turn._("Cancel"), payload("x", request)),),
        ),
    )


async def _submit(turn: Turn, data: dict[str, Any]) -> None:
    assert turn.contact is not None
    status = Status.from_code(data["status"])
    assert status is not None
    percent = STATUS_PERCENT.get(status, data.get("percent"))
    report = await submit_report(
        turn.contact,
        data["request"],
        Draft(status, percent, data["text"], tuple(data.get("attachments", []))),
        now=turn.now,
        today=turn.today,
    )
    await turn.clear_flow()
    request = await authorised_request(turn.contact, data["request"])
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
    waiting = [v for v in await open_requests(turn.contact.unit_id) if not v.answered]
    if waiting:
        text += "\n\n" + turn._("Still to report: {count}.", count=len(waiting))
    turn.reply(text, buttons=request_buttons(turn.tr, waiting), notice=turn._("Saved"))


def _same_request(turn: Turn, request_id: int) -> dict[str, Any] | None:
    data = turn.data
    if turn.flow == FLOW and data.get("request") == request_id:
        return data
    return None


async def on_button(turn: Turn, p: Payload) -> None:  # noqa: PLR0912 - one branch per action
    """A pressed report button: re-authorised, then applied to the stored draft."""
    assert turn.contact is not None
    if not p.args:
        raise RefusedError(msg(N_("That button is not valid.")))
    request_id = p.args[0]
    await authorised_request(turn.contact, request_id)
    if p.action in ("t", "f"):
        await begin(turn, request_id, keep_draft=p.action == "t")
        return
    data = _same_request(turn, request_id)
    if data is None:
        turn.reply(turn._("That button belongs to a report that is finished or was cancelled."))
        await show_open(turn)
        return
    if p.action == "s":
        status = Status.from_code(p.args[1]) if len(p.args) > 1 else None
        if status is None:
            raise RefusedError(msg(N_("That button is not valid.")))
        data["status"] = status.code
        data.pop("percent", None)
        if status in STATUS_PERCENT:
            data["percent"] = STATUS_PERCENT[status]
        await _advance(turn, data)
    elif p.action == "p":
        if len(p.args) < 2 or p.args[1] > 100:
            raise RefusedError(msg(N_("That button is not valid.")))
        data["percent"] = p.args[1]
        await _advance(turn, data)
    elif p.action == "n":
        data["percent"] = None
        await _advance(turn, data)
    elif p.action == "k":
        request = await authorised_request(turn.contact, request_id)
        previous = await previous_report(request)
        if previous is None:
            raise RefusedError(msg(N_("There is no earlier text to keep.")))
        data["text"] = previous.text
        await _advance(turn, data)
    elif p.action == "e":
        data.pop("text", None)
        await _ask_text(turn, data)
    elif p.action == "c":
        if data.get("status") is None or not data.get("text"):
            await _advance(turn, data)
        else:
            await _submit(turn, data)
    elif p.action == "x":
        await turn.clear_flow()
        turn.reply(turn._("Cancelled; nothing was saved."))


async def on_text(turn: Turn, text: str) -> None:
    """Typed text inside the report flow, or the free-text shortcut outside it."""
    assert turn.contact is not None
    if turn.flow != FLOW:
        await _shortcut(turn, text=text)
        return
    data = turn.data
    step = data.get("step")
    if step == "percent":
        value = parse_percent(text)
        if value is None:
            turn.reply(turn._("Send a whole number from 0 to 100, or choose below."))
            return
        data["percent"] = value
        await _advance(turn, data)
        return
    data["text"] = check_narrative(text)
    if step == "status":
        await turn.set_flow(FLOW, data)
        turn.reply(turn._("Text noted. Now choose the status above."))
        return
    await _advance(turn, data)


async def on_file(turn: Turn) -> None:
    """A photo or file: attached to the draft, or kept while asking which task it is for."""
    assert turn.contact is not None
    assert turn.inbound.file is not None
    data = turn.data if turn.flow in (FLOW, STASH) else {}
    attachments = list(data.get("attachments", []))
    if len(attachments) >= ATTACHMENTS_MAX:
        raise RefusedError(msg(N_("At most {limit} files per report."), limit=ATTACHMENTS_MAX))
    if turn.flow != FLOW:
        waiting = await open_requests(turn.contact.unit_id)
        if not waiting:
            turn.reply(turn._("Your unit has no open report requests right now."))
            return
    file = turn.inbound.file
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise RefusedError(
            msg(
                N_("The file is larger than {limit} MB and was not kept."),
                limit=MAX_FILE_BYTES >> 20,
            )
        )
    content = await turn.deps.files.fetch(turn.inbound.channel, file)
    stored = await store_attachment(
        turn.deps.data_dir,
        content,
        kind=file.kind,
        name=file.name,
        mime=file.mime,
        contact=turn.contact,
    )
    attachments.append(stored.id)
    data["attachments"] = attachments
    if turn.flow == FLOW:
        await turn.set_flow(FLOW, data)
        turn.reply(turn._("File attached ({count} so far).", count=len(attachments)))
        if data.get("step") == "confirm":
            await _confirm_card(turn, data)
        return
    await _shortcut(turn, attachments=attachments)


async def _shortcut(
    turn: Turn, *, text: str | None = None, attachments: list[int] | None = None
) -> None:
    """A message outside a flow while requests are open: ask which task it belongs to."""
    assert turn.contact is not None
    waiting = await open_requests(turn.contact.unit_id)
    if not waiting:
        turn.reply(
            turn._("Your unit has no open report requests right now. /mytasks lists your tasks.")
        )
        return
    data = turn.data if turn.flow == STASH else {}
    if text is not None:
        data["text"] = check_narrative(text)
    if attachments is not None:
        data["attachments"] = attachments
    await turn.set_flow(STASH, data)
    buttons = tuple(
        (Button(f"{v.number}. {shorten(v.title, 18)}", payload("f", v.id)),) for v in waiting
    )
    turn.reply(turn._("Which task is this for?"), buttons=buttons)


async def cancel(turn: Turn) -> None:
    """``/cancel``: abandon the step in progress (a report, a summary being rewritten)."""
    await turn.clear_flow()
    turn.reply(turn._("Cancelled; nothing was saved."))


HANDLERS: dict[str, Handler] = {
    "report": show_open,
    "cancel": cancel,
}
