"""``duban backup | restore | audit``: the administrator's comfort."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.domain.messages import N_, msg
from bot.operations.backup import backup, default_target, restore
from bot.shell.runtime import runtime
from bot.storage.models import AuditLog


def register(app: typer.Typer) -> None:
    """Attach the admin commands."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("audit")(audit)


def backup_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option(help="The file (default: backups/duban-<time>.sqlite3|.sql)")
    ] = None,
) -> None:
    """A consistent copy of the database (SQLite: WAL checkpointed; PostgreSQL: pg_dump)."""
    rt = runtime(ctx)
    url = rt.settings.database_url
    target = out or default_target(url, Path("backups"), rt.now())
    written = rt.run(backup(url, target))
    rt.out.print(
        rt.say(msg(N_("Backup written to {path}."), path=str(written.resolve()))),
        markup=False,
        soft_wrap=True,
    )


def restore_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by duban backup")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: the database is replaced")] = False,
) -> None:
    """Replace the database with a backup (stop ``duban run`` first)."""
    rt = runtime(ctx)
    if not yes:
        rt.fail(msg(N_("Restoring replaces the database; stop the bot and add --yes to confirm.")))
    aside = rt.run(restore(rt.settings.database_url, file, now=rt.now()))
    rt.out.print(
        rt.say(msg(N_("Restored from {path}."), path=str(file))), markup=False, soft_wrap=True
    )
    if aside is not None:
        rt.out.print(
            rt.say(msg(N_("The previous database was kept as {path}."), path=str(aside))),
            markup=False,
            soft_wrap=True,
        )


def audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="How many entries")] = 50,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. bind.contact")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array")] = False,
) -> None:
    """Who did what, newest first: imports, binds, reports, approvals, nudges, revocations."""
    rt = runtime(ctx)

    async def body() -> list[dict[str, object]]:
        async with rt.database():
            query = AuditLog.all()
            if action:
                query = query.filter(action=action)
            return [
                {
                    "at": rt.iso(a.at),
                    "actor": a.actor,
                    "action": a.action,
                    "subject": a.subject,
                    "detail": a.detail,
                }
                for a in await query.order_by("-at", "-id").limit(limit)
            ]

    rows = rt.run(body())
    if as_json:
        rt.json(rows)
        return
    for row in rows:
        at = str(row["at"])[:16].replace("T", " ")
        rt.out.print(
            f"{at}  {row['actor']:24}  {row['action']:18}  {row['subject']}",
            markup=False,
            soft_wrap=True,
        )
