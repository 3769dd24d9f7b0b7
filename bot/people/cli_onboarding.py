"""``duban contacts import | sync-wecom``: onboarding a whole plan's people at once.

``import`` reads a contacts sheet: WeCom people with a known userid are bound directly, the
others get codes, printed as an invitation sheet (xlsx list and PDF cards with QR codes).
``sync-wecom`` reads the WeCom address book: real names for bound WeCom contacts, and members
offered per unit by department name (bound with ``--bind`` where a code already waits for them,
or written to a sheet to fill in and import).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from bot.domain.messages import N_, Message, msg
from bot.domain.roster import RosterError, read_roster
from bot.people.binding import INVITE_DAYS, NewInvite
from bot.people.directory import AddressBook, Synced, sync_address_book
from bot.people.directory_view import show_synced, write_offers
from bot.people.invitation_sheet import card_for, show_imported, show_plan, write_sheets
from bot.people.onboarding import (
    Imported,
    SheetRefusedError,
    Step,
    apply_import,
    plan_import,
)
from bot.plans.units import UnitError, find_unit
from bot.shell.options import AsJson
from bot.shell.runtime import Runtime, runtime


def _refuse(rt: Runtime, problems: list[Message]) -> NoReturn:
    """Every problem on its own line, then the one-sentence refusal (exit 2)."""
    for problem in sorted(problems, key=lambda p: p.params.get("row", 0)):
        rt.err.print(rt.say(problem), markup=False, highlight=False, soft_wrap=True)
    rt.fail(msg(N_("{count} problems in the sheet; nothing was imported."), count=len(problems)))


def import_command(  # noqa: PLR0917 - typer passes every option by keyword
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The contacts sheet: .xlsx or .csv")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would happen only")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the invitation sheet (default: DUBAN_DATA_DIR/invitations)"),
    ] = None,
    png: Annotated[bool, typer.Option("--png", help="Also write the cards as PNG pages")] = False,
    days: Annotated[
        int, typer.Option(min=1, max=90, help="Days the codes stay valid")
    ] = INVITE_DAYS,
    locale: Annotated[
        str | None, typer.Option(help="zh_CN | zh_TW | en (default: DUBAN_DEFAULT_LOCALE)")
    ] = None,
    reissue: Annotated[
        bool, typer.Option("--reissue", help="New codes for people whose code is still valid")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Bind or invite everyone on a contacts sheet (单位, 角色, 姓名, 手机, 企业微信账号)."""
    from bot.importers.errors import PlanFileError  # noqa: PLC0415 - only this command reads files
    from bot.importers.sheet import read_sheet  # noqa: PLC0415

    rt = runtime(ctx)
    chosen = rt.locale_option(locale)
    try:
        people, problems = read_roster(read_sheet(file))
    except (PlanFileError, RosterError) as exc:
        rt.fail(exc.message)
    if not people and not problems:
        rt.fail(msg(N_("The sheet lists nobody below its header row.")))
    folder = (out or rt.settings.data_dir / "invitations").resolve()
    written: list[Path] = []

    async def publish(codes: list[tuple[Step, NewInvite]]) -> None:
        cards = [card_for(rt, step, created) for step, created in codes]
        written.extend(await asyncio.to_thread(write_sheets, rt, cards, folder, png))

    async def body() -> list[Step] | Imported:
        async with rt.database():
            try:
                steps = await plan_import(people, now=rt.now(), reissue=reissue)
            except SheetRefusedError as refused:
                _refuse(rt, refused.problems + problems)  # the unit first, as the sheet reads
            if problems:
                _refuse(rt, problems)
            if dry_run:
                return steps
            return await apply_import(
                steps, now=rt.now(), locale=chosen, days=days, publish=publish
            )

    try:
        result = rt.run(body())
    except OSError as exc:
        rt.unwritable(exc, folder)
    if isinstance(result, list):
        show_plan(rt, result, as_json=as_json)
        return
    show_imported(rt, result, written, as_json=as_json)


def sync_wecom(
    ctx: typer.Context,
    bind: Annotated[
        bool,
        typer.Option("--bind", help="Bind the members a code waits for (same name, same unit)"),
    ] = False,
    sheet: Annotated[
        Path | None,
        typer.Option(help="Write the offered members to this .xlsx, to fill in and import"),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Offer members of this unit only")] = None,
    as_json: AsJson = False,
) -> None:
    """Read the WeCom address book: fill names of bound contacts, offer userids per unit."""
    rt = runtime(ctx)
    if sheet is not None and sheet.suffix.lower() != ".xlsx":
        rt.fail(msg(N_("The sheet must be an .xlsx file.")))
    wecom = rt.wecom()

    async def body() -> Synced:
        async with rt.database():
            only = None
            if unit:
                try:
                    only = await find_unit(unit)
                except UnitError as exc:
                    rt.fail(exc.message)
            try:
                departments, members = await wecom.address_book()
            except Exception as exc:  # wechatpy and requests raise many kinds
                rt.fail(msg(N_("WeCom refused: {reason}"), reason=str(exc)))
            finally:
                wecom.close()
            book = AddressBook.from_api(departments, members)
            return await sync_address_book(book, now=rt.now(), bind=bind, unit=only)

    synced = rt.run(body())
    if sheet is not None:
        rt.write_file(sheet, lambda path: write_offers(rt, synced, path))
    show_synced(rt, synced, sheet=sheet, bound=bind, as_json=as_json)
