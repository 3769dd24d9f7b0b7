"""Photos and files sent with reports: stored once under the data folder by content hash."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from pathlib import Path, PurePosixPath

from bot.domain.errors import RefusedError
from bot.domain.filenames import safe_file_name
from bot.domain.messages import N_, msg
from bot.storage.models import Attachment, Contact

MAX_FILE_BYTES = 20 * 1024 * 1024  # Telegram's own download limit for bots


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.stat().st_size == len(data):
        return  # the same content is already stored
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)


def _suffix(name: str, mime: str) -> str:
    suffix = PurePosixPath(safe_file_name(name)).suffix.lower()
    if suffix and len(suffix) <= 8 and suffix[1:].isalnum():
        return suffix
    return mimetypes.guess_extension(mime) or ".bin"


async def store_attachment(
    data_dir: Path,
    data: bytes,
    *,
    kind: str,
    name: str,
    mime: str,
    contact: Contact,
) -> Attachment:
    """Write ``data`` (if new) and record it, not yet linked to a report."""
    if len(data) > MAX_FILE_BYTES:
        raise RefusedError(
            msg(
                N_("The file is larger than {limit} MB and was not kept."),
                limit=MAX_FILE_BYTES >> 20,
            )
        )
    if not data:
        raise RefusedError(msg(N_("The file is empty and was not kept.")))
    digest = hashlib.sha256(data).hexdigest()
    relative = Path("attachments") / digest[:2] / f"{digest}{_suffix(name, mime)}"
    try:
        await asyncio.to_thread(_write, data_dir / relative, data)
    except OSError as exc:
        raise RefusedError(
            msg(
                N_("The file could not be stored ({reason}); please send it again later."),
                reason=exc.strerror or type(exc).__name__,
            )
        ) from exc
    return await Attachment.create(
        contact=contact,
        kind=kind,
        path=relative.as_posix(),
        sha256=digest,
        size=len(data),
        mime=mime,
        original_name=safe_file_name(name),
    )
