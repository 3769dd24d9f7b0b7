"""WeCom template cards: built from a step as WeCom documents them, clicks read back into
presses, and the emulator refusing what WeCom refuses, with WeCom's errcodes."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from wechatpy.enterprise import parse_message
from wechatpy.exceptions import WeChatClientException

from bot.channels.wecom.adapter import WecomChannel, update_key
from bot.channels.wecom.cards import Click, card_type, read_click, render_card, split_ref
from bot.channels.wecom.client import WecomClient, call
from bot.domain.conversation import Button, Outbound
from bot.sandbox.wecom import WecomEmulator
from bot.sandbox.wecom_cards import event_xml

ZHANG = "zhangsan"


def step(count: int, text: str = "请选择进展状态：", title: str = "2026-11 进展报送") -> Outbound:
    options = tuple((Button(f"选项{n}", f"v1:s:7:{n}"),) for n in range(1, count + 1))
    return Outbound(text=text, title=title, buttons=options, locale="zh_CN")


def test_a_step_becomes_a_button_card_up_to_six_options_then_a_vote_card() -> None:
    card = render_card(step(6), "duban-1").card
    assert card == {
        "card_type": "button_interaction",
        "main_title": {"title": "2026-11 进展报送"},
        "task_id": "duban-1",
        "button_list": [
            {"type": 0, "text": f"选项{n}", "style": 1, "key": f"v1:s:7:{n}|选项{n}"}
            for n in range(1, 7)
        ],
        "sub_title_text": "请选择进展状态：",
    }
    vote = render_card(step(20), "duban-2").card
    assert vote["card_type"] == "vote_interaction"
    assert vote["main_title"] == {"title": "2026-11 进展报送", "desc": "请选择进展状态："}
    assert [o["id"] for o in vote["checkbox"]["option_list"]][-1] == "v1:s:7:20|选项20"
    assert vote["submit_button"] == {"text": "确定", "key": "submit"}
    assert (card_type(step(21)), card_type(Outbound(text="已记下"))) == (None, None)


def test_a_long_text_goes_before_the_card_which_keeps_the_question() -> None:
    body = "第1项：" + "深化改革。" * 40 + "\n\n请选择进展状态："
    message = render_card(step(4, text=body), "duban-3")
    assert message.lead.startswith("【2026-11 进展报送】\n第1项：")
    assert message.card["sub_title_text"] == "请选择进展状态："
    untitled = render_card(step(2, text="完成进度如何？\n请选择。", title=""), "duban-4").card
    assert untitled["main_title"]["title"] == "完成进度如何？"
    assert untitled["sub_title_text"] == "请选择。"


def test_a_click_is_read_back_as_a_press_with_its_card_and_code(tmp_path: Path) -> None:
    channel = WecomChannel(WecomClient("ww", "s", "http://127.0.0.1:9"), 1, tmp_path, cards=True)
    fields = {"TaskId": "duban-9", "CardType": "button_interaction", "ResponseCode": "RC1"}
    xml = event_xml("ww", 1, ZHANG, fields | {"EventKey": "v1:s:7:2|推进中"}, 1_764_000_000)
    press = channel.parse({"xml": xml})
    assert press is not None
    assert (press.kind, press.payload, press.sender) == ("button", "v1:s:7:2", ZHANG)
    click = split_ref(press.message_ref)  # the press carries the label: no look-up to mark it
    assert click is not None
    assert (click.task_id, click.response_code, click.payload, click.label) == (
        "duban-9", "RC1", "v1:s:7:2", "推进中"
    )  # fmt: skip
    vote = fields | {"CardType": "vote_interaction", "ResponseCode": "RC2", "EventKey": "submit"}
    vote |= {"Question": "choice", "Option": "v1:t:13"}  # an older card's key: no label
    chosen = channel.parse({"xml": event_xml("ww", 1, ZHANG, vote, 1_764_000_000)})
    assert chosen is not None
    assert chosen.payload == "v1:t:13"
    assert split_ref(chosen.message_ref) == Click("duban-9", "v1:t:13", "RC2", "")
    # two clicks within one second are two updates: the key is the click's own code
    keys = {update_key(parse_message(event_xml("ww", 1, ZHANG, f, 1)))
            for f in (fields | {"EventKey": "a"}, vote)}  # fmt: skip
    assert len(keys) == 2
    assert read_click({"MsgType": "event", "Event": "enter_agent"}) is None


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[WecomEmulator, WecomClient]]:
    wx = WecomEmulator()
    base = await wx.start()
    wx.member(ZHANG, "张三")
    wx.member("lisi", "李四")
    client = WecomClient(wx.corp_id, wx.secret, base)
    try:
        yield wx, client
    finally:
        client.close()
        await wx.stop()


async def refused(client: WecomClient, card: dict[str, Any], agent_id: int = 1000002) -> int:
    """The errcode WeCom answers ``card`` with (0 when it is sent)."""
    try:
        await call(client.send_card, agent_id, ZHANG, card)
    except WeChatClientException as exc:
        return int(exc.errcode)
    return 0


def valid(task_id: str) -> dict[str, Any]:
    return copy.deepcopy(render_card(step(3), task_id).card)


async def test_the_emulator_refuses_cards_as_wecom_does(
    emulator: tuple[WecomEmulator, WecomClient],
) -> None:
    wx, client = emulator
    assert await refused(client, valid("duban-a")) == 0
    assert await refused(client, valid("duban-a")) == 42014  # a task id is used once per app
    assert await refused(client, valid("has space")) == 42014
    assert await refused(client, valid("x" * 129)) == 42014
    assert await refused(client, valid("x" * 128)) == 0
    seven = valid("duban-b")
    seven["button_list"] = render_card(step(6), "t").card["button_list"] + [
        {"text": "七", "key": "k7"}
    ]
    cases: list[tuple[int, dict[str, Any]]] = [(40058, seven)]
    for code, path, value in (
        (42018, ("button_list", 0, "key"), "k" * 1025),
        (42018, ("button_list", 1, "key"), "v1:s:7:1|选项1"),  # a key repeated
        (42019, ("button_list", 0, "key"), ""),
        (42020, ("button_list", 0, "text"), ""),
        (40063, ("main_title", "title"), ""),
        (40063, ("task_id",), ""),
        (40058, ("card_type",), "button_interactive"),
    ):
        card = valid(f"duban-{code}-{len(cases)}")
        target: Any = card
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        cases.append((code, card))
    empty = valid("duban-c")
    empty["button_list"] = []
    cases.append((40063, empty))
    vote = copy.deepcopy(render_card(step(20), "duban-v").card)
    vote["checkbox"]["option_list"].append({"id": "v21", "text": "21"})
    cases.append((40058, vote))
    assert [await refused(client, card) for _, card in cases] == [code for code, _ in cases]
    assert await refused(client, valid("duban-d"), agent_id=1) == 40056
    assert [c.task_id for c in wx.cards_of(ZHANG)] == ["duban-a", "x" * 128]


async def test_app_group_chats_take_no_cards(emulator: tuple[WecomEmulator, WecomClient]) -> None:
    wx, client = emulator
    chat = await call(client.appchat.create, name="秘书组", owner=ZHANG, user_list=[ZHANG, "lisi"])
    body = {"chatid": chat["chatid"], "msgtype": "template_card", "template_card": valid("g")}
    with pytest.raises(WeChatClientException) as caught:  # wechatpy would not even build it
        await call(client.post, "appchat/send", data=body)
    assert caught.value.errcode == 40008
    assert wx.chat_inbox[chat["chatid"]] == []


async def test_a_response_code_updates_its_card_once(
    emulator: tuple[WecomEmulator, WecomClient],
) -> None:
    wx, client = emulator
    await call(client.send_card, 1000002, ZHANG, valid("duban-u"))
    fields = wx.cards.click(ZHANG, "duban-u", "v1:s:7:2|选项2")
    code = fields["ResponseCode"]
    await call(client.update_card, 1000002, ZHANG, code, "已选择：选项2")
    card = wx.cards_of(ZHANG)[0]
    assert card.replaced == "已选择：选项2"
    with pytest.raises(ValueError, match="answered"):
        wx.cards.click(ZHANG, "duban-u", "v1:s:7:3")  # WeCom shows no button to click
    for response_code, errcode in ((code, 42022), ("forged", 40058), ("", 40063)):
        with pytest.raises(WeChatClientException) as caught:
            await call(client.update_card, 1000002, ZHANG, response_code, "再次")
        assert caught.value.errcode == errcode
    later = wx.cards.click(ZHANG, "duban-u", "v1:s:7:3", force=True)["ResponseCode"]
    wx.clock = lambda: 1e12  # 72 hours and more later
    with pytest.raises(WeChatClientException) as caught:
        await call(client.update_card, 1000002, ZHANG, later, "太晚")
    assert caught.value.errcode == 40058
    assert card.replaced == "已选择：选项2"
