"""``duban digest`` and ``duban export``: what the secretariat receives, on demand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Quarter
from bot.oversight.digest import Digest, build_digest
from bot.oversight.exports import FORMATS, export_month
from bot.oversight.publish import Published, post_digest
from bot.render.digest import digest_text, digest_title
from bot.reporting.records import reporting_month
from bot.shell.runtime import Runtime, runtime
from bot.summaries.cycle import QuarterRow, quarter_rows
from bot.summaries.quarterly import (
    quarter_json,
    quarter_text,
    stored_quarter_period,
    write_materials,
)


def register(app: typer.Typer) -> None:
    """Attach ``digest`` and ``export``."""
    app.command("digest")(digest)
    app.command("export")(export)


def digest(
    ctx: typer.Context,
    period: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM (default: the latest dispatched)")
    ] = None,
    plan: Annotated[int | None, typer.Option(help="The plan id (default: the latest)")] = None,
    post: Annotated[bool, typer.Option("--post", help="Also send it to the secretariat")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """A month's digest (rate, lights, overdue, changes), or a quarter's (2026-Q4)."""
    rt = runtime(ctx)
    quarter = Quarter.parse(period or "")
    if quarter is not None:
        _quarter_digest(rt, quarter, plan, as_json=as_json)
        return
    zone = ZoneInfo(rt.settings.timezone)

    async def body() -> tuple[Digest, int]:
        async with rt.database():
            month = await reporting_month(period, plan)
            if post:
                stamp = rt.now().strftime("%Y%m%d%H%M%S")
                published: Published = await post_digest(
                    month,
                    now=rt.now(),
                    zone=zone,
                    data_dir=rt.settings.data_dir,
                    plan_id=plan,
                    tag=f"cli-{stamp}",
                )
                return published.digest, published.queued
            return await build_digest(month, today=rt.today(), plan_id=plan), 0

    try:
        found, queued = rt.run(body())
    except RefusedError as refused:
        rt.fail(refused.message)
    if as_json:
        rt.out.print_json(json.dumps(found.to_json(), ensure_ascii=False))
    else:
        rt.out.print(digest_title(rt.translator, found), markup=False, style="bold")
        rt.out.print(digest_text(rt.translator, found), markup=False, soft_wrap=True)
    if post:
        rt.err.print(
            rt.say(msg(N_("Queued for {count} secretariat chats and people."), count=queued)),
            markup=False,
        )


def _quarter_digest(rt: Runtime, quarter: Quarter, plan: int | None, *, as_json: bool) -> None:
    async def body() -> list[QuarterRow]:
        async with rt.database():
            _, found = await stored_quarter_period(quarter, plan)
            return await quarter_rows(found)

    try:
        rows = rt.run(body())
    except RefusedError as refused:
        rt.fail(refused.message)
    if as_json:
        rt.out.print_json(json.dumps(quarter_json(quarter, rows), ensure_ascii=False))
        return
    rt.out.print(
        rt.translator.gettext("Quarterly digest {period}", period=quarter.key), style="bold"
    )
    rt.out.print(quarter_text(rt.translator, rows), markup=False, soft_wrap=True)


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="The file to write")],
    period: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM (default: the latest dispatched)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx | docx | png")] = "xlsx",
    plan: Annotated[int | None, typer.Option(help="The plan id (default: the latest)")] = None,
) -> None:
    """A month's filled table (xlsx), written material (docx) or chart (png); for a quarter
    (``--period 2026-Q4 --format docx``) the written material with the approved summaries."""
    rt = runtime(ctx)
    quarter = Quarter.parse(period or "")
    if quarter is not None and fmt != "docx":
        rt.fail(msg(N_("A quarter is exported as the written material: use --format docx.")))
    if fmt not in FORMATS:
        rt.fail(msg(N_("Unknown export format “{value}”: use xlsx, docx or png."), value=fmt))

    async def body() -> None:
        async with rt.database():
            if quarter is not None:
                await write_materials(quarter, out, locale=rt.translator.locale, plan_id=plan)
                return
            month = await reporting_month(period, plan)
            await export_month(
                month, fmt, out, today=rt.today(), zone=ZoneInfo(rt.settings.timezone),
                locale=rt.translator.locale, plan_id=plan,
            )  # fmt: skip

    try:
        rt.run(body())
    except RefusedError as refused:
        rt.fail(refused.message)
    except OSError as exc:
        rt.fail(msg(N_("The file cannot be written: {reason}"), reason=str(exc)))
    rt.out.print(
        rt.say(msg(N_("Written to {path}."), path=str(out.resolve()))), markup=False, soft_wrap=True
    )
