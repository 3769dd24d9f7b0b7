"""The report flow in each language: every label and answer comes from that locale's catalog,
and /lang switches a contact's language for everything sent afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import Contact, OutboxMessage, ProgressReport
from tests.answers import GOAL_1
from tests.dialogue import Dialogue, Person, reply, run_table


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return Dialogue(tmp_path / "data")


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en"])
async def test_report_flow_in_each_language(world: Dialogue, locale: str) -> None:
    d, tr = world, Translator(locale)
    who = Person(f"telegram:{len(locale)}{ord(locale[-1])}", language=None)
    code = (
        await create_invite("县发改局", ContactRole.REPORTER, now=d.clock(), locale=locale)
    ).code
    bound, help_ = (await d.says(who, f"/start {code}")).split("\n---\n")
    assert bound == reply(
        tr.gettext(
            "Bound: you are the {role} of {unit}.", role=tr.gettext("reporter"), unit="县发改局"
        )
    )
    assert help_.startswith(reply(tr.gettext("Commands:")))
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    prompt = await OutboxMessage.get(recipient=who.identity, key__startswith="dispatch:")
    assert prompt.payload["title"] == tr.gettext(
        "Monthly progress report {period}", period="2026-11"
    )
    assert prompt.payload["locale"] == locale
    await d.says(who, "/report")
    status = tr.gettext("In progress") + " 55%"
    task = "深化“一件事一次办”改革。"
    card = "\n".join(
        [
            tr.gettext("Task {number}: {title}", number="1", title=task),
            tr.gettext("Goal: {goal}", goal=GOAL_1),
            tr.gettext("Your unit: {role}", role=tr.gettext("responsible unit (责任)")),
            tr.gettext("Period {period}, due {due}", period="2026-11", due="2026-12-02"),
            "",
            tr.gettext("No earlier report on this task."),
            "",
            tr.gettext("Choose the status:"),
        ]
    )
    check = "\n".join(
        [
            tr.gettext("Status: {status}", status=status),
            tr.gettext("Progress: {text}", text="完成阶段性任务。"),
            "",
            tr.gettext("Submit this report? You can still send photos or files first."),
        ]
    )
    reported = tr.gettext(
        "Reported task {number} for {period} (version {version}): {status}.",
        number="1",
        period="2026-11",
        version=1,
        status=status,
    )
    still = tr.gettext("Still to report: {count}.", count=6)
    await run_table(
        d,
        [
            (
                who,
                f"[{tr.gettext('Report task {number}', number='1')}]",
                reply(card, title=tr.gettext("Report {period}", period="2026-11")),
            ),
            (
                who,
                f"[{tr.gettext('In progress')}]",
                reply(tr.gettext("How far along is it? Choose, or send a number such as 65.")),
            ),
            (
                who,
                "55",
                reply(
                    tr.gettext(
                        "Write this month’s progress as one message (photos and files can follow)."
                    )
                ),
            ),
            (who, "完成阶段性任务。", reply(check, title=tr.gettext("Check your report"))),
            (who, f"[{tr.gettext('Submit')}]", reply(f"{reported}\n\n{still}")),
        ],
    )
    assert await ProgressReport.filter(contact__identity=who.identity).count() == 1


async def test_lang_switches_a_contact(world: Dialogue) -> None:
    d = world
    who = Person("wecom:lisi", language=None)
    code = (
        await create_invite("县财政局", ContactRole.REPORTER, now=d.clock(), locale="zh_CN")
    ).code
    bound = (await d.says(who, f"绑定 {code}")).split("\n---\n")[0]
    assert bound == reply("绑定成功：您是县财政局的联络员。")
    tasks = reply(
        "1. 深化“一件事一次办”改革。 — not reported yet ⏰2026年12月\n"
        "6. 便利纳税缴费。 — not reported yet ⏰2026年底\n"
        "7. 破解融资难融资贵。 — not reported yet ⏰2026年12月\n"
        "13. 清理拖欠企业账款。 — not reported yet ⏰2026年12月",
        title="Tasks of 县财政局 (4)",
    )
    choose = reply(
        "請選擇語言：語言 zh_CN（簡體中文）、語言 zh_TW（繁體中文）、語言 en（English）。"
    )
    await run_table(
        d,
        [
            (who, "语言 en", reply("Language set: English.")),
            (who, "/mytasks", tasks),
            (who, "/lang zh_TW", reply("語言已設定為繁體中文。")),
            (who, "/lang fr", choose),
        ],
    )
    assert (await Contact.get(identity=who.identity, active=True)).locale == "zh_TW"
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    prompt = await OutboxMessage.get(recipient=who.identity, key__startswith="dispatch:")
    # scheduled messages follow the choice
    assert prompt.payload["title"] == "2026-11 月度進展排程"
