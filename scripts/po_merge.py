"""Put translations from ``msgid<TAB>text`` files into a catalog where it has none yet.

Usage: python scripts/po_merge.py LOCALE FILE.tsv…   (``\\n`` in a field stands for a newline)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def main(locale: str, files: list[str]) -> None:
    """Merge; print what was filled and which ids the catalog lacks."""
    path = LOCALES / locale / "LC_MESSAGES" / "duban.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    filled = 0
    for name in files:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            msgid, text = (part.replace("\\n", "\n") for part in line.split("\t", 1))
            message = catalog.get(msgid)
            if message is None:
                print(f"not in the catalog: {msgid!r}")
                continue
            if not message.string or "fuzzy" in message.flags:
                message.string, filled = text, filled + 1
                message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, no_location=True)
    print(f"{filled} filled")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
