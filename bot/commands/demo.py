"""``duban demo``: the offline tour on a throw-away database (grows with each capability)."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from importlib import resources
from pathlib import Path

import typer
from rich.rule import Rule

from bot.commands.plans import register_view
from bot.commands.runtime import Runtime, runtime
from bot.domain.messages import N_, msg
from bot.importers import read_plan_bytes
from bot.render.register import RegisterTable, register_table, write_xlsx
from bot.services.plans import import_plan
from bot.storage.db import open_database, upgrade_schema
from bot.storage.register import latest_plan, load_tasks, plan_meta

SAMPLE_PLAN = "sample_plan.md"


def _write_register(table: RegisterTable, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(table, target)


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the ``duban`` app."""
    app.command("demo")(demo)


def sample_plan_bytes() -> bytes:
    """The bundled sample plan (a county 分工方案 in the usual Markdown-table form)."""
    return resources.files("bot.data").joinpath(SAMPLE_PLAN).read_bytes()


def demo(
    ctx: typer.Context,
    output: Path = typer.Option(Path("demo-output"), help="Where the demo writes its files"),
) -> None:
    """Import the bundled sample plan into a temporary database and show the register."""
    rt = runtime(ctx)
    with tempfile.TemporaryDirectory(prefix="duban-demo-") as folder:
        url = f"sqlite://{Path(folder) / 'demo.sqlite3'}"
        rt.run(_tour(rt, url, output))


async def _tour(rt: Runtime, url: str, output: Path) -> None:
    data = sample_plan_bytes()
    rt.out.print(Rule(rt.say(msg(N_("1. Import the sample plan")))))
    parsed = read_plan_bytes(data, name=SAMPLE_PLAN, max_bytes=rt.settings.import_max_bytes)
    await upgrade_schema(url)
    async with open_database(url):
        outcome = await import_plan(
            parsed, source_name=SAMPLE_PLAN, sha256=hashlib.sha256(data).hexdigest(), actor="demo"
        )
        plan = await latest_plan(outcome.plan_id)
        assert plan is not None
        tasks = await load_tasks(plan.id)
    rt.out.print(register_view(rt, plan_meta(plan), tasks))
    for warning in parsed.warnings:
        rt.out.print("⚠ " + rt.say(warning), markup=False)
    rt.out.print(Rule(rt.say(msg(N_("2. Export the register")))))
    target = output / "register.xlsx"
    table = register_table(plan_meta(plan), tasks, list(plan.columns), dict(plan.headers))
    await asyncio.to_thread(_write_register, table, target)
    rt.out.print(
        rt.say(
            msg(
                N_("{count} tasks of “{title}” imported; the register is in {path}."),
                count=len(tasks),
                title=plan.title,
                path=str(target.resolve()),
            )
        )
    )
