"""``duban outbox [--failed] | outbox retry`` and ``duban remind | escalate`` by hand."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Annotated

import typer
from rich.table import Table

from bot.cadence.jobs import JobReport, nudge, run_escalation
from bot.delivery.outbox import listing, requeue_failed
from bot.domain.messages import N_, msg
from bot.domain.payloads import is_id
from bot.domain.text import shorten
from bot.shell.options import AsJson
from bot.shell.runtime import Runtime, runtime

outbox_app = typer.Typer(
    help="What is queued or failed, and requeueing.", invoke_without_command=True
)


def register(app: typer.Typer) -> None:
    """Attach ``outbox``, ``remind`` and ``escalate``."""
    app.add_typer(outbox_app, name="outbox")
    app.command("remind")(remind)
    app.command("escalate")(escalate)


@outbox_app.callback()
def outbox(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="Only messages that failed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array")] = False,
) -> None:
    """List queued and failed messages."""
    if ctx.invoked_subcommand is not None:
        return
    rt = runtime(ctx)

    async def body() -> list[dict[str, object]]:
        async with rt.database():
            return [
                {
                    "id": m.id,
                    "key": m.key,
                    "recipient": m.recipient,
                    "state": m.state,
                    "attempts": m.attempts,
                    "next_attempt_at": rt.iso(m.next_attempt_at),
                    "error": m.last_error,
                    "text": shorten(str(m.payload.get("text", "")), 60),
                }
                for m in await listing(failed_only=failed)
            ]

    rows = rt.run(body())
    if as_json:
        rt.json(rows)
        return
    table = Table()
    for label in (
        N_("No."), N_("Recipient"), N_("State"), N_("Attempts"), N_("Next attempt"), N_("Error"),
        N_("Text"),
    ):  # fmt: skip
        table.add_column(rt.translator.gettext(label))
    for row in rows:
        table.add_row(
            str(row["id"]), str(row["recipient"]), str(row["state"]), str(row["attempts"]),
            str(row["next_attempt_at"])[:16].replace("T", " "),
            shorten(str(row["error"] or ""), 40), str(row["text"]),
        )  # fmt: skip
    rt.out.print(table)
    rt.out.print(rt.say(msg(N_("{count} messages queued or failed."), count=len(rows))))


@outbox_app.command("retry")
def retry(
    ctx: typer.Context,
    ids: Annotated[
        list[int] | None, typer.Argument(help="Message numbers (default: every failed one)")
    ] = None,
) -> None:
    """Requeue failed messages."""
    rt = runtime(ctx)
    chosen = [i for i in ids or [] if is_id(i)]

    async def body() -> int:
        async with rt.database():
            return await requeue_failed(chosen or None, now=rt.now())

    count = rt.run(body())
    rt.out.print(rt.say(msg(N_("{count} messages requeued."), count=count)))


def _run_job(
    ctx: typer.Context, name: str, job: Callable[..., Awaitable[JobReport]], *, as_json: bool
) -> JobReport | None:
    rt = runtime(ctx)

    async def body() -> JobReport:
        async with rt.database():
            return await job(rt.now(), rt.zone, force=True)

    return _job_output(rt, name, rt.run(body()), as_json=as_json)


def _job_output(rt: Runtime, name: str, report: JobReport, *, as_json: bool) -> JobReport | None:
    """Print the JSON form and return None, or return the report for a sentence."""
    if as_json:
        rt.out.print_json(
            json.dumps({"job": name, "queued": report.queued, "periods": report.periods})
        )
        return None
    return report


def remind(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Remind every unit that has not reported for the latest month, now (once a day)."""
    rt = runtime(ctx)

    async def body() -> JobReport:
        async with rt.database():
            return await nudge(rt.now(), rt.zone, actor="cli")

    report = _job_output(rt, "remind", rt.run(body()), as_json=as_json)
    if report is not None:
        rt.out.print(rt.say(msg(N_("{count} reminders queued."), count=report.queued)))


def escalate(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Escalate units that missed the latest due day to their leaders and the secretariat."""
    report = _run_job(ctx, "escalate", run_escalation, as_json=as_json)
    if report is not None:
        rt = runtime(ctx)
        rt.out.print(rt.say(msg(N_("{count} escalations queued."), count=report.queued)))
