"""``duban import`` (with ``--review``), ``duban plan show`` and ``duban export-plan``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from bot.domain.cadence_text import due_rule, stated_rule
from bot.domain.messages import N_, Message, msg
from bot.domain.plan import ParsedPlan, PlanTask
from bot.importers import PlanFileError, load_plan_file, read_plan_bytes
from bot.plans.cli_fields import fields_command, fields_json, fields_line
from bot.plans.cli_names import list_command, rename_command
from bot.plans.fields import fields_of
from bot.plans.importing import ImportOutcome, import_plan
from bot.plans.preview import register_json, register_task_json, register_view
from bot.plans.selection import plan_for
from bot.render.register import register_table, write_csv, write_docx, write_xlsx
from bot.shell.options import AsJson, PlanId
from bot.shell.runtime import Runtime, runtime
from bot.storage.models import Plan, PlanImport
from bot.storage.register import load_tasks, plan_meta

plan_app = typer.Typer(help="Look at the stored plan.", no_args_is_help=True)
_WRITERS = {".xlsx": write_xlsx, ".docx": write_docx, ".csv": write_csv}
__all__ = ["cadence_line", "register", "register_view"]


def register(app: typer.Typer) -> None:
    """Attach these commands to the ``duban`` app."""
    app.command("import")(import_command)
    app.command("export-plan")(export_plan)
    plan_app.command("fields")(fields_command)
    plan_app.command("list")(list_command)
    plan_app.command("rename")(rename_command)
    app.add_typer(plan_app, name="plan")


def import_command(  # noqa: PLR0917 - typer passes every option by keyword
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The plan: .md, .html, .docx, .xlsx, .csv or .txt")],
    title: Annotated[str | None, typer.Option(help="Use this title instead of the file's")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and check only")] = False,
    review: Annotated[
        Path | None,
        typer.Option(
            "--review",
            help=(
                "Write the register to this .xlsx for the secretariat to check, the uncertain "
                "cells marked; nothing is stored. Import the checked sheet afterwards."
            ),
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Import a task-division plan (分工方案), or a revision of one already stored."""
    rt = runtime(ctx)
    if review is not None and review.suffix.lower() != ".xlsx":
        rt.fail(msg(N_("The review sheet must be an .xlsx file.")))
    try:
        data = load_plan_file(file, max_bytes=rt.settings.import_max_bytes)
        parsed = read_plan_bytes(data, name=file.name, max_bytes=rt.settings.import_max_bytes)
    except PlanFileError as exc:
        rt.fail(exc.message)
    if title:
        parsed.meta.title = title.strip()
    outcome = None
    if review is not None:
        write_review_sheet(rt, parsed, review)
    elif not dry_run:
        digest = hashlib.sha256(data).hexdigest()  # the bytes parsed, not a second read
        outcome = rt.run(_store(rt, parsed, file.name, digest))
    if as_json:
        rt.json(register_json(parsed, rt.say))
        if outcome is not None:
            _print_outcome(rt, outcome, stderr=True)
        if review is not None:
            _print_review(rt, parsed, review, stderr=True)
        return
    rt.out.print(register_view(rt, parsed.meta, parsed.tasks))
    for warning in parsed.warnings:
        rt.err.print("⚠ " + rt.say(warning), markup=False)
    if review is not None:
        _print_review(rt, parsed, review, stderr=False)
    elif outcome is None:
        rt.out.print(
            rt.say(
                msg(N_("Dry run: {count} tasks read, nothing was stored."), count=len(parsed.tasks))
            )
        )
    else:
        _print_outcome(rt, outcome, stderr=False)


def _print_review(rt: Runtime, parsed: ParsedPlan, path: Path, *, stderr: bool) -> None:
    written = msg(
        N_(
            "Wrote {count} tasks to the review sheet {path}; nothing was stored. "
            "Correct it, then import it: duban import {path}"
        ),
        count=len(parsed.tasks),
        path=str(path),
    )
    console = rt.err if stderr else rt.out
    console.print(rt.say(written), markup=False, soft_wrap=True)  # the command, unbroken


async def _store(rt: Runtime, parsed: ParsedPlan, name: str, digest: str) -> ImportOutcome:
    async with rt.database():
        return await import_plan(parsed, source_name=name, sha256=digest, now=rt.now())


