"""Write hand-made zh_CN translations into the catalog: python scripts/zh_fill.py FILE.json.

FILE.json maps English msgids to their zh_CN text; only empty entries are filled. Run
``make i18n`` afterwards so zh_TW is derived and every catalog is checked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "locales" / "zh_CN" / "LC_MESSAGES" / "duban.po"


def main() -> None:
    """Fill the zh_CN catalog from a JSON mapping."""
    mapping = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    for message in catalog:
        if message.id in mapping and not message.string:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(missing)} zh_CN strings still empty", *missing, sep="\n")


if __name__ == "__main__":
    main()
