"""The messages the reporting cycle sends: the monthly prompt, the list of open requests, and
the card of one task (its goal, the unit's part, the last report, the statuses).

Built here, in the recipient's locale, because they are queued by services (dispatch) as well
as sent in answer to a person (``/report``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.conversation import Button, Outbound
from bot.domain.messages import N_
from bot.domain.payloads import payload
from bot.domain.reporting import STATUS_PERCENT, Month, Status
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.reporting.reports import LastReport, TaskContext
from bot.reporting.requests import RequestView
from bot.reporting.twins import Asking, fold_twins

TITLE_CHARS = 40
CHOICE_TITLE_CHARS = 18
BUTTONS_PER_ROW = 2
PREVIEW_CHARS = 300
GOAL_CHARS = 120
PROMPT_GOAL_CHARS = 50  # the monthly prompt lists every task: its goal briefly
ROLE_NAMES = {
    "lead": N_("lead unit (牵头)"),
    "responsible": N_("responsible unit (责任)"),
    "cooperating": N_("cooperating unit (配合)"),
}


def status_text(tr: Translator, status: Status, percent: int | None) -> str:
    """``推进中 60%``."""
    label = tr.gettext(status.label)
    return f"{label} {percent}%" if percent is not None and status not in STATUS_PERCENT else label


def _previous_lines(tr: Translator, zone: ZoneInfo, previous: LastReport | None) -> list[str]:
    if previous is None:
        return [tr.gettext("No earlier report on this task.")]
    return [
        tr.gettext(
            "Last report ({when}, version {version}): {status}",
            when=previous.submitted_at.astimezone(zone).date().isoformat(),
            version=previous.version,
            status=status_text(tr, Status(previous.status), previous.percent),
        ),
        shorten(previous.text, PREVIEW_CHARS),
    ]


def task_card(
    tr: Translator,
    zone: ZoneInfo,
    view: RequestView,
    context: TaskContext,
    previous: LastReport | None,
) -> Outbound:
    """One task to report on: its goal and the unit's part, the last report, the statuses
    (本月无新进展 once there is a report to carry forward)."""
    lines = [
        tr.gettext("Task {number}: {title}", number=view.number, title=shorten(view.title, 200))
    ]
    if context.goal:
        lines.append(tr.gettext("Goal: {goal}", goal=shorten(context.goal, GOAL_CHARS)))
    if context.role in ROLE_NAMES:
        lines.append(tr.gettext("Your unit: {role}", role=tr.gettext(ROLE_NAMES[context.role])))
    due = view.due_on.isoformat() if view.due_on else "—"
    lines += [
        tr.gettext("Period {period}, due {due}", period=view.period, due=due),
        "",
        *_previous_lines(tr, zone, previous),
        "",
        tr.gettext("Choose the status:"),
    ]
    buttons: tuple[tuple[Button, ...], ...] = tuple(
        (Button(tr.gettext(s.label), payload("s", view.id, s.code)),) for s in Status
    )
    if previous is not None:
        buttons += ((Button(tr.gettext("No new progress this month"), payload("m", view.id)),),)
    buttons += ((Button(tr.gettext("Cancel"), payload("x", view.id)),),)
    return Outbound(
        text="\n".join(lines),
        title=tr.gettext("Report {period}", period=view.period),
        buttons=buttons,
        locale=tr.locale,
    )


def request_line(tr: Translator, view: RequestView) -> str:
    """``第3项 完善学前教育… ✓`` (a tick once answered)."""
    mark = " ✓" if view.answered else ""
    return tr.gettext("Task {number}", number=view.number) + (
        f" {shorten(view.title, TITLE_CHARS)}{mark}"
    )


def month_label(tr: Translator, period: str) -> str:
    """``2026-10`` → ``10月`` (``10/2026`` in English); a quarter or other key as it is."""
    month = Month.parse(period)
    if month is None:
        return period
    return tr.gettext("{month}/{year}", month=month.month, year=month.year)


def task_choice(tr: Translator, view: RequestView, views: list[RequestView]) -> str:
    """A task among ``views`` as a button says it: ``5. 标题``; ``第5项（10月）：标题`` when
    another month of the same task is open too; ``教育 第5项：标题`` when several plans are."""
    title = shorten(view.title, CHOICE_TITLE_CHARS)
    months = sum(v.number == view.number and v.plan_id == view.plan_id for v in views) > 1
    if len({v.plan_id for v in views}) > 1:
        if months:
            return tr.gettext(
                "{plan} task {number} ({period}): {title}",
                plan=view.plan,
                number=view.number,
                period=month_label(tr, view.period),
                title=title,
            )
        return tr.gettext(
            "{plan} task {number}: {title}", plan=view.plan, number=view.number, title=title
        )
    if months:
        return tr.gettext(
            "Task {number} ({period}): {title}",
            number=view.number,
            period=month_label(tr, view.period),
            title=title,
        )
    return f"{view.number}. {title}"


def prompt_lines(tr: Translator, view: RequestView) -> list[str]:
    """A task in the monthly prompt: its line with the unit's part (牵头/责任/配合), then its
    goal, shortened."""
    line = request_line(tr, view)
    if view.role in ROLE_NAMES:
        line += " · " + tr.gettext(ROLE_NAMES[view.role])
    if not view.goal:
        return [line]
    return [line, "  " + tr.gettext("Goal: {goal}", goal=shorten(view.goal, PROMPT_GOAL_CHARS))]


def button_label(tr: Translator, view: RequestView, *, months: bool, plans: bool) -> str:
    """``报送第3项``; with its plan (``报送 教育 第3项``) when several plans are listed, with its
    month when several months are."""
    period = month_label(tr, view.period)
    if plans and months:
        return tr.gettext(
            "Report {plan} task {number} ({period})",
            plan=view.plan,
            number=view.number,
            period=period,
        )
    if plans:
        return tr.gettext("Report {plan} task {number}", plan=view.plan, number=view.number)
    if months:
        return tr.gettext("Report task {number} ({period})", number=view.number, period=period)
    return tr.gettext("Report task {number}", number=view.number)


def request_buttons(
    tr: Translator, views: list[RequestView], *, plans: bool | None = None
) -> tuple[tuple[Button, ...], ...]:
    """One button per request, two per row; labelled with the month when several are open,
    with the plan when several plans are (or ``plans`` says so)."""
    months = len({v.period for v in views}) > 1
    plans = len({v.plan_id for v in views}) > 1 if plans is None else plans
    buttons = [
        Button(button_label(tr, v, months=months, plans=plans), payload("t", v.id)) for v in views
    ]
    return tuple(
        tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW)
    )


def twin_note(tr: Translator, asking: Asking) -> str:
    """``（同时报送：卫生 第3项）``: the other plans' tasks a report on this one is filed to."""
    tasks = "、".join(
        f"{t.plan} " + tr.gettext("Task {number}", number=t.number) for t in asking.twins
    )
    return tr.gettext("(also reported for: {tasks})", tasks=tasks)


