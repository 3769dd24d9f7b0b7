"""The ``duban`` command: the composition root that builds Settings once and runs a command."""

from __future__ import annotations

import logging

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.commands import (
    admin,
    chats,
    cycle,
    delivery,
    demo,
    people,
    plans,
    reporting,
    schedule,
    serve,
    units,
)
from bot.commands.runtime import EXIT_REFUSED, Runtime
from bot.config import Settings
from bot.i18n import Translator

app = typer.Typer(
    name="duban",
    help="Duban (督办): the reporting cycle of a task-division plan, run in chat.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Build the settings and shared objects once, for whichever command runs."""
    err = Console(stderr=True)
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"DUBAN_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        err.print(f"Invalid settings: {problems}", markup=False)
        raise typer.Exit(EXIT_REFUSED) from exc
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    ctx.obj = Runtime(
        settings=settings,
        translator=Translator(settings.default_locale),
        out=Console(),
        err=err,
    )


plans.register(app)
units.register(app)
people.register(app)
cycle.register(app)
serve.register(app)
schedule.register(app)
delivery.register(app)
reporting.register(app)
admin.register(app)
chats.register(app)
demo.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
