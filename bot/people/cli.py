"""``duban invite | contacts | revoke``: binding codes and who is bound (secretariat's tools).

``duban contacts`` lists; its ``import`` and ``sync-wecom`` subcommands (bulk onboarding) live
in :mod:`bot.people.cli_onboarding`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.domain.messages import N_, msg
from bot.domain.payloads import is_id
from bot.people import cli_onboarding as onboarding
from bot.people.binding import (
    INVITE_DAYS,
    ROLE_LABELS,
    ContactRole,
    NewInvite,
    active_contacts,
    contact_name,
    create_invite,
    revoke_contact,
)
from bot.people.invitation_sheet import telegram_link
from bot.shell.options import AsJson, PlanId
from bot.shell.runtime import runtime
from bot.storage.models import Contact

CHANNEL_NAMES = {"telegram": N_("Telegram"), "wecom": N_("WeCom")}
contacts_app = typer.Typer(
    help="Who is bound; import a contacts sheet; sync names from WeCom.",
    invoke_without_command=True,
)
contacts_app.command("import")(onboarding.import_command)
contacts_app.command("sync-wecom")(onboarding.sync_wecom)


def register(app: typer.Typer) -> None:
    """Attach these commands to the ``duban`` app."""
    app.command("invite")(invite)
    app.add_typer(contacts_app, name="contacts")
    app.command("revoke")(revoke)


def invite(  # noqa: PLR0917 - typer passes every option by keyword
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Argument(help="The unit (or one of its aliases)")] = None,
    role: Annotated[
        ContactRole, typer.Option(help="reporter | leader | secretariat")
    ] = ContactRole.REPORTER,
    days: Annotated[
        int, typer.Option(min=1, max=90, help="Days the code stays valid")
    ] = INVITE_DAYS,
    locale: Annotated[
        str | None, typer.Option(help="zh_CN | zh_TW | en (default: DUBAN_DEFAULT_LOCALE)")
    ] = None,
    name: Annotated[str, typer.Option(help="Whom the code is for (shown once bound)")] = "",
    plan: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """Create a single-use bind code (绑定码) for a unit's contact, leader or the secretariat
    (of one plan with --plan; without it, of every plan)."""
    rt = runtime(ctx)
    chosen = rt.locale_option(locale)

    async def body() -> NewInvite:
        async with rt.database():
            return await create_invite(
                unit, role, now=rt.now(), locale=chosen, days=days, name=name.strip(), plan_id=plan
            )

    created = rt.run(body())
    if as_json:
        rt.json(
            {
                "code": created.code,
                "unit": created.unit,
                "role": created.role.value,
                "expires_at": rt.iso(created.expires_at),
            }
        )
        return
    who = created.unit or rt.translator.gettext(ROLE_LABELS[ContactRole.SECRETARIAT])
    rt.tell(
        msg(
            N_("Bind code for {who} ({role}), valid until {expires}:"),
            who=who,
            role=rt.translator.gettext(ROLE_LABELS[created.role]),
            expires=rt.local(created.expires_at),
        )
    )
    rt.out.print(f"  {created.code}", markup=False)
    link = telegram_link(rt, created.code)
    if link is None:
        rt.tell(
            msg(
                N_(
                    "Telegram: send “/start {code}” to the bot (a link and QR code need "
                    "DUBAN_TELEGRAM_BOT_USERNAME)\nWeCom: send “绑定 {code}”"
                ),
                code=created.code,
            )
        )
        return
    rt.tell(
        msg(
            N_("Telegram: send “/start {code}”, or open {link}\nWeCom: send “绑定 {code}”"),
            code=created.code,
            link=link,
        )
    )


@contacts_app.callback()
def contacts(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array")] = False,
) -> None:
    """Everyone bound, by unit and role (or: import a sheet, sync from WeCom)."""
    if ctx.invoked_subcommand is not None:
        return
    rt = runtime(ctx)

    async def body() -> list[Contact]:
        async with rt.database():
            return await active_contacts()

    people = rt.run(body())
    rows = [
        {
            "id": c.id,
            "unit": c.unit.name if c.unit else None,
            "role": c.role,
            "name": c.display_name,
            "phone": c.phone,
            "identity": c.identity,
            "locale": c.locale,
            "unreachable": c.unreachable_at is not None,
            "since": rt.iso(c.created_at),
        }
        for c in people
    ]
    if as_json:
        rt.json(rows)
        return
    table = Table()
    for label in (N_("No."), N_("Unit"), N_("Role"), N_("Name"), N_("Phone"), N_("Account")):
        table.add_column(rt.translator.gettext(label))
    for contact in people:
        channel, _, account = contact.identity.partition(":")
        table.add_row(
            str(contact.id),
            contact.unit.name if contact.unit else "—",
            rt.translator.gettext(ROLE_LABELS[ContactRole(contact.role)]),
            contact_name(contact) + (" ⚠" if contact.unreachable_at else ""),
            contact.phone or "—",
            f"{rt.translator.gettext(CHANNEL_NAMES.get(channel, channel))} {account}",
        )
    rt.out.print(table)
    rt.out.print(rt.say(msg(N_("{count} contacts bound."), count=len(rows))))


def revoke(
    ctx: typer.Context,
    contact_id: Annotated[int, typer.Argument(help="The number shown by “duban contacts”")],
) -> None:
    """End a contact's binding; they are told, and get no more prompts."""
    rt = runtime(ctx)

    async def body() -> Contact | None:
        if not is_id(contact_id):
            return None
        async with rt.database():
            return await revoke_contact(contact_id, now=rt.now(), actor="cli")

    contact = rt.run(body())
    if contact is None:
        rt.fail(msg(N_("No bound contact has the number {number}."), number=contact_id))
    rt.tell(
        msg(
            N_("The binding of #{number} ({unit}) has ended."),
            number=contact_id,
            unit=" · ".join(
                p for p in (contact.unit.name if contact.unit else "", contact_name(contact)) if p
            ),
        )
    )
