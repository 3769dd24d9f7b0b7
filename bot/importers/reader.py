"""Read a plan file of any supported format: size and type checks, decoding, then parsing.

Everything a user can hand us is refused with one clear sentence (:class:`PlanFileError`) or
read into a :class:`ParsedPlan`; nothing is written anywhere.
"""

from __future__ import annotations

import codecs
from dataclasses import replace
from pathlib import Path

from charset_normalizer import from_bytes

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import DEFAULT_COLUMNS, Column, ParsedPlan, PlanTask
from bot.domain.units import resolve_aliases
from bot.importers.delimited import delimited_rows
from bot.importers.errors import PlanFileError
from bot.importers.files import check_size, read_bounded
from bot.importers.grid import MAX_TASKS, GridResult, require_unique_numbers, tasks_from_rows
from bot.importers.markup import html_tables, markdown_tables
from bot.importers.office import docx_content, office_kind, xlsx_content
from bot.importers.paragraphs import tasks_from_paragraphs
from bot.importers.preamble import read_meta

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_TOO_LARGE = N_("The file is {size} MB, more than the {limit} MB a plan file may have.")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_plan(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedPlan:
    """Read and parse the plan file at ``path``."""
    return read_plan_bytes(
        load_plan_file(path, max_bytes=max_bytes), name=path.name, max_bytes=max_bytes
    )


def load_plan_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a plan file, after checking it is a readable file within the size limit."""
    return read_bounded(
        path,
        max_bytes,
        folder=N_("{name} is a folder, not a plan file."),
        too_large=_TOO_LARGE,
    )


def read_plan_bytes(data: bytes, *, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedPlan:
    """Parse a plan held in memory; ``name`` (the file name) gives the fallback title."""
    check_size(len(data), max_bytes, _TOO_LARGE)
    if not data.strip():
        raise PlanFileError(N_("The file is empty."))
    stem = Path(name).stem
    if data.startswith(b"PK\x03\x04"):
        kind = office_kind(data, max_inflated=max(max_bytes * 10, 50 * 1024 * 1024))
        if kind == "docx":
            rows, preamble, paragraphs = docx_content(data)
            return _from_tables_or_paragraphs(rows, preamble, paragraphs, stem)
        rows, preamble = xlsx_content(data)
        return _finish(tasks_from_rows(rows, context="\n".join(preamble)), preamble, stem)
    if data.startswith(_OLE_MAGIC):
        raise PlanFileError(
            N_(
                "This is an old binary Word or Excel file (.doc/.xls); save it as "
                ".docx or .xlsx and import that."
            )
        )
    if data.startswith(b"%PDF"):
        raise PlanFileError(
            N_("PDF files cannot be imported; import the Word, Excel or text version of the plan.")
        )
    text = decode_text(data)
    if "<table" in text.lower():
        rows, preamble = html_tables(text)
        return _from_tables_or_paragraphs(rows, preamble, text.splitlines(), stem)
    rows, preamble = markdown_tables(text)
    if rows:
        return _from_tables_or_paragraphs(rows, preamble, text.splitlines(), stem)
    grid = tasks_from_rows(delimited_rows(text))
    if grid.tasks:
        return _finish(grid, [], stem)
    return _from_tables_or_paragraphs([], [], text.splitlines(), stem)


def decode_text(data: bytes) -> str:
    """Decode a text plan: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:65536]:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
        best = from_bytes(data[:1_000_000]).best()
        if best is not None and best.encoding:
            text = data.decode(best.encoding, errors="replace")
            if _looks_like_text(text) and text.count("\ufffd") < 10:
                return text
    raise PlanFileError(
        N_(
            "The file is not text in a known encoding (UTF-8 or GB18030) nor a "
            "Word or Excel document; it may be a binary file."
        )
    )


def _looks_like_text(text: str) -> bool:
    control = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control <= max(2, len(text[:100_000]) // 1000)


def _from_tables_or_paragraphs(
    rows: list[list[str]], preamble: list[str], paragraphs: list[str], stem: str
) -> ParsedPlan:
    grid = tasks_from_rows(rows, context="\n".join(preamble))
    if grid.tasks:
        return _finish(grid, preamble, stem)
    tasks, para_preamble, warnings = tasks_from_paragraphs(paragraphs)
    if not tasks and grid.columns:
        raise PlanFileError(N_("The plan table has a header row but no numbered task under it."))
    result = GridResult(
        tasks=tasks,
        columns=[c for c in DEFAULT_COLUMNS if c is not Column.PROGRESS],
        warnings=warnings,
    )
    return _finish(result, para_preamble, stem)


def _finish(grid: GridResult, preamble: list[str], stem: str) -> ParsedPlan:
    if not grid.tasks:
        raise PlanFileError(
            N_(
                "No tasks were found: the file has neither a table with a 序号 "
                "column and unit columns nor numbered paragraphs naming units."
            )
        )
    if len(grid.tasks) > MAX_TASKS:
        raise PlanFileError(
            N_("The plan has {count} tasks, more than the {limit} one plan may have."),
            count=len(grid.tasks),
            limit=MAX_TASKS,
        )
    require_unique_numbers(grid.tasks)
    meta = read_meta(preamble, fallback_title=stem)
    plan = ParsedPlan(
        meta=meta,
        tasks=grid.tasks,
        columns=grid.columns or list(DEFAULT_COLUMNS),
        headers=grid.headers,
        warnings=list(grid.warnings),
    )
    _merge_aliases(plan)
    return plan


def _merge_aliases(plan: ParsedPlan) -> None:
    """Replace bare names (``教育局``) by the full name the plan uses elsewhere (``县教育局``)."""
    aliases = resolve_aliases(set(plan.unit_names()))
    if not aliases:
        return
    plan.aliases = aliases
    notes: list[Message] = [
        msg(N_("“{alias}” was read as “{unit}”."), alias=alias, unit=unit)
        for alias, unit in sorted(aliases.items())
    ]
    plan.warnings.extend(notes)
    tasks: list[PlanTask] = []
    for task in plan.tasks:
        merged = []
        for a in task.assignments:
            renamed = replace(a, unit=aliases.get(a.unit, a.unit))
            if renamed not in merged:
                merged.append(renamed)
        task.assignments = merged
        tasks.append(task)
    plan.tasks = tasks
