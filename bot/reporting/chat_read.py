"""What a reporter types or sends outside a button: read for what it already says.

``23号任务已完成`` becomes a confirmation pre-filled with task 23 and 已完成; ``1.…… 2.……`` one
confirmation per task (or one "submit all"); what the reader is unsure of is asked with the
status buttons or the percent step, never guessed. A photo's caption is its text; an edit of
a message already stored asks whether to replace the report (a new version on yes).
"""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Turn
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.freetext import ReadReport, read_reply
from bot.domain.messages import N_, msg
from bot.domain.payloads import Payload, payload
from bot.domain.reporting import ATTACHMENTS_MAX, STATUS_PERCENT, Status, parse_percent
from bot.reporting import chat as flow
from bot.reporting import chat_extras as extras
from bot.reporting.attachments import MAX_FILE_BYTES, store_attachment
from bot.reporting.history import reports_from_message, stored_report
from bot.reporting.prompts import task_choice
from bot.reporting.reports import Draft, check_narrative, submit_report
from bot.reporting.requests import RequestView, open_requests
from bot.reporting.twins import fold_twins

EDIT_FLOW = "report-edit"


def _item(read: ReadReport, request_id: int, ref: str | None) -> dict[str, Any]:
    """A draft as far as the text settles it (status and percent left out when unsure)."""
    item: dict[str, Any] = {"request": request_id, "attachments": [], "ref": ref}
    if read.text:
        item["text"] = check_narrative(read.text)
    if read.no_change:
        item["no_change"] = True
    for name, value in zip(extras.EXTRAS, (read.problems, read.next_steps), strict=True):
        if value is not None:
            item[name] = value
    if read.status is not None and "status" not in read.unsure:
        item["status"] = read.status.code
        if read.status in STATUS_PERCENT:
            item["percent"] = STATUS_PERCENT[read.status]
        elif read.percent is not None:
            item["percent"] = read.percent
        elif "percent" not in read.unsure:
            item["percent"] = None  # none stated: not asked (a percent is optional)
    return item


def _matches(views: list[RequestView], number: str) -> list[RequestView]:
    """The newest open request on task ``number`` (this month's before last month's) of each
    plan; one when plans share the task (a report on it is filed to both)."""
    newest: dict[int, RequestView] = {}
    for view in views:
        if view.number == number:
            newest[view.plan_id] = view
    return [a.view for a in fold_twins(list(newest.values()))]


def _match(views: list[RequestView], number: str) -> RequestView | None:
    found = _matches(views, number)
    return found[0] if len(found) == 1 else None


async def _ask_plan(
    turn: Turn, read: ReadReport, found: list[RequestView], files: list[int]
) -> None:
    """Task ``3`` is open in two plans: which one, asked, with what was read kept."""
    said = _item(read, 0, turn.inbound.message_ref)
    data = {k: v for k, v in said.items() if k not in ("request", "no_change")}
    await turn.set_flow(flow.STASH, data | {"attachments": files})
    buttons = tuple((Button(task_choice(turn.tr, v, found), payload("f", v.id)),) for v in found)
    turn.reply(
        turn._("Task {number} is open in several plans; which one is this for?", number=read.task),
        buttons=buttons,
    )


async def _read(turn: Turn, text: str, attachments: list[int], views: list[RequestView]) -> bool:
    """Start the drafts a message names (``views``: the unit's open requests); False when it
    names no task and says nothing sure."""
    reads = read_reply(text)
    named = [r for r in reads if r.task]
    ref = turn.inbound.message_ref
    if not named:
        read = reads[0] if reads else None
        if read is None or (read.status is None and read.percent is None and not read.no_change):
            return False
        unanswered = [v for v in views if not v.answered]
        if len(unanswered) != 1:
            return False  # which task: asked, with what was read kept (see on_text)
        matched = [(read, unanswered[0])]
    else:
        several = [(r, f) for r in named if len(f := _matches(views, r.task or "")) > 1]
        if len(named) == 1 and several:
            await _ask_plan(turn, *several[0], attachments)
            return True
        for read, found in several:  # never filed to a plan by guess
            turn.reply(
                turn._(
                    "Task {number} is open in several plans ({plans}); send its line again "
                    "on its own and I will ask which plan it is for.",
                    number=read.task,
                    plans="、".join(v.plan for v in found),
                )
            )
        matched = [(r, v) for r in named if (v := _match(views, r.task or "")) is not None]
        unknown = [r.task for r in named if not _matches(views, r.task or "")]
        if unknown:
            turn.reply(
                turn._(
                    "Your unit has no open report request on task {numbers}; "
                    "/report lists the open ones.",
                    numbers="、".join(dict.fromkeys(str(n) for n in unknown)),
                )
            )
        if not matched:
            return True
    closed = [v for _, v in matched if v.answered and v.due_on and turn.today > v.due_on]
    for view in closed:  # answered, and past its deadline: no revision, so not offered
        turn.reply(
            turn._(
                "Task {number}: the {period} deadline ({due}) has passed; no more revisions.",
                number=view.number,
                period=view.period,
                due=view.due_on.isoformat() if view.due_on else "",
            )
        )
    matched = [(r, v) for r, v in matched if v not in closed]
    if not matched:
        return True
    turn.listed.update((v.id, v) for _, v in matched)  # the unit's own, open: read just now
    items = [_item(r, v.id, ref) for r, v in matched]
    items[0]["attachments"] = attachments
    for item in items:
        if item.pop("no_change", False) and "status" not in item:
            await flow.carry_forward(turn, item)
    await flow.start_item(turn, items[0], items[1:])
    return True


