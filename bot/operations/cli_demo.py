"""``duban demo``'s declaration; the tour itself (``bot.operations.demo``) loads when it runs.

The tour needs the bot, both emulators and the document writers: importing it for every
``duban`` command would cost seconds, so only this thin declaration is imported at start.
"""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the ``duban`` app."""
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    output: Path = typer.Option(Path("demo-output"), help="Where the demo writes its files"),
) -> None:
    """Run a quarter of the cycle offline: import, bind, dispatch, replies, reminders,
    escalation, digests, a quarterly summary returned and approved, and the exports."""
    from bot.operations import demo as tour  # noqa: PLC0415 - heavy: the bot and the emulators

    tour.demo(ctx, output)
