"""The board's downloads: a plan's latest month as xlsx, docx or png, written when it is not.

A file is named by its plan, month, language, day and the records' stamp
(:func:`bot.board.cache.stamp`): while the stamp holds, the file on disk is current and is
served as it is, by any process of the deployment; otherwise it is written anew (one file at a
time in this process: the export walks the whole plan) and the earlier ones of the same plan,
month, language and format are removed.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.board import cache
from bot.domain.reporting import Month
from bot.oversight.exports import export_month
from bot.reporting.records import reporting_month

WRITERS = 1  # exports written at once by one process


@dataclass
class Exports:
    """The board's export files under ``folder``."""

    folder: Path
    zone: ZoneInfo
    _writing: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(WRITERS))

    async def latest(
        self, plan_id: int, fmt: str, *, locale: str, today: date
    ) -> tuple[Month, bytes]:
        """The plan's latest dispatched month and its file's bytes in ``fmt``."""
        month = await reporting_month(None, plan_id)
        prefix = f"plan{plan_id}-{month.key}-{locale}-"
        out = self.folder / f"{prefix}{today.isoformat()}-{await cache.stamp()}.{fmt}"
        body = await asyncio.to_thread(_read, out)
        if body is not None:
            return month, body
        async with self._writing:
            body = await asyncio.to_thread(_read, out)  # written while this one waited
            if body is None:
                await export_month(
                    month, fmt, out, today=today, zone=self.zone, locale=locale, plan_id=plan_id
                )
                body = await asyncio.to_thread(out.read_bytes)
                await asyncio.to_thread(_drop_older, self.folder, prefix, out)
        return month, body


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None when it is not there (not written yet, or replaced)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _drop_older(folder: Path, prefix: str, current: Path) -> None:
    """Remove the earlier files of the same plan, month, language and format."""
    for old in folder.glob(f"{prefix}*{current.suffix}"):
        if old != current:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
