"""What ``duban contacts sync-wecom`` shows: names filled, accounts missing, members offered.

The offers can also be written as a contacts sheet (单位, 角色, 姓名, 手机, 企业微信账号, Telegram,
备注) that ``duban contacts import`` reads once the secretariat has filled in the roles.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from bot.domain.messages import N_, msg
from bot.people.binding import ROLE_LABELS, ContactRole, contact_name
from bot.people.directory import BOUND, INVITED, NEW, Suggestion, Synced
from bot.shell.runtime import Runtime

STATUS_LABELS = {
    NEW: N_("not bound"),
    INVITED: N_("a code waits for this name"),
    BOUND: N_("bound now"),
}


def _role(rt: Runtime, role: str | None) -> str:
    return rt.translator.gettext(ROLE_LABELS[ContactRole(role)]) if role else ""


def _department(rt: Runtime, offer: Suggestion) -> str:
    """The department, marked when only its agency (not its exact name) matched the unit."""
    if offer.exact:
        return offer.department
    return rt.translator.gettext(N_("{department} (same agency)"), department=offer.department)


def write_offers(rt: Runtime, synced: Synced, path: Path) -> None:
    """The members not yet bound, as a contacts sheet to fill in (roles) and import."""
    from bot.render.invitations import write_contacts_sheet  # noqa: PLC0415 - openpyxl

    _ = rt.translator.gettext
    headers = [
        _(h)
        for h in (
            N_("Unit"),
            N_("Role"),
            N_("Name"),
            N_("Phone"),
            N_("WeCom userid"),
            N_("Telegram"),
            N_("Note"),
        )
    ]
    rows = [
        [s.unit, _role(rt, s.role), s.name, "", s.userid, "", _department(rt, s)]
        for s in synced.suggestions
        if s.status != BOUND
    ]
    write_contacts_sheet(headers, rows, path)


def show_synced(
    rt: Runtime, synced: Synced, *, sheet: Path | None, bound: bool, as_json: bool
) -> None:
    """Print the sync's outcome (a table, or one JSON object)."""
    if as_json:
        payload = {
            "renamed": [{"userid": u, "old": o, "new": n} for u, o, n in synced.renamed],
            "missing": [c.identity for c in synced.missing],
            "suggestions": [
                {
                    "unit": s.unit,
                    "department": s.department,
                    "userid": s.userid,
                    "name": s.name,
                    "role": s.role,
                    "status": s.status,
                    "exact": s.exact,
                }
                for s in synced.suggestions
            ],
            "unmatched_departments": synced.unmatched,
        }
        rt.json(payload)
        return
    say = rt.say
    rt.out.print(
        say(msg(N_("Names filled from WeCom: {count}."), count=len(synced.renamed))), markup=False
    )
    for userid, old, new in synced.renamed:
        rt.out.print(f"  {userid}: {old or '—'} → {new}", markup=False)
    if synced.missing:
        rt.out.print(
            say(
                msg(
                    N_(
                        "Not in the address book the app can see (messages to them fail; "
                        "check the app's visible range): {accounts}"
                    ),
                    accounts="、".join(
                        f"{contact_name(c)} ({c.identity.split(':', 1)[1]})" for c in synced.missing
                    ),
                )
            ),
            markup=False,
        )
    if synced.suggestions:
        table = Table()
        for label in (
            N_("Unit"),
            N_("Department"),
            N_("Name"),
            N_("WeCom userid"),
            N_("Role"),
            N_("Status"),
        ):
            table.add_column(rt.translator.gettext(label))
        for s in synced.suggestions:
            table.add_row(
                s.unit,
                _department(rt, s),
                s.name,
                s.userid,
                _role(rt, s.role) or "—",
                rt.translator.gettext(STATUS_LABELS[s.status]),
            )
        rt.out.print(table)
    else:
        rt.out.print(say(msg(N_("No unbound member of a unit's department was found."))))
    if synced.unmatched:
        rt.out.print(
            say(
                msg(
                    N_(
                        "Departments that match no unit: {departments}. If one is a unit, "
                        "run “duban unit alias UNIT DEPARTMENT” and sync again."
                    ),
                    departments="、".join(synced.unmatched),
                )
            ),
            markup=False,
        )
    _next_steps(rt, synced, sheet=sheet, bound=bound)


def _next_steps(rt: Runtime, synced: Synced, *, sheet: Path | None, bound: bool) -> None:
    done = sum(1 for s in synced.suggestions if s.status == BOUND)
    waiting = sum(1 for s in synced.suggestions if s.status == INVITED and s.exact)
    if bound:
        rt.tell(msg(N_("Bound directly: {count}; their codes are used up."), count=done))
    elif waiting:
        rt.tell(
            msg(
                N_("Run again with --bind to bind the {count} members a code waits for."),
                count=waiting,
            )
        )
    if sheet is not None:
        rt.tell(
            msg(
                N_(
                    "The offers are in {path}: fill in each role (or delete the row), "
                    "then run “duban contacts import {path}”."
                ),
                path=str(sheet),
            )
        )