async def on_text(turn: Turn, text: str) -> None:
    """Typed text inside the report flow, or read for tasks and statuses outside it."""
    assert turn.contact is not None
    if turn.flow != flow.FLOW:
        await _outside(turn, text=text)
        return
    data = turn.data
    step = data.get("step")
    if step == "percent":
        value = parse_percent(text)
        if value is None:
            turn.reply(turn._("Send a whole number from 0 to 100, or choose below."))
            return
        data["percent"] = value
        await flow.advance(turn, data)
        return
    if step in extras.EXTRAS:
        extras.answer(data, step, text)
        await flow.advance(turn, data)
        return
    replaced = extras.take_narrative(data, text)
    data["ref"] = turn.inbound.message_ref
    if step == "confirm":  # the card waits: the new text replaces its narrative
        number = (await flow.reportable(turn, data["request"])).number
        if replaced:
            data.pop("carried", None)  # written anew: no longer the carried note
            said = turn._(
                "Your message replaces the progress text of task {number}.", number=number
            )
        else:
            said = turn._("Noted on the report of task {number}.", number=number)
        turn.reply(said)
    if step == "status":
        read = read_reply(text)
        status = read[0].status if len(read) == 1 and not read[0].unsure else None
        if status is None:
            await turn.set_flow(flow.FLOW, data)
            turn.reply(turn._("Text noted. Now choose the status above."))
            return
        data["status"] = status.code
        data["percent"] = STATUS_PERCENT.get(status, read[0].percent)
    await flow.advance(turn, data)


async def _outside(
    turn: Turn, *, text: str | None = None, attachments: list[int] | None = None
) -> None:
    """A message outside a flow: read it; when it names no task, ask which task it is for."""
    assert turn.contact is not None
    waiting = await open_requests(turn.contact.unit_id)
    if not waiting:
        turn.reply(
            turn._("Your unit has no open report requests right now. /mytasks lists your tasks.")
        )
        return
    data = turn.data if turn.flow == flow.STASH else {}
    files = [*data.get("attachments", []), *(attachments or [])]
    if text and await _read(turn, text, files, waiting):
        return
    if text is not None:
        extras.take_narrative(data, text)
        data["ref"] = turn.inbound.message_ref
        reads = read_reply(text)
        if len(reads) == 1:  # what it said of its status, kept for the task chosen next
            said = _item(reads[0], 0, None)
            data |= {k: said[k] for k in ("status", "percent") if k in said}
    data["attachments"] = files
    await turn.set_flow(flow.STASH, data)
    listed = [a.view for a in fold_twins(waiting)]  # a task two plans share: once
    buttons = tuple((Button(task_choice(turn.tr, v, listed), payload("f", v.id)),) for v in listed)
    turn.reply(turn._("Which task is this for?"), buttons=buttons)