def asking_lines(tr: Translator, asks: list[Asking], *, grouped: bool = False) -> list[str]:
    """The tasks a prompt lists: under their plan's name (``【教育】``) when there are several
    plans (or ``grouped``), each task once, a twin noted beside it."""
    lines: list[str] = []
    grouped = grouped or len({a.view.plan_id for a in asks}) > 1
    plan = None
    for asking in asks:
        if grouped and asking.view.plan_id != plan:
            plan = asking.view.plan_id
            lines.append(f"【{asking.view.plan}】")
        first, *goal = prompt_lines(tr, asking.view)
        lines += [first + (twin_note(tr, asking) if asking.twins else ""), *goal]
    return lines


def monthly_prompt(
    tr: Translator, unit: str, period: str, views: list[RequestView], *, more: bool = False
) -> Outbound:
    """The monthly dispatch prompt (月调度) for one unit's contact: every plan's tasks of the
    month, grouped by plan, a task two plans share once; due by the earliest due day.

    ``more``: the contact had this month's prompt already and these are a later plan's tasks.
    """
    asks = fold_twins(views)
    dues = sorted(v.due_on for v in views if v.due_on)
    due = dues[0].isoformat() if dues else "—"
    if more:
        first = tr.gettext(
            "{unit}: {count} more tasks to report this month, by {due}; "
            "the tasks of my earlier message stand as they were.",
            unit=unit,
            count=len(asks),
            due=due,
        )
    else:
        first = tr.gettext(
            "{unit}: please report this month’s progress on your {count} tasks by {due}.",
            unit=unit,
            count=len(asks),
            due=due,
        )
    listed = [a.view for a in asks]
    lines = [
        first,
        "",
        *asking_lines(tr, asks, grouped=more),
        "",
        tr.gettext("Choose a task below; send “/report” (报送) at any time to see this list."),
        tr.gettext(
            "Or report every task in one message, one line each: "
            "“{first}. 已完成……” “{second}. 推进中，完成60%……”; I will ask you to confirm.",
            first=listed[0].number if listed else "1",
            second=listed[1].number if len(listed) > 1 else "2",
        ),
    ]
    return Outbound(
        title=tr.gettext("Monthly progress report {period}", period=period),
        text="\n".join(lines),
        buttons=request_buttons(tr, listed, plans=True if more else None),
        locale=tr.locale,
    )


def open_requests_message(tr: Translator, views: list[RequestView]) -> Outbound:
    """What ``/report`` answers: the open requests (a task two plans share once), or that
    there are none."""
    if not views:
        return Outbound(text=tr.gettext("Your unit has no open report requests right now."))
    lines = [tr.gettext("Open report requests (✓ = reported, can still be revised):"), ""]
    plans = len({v.plan_id for v in views}) > 1
    asks = fold_twins(views)
    lines += [
        (f"[{a.view.plan} {a.view.period}] " if plans else f"[{a.view.period}] ")
        + request_line(tr, a.view)
        + (twin_note(tr, a) if a.twins else "")
        for a in asks
    ]
    listed = [a.view for a in asks]
    return Outbound(text="\n".join(lines), buttons=request_buttons(tr, listed, plans=plans))
