"""Read a plan file of any supported format: size and type checks, decoding, then parsing.

Everything a user can hand us is refused with one clear sentence (:class:`PlanFileError`) or
read into a :class:`ParsedPlan`; nothing is written anywhere.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from bot.domain.messages import N_
from bot.domain.plan import ParsedPlan
from bot.importers.assemble import Source, read_parts
from bot.importers.delimited import delimited_rows
from bot.importers.errors import PlanFileError
from bot.importers.files import check_size, read_bounded
from bot.importers.grid import header_map
from bot.importers.header import SHEET_MARK
from bot.importers.markup import html_tables, html_text, looks_like_html, markdown_tables
from bot.importers.office import docx_content, office_kind, xlsx_content
from bot.importers.review import read_review
from bot.importers.script import clean, fold
from bot.importers.webtable import pasted_rows

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
            return read_parts(Source(rows, preamble, paragraphs), stem)
        if (review := read_review(data)) is not None:  # our own review sheet, read exactly
            return review
        rows, preamble = xlsx_content(data)
        lines = [" ".join(c for c in row if c and c != SHEET_MARK) for row in rows]
        return read_parts(Source(rows, preamble, lines), stem)  # a sheet of numbered lines too
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
    lines = text.splitlines()
    if "<table" in text.lower():
        rows, preamble = html_tables(text)
        return read_parts(Source(rows, preamble, html_text(text).splitlines()), stem)
    rows, preamble = markdown_tables(text)
    if rows:
        return read_parts(Source(rows, preamble, lines), stem)
    if looks_like_html(text):  # a web page: its paragraphs without their tags
        text = html_text(text)
        lines = text.splitlines()
    delimited = delimited_rows(text)
    if _has_header(delimited):
        return read_parts(Source(delimited, _before_table(lines), [], tables_only=True), stem)
    pasted = pasted_rows([fold(clean(line)) for line in lines])
    if pasted:
        return read_parts(Source(pasted, _before_table(lines), lines), stem)
    return read_parts(Source([], [], lines), stem)


def _has_header(rows: list[list[str]]) -> bool:
    return any(header_map([fold(c) for c in row]) for row in rows[:200])


def _before_table(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if re.match(r"^\|?\s*[\"']?(?:序号|编号)(?:\s|\||[\"',，;]|$)", line.strip()):
            break
        out.append(line)
    return out


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
