"""``duban calendar add | import | list``: holidays and make-up working days an admin enters.

chinesecalendar knows the official holidays up to the year it was released for; beyond that
working days are Monday to Friday plus what is entered here (``calendar_day``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cadence.calendar import list_days, parse_day, parse_kind, read_days, set_days
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.shell.runtime import runtime

calendar_app = typer.Typer(
    help="Holidays and make-up working days (节假日/调休).", no_args_is_help=True
)


@calendar_app.command("add")
def add(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    kind: Annotated[str, typer.Argument(help="holiday (休) or workday (班)")],
    note: Annotated[str, typer.Option(help="e.g. 元旦")] = "",
) -> None:
    """Enter one holiday or make-up working day."""
    rt = runtime(ctx)
    try:
        entry = (parse_day(day), parse_kind(kind), note)
    except RefusedError as refused:
        rt.fail(refused.message)

    async def body() -> int:
        async with rt.database():
            return await set_days([entry], actor="cli")

    rt.run(body())
    rt.out.print(rt.say(msg(N_("{count} calendar days saved."), count=1)))


@calendar_app.command("import")
def import_days(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: date,kind[,note] per line")],
) -> None:
    """Enter a year's holidays and make-up days from a CSV file, all or nothing."""
    rt = runtime(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        rt.fail(msg(N_("The file cannot be read: {reason}"), reason=str(exc)))
    try:
        days = read_days(text)
    except RefusedError as refused:
        rt.fail(refused.message)

    async def body() -> int:
        async with rt.database():
            return await set_days(days, actor="cli")

    count = rt.run(body())
    rt.out.print(rt.say(msg(N_("{count} calendar days saved."), count=count)))


@calendar_app.command("list")
def list_command(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="Only this year")] = None,
) -> None:
    """The days entered by an admin."""
    rt = runtime(ctx)

    async def body() -> list[tuple[str, str, str]]:
        async with rt.database():
            return [(d.day.isoformat(), d.kind, d.note) for d in await list_days(year)]

    for day, kind, note in rt.run(body()):
        rt.out.print(f"{day}  {kind:8}  {note}", markup=False)
