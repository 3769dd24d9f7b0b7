"""File names people send, reduced to a safe base name for storage and display.

A name such as ``../../x``, ``C:\\temp\\报告.docx`` or one carrying a right-to-left override
(``报告\\u202egpj.exe``, shown as ``报告exe.jpg``) must not reach a path or mislead a reader: we
keep the last path component, drop control and bidirectional formatting characters, and bound
the length while keeping the extension.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 120
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def safe_file_name(name: str, fallback: str = "file") -> str:
    """The base name of ``name`` without control or bidi characters, else ``fallback``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(
        ch for ch in base if ch not in _BIDI and unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    kept = " ".join(kept.split()).strip(" .")
    if not kept:
        return fallback
    if len(kept) <= MAX_NAME:
        return kept
    stem, dot, suffix = kept.rpartition(".")
    if dot and 0 < len(suffix) <= 10:
        return stem[: MAX_NAME - len(suffix) - 1] + "." + suffix
    return kept[:MAX_NAME]
