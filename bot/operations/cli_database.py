"""``duban init``: create the database schema, or upgrade it to this version."""

from __future__ import annotations

import typer

from bot.domain.messages import N_, msg
from bot.shell.runtime import runtime
from bot.storage.db import upgrade_schema, where


def register(app: typer.Typer) -> None:
    """Attach ``init``."""
    app.command("init")(init)


def init(ctx: typer.Context) -> None:
    """Create the database schema, or upgrade it to this version."""
    rt = runtime(ctx)
    url = rt.settings.database_url
    state = rt.run(rt.schema(url))
    if not state.pending:
        rt.out.print(rt.say(msg(N_("The database schema is up to date."))))
        return
    rt.run(upgrade_schema(url))
    if state.missing:
        text = msg(N_("The database at {where} was created."), where=where(url))
    else:
        text = msg(
            N_("The database at {where} was upgraded ({count} migrations applied)."),
            where=where(url),
            count=state.pending,
        )
    rt.out.print(rt.say(text), markup=False, highlight=False, soft_wrap=True)
