"""``duban outbox [--failed] | outbox retry``: what is queued or failed, and requeueing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.delivery.outbox import listing, requeue_failed
from bot.domain.messages import N_, msg
from bot.domain.payloads import is_id
from bot.domain.text import shorten
from bot.shell.runtime import runtime

outbox_app = typer.Typer(
    help="What is queued or failed, and requeueing.", invoke_without_command=True
)


def register(app: typer.Typer) -> None:
    """Attach ``outbox``."""
    app.add_typer(outbox_app, name="outbox")


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