async def on_file(turn: Turn) -> None:
    """A photo or file: attached to the draft; its caption is the text (or added to it)."""
    assert turn.contact is not None
    file = turn.inbound.file
    assert file is not None
    data = turn.data if turn.flow in (flow.FLOW, flow.STASH) else {}
    attachments = list(data.get("attachments", []))
    if len(attachments) >= ATTACHMENTS_MAX:
        raise RefusedError(msg(N_("At most {limit} files per report."), limit=ATTACHMENTS_MAX))
    if turn.flow != flow.FLOW and not await open_requests(turn.contact.unit_id):
        turn.reply(turn._("Your unit has no open report requests right now."))
        return
    if file.size is not None and file.size > MAX_FILE_BYTES:
        raise RefusedError(
            msg(
                N_("The file is larger than {limit} MB and was not kept."),
                limit=MAX_FILE_BYTES >> 20,
            )
        )
    content = await turn.deps.files.fetch(turn.inbound.channel, file)
    stored = await store_attachment(
        turn.deps.data_dir, content, kind=file.kind, name=file.name, mime=file.mime,
        contact=turn.contact,
    )  # fmt: skip
    caption = turn.inbound.text.strip()
    if turn.flow != flow.FLOW:
        await _outside(turn, text=caption or None, attachments=[stored.id])
        return
    data["attachments"] = [*attachments, stored.id]
    if caption:
        before = data.get("text") if data.get("step") == "confirm" else None
        data["text"] = check_narrative(f"{before}\n{caption}" if before else caption)
    await turn.set_flow(flow.FLOW, data)
    turn.reply(turn._("File attached ({count} so far).", count=len(data["attachments"])))
    if data.get("step") == "confirm" or (caption and data.get("step") == "text"):
        await flow.advance(turn, data)


async def on_edit(turn: Turn) -> None:
    """A sent message was changed: the draft takes the new text; a stored report is asked about."""
    assert turn.contact is not None
    ref, text = turn.inbound.message_ref, turn.inbound.text
    data = turn.data
    if turn.flow in (flow.FLOW, flow.STASH) and ref and data.get("ref") == ref:
        extras.take_narrative(data, text)
        await turn.set_flow(turn.flow, data)
        turn.reply(turn._("Your edit replaces the text of the report you are writing."))
        if turn.flow == flow.FLOW and data.get("step") == "confirm":
            await flow.confirm_card(turn, data)
        return
    stored = await reports_from_message(turn.contact, ref) if ref else []
    if not stored:
        turn.reply(
            turn._("Edits change nothing stored. Send the corrected progress as a new message.")
        )
        return
    await turn.set_flow(EDIT_FLOW, {"text": check_narrative(text), "ref": ref})
    tasks = "、".join(r.task.number for r in stored)
    turn.reply(
        turn._(
            "You edited a message already stored as your report on task {tasks}. "
            "Replace the stored report with the edited text (a new version)?",
            tasks=tasks,
        ),
        buttons=(
            (Button(turn._("Replace"), payload("u", stored[0].id, 1)),),
            (Button(turn._("Keep the stored report"), payload("u", stored[0].id, 0)),),
        ),
    )


async def on_replace(turn: Turn, p: Payload) -> None:
    """``u``: replace the reports read from an edited message, or keep them."""
    assert turn.contact is not None
    if len(p.args) < 2:
        raise RefusedError(msg(N_("That button is not valid.")))
    first = await stored_report(turn.contact, p.args[0])
    data = turn.data
    if turn.flow != EDIT_FLOW or data.get("ref") != first.source_ref:
        turn.refuse(turn._("That button belongs to a report that is finished or was cancelled."))
        return
    await turn.clear_flow()
    if not p.args[1]:
        turn.reply(turn._("The stored report stays as it was."))
        return
    reads = {r.task: r for r in read_reply(data["text"])}
    lines = []
    for report in await reports_from_message(turn.contact, data["ref"]):
        read = reads.get(report.task.number) or (reads.get(None) if len(reads) == 1 else None)
        if read is None:
            continue
        status = read.status if read.status and not read.unsure else Status(report.status)
        kept = report.percent if status.value == report.status else None
        said = read.percent if read.percent is not None else kept
        percent = STATUS_PERCENT.get(status, said)
        draft = Draft(
            status, percent, read.text or data["text"], source_ref=data["ref"],
            problems=report.problems if read.problems is None else read.problems,
            next_steps=report.next_steps if read.next_steps is None else read.next_steps,
        )  # fmt: skip
        new = await submit_report(
            turn.contact, report.request_id, draft, now=turn.now, today=turn.today
        )
        lines.append(
            turn._(
                "Reported task {number} for {period} (version {version}): {status}.",
                number=report.task.number,
                period=report.request.period.key,
                version=new.version,
                status=flow.status_label(turn, status, percent),
            )
        )
    turn.reply("\n".join(lines) or turn._("The stored report stays as it was."))


def on_voice(turn: Turn) -> None:
    """Voice (or video, a location …): nothing is stored; the progress is asked for as text."""
    if turn.inbound.kind == "voice":
        turn.reply(turn._("I cannot listen to voice messages. Please type the progress as text."))
    else:
        turn.reply(turn._("I can read text, photos and files only. Please type the progress."))
