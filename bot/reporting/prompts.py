"""The messages the reporting cycle sends: the monthly prompt and the list of open requests.

Built here, in the recipient's locale, because they are queued by services (dispatch) as well
as sent in answer to a person (``/report``).
"""

from __future__ import annotations

from bot.domain.conversation import Button, Outbound
from bot.domain.payloads import payload
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.reporting.reports import RequestView

TITLE_CHARS = 40
BUTTONS_PER_ROW = 2


def request_line(tr: Translator, view: RequestView) -> str:
    """``第3项 完善学前教育… ✓`` (a tick once answered)."""
    mark = " ✓" if view.answered else ""
    return tr.gettext("Task {number}", number=view.number) + (
        f" {shorten(view.title, TITLE_CHARS)}{mark}"
    )


def request_buttons(tr: Translator, views: list[RequestView]) -> tuple[tuple[Button, ...], ...]:
    """One button per request, two per row; labelled with the month when several are open."""
    months = len({v.period for v in views}) > 1
    buttons = [
        Button(
            tr.gettext("Report task {number} ({period})", number=v.number, period=v.period)
            if months
            else tr.gettext("Report task {number}", number=v.number),
            payload("t", v.id),
        )
        for v in views
    ]
    return tuple(
        tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW)
    )


def monthly_prompt(tr: Translator, unit: str, period: str, views: list[RequestView]) -> Outbound:
    """The monthly dispatch prompt (月调度) for one unit's contact."""
    due = views[0].due_on.isoformat() if views and views[0].due_on else "—"
    lines = [
        tr.gettext(
            "{unit}: please report this month’s progress on your {count} tasks by {due}.",
            unit=unit,
            count=len(views),
            due=due,
        ),
        "",
        *(request_line(tr, v) for v in views),
        "",
        tr.gettext("Choose a task below; send “/report” (报送) at any time to see this list."),
        tr.gettext(
            "Or report every task in one message, one line each: "
            "“{first}. 已完成……” “{second}. 推进中，完成60%……”; I will ask you to confirm.",
            first=views[0].number if views else "1",
            second=views[1].number if len(views) > 1 else "2",
        ),
    ]
    return Outbound(
        title=tr.gettext("Monthly progress report {period}", period=period),
        text="\n".join(lines),
        buttons=request_buttons(tr, views),
        locale=tr.locale,
    )


def open_requests_message(tr: Translator, views: list[RequestView]) -> Outbound:
    """What ``/report`` answers: the open requests, or that there are none."""
    if not views:
        return Outbound(text=tr.gettext("Your unit has no open report requests right now."))
    lines = [tr.gettext("Open report requests (✓ = reported, can still be revised):"), ""]
    lines += [f"[{v.period}] " + request_line(tr, v) for v in views]
    return Outbound(text="\n".join(lines), buttons=request_buttons(tr, views))
