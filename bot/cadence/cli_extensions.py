"""``duban extension list | approve | refuse``: deadline extensions (延期申请) for the
secretariat at the terminal, through the use cases the chat's buttons call."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cadence.extensions import ExtensionView, decide, list_extensions
from bot.domain.messages import N_, msg
from bot.shell.options import AsJson
from bot.shell.runtime import Runtime, runtime

extension_app = typer.Typer(
    help="Deadline extensions (延期申请): list, approve, refuse.", no_args_is_help=True
)

# The state of a request as the secretariat reads it.
STATES = {
    "endorsing": N_("waiting for the unit’s leader"),
    "pending": N_("waiting for the secretariat"),
    "approved": N_("approved"),
    "refused": N_("refused"),
}


def register(app: typer.Typer) -> None:
    """Attach the ``extension`` group to the ``duban`` app."""
    app.add_typer(extension_app, name="extension")


def _json(rt: Runtime, view: ExtensionView) -> dict[str, Any]:
    return {
        "id": view.id, "task": view.number, "unit": view.unit, "state": view.state,
        "old": view.old.isoformat() if view.old else None, "new": view.new.isoformat(),
        "reason": view.reason, "asked_by": view.asked_by, "endorsed_by": view.endorsed_by,
        "decided_by": view.decided_by, "comment": view.comment,
        "requested_at": rt.iso(view.requested_at),
        "decided_at": rt.iso(view.decided_at) if view.decided_at else None,
    }  # fmt: skip


@extension_app.command("list")
def list_command(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Decided requests too (the history)")
    ] = False,
    task: Annotated[str, typer.Option("--task", help="One task's requests, by its number")] = "",
    as_json: AsJson = False,
) -> None:
    """Extension requests waiting for a decision; with --all or --task, the history too."""
    rt = runtime(ctx)

    async def body() -> list[ExtensionView]:
        async with rt.database():
            return await list_extensions(every=every, number=task)

    views = rt.run(body())
    if as_json:
        rt.json([_json(rt, v) for v in views])
        return
    if not views:
        rt.tell(msg(N_("No extension requests.")))
        return
    table = Table(show_lines=False)
    for label in (N_("#"), N_("Task"), N_("Unit"), N_("Deadline"), N_("New date"), N_("State"),
                  N_("Reason"), N_("Asked by"), N_("Asked on")):  # fmt: skip
        table.add_column(rt.translator.gettext(label))
    for v in views:
        state = rt.translator.gettext(STATES[v.state])
        if v.comment:
            state += f"：{v.comment}"
        table.add_row(
            str(v.id), v.number, v.unit, v.old.isoformat() if v.old else "—",
            v.new.isoformat(), state, v.reason, v.asked_by, rt.local(v.requested_at),
        )  # fmt: skip
    rt.out.print(table)


ExtensionId = Annotated[int, typer.Argument(help="The request's number (#)")]


@extension_app.command("approve")
def approve_command(ctx: typer.Context, extension: ExtensionId) -> None:
    """Approve an endorsed request: the task's deadline moves, its history kept."""
    rt = runtime(ctx)

    async def body() -> ExtensionView:
        async with rt.database():
            return await decide(extension, approve=True, now=rt.now(), by=None)

    view = rt.run(body())
    rt.tell(
        msg(
            N_("Approved: task {number}’s deadline is now {new} (was {old})."),
            number=view.number,
            new=view.new.isoformat(),
            old=view.old.isoformat() if view.old else "—",
        )
    )


@extension_app.command("refuse")
def refuse_command(
    ctx: typer.Context,
    extension: ExtensionId,
    comment: Annotated[str, typer.Option("--comment", help="Why: the unit is told")] = "",
) -> None:
    """Refuse an endorsed request with a comment; the unit's reporters are told."""
    rt = runtime(ctx)

    async def body() -> ExtensionView:
        async with rt.database():
            return await decide(extension, approve=False, now=rt.now(), by=None, comment=comment)

    view = rt.run(body())
    rt.tell(msg(N_("Refused; {unit} is told your comment."), unit=view.unit))
