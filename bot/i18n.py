"""Gettext catalogs (zh_CN default, zh_TW, en) and rendering of :class:`Message` values."""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.domain.messages import Message

DOMAIN = "duban"
LOCALES = ("zh_CN", "zh_TW", "en")
DEFAULT_LOCALE = "zh_CN"


def locales_dir() -> Path:
    """Where the catalogs are: the source tree's ``locales/`` or the installed copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "locales", here / "_locales"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("gettext catalogs not found next to the bot package")


def normalise_locale(value: str | None) -> str:
    """Map ``zh-Hant``, ``zh_TW``, ``zh-HK``, ``en-US``, ``zh`` … onto a supported locale."""
    if not value:
        return DEFAULT_LOCALE
    tag = value.replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_TW" if any(k in tag for k in ("tw", "hk", "mo", "hant")) else "zh_CN"
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog of ``locale``: its ``.mo`` if current, else its ``.po`` compiled here."""
    folder = locales_dir() / locale / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Renders messages in one locale."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = normalise_locale(locale)
        self._catalog = translations(self.locale)

    def gettext(self, msgid: str, **params: object) -> str:
        """Translate ``msgid`` and fill its ``{placeholders}``."""
        text = self._catalog.gettext(msgid)
        return text.format(**params) if params else text

    def render(self, message: Message) -> str:
        """Translate a :class:`Message`."""
        return self.gettext(message.msgid, **message.params)
