"""From a file's content (table rows, the text around them, its lines) to one ParsedPlan.

The content is cleaned (pinyin removed) and folded to Simplified characters; the tables are
read, else the numbered paragraphs, version by version when the file holds several; the plan
is finished (numbers unique, aliases merged) and everything is given back in the script it
was written in. A file with no task is refused with one sentence saying what was found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import DEFAULT_COLUMNS, Column, ParsedPlan, PlanMeta, PlanPart, PlanTask
from bot.domain.text import clean_cell, shorten
from bot.domain.units import resolve_aliases
from bot.importers import notes
from bot.importers.drafts import choose, draft_title, parts_warning, plain_title, split_parts
from bot.importers.errors import PlanFileError
from bot.importers.grid import MAX_TASKS, GridResult, require_unique_numbers, tasks_from_rows
from bot.importers.header import looks_like_header
from bot.importers.paragraphs import ParagraphResult, tasks_from_paragraphs
from bot.importers.preamble import read_meta
from bot.importers.script import Restorer, clean, fold


@dataclass(slots=True)
class Source:
    """What a file holds, as text: table rows, the lines before the table, all its lines."""

    rows: list[list[str]]
    preamble: list[str]
    paragraphs: list[str]
    tables_only: bool = False  # a CSV: no paragraphs to fall back on


def read_parts(source: Source, stem: str) -> ParsedPlan:
    """The plan in ``source``, or a refusal saying what was found instead."""
    written = "\n".join(
        [*source.preamble, *source.paragraphs, *("\n".join(row) for row in source.rows)]
    )
    restore = Restorer(clean(written))
    rows = [[fold(clean(cell)) for cell in row] for row in source.rows]
    preamble = [fold(clean(line)) for line in source.preamble]
    grid = tasks_from_rows(rows, context="\n".join(preamble))
    lines = [fold(clean(line)) for line in source.paragraphs]
    if grid.tasks and not source.tables_only and (in_text := _more_in_text(lines, grid, stem)):
        plan = in_text  # the tasks are in the text; the table is an annex (a project list)
    elif grid.tasks:
        plan = _finish(
            grid.tasks,
            preamble,
            stem,
            columns=grid.columns,
            headers=grid.headers,
            warnings=grid.warnings,
        )
        plan.parts = _label_grid_parts(grid)
        _plan_notes(plan, grid.convention, grid.guessed)
    elif source.tables_only:
        raise _refusal(grid, rows, None)
    else:
        plan = _from_paragraphs(lines, grid, rows, stem)
    _merge_aliases(plan)
    _restore(plan, restore)
    return plan


def _more_in_text(lines: list[str], grid: GridResult, stem: str) -> ParsedPlan | None:
    """The plan in the text's numbered paragraphs, when they hold more tasks than the table."""
    if sum(1 for line in lines if line.strip()) < 3:
        return None
    try:
        plan = _from_paragraphs(lines, grid, [], stem)
    except PlanFileError:
        return None
    return plan if len(plan.tasks) >= 3 and len(plan.tasks) > len(grid.tasks) else None


def _from_paragraphs(
    lines: list[str], grid: GridResult, rows: list[list[str]], stem: str
) -> ParsedPlan:
    parts = split_parts(lines)
    results = [tasks_from_paragraphs(part.lines) for part in parts]
    index = choose([len(r.tasks) for r in results], [p.feedback for p in parts])
    if index is None:
        raise _refusal(grid, rows, results)
    chosen = results[index]
    meta_lines = results[0].meta_lines + (chosen.meta_lines if index else [])
    columns: list[Column] = [c for c in DEFAULT_COLUMNS if c is not Column.PROGRESS]
    plan = _finish(
        chosen.tasks,
        meta_lines,
        stem,
        columns=columns,
        headers={},
        warnings=chosen.warnings,
        context="\n".join(chosen.context),
    )
    if len(parts) > 1:
        plan.parts = [
            PlanPart(
                part.label or _first_line(part.lines, i),
                len(result.tasks),
                i == index,
                part.feedback,
            )
            for i, (part, result) in enumerate(zip(parts, results, strict=True))
        ]
    _plan_notes(plan, chosen.convention, None)
    return plan


def _first_line(lines: list[str], index: int) -> str:
    first = next((clean_cell(x) for x in lines if clean_cell(x)), "")
    return shorten(first, 30) if first else f"#{index + 1}"


def _label_grid_parts(grid: GridResult) -> list[PlanPart]:
    return [
        replace(part, label=f"#{i + 1}") if part.label.startswith("#") else part
        for i, part in enumerate(grid.parts)
    ]


