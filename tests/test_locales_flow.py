"""The report flow in each language: every label and answer comes from that locale's catalog,
and /lang switches a contact's language for everything sent afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.services.binding import Role, create_invite
from bot.services.dispatch import dispatch
from bot.services.plans import import_plan
from bot.storage.models import Contact, OutboxMessage, ProgressReport
from tests.dialogue import Dialogue, Person, run_table


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(read_plan(sample_plan), source_name="sample.md", sha256="0" * 64)
    return Dialogue(tmp_path / "data")


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en"])
async def test_report_flow_in_each_language(world: Dialogue, locale: str) -> None:
    d, tr = world, Translator(locale)
    who = Person(f"telegram:{len(locale)}{ord(locale[-1])}", language=None)
    code = (await create_invite("县发改局", Role.REPORTER, now=d.clock(), locale=locale)).code
    bound = await d.says(who, f"/start {code}")
    assert (
        tr.gettext(
            "Bound: you are the {role} of {unit}.", role=tr.gettext("reporter"), unit="县发改局"
        )
        in bound
    )
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    prompt = await OutboxMessage.get(recipient=who.identity, key__startswith="dispatch:")
    assert prompt.payload["title"] == tr.gettext(
        "Monthly progress report {period}", period="2026-11"
    )
    assert prompt.payload["locale"] == locale
    await d.says(who, "/report")
    await run_table(
        d,
        [
            (
                who,
                f"[{tr.gettext('Report task {number}', number='1')}]",
                tr.gettext("Choose the status:"),
            ),
            (
                who,
                f"[{tr.gettext('In progress')}]",
                tr.gettext("How far along is it? Choose, or send a number such as 65."),
            ),
            (
                who,
                "55",
                tr.gettext(
                    "Write this month’s progress as one message (photos and files can follow)."
                ),
            ),
            (
                who,
                "完成阶段性任务。",
                tr.gettext("Submit this report? You can still send photos or files first."),
            ),
            (who, f"[{tr.gettext('Submit')}]", tr.gettext("In progress") + " 55%"),
        ],
    )
    assert await ProgressReport.filter(contact__identity=who.identity).count() == 1


async def test_lang_switches_a_contact(world: Dialogue) -> None:
    d = world
    who = Person("wecom:lisi", language=None)
    code = (await create_invite("县财政局", Role.REPORTER, now=d.clock(), locale="zh_CN")).code
    assert "绑定成功" in await d.says(who, f"绑定 {code}")
    await run_table(
        d,
        [
            (who, "语言 en", "Language set: English."),
            (who, "/mytasks", "Tasks of 县财政局"),
            (who, "/lang zh_TW", "語言已設定為繁體中文"),
            (who, "/lang fr", "語言 en（English）"),
        ],
    )
    assert (await Contact.get(identity=who.identity, active=True)).locale == "zh_TW"
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    prompt = await OutboxMessage.get(recipient=who.identity, key__startswith="dispatch:")
    assert "月度進展" in prompt.payload["title"]  # scheduled messages follow the choice
