"""The invitation sheet of ``duban contacts import``: cards and list written, results shown.

The cards and the xlsx list are written in a worker thread (openpyxl and matplotlib block),
readable by their owner only: they hold live codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from bot.domain.messages import N_, msg
from bot.people.binding import ROLE_LABELS, ContactRole, NewInvite
from bot.people.onboarding import BIND, BOUND, INVITE, INVITED, Imported, Step
from bot.render.invitations import Card, Labels
from bot.shell.runtime import Runtime

ACTION_LABELS = {
    BIND: N_("bind on WeCom as {account}"),
    INVITE: N_("create a code"),
    BOUND: N_("already bound: unchanged"),
    INVITED: N_("has a valid code: skipped (--reissue for a new one)"),
}


def telegram_link(rt: Runtime, code: str) -> str | None:
    """The deep link that binds with ``code``; None while the bot's username is not set."""
    username = (rt.settings.telegram_bot_username or "").strip().lstrip("@")
    return f"https://t.me/{username}?start={code}" if username else None


def card_for(rt: Runtime, step: Step, created: NewInvite) -> Card:
    role = rt.translator.gettext(ROLE_LABELS[created.role])
    return Card(
        unit=step.unit.name
        if step.unit
        else rt.translator.gettext(ROLE_LABELS[ContactRole.SECRETARIAT]),
        role=role,
        name=step.row.name,
        phone=step.row.phone,
        telegram=step.row.telegram,
        code=created.code,
        expires=rt.local(created.expires_at),
        link=telegram_link(rt, created.code),
    )


def labels(rt: Runtime) -> Labels:
    _ = rt.translator.gettext
    return Labels(
        title=_(N_("Duban · invitation to bind")),
        headers=tuple(
            _(h)
            for h in (
                N_("Unit"),
                N_("Role"),
                N_("Name"),
                N_("Phone"),
                N_("Telegram"),
                N_("Bind code"),
                N_("Send in WeCom"),
                N_("Send in Telegram"),
                N_("Telegram link"),
                N_("Valid until"),
            )
        ),
        code=_(N_("Bind code")),
        wecom=_(N_("WeCom: send to the Duban app")),
        telegram=_(N_("Telegram: send to the bot")),
        scan=_(N_("Scan to open Telegram")),
        valid=_(N_("Valid until {expires}")),
        footer=_(
            N_("Page {page} of {pages} · live codes: keep this sheet safe, destroy it after use")
        ),
    )


def write_sheets(rt: Runtime, cards: list[Card], folder: Path, png: bool) -> list[Path]:
    """The xlsx list and the PDF cards (and PNG pages), readable by their owner only."""
    from bot.render.invitations import (  # noqa: PLC0415 - openpyxl and matplotlib are heavy
        write_invitation_cards,
        write_invitations_xlsx,
    )

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"invitations-{rt.now().astimezone(rt.zone):%Y%m%d-%H%M%S}"
    name, number = stem, 1
    while (folder / f"{name}.xlsx").exists() or (folder / f"{name}.pdf").exists():
        number += 1
        name = f"{stem}-{number}"
    words = labels(rt)
    xlsx = folder / f"{name}.xlsx"
    write_invitations_xlsx(cards, words, xlsx)
    pdf = folder / f"{name}.pdf"
    written = [xlsx, *write_invitation_cards(cards, words, pdf, png_dir=folder if png else None)]
    for path in written:
        path.chmod(0o600)
    return written


def action_text(rt: Runtime, step: Step) -> str:
    return rt.translator.gettext(ACTION_LABELS[step.action], account=step.row.wecom)


def step_json(step: Step) -> dict[str, Any]:
    return {
        "row": step.row.line,
        "unit": step.unit.name if step.unit else None,
        "role": step.row.role,
        "name": step.row.name,
        "phone": step.row.phone,
        "wecom": step.row.wecom or None,
        "telegram": step.row.telegram or None,
        "action": step.action,
    }


def show_plan(rt: Runtime, steps: list[Step], *, as_json: bool) -> None:
    if as_json:
        rt.json({"steps": [step_json(s) for s in steps]})
        return
    table = Table()
    for label in (N_("Row"), N_("Unit"), N_("Role"), N_("Name"), N_("Phone"), N_("Result")):
        table.add_column(rt.translator.gettext(label))
    for step in steps:
        table.add_row(
            str(step.row.line),
            step.unit.name if step.unit else "—",
            rt.translator.gettext(ROLE_LABELS[ContactRole(step.row.role)]),
            step.row.name or "—",
            step.row.phone or "—",
            action_text(rt, step),
        )
    rt.out.print(table)
    rt.tell(msg(N_("Dry run: nothing was stored, no code was made.")))


def show_imported(rt: Runtime, done: Imported, written: list[Path], *, as_json: bool) -> None:
    if as_json:
        codes = {id(step): created for step, created in done.codes}
        rows = []
        for step in done.steps:
            row = step_json(step)
            if id(step) in codes:
                row["code"] = codes[id(step)].code
                row["expires_at"] = rt.iso(codes[id(step)].expires_at)
                row["link"] = telegram_link(rt, codes[id(step)].code)
            rows.append(row)
        payload = {"steps": rows, "files": [str(p) for p in written]}
        rt.json(payload)
        return
    rt.tell(
        msg(
            N_(
                "Bound on WeCom: {bound}; codes created: {codes}; already bound: "
                "{unchanged}; valid codes kept: {kept}."
            ),
            bound=done.count(BIND),
            codes=done.count(INVITE),
            unchanged=done.count(BOUND),
            kept=done.count(INVITED),
        )
    )
    if written:
        rt.tell(
            msg(
                N_("The invitation sheet is in {folder}: {files}"),
                folder=str(written[0].parent),
                files=", ".join(p.name for p in written),
            )
        )
        rt.tell(msg(N_("The files hold live codes: hand them out, then delete the files.")))
        if telegram_link(rt, "X") is None:
            rt.tell(
                msg(
                    N_(
                        "Telegram links and QR codes need DUBAN_TELEGRAM_BOT_USERNAME; "
                        "the cards show “/start CODE” only."
                    )
                )
            )