def _plan_notes(plan: ParsedPlan, convention: str | None, guessed: str | None) -> None:
    if convention:
        notes.convention_warning(plan, convention)
    if guessed is not None:
        notes.guessed_column_warning(plan, guessed)
    if plan.parts and (warning := parts_warning(plan.parts)) is not None:
        plan.warnings.append(warning)
    used = next((p.label for p in plan.parts if p.used and draft_title(p.label)[0]), None)
    plan.meta.title = plain_title(used or plan.meta.title)


def _refusal(
    grid: GridResult, rows: list[list[str]], results: list[ParagraphResult] | None
) -> PlanFileError:
    """One sentence saying what the file holds, since it holds no task."""
    if grid.partial is not None:
        return PlanFileError(
            N_(
                "No tasks were found: there is a table with the columns {columns}, but no "
                "column can be read as the task."
            ),
            columns="、".join(grid.partial.words),
        )
    if grid.columns:
        return PlanFileError(N_("The plan table has a header row but no numbered task under it."))
    header = next((r for r in rows if looks_like_header(r)), None)
    if header is not None:
        return PlanFileError(
            N_(
                "No tasks were found: there is a table with the columns {columns}, but none "
                "of them names units (牵头单位, 责任单位 or 配合单位)."
            ),
            columns="、".join(c for c in (clean_cell(x) for x in header) if c),
        )
    blocks = sum(r.blocks for r in results or [])
    if blocks:
        return PlanFileError(
            N_(
                "No tasks were found: the file has {count} numbered paragraphs, but none "
                "names its units (牵头单位：…, 责任单位：… or a list of units in brackets)."
            ),
            count=blocks,
        )
    return PlanFileError(
        N_(
            "No tasks were found: the file has neither a table with a 序号 "
            "column and unit columns nor numbered paragraphs naming units."
        )
    )


def _finish(
    tasks: list[PlanTask],
    preamble: list[str],
    stem: str,
    *,
    columns: list[Column],
    headers: dict[str, str],
    warnings: list[Message],
    context: str = "",
) -> ParsedPlan:
    if len(tasks) > MAX_TASKS:
        raise PlanFileError(
            N_("The plan has {count} tasks, more than the {limit} one plan may have."),
            count=len(tasks),
            limit=MAX_TASKS,
        )
    require_unique_numbers(tasks)
    return ParsedPlan(
        meta=read_meta(preamble, fallback_title=stem, context=context),
        tasks=tasks,
        columns=columns or list(DEFAULT_COLUMNS),
        headers=headers,
        warnings=list(warnings),
    )


def _merge_aliases(plan: ParsedPlan) -> None:
    """Replace bare names (``教育局``) by the full name the plan uses elsewhere (``县教育局``)."""
    aliases = resolve_aliases(set(plan.unit_names()))
    if not aliases:
        return
    plan.aliases = aliases
    plan.warnings.extend(
        msg(N_("“{alias}” was read as “{unit}”."), alias=alias, unit=unit)
        for alias, unit in sorted(aliases.items())
    )
    for task in plan.tasks:
        merged = []
        for a in task.assignments:
            renamed = replace(a, unit=aliases.get(a.unit, a.unit))
            if renamed not in merged:
                merged.append(renamed)
        task.assignments = merged


def _message(message: Message, restore: Restorer) -> Message:
    params: dict[str, Any] = {
        k: restore(v) if isinstance(v, str) else v for k, v in message.params.items()
    }
    return Message(message.msgid, params)


def _restore(plan: ParsedPlan, restore: Restorer) -> None:
    """Give every name and text back as the file wrote it (Traditional stays Traditional)."""
    if not restore.active:
        return
    for task in plan.tasks:
        task.title = restore(task.title)
        task.requirements = [restore(r) for r in task.requirements]
        task.assignments = [replace(a, unit=restore(a.unit)) for a in task.assignments]
        task.section = restore.optional(task.section)
        task.leader = restore.optional(task.leader)
        task.liaison = restore.optional(task.liaison)
        task.notes = [replace(n, message=_message(n.message, restore)) for n in task.notes]
    plan.warnings = [_message(w, restore) for w in plan.warnings]
    plan.aliases = {restore(k): restore(v) for k, v in plan.aliases.items()}
    plan.headers = {k: restore(v) for k, v in plan.headers.items()}
    plan.parts = [replace(p, label=restore(p.label)) for p in plan.parts]
    meta: PlanMeta = plan.meta
    meta.title = restore(meta.title)
    meta.issuer = restore.optional(meta.issuer)
    meta.doc_number = restore.optional(meta.doc_number)
