"""``duban task close | reopen``: closing a task (销号) by the secretariat at the terminal,
through the use cases the chat calls; ``duban task closures`` lists the requests waiting."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.domain.messages import N_, msg
from bot.oversight.closing import ClosureView, close_task, pending_closures, reopen_task
from bot.shell.runtime import runtime

task_app = typer.Typer(help="Close a task (销号) or reopen it.", no_args_is_help=True)
TaskNumber = Annotated[str, typer.Argument(help="The task's number (序号)")]


def register(app: typer.Typer) -> None:
    """Attach the ``task`` group to the ``duban`` app."""
    app.add_typer(task_app, name="task")


@task_app.command("close")
def close_command(ctx: typer.Context, number: TaskNumber) -> None:
    """Close a task (销号): its open requests are closed and it is asked no more."""
    rt = runtime(ctx)

    async def body() -> int:
        async with rt.database():
            return await close_task(number, now=rt.now(), actor="cli")

    closed = rt.run(body())
    rt.tell(
        msg(
            N_("Task {number} is closed (销号); {count} open requests closed."),
            number=number,
            count=closed,
        )
    )


@task_app.command("reopen")
def reopen_command(ctx: typer.Context, number: TaskNumber) -> None:
    """Reopen a closed task: it is asked again from the next dispatch."""
    rt = runtime(ctx)

    async def body() -> None:
        async with rt.database():
            await reopen_task(number, now=rt.now(), actor="cli")

    rt.run(body())
    rt.tell(msg(N_("Task {number} is reopened; the next dispatch asks it again."), number=number))


@task_app.command("closures")
def closures_command(ctx: typer.Context) -> None:
    """Requests to close a task (销号) waiting for the secretariat."""
    rt = runtime(ctx)

    async def body() -> list[ClosureView]:
        async with rt.database():
            return await pending_closures()

    views = rt.run(body())
    if not views:
        rt.tell(msg(N_("No requests to close a task are waiting.")))
        return
    table = Table(show_lines=False)
    for label in (N_("#"), N_("Task"), N_("Unit"), N_("Asked by"), N_("Reported done")):
        table.add_column(rt.translator.gettext(label))
    for v in views:
        table.add_row(str(v.id), v.number, v.unit, v.asked_by, v.evidence)
    rt.out.print(table)
