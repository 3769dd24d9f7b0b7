"""Reading a file a person named: it exists, is no folder, fits its limit; one sentence if not.

Plans (``duban import``) and contacts sheets (``duban contacts import``) are read the same
way; only what the refusals call the file differs.
"""

from __future__ import annotations

from pathlib import Path

from bot.domain.messages import N_
from bot.importers.errors import PlanFileError


def check_size(size: int, max_bytes: int, too_large: str) -> None:
    """Refuse ``size`` past ``max_bytes``; ``too_large`` is a msgid with {size} and {limit}."""
    if size > max_bytes:
        raise PlanFileError(
            too_large, size=round(size / 1024 / 1024, 1), limit=round(max_bytes / 1024 / 1024, 1)
        )


def read_bounded(path: Path, max_bytes: int, *, folder: str, too_large: str) -> bytes:
    """The file's bytes, its size checked before it is read into memory.

    ``folder`` is the msgid (with {name}) said when ``path`` is a folder.
    """
    if path.is_dir():
        raise PlanFileError(folder, name=path.name)
    try:
        check_size(path.stat().st_size, max_bytes, too_large)
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise PlanFileError(N_("The file {name} does not exist."), name=str(path)) from exc
    except OSError as exc:
        raise PlanFileError(
            N_("The file {name} cannot be read: {reason}."),
            name=path.name,
            reason=exc.strerror or exc.__class__.__name__,
        ) from exc
