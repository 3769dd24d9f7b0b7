"""Catalogs: every extracted message translated in zh_CN, zh_TW and en; nothing unextracted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.domain.messages import Message
from bot.i18n import LOCALES, Translator, locales_dir, normalise_locale

ROOT = Path(__file__).resolve().parent.parent


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (locales_dir() / locale / "LC_MESSAGES" / "duban.po").open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "duban.pot"
    pybabel = str(Path(sys.executable).parent / "pybabel")
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "N_", "-k", "gettext", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete(locale: str, extracted: set[str]) -> None:
    catalog = _catalog(locale)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    assert extracted - translated == set(), f"{locale} lacks translations; run make i18n"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for message in _catalog(locale):
        if message.id:
            for name in ("{count}", "{name}", "{number}", "{plan}", "{unit}"):
                assert (name in message.id) == (name in message.string), (locale, message.id)


def test_rendering_in_each_locale() -> None:
    message = Message("Task {number} names no unit.", {"number": 7})
    assert Translator("zh_CN").render(message) == "任务 7 没有写明任何单位。"
    assert Translator("zh_TW").render(message) == "任務 7 沒有寫明任何單位。"
    assert Translator("en").render(message) == "Task 7 names no unit."


def test_locale_tags_are_normalised() -> None:
    assert [normalise_locale(t) for t in ("zh-Hant", "zh-HK", "zh", "en-US", "fr", None)] == [
        "zh_TW",
        "zh_TW",
        "zh_CN",
        "en",
        "zh_CN",
        "zh_CN",
    ]
