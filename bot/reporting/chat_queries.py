"""Read-only answers: ``/mytasks`` (我的任务) and ``/history N`` (历史 N).

With several active plans ``/mytasks`` lists the unit's tasks under each plan's short name
(``【教育】``), a task two plans share once with a note naming the other; ``/history N`` reads
task N in the plans where the asker's unit (the secretariat: any unit) reported on it, a plan's
secretariat in its own plan only; when those are different tasks of several plans it asks which
plan with a button per plan (``/history 教育 3`` names one: its short name or number first), and
labels each report with its plan for a person who sees several plans.
"""

from __future__ import annotations

from bot.conversation.context import Handler, Turn
from bot.domain.narrative import progress_text
from bot.domain.plan_choice import PlanRef, choose_plan
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.people import scope
from bot.people.recipients import plan_scope
from bot.plans.selection import active_plans, listed
from bot.reporting.chat import status_label
from bot.reporting.history import (
    ListedTask,
    TaskPlan,
    fold_task_twins,
    reported_plans,
    task_history,
    unit_plan_count,
    unit_tasks,
)

ROLE_MARKS = {"lead": "牵头", "responsible": "责任", "cooperating": "配合"}
HISTORY_CHARS = 500
NUMBER_CHARS = 20
PLAN_WORD_CHARS = 40


async def my_tasks(turn: Turn) -> None:
    """The unit's tasks with their last status, under their plan when there are several."""
    assert turn.contact is not None
    assert turn.contact.unit is not None
    tasks = await unit_tasks(turn.contact.unit.id)
    if not tasks:
        turn.reply(turn._("{unit} has no tasks in the active plans.", unit=turn.contact.unit.name))
        return
    entries = fold_task_twins(tasks)
    grouped = len({t.plan_id for t in tasks}) > 1
    lines: list[str] = []
    plan = None
    for entry in entries:
        if grouped and entry.task.plan_id != plan:
            plan = entry.task.plan_id
            lines.append(f"【{entry.task.plan}】")
        lines.append(_task_line(turn, entry))
    turn.reply(
        "\n".join(lines),
        title=turn._("Tasks of {unit} ({count})", unit=turn.contact.unit.name, count=len(entries)),
    )


def _task_line(turn: Turn, entry: ListedTask) -> str:
    """``2. 建设智慧校园。（同时报送：卫生 第2项） — 已完成 ⏰2026年12月``."""
    task, last = entry.task, entry.newest
    status = (
        status_label(turn, last.status, last.percent) if last.status else turn._("not reported yet")
    )
    deadline = f" ⏰{task.deadline_as_written}" if task.deadline_as_written else ""
    note = ""
    if entry.twins:  # the wording of the monthly prompt's note (reporting/prompts.py twin_note)
        named = "、".join(
            f"{t.plan} " + turn._("Task {number}", number=t.number) for t in entry.twins
        )
        note = turn._("(also reported for: {tasks})", tasks=named)
    return f"{task.number}. {shorten(task.title, 40)}{note} — {status}{deadline}"


def _words(args: str) -> tuple[str, str] | None:
    """``(plan word, task number)`` of ``/history [PLAN] N``; None when it reads as neither."""
    words = args.split()
    if not words or len(words) > 2:
        return None
    number = words[-1]
    if len(number) > NUMBER_CHARS or not number.replace("-", "").isalnum():
        return None
    plan = words[0] if len(words) == 2 else ""
    return None if len(plan) > PLAN_WORD_CHARS else (plan, number)


async def history(turn: Turn) -> None:
    """The latest reports on one task: the unit's own, or every unit's for the secretariat
    (of the plans it sees); asked which plan when several hold different tasks N."""
    words = _words(turn.inbound.args)
    if words is None:
        turn.reply(turn._("Send the task number, for example “/history 3” or “历史 3”."))
        return
    typed, number = words
    everyone = turn.contact is None or turn.contact.role == "secretariat"
    unit_id = None if everyone else turn.contact.unit_id  # type: ignore[union-attr]
    own = plan_scope(turn.contact, turn.chat) if everyone else None  # a plan's secretariat
    plans = [p for p in await active_plans() if own is None or p.id == own]
    if typed:
        named = _named_plan(turn, typed, plans)
        if named is None:
            return
        shown = [named]
    else:
        held = await reported_plans(number, unit_id, [p.id for p in plans])
        if len(held) > 1 and not _twins(held):  # different tasks N with reports: which one
            await _ask_plan(turn, number, [h.plan for h in held])
            return
        shown = [h.plan for h in held]
    reports = await task_history(number, unit_id, plan_ids=[p.id for p in shown]) if shown else []
    if not reports:
        turn.reply(
            turn._(
                "No reports on {plan} task {number} yet.", plan=shown[0].short_name, number=number
            )
            if typed
            else turn._("No reports on task {number} yet.", number=number)
        )
        return
    if everyone:
        labelled = len(plans) > 1
    else:
        labelled = len(shown) > 1 or await unit_plan_count(unit_id or 0) > 1
    blocks = []
    for report in reports:
        when = report.submitted_at.astimezone(turn.deps.timezone).strftime("%Y-%m-%d %H:%M")
        head = turn._(
            "{period} · {unit} · version {version} · {status} · {when}",
            period=report.request.period.key,
            unit=report.unit.name,
            version=report.version,
            status=status_label(turn, Status(report.status), report.percent),
            when=when,
        )
        if labelled:  # the asker sees several plans: each report's first
            head = f"{report.task.plan.short_name or report.task.plan_id} · {head}"
        if report.late:
            head += " · " + turn._("late")
        files = len(report.attachments)
        tail = "\n" + turn._("Files attached: {count}", count=files) if files else ""
        text = progress_text(
            shorten(report.text, HISTORY_CHARS), report.problems, report.next_steps, turn._
        )
        blocks.append(f"{head}\n{text}{tail}")
    turn.reply("\n\n".join(blocks), title=turn._("Reports on task {number}", number=number))


def _twins(held: list[TaskPlan]) -> bool:
    """Whether the plans' tasks are one task two plans share (its reports filed to both)."""
    return bool(held[0].text_key) and all(h.text_key == held[0].text_key for h in held)


def _named_plan(turn: Turn, typed: str, plans: list[PlanRef]) -> PlanRef | None:
    """The plan ``typed`` names among ``plans``; None when answered with one sentence."""
    found = choose_plan(typed, plans)
    if len(found) == 1:
        return found[0]
    if found:
        turn.reply(
            turn._(
                "“{typed}” may be any of {count} plans: {plans}. Name one by its number.",
                typed=typed,
                count=len(found),
                plans=listed(found),
            )
        )
    else:
        turn.reply(
            turn._(
                "There is no plan “{typed}”; the plans: {plans}.", typed=typed, plans=listed(plans)
            )
        )
    return None


async def _ask_plan(turn: Turn, number: str, plans: list[PlanRef]) -> None:
    """Which plan's task ``number``: a button per plan, the plans and how to name one in the
    text; a press runs ``/history PLAN N`` (``people/scope.py``, button o)."""
    text = turn._(
        "Task {number} is in several plans: {plans}. Which one? You can also send "
        "“/history {plan} {number}”.",
        number=number,
        plans=listed(plans),
        plan=plans[0].short_name,
    )
    await scope.ask_plan(turn, text, plans, number)  # the secretariat commands' "Which plan?"


HANDLERS: dict[str, Handler] = {
    "mytasks": my_tasks,
    "history": history,
}
