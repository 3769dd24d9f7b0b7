"""Catalog upkeep for ``make i18n``: fill the en catalog, derive zh_TW from zh_CN, list gaps.

Usage: python scripts/i18n.py cli    (after pybabel extract: adds the CLI's help texts)
       python scripts/i18n.py fill   (after pybabel update)
       python scripts/i18n.py check  (exit 1 when any catalog lacks a translation)
zh_TW is converted from zh_CN with OpenCC (``opencc-python-reimplemented``) when it is
installed; a translator should still read the result. Existing zh_TW strings are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    path = LOCALES / locale / "LC_MESSAGES" / "duban.po"
    with path.open("rb") as fh:
        return path, read_po(fh, locale=locale)


def _save(path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)


def fill() -> None:
    """English msgstr = msgid; zh_TW from zh_CN through OpenCC where still empty."""
    en_path, en = _catalog("en")
    for message in en:
        if message.id and not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    _save(en_path, en)
    try:
        import opencc  # type: ignore[import-not-found]
    except ImportError:
        print("opencc not installed: zh_TW left as it is")
        return
    converter = opencc.OpenCC("s2twp")
    _, cn = _catalog("zh_CN")
    tw_path, tw = _catalog("zh_TW")
    for message in tw:
        source = cn.get(message.id)
        if (
            message.id
            and (not message.string or "fuzzy" in message.flags)
            and source
            and source.string
        ):
            message.string = converter.convert(source.string)
            message.flags.discard("fuzzy")
    _save(tw_path, tw)


def cli() -> None:
    """Add every help string of the ``duban`` command tree to the template."""
    import typer
    from babel.messages.pofile import read_po as read

    from bot.cli import build_app
    from bot.shell.help import help_texts

    pot_path = LOCALES / "duban.pot"
    with pot_path.open("rb") as fh:
        template = read(fh)
    for text in help_texts(typer.main.get_command(build_app())):
        if text not in template:
            template.add(text)
    _save(pot_path, template)


def check() -> int:
    """Print every message id a catalog lacks; return the count."""
    missing = 0
    for locale in ("zh_CN", "zh_TW", "en"):
        _, catalog = _catalog(locale)
        for message in catalog:
            if message.id and (not message.string or "fuzzy" in message.flags):
                print(f"{locale}: {message.id!r}")
                missing += 1
    return missing


if __name__ == "__main__":
    if sys.argv[1:] == ["fill"]:
        fill()
    elif sys.argv[1:] == ["cli"]:
        cli()
    elif sys.argv[1:] == ["check"]:
        sys.exit(1 if check() else 0)
    else:
        sys.exit(__doc__)
