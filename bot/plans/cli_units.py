"""``duban unit list | alias | merge``: keeping one name per real unit."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.domain.messages import N_, msg
from bot.plans.units import UnitError, UnitSummary, add_alias, list_units, merge_units
from bot.shell.runtime import runtime
from bot.storage.register import latest_plan

unit_app = typer.Typer(help="List units, add aliases, merge duplicates.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the ``unit`` group to the ``duban`` app."""
    app.add_typer(unit_app, name="unit")


@unit_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Every unit, its aliases, its tasks by role and its bound contacts."""
    rt = runtime(ctx)

    async def body() -> list[UnitSummary]:
        async with rt.database():
            return await list_units()

    units = rt.run(body())
    table = Table(show_lines=False)
    for label in (
        N_("Unit"),
        N_("Kind"),
        N_("Aliases"),
        N_("Lead"),
        N_("Responsible"),
        N_("Cooperating"),
        N_("Contacts"),
    ):
        table.add_column(rt.translator.gettext(label))
    for u in units:
        table.add_row(
            u.name,
            u.kind,
            "、".join(u.aliases),
            str(u.lead),
            str(u.responsible),
            str(u.cooperating),
            str(u.contacts),
        )
    rt.out.print(table)
    rt.out.print(rt.say(msg(N_("{count} units."), count=len(units))))


@unit_app.command("alias")
def alias_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The unit's name, e.g. 县教育局")],
    alias: Annotated[str, typer.Argument(help="Another name for it, e.g. 教育局")],
    everywhere: Annotated[
        bool, typer.Option("--global", help="For every plan, not just the latest")
    ] = False,
) -> None:
    """Let ALIAS stand for the unit NAME when plans are imported."""
    rt = runtime(ctx)

    async def body() -> str:
        async with rt.database():
            plan = None if everywhere else await latest_plan()
            try:
                unit = await add_alias(name, alias, plan_id=plan.id if plan else None)
            except UnitError as exc:
                rt.fail(exc.message)
            return unit.name

    unit_name = rt.run(body())
    rt.out.print(rt.say(msg(N_("“{alias}” now stands for “{unit}”."), alias=alias, unit=unit_name)))


@unit_app.command("merge")
def merge_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The duplicate name, which is retired")],
    target: Annotated[str, typer.Argument(help="The unit that keeps everything")],
) -> None:
    """Fold SOURCE into TARGET: tasks, contacts and aliases move; SOURCE becomes an alias."""
    rt = runtime(ctx)

    async def body() -> str:
        async with rt.database():
            try:
                return (await merge_units(source, target, now=rt.now())).name
            except UnitError as exc:
                rt.fail(exc.message)

    unit_name = rt.run(body())
    rt.out.print(
        rt.say(msg(N_("“{source}” was merged into “{unit}”."), source=source, unit=unit_name))
    )
