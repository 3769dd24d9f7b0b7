"""The numbered-choice fallback of channels without buttons, as the adapters declare and read it:
a bare number is option N only at a pure choice step; an option's words pick it anywhere; on
WeCom with cards only where numbered text was actually sent (an app group chat, a step with
more options than a card holds), never after a step sent as a card."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.numbered import as_press, choice_number, chosen, render_choices
from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import WecomChannel, render_text
from bot.channels.wecom.client import WecomClient
from bot.conversation.registry import text_inbound
from bot.delivery.choices import note_sent, read_choice
from bot.delivery.options import offered_options
from bot.domain.conversation import Button, Capabilities, Choices, Outbound

STATUSES = (Button("未启动", "v1:s:7:0"), Button("推进中", "v1:s:7:1"), Button("滞后", "v1:s:7:2"))
PERCENTS = (*(Button(f"{p}%", f"v1:p:7:{p}") for p in (20, 40, 60, 80)), Button("跳过", "v1:n:7"))


def wecom(tmp_path: Path, *, cards: bool) -> WecomChannel:
    return WecomChannel(WecomClient("ww", "s", "http://127.0.0.1:9"), 1, tmp_path, cards=cards)


def test_each_adapter_declares_its_capabilities(tmp_path: Path) -> None:
    numbered = Capabilities(buttons=False, edits=False, cards=False)
    assert TelegramChannel.capabilities == Capabilities(buttons=True, edits=True, cards=False)
    assert wecom(tmp_path, cards=False).capabilities_for("zs") == numbered
    with_cards = wecom(tmp_path, cards=True)
    assert with_cards.capabilities_for("zs") == Capabilities(buttons=True, edits=False, cards=True)
    assert with_cards.capabilities_for("chat:wrsecretariat") == numbered  # appchat: no cards


def steps(count: int) -> Outbound:
    options = tuple((Button(f"报送第{n}项", f"v1:t:{n}"),) for n in range(1, count + 1))
    return Outbound(text="请选择任务", buttons=options, locale="zh_CN")


async def test_a_number_is_read_only_where_numbered_text_was_sent(db: str, tmp_path: Path) -> None:
    channel = wecom(tmp_path, cards=True)

    async def answer(text: str) -> str:
        typed = text_inbound(channel="wecom", sender="zs", chat="zs", text=text)
        read = await read_choice(channel, typed)
        return read.payload if read.kind == "button" else read.kind

    await note_sent(channel, "wecom:zs", steps(21))  # more than a card holds: numbered text
    assert channel.lists_options("zs", steps(21))
    assert await answer("21") == "v1:t:21"
    await note_sent(channel, "wecom:zs", steps(4))  # a card: no number picks, words still do
    assert not channel.lists_options("zs", steps(4))
    assert await answer("2") == "text"
    assert await answer("21") == "text"  # nor one of the list before
    assert await answer("报送第3项") == "v1:t:3"
    await note_sent(channel, "wecom:chat:wrg", steps(4))  # a group is sent numbered text
    assert await offered_options("wecom:chat:wrg") is not None
    off = wecom(tmp_path, cards=False)
    await note_sent(off, "wecom:zs", steps(4))  # cards off: numbered, as before
    typed = text_inbound(channel="wecom", sender="zs", chat="zs", text="3")
    assert (await read_choice(off, typed)).payload == "v1:t:3"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        (" 2 ", 2),
        ("２", 2),
        ("１２", 12),
        ("2.", 2),
        ("2、", 2),
        ("2．", 2),
        ("0", 0),
        ("第2项", None),
        ("²", None),
        ("2a", None),
        ("2 3", None),
        ("1234", None),
        ("", None),
    ],
)
def test_a_bare_number_in_ascii_or_full_width_digits(text: str, number: int | None) -> None:
    assert choice_number(text) == number


def test_numbers_pick_only_at_a_pure_choice_step() -> None:
    choice, free = Choices(STATUSES, numbered=True), Choices(PERCENTS, numbered=False)
    assert chosen("2", choice) == STATUSES[1]
    assert chosen("３", choice) == STATUSES[2]
    assert chosen("4", choice) is None  # no fourth option: left as text
    assert chosen("0", choice) is None
    assert chosen("5", free) is None  # 5 %, not 跳过
    assert chosen("2", free) is None  # 2 %, not 40 %
    assert chosen("跳过", free) == PERCENTS[-1]  # words pick at any step
    assert chosen("推进中。", choice) == STATUSES[1]
    assert chosen("推进中的工作", choice) is None


def test_only_private_typed_text_becomes_a_press() -> None:
    offered = Choices(STATUSES, numbered=True)
    typed = text_inbound(channel="wecom", sender="zs", chat="zs", text="2")
    pressed = as_press(typed, offered)
    assert (pressed.kind, pressed.payload, pressed.text) == ("button", "v1:s:7:1", "2")
    assert (
        as_press(text_inbound(channel="wecom", sender="zs", chat="zs", text="65"), offered).kind
        == "text"
    )
    group = text_inbound(channel="wecom", sender="zs", chat="g", text="2", is_group=True)
    assert as_press(group, offered) is group
    command = text_inbound(channel="wecom", sender="zs", chat="zs", text="取消")
    assert as_press(command, offered).kind == "command"


def test_choices_are_numbered_only_where_a_number_picks_one() -> None:
    status = Outbound(text="请选择进展状态", buttons=tuple((b,) for b in STATUSES), locale="zh_CN")
    assert status.pure_choice
    assert render_choices(status) == "1. 未启动\n2. 推进中\n3. 滞后\n请回复选项编号。"
    percent = Outbound(text="完成进度如何？", buttons=(PERCENTS,), locale="zh_CN", free_input=True)
    assert not percent.pure_choice
    rendered = render_text(percent)
    assert rendered.startswith("完成进度如何？\n")
    assert "20% / 40% / 60% / 80% / 跳过" in rendered
    assert "1." not in rendered
    assert not Outbound(text="已记下").pure_choice


def test_the_marker_survives_the_outbox() -> None:
    percent = Outbound(text="完成进度如何？", buttons=(PERCENTS,), free_input=True)
    assert Outbound.from_json(percent.to_json()) == percent
    legacy = {k: v for k, v in percent.to_json().items() if k != "free_input"}
    assert Outbound.from_json(legacy).pure_choice  # rows queued before the marker existed
