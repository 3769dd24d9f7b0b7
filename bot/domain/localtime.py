"""Times as a person reads them: in the deployment's zone (``DUBAN_TIMEZONE``), never UTC.

Stored times are aware UTC; everything printed for a person (CLI tables, invites, audit,
digests) goes through :func:`local_text`, and JSON output through :func:`local_iso`, so the
CLI, the chat and the exports agree on the same event.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_text(at: datetime, zone: ZoneInfo, *, seconds: bool = False) -> str:
    """``2026-11-24 13:05`` (or ``13:05:09``) in ``zone``; ``at`` must be aware."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_iso(at: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 with the zone's offset, e.g. ``2026-11-24T13:05:09+08:00``."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(zone).isoformat(timespec="seconds")