def _print_outcome(rt: Runtime, outcome: ImportOutcome, *, stderr: bool) -> None:
    console = rt.err if stderr else rt.out
    d = outcome.diff
    if outcome.created:
        text = msg(
            N_("Stored as plan {plan}, revision 1, with {count} tasks."),
            plan=outcome.plan_id,
            count=len(d.added),
        )
    elif not outcome.changed_anything:
        text = msg(
            N_("Plan {plan} already holds exactly this register; nothing changed."),
            plan=outcome.plan_id,
        )
    else:
        text = msg(
            N_(
                "Plan {plan} is now at revision {revision}: {added} added ({added_list}), "
                "{changed} changed ({changed_list}), {removed} retired ({removed_list}), "
                "{unchanged} unchanged."
            ),
            plan=outcome.plan_id,
            revision=outcome.revision,
            added=len(d.added),
            added_list=", ".join(d.added) or "-",
            changed=len(d.changed),
            changed_list=", ".join(d.changed) or "-",
            removed=len(d.removed),
            removed_list=", ".join(d.removed) or "-",
            unchanged=len(d.unchanged),
        )
    console.print(rt.say(text), markup=False)
    if (line := cadence_line(rt, outcome)) is not None:
        console.print(line, markup=False, soft_wrap=True)


def cadence_line(rt: Runtime, outcome: ImportOutcome) -> str | None:
    """What the import made of the reporting day the plan states, if it states one."""
    note = outcome.cadence
    if note is None or (rule := due_rule(note.cadence)) is None:
        return None
    due = rt.say(rule)
    if note.adopted:
        return rt.say(stated_rule(note.cadence, due, note.quote))
    return rt.say(
        msg(
            N_(
                "The plan says reports are due {due} (“{quote}”); the schedule set with "
                "“duban schedule set” is kept: change it there to follow the plan."
            ),
            due=due,
            quote=note.quote,
        )
    )


def write_review_sheet(rt: Runtime, parsed: ParsedPlan, path: Path) -> None:
    """Write the review sheet, or say in one sentence why it cannot be written."""
    from bot.render.review import write_review  # noqa: PLC0415 - openpyxl, only when asked

    rt.write_file(path, lambda p: write_review(parsed, p, rt.say, import_hint=f"duban import {p}"))


async def _stored_register(rt: Runtime, plan_id: int | None) -> tuple[Plan, list[PlanTask]]:
    plan = await plan_for(plan_id)
    if plan is None:
        rt.fail(msg(N_("No plan is stored yet; import one with “duban import FILE”.")))
    return plan, await load_tasks(plan.id)


@plan_app.command("show")
def show(
    ctx: typer.Context,
    plan_id: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """Show the stored register of a plan."""
    rt = runtime(ctx)

    async def body() -> tuple[Plan, list[PlanTask], list[str]]:
        async with rt.database():
            plan, tasks = await _stored_register(rt, plan_id)
            last = await PlanImport.filter(plan_id=plan.id).order_by("-revision").first()
            warnings = [rt.say(Message(**w)) for w in (last.warnings if last else [])]
            return plan, tasks, warnings

    plan, tasks, warnings = rt.run(body())
    meta = plan_meta(plan)
    if as_json:
        payload = ParsedPlan(meta=meta, tasks=tasks).to_json(rt.say)
        payload["tasks"] = [register_task_json(t) for t in tasks]
        payload["warnings"] = warnings
        payload["plan"] |= {"id": plan.id, "short_name": plan.short_name, "revision": plan.revision}
        payload["plan"]["report_fields"] = fields_json(fields_of(plan))
        rt.json(payload)
        return
    rt.out.print(register_view(rt, meta, tasks))
    rt.out.print(
        rt.say(
            msg(
                N_("Plan {plan}, revision {revision}: {count} tasks."),
                plan=plan.id,
                revision=plan.revision,
                count=len(tasks),
            )
        )
    )
    rt.out.print(fields_line(rt, plan.id, fields_of(plan)), markup=False)


def export_plan(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="FILE.xlsx, FILE.docx or FILE.csv")],
    plan_id: PlanId = None,
) -> None:
    """Write the register in the plan's own column layout; importing it back gives the same."""
    rt = runtime(ctx)
    writer = _WRITERS.get(out.suffix.lower())
    if writer is None:
        rt.fail(msg(N_("The output file must end in .xlsx, .docx or .csv.")))

    async def body() -> tuple[Plan, list[PlanTask]]:
        async with rt.database():
            return await _stored_register(rt, plan_id)

    plan, tasks = rt.run(body())
    table = register_table(
        plan_meta(plan),
        tasks,
        list(plan.columns),
        dict(plan.headers),
        deadlines={t.number: t.deadline_words for t in tasks if t.deadline_words},
    )
    rt.write_file(out, lambda path: writer(table, path))
    rt.out.print(rt.say(msg(N_("Wrote {count} tasks to {path}."), count=len(tasks), path=str(out))))
