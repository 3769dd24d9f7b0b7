"""The smaller report-flow fixes of issue 14, as dialogue tables: stray text, a period closed
under a draft, "上次报送" never from a later month, stored states in words, a refused press that
leaves its card alone, the slash command beside the Chinese word, the channels' neutral kinds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot

from bot.cadence.dispatch import dispatch
from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.conversation.router import handle
from bot.domain.conversation import Inbound
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import (
    ConversationState,
    ProgressReport,
    QuarterlySummary,
    ReportingPeriod,
    ReportRequest,
    Task,
    Unit,
)
from tests.answers import HOW_FAR, WRITE
from tests.dialogue import Contains, Dialogue, Person, reply, run_table

ALICE = Person("telegram:1001", "王联络")  # 县发改局
LEADER = Person("telegram:2002", "李局长")  # 县发改局
ZHANG = Person("wecom:zhangsan", "张三", language=None)  # the secretariat, in Chinese


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit, role, locale in (
        (ALICE, "县发改局", ContactRole.REPORTER, "en"),
        (LEADER, "县发改局", ContactRole.LEADER, "en"),
        (ZHANG, None, ContactRole.SECRETARIAT, "zh_CN"),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale=locale)
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


async def test_stray_text_never_lands_in_a_task_chosen_from_the_list(world: Dialogue) -> None:
    await run_table(
        world,
        [
            (ALICE, "发错了，不好意思", reply("Which task is this for?")),
            (ALICE, "/report", Contains("Open report requests")),
            (ALICE, "[Report task 1]", Contains("Choose the status:")),
            (ALICE, "[In progress]", HOW_FAR),
            (ALICE, "[Skip]", WRITE),  # asked for, not filled with the stray text
        ],
    )


async def test_a_period_closed_under_a_draft_drops_the_draft(world: Dialogue) -> None:
    d = world
    await d.says(ALICE, "/report")
    await d.presses(ALICE, "Report task 1")
    await d.presses(ALICE, "In progress")
    d.clock.advance(days=10)
    await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())  # closes November
    closed = reply("The 2026-11 request for task 1 is closed.")
    await run_table(d, [(ALICE, "[40%]", closed)])
    state = await ConversationState.get(identity=ALICE.identity)
    assert state.flow == ""  # the next text is not swallowed by the dead draft
    assert await d.says(ALICE, "本月完成调度会三次。") == reply("Which task is this for?")


async def test_last_report_is_never_from_a_later_month(world: Dialogue) -> None:
    d = world
    november = await ReportRequest.get(
        unit__name="县发改局", task__number="3", period__key="2026-11"
    )
    await d.says(ALICE, "第3项 推进中，完成60%，十一月")
    await d.presses(ALICE, "Submit")
    d.clock.advance(days=10)
    await dispatch(Month(2026, 12), now=d.clock(), today=d.clock.now.date())
    await d.says(ALICE, "第3项 推进中，完成80%，十二月")
    await d.presses(ALICE, "Submit")
    # November's request opened again (a late correction): its own report is the start
    await ReportRequest.filter(id=november.id).update(state="answered")
    await ProgressReport.filter(request_id=november.id).delete()
    answer = await d.sends_payload(ALICE, payload("t", november.id))
    assert "No earlier report on this task." in answer
    assert "十二月" not in answer


async def test_a_summarys_state_is_said_in_words(world: Dialogue) -> None:
    task = await Task.get(number="1")
    unit = await Unit.get(name="县发改局")
    period = await ReportingPeriod.create(
        plan_id=task.plan_id, kind="quarter", key="2026-Q4", starts=date(2026, 10, 1),
        ends=date(2026, 12, 31), due_on=date(2026, 12, 31),
    )  # fmt: skip
    summary = await QuarterlySummary.create(
        period=period, task=task, unit=unit, version=1, text="…", state="approved"
    )
    answer = await world.sends_payload(LEADER, payload("y", summary.id))
    assert answer == reply("This summary is already approved; nothing to do.")


async def test_a_refused_press_leaves_its_card_and_answers_as_a_notice(world: Dialogue) -> None:
    press = Inbound(
        channel="telegram", sender="1001", chat="1001", kind="button",
        payload=payload("s", 999999, 1), message_ref="1001:42",
    )  # fmt: skip
    replies = await handle(press, world.deps)
    assert [(r.text, r.replaces, r.notice) for r in replies] == [
        (
            "That task is not one of your unit’s open requests.",
            None,
            "That task is not one of your unit’s open requests.",
        )
    ]


async def test_help_shows_the_slash_command_beside_the_chinese_word(world: Dialogue) -> None:
    answer = await world.says(ZHANG, "帮助")
    assert "\n汇总（/digest） [YYYY-MM] — " in answer
    assert "\n状态（/status） [序号|单位] — " in answer


def _telegram(data_dir: Path) -> TelegramChannel:
    return TelegramChannel(Bot("123456:" + "A" * 35), data_dir)


def _update(**message: Any) -> dict[str, Any]:
    base = {
        "message_id": 55,
        "date": 1_764_000_000,
        "chat": {"id": 1001, "type": "private"},
        "from": {"id": 1001, "is_bot": False, "first_name": "王"},
    }
    return {"update_id": 1, **message.pop("_kind", {"message": {**base, **message}})}


def test_telegram_captions_voice_and_edits_are_neutral_kinds(tmp_path: Path) -> None:
    channel = _telegram(tmp_path)
    photo = {"file_id": "F", "file_unique_id": "U", "width": 1, "height": 1, "file_size": 9}
    captioned = channel.parse(_update(photo=[photo], caption="第19项：隐患排查已完成"))
    assert captioned is not None
    assert (captioned.kind, captioned.text, captioned.message_ref) == (
        "file",
        "第19项：隐患排查已完成",
        "1001:55",
    )
    voice = channel.parse(_update(voice={"file_id": "V", "file_unique_id": "W", "duration": 3}))
    assert voice is not None
    assert voice.kind == "voice"
    edited = {
        "message_id": 55,
        "date": 1_764_000_000,
        "edit_date": 1_764_000_100,
        "chat": {"id": 1001, "type": "private"},
        "from": {"id": 1001, "is_bot": False, "first_name": "王"},
        "text": "第3项 推进中，完成70%",
    }
    edit = channel.parse(_update(_kind={"edited_message": edited}))
    assert edit is not None
    assert (edit.kind, edit.text, edit.message_ref) == ("edit", "第3项 推进中，完成70%", "1001:55")


def test_wecom_voice_is_a_voice_kind_not_a_narrative(tmp_path: Path) -> None:
    channel = WecomChannel(WecomClient("ww", "secret", "http://127.0.0.1:9"), 1, tmp_path)
    xml = (
        "<xml><ToUserName>ww</ToUserName><FromUserName>zhangsan</FromUserName>"
        "<CreateTime>1764000000</CreateTime><MsgType>voice</MsgType><MediaId>M</MediaId>"
        "<Format>amr</Format><MsgId>77</MsgId><AgentID>1</AgentID></xml>"
    )
    inbound = channel.parse({"xml": xml})
    assert inbound is not None
    assert (inbound.kind, inbound.text) == ("voice", "")
