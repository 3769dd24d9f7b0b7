"""End to end over WeCom with template cards: the monthly prompt, the task's status and percent
and the confirmation are cards (WeCom's documented JSON, checked by the emulator), clicked as
encrypted template_card_event callbacks; each clicked card is marked with what was chosen
(update_template_card), a second click on it and a forged key are refused and store nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.sandbox.wecom import WecomEmulator
from bot.sandbox.wecom_cards import Card
from bot.storage.models import ProgressReport
from tests.e2e import World, world
from tests.waiting import settled

ZHANG = "zhangsan"  # 县财政局: tasks 1 6 7 13


def card_with(wx: WecomEmulator, words: str) -> Card | None:
    """The member's newest card whose title or text says ``words``."""
    found = [c for c in wx.cards_of(ZHANG) if words in c.rendered()]
    return found[-1] if found else None


def key_of(card: Card, text: str) -> str:
    """The key of the option labelled ``text``."""
    return next(key for label, key in card.options() if label == text)


async def click(wx: WecomEmulator, words: str, option: str, then: str) -> Card:
    """Click ``option`` on the newest card saying ``words``; wait for a card saying ``then``."""
    await wx.wait_for(lambda: card_with(wx, words) is not None)
    card = card_with(wx, words)
    assert card is not None
    assert await wx.click(ZHANG, card.task_id, key_of(card, option)) == 200
    await wx.wait_for(lambda: card.replaced != "" and then in "\n".join(wx.transcript(ZHANG)))
    return card


async def bound(wx: WecomEmulator) -> None:
    wx.member(ZHANG, "张三")
    now = datetime.now(UTC)
    code = (await create_invite("县财政局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
    await wx.user_says(ZHANG, f"绑定 {code}")
    await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))


async def prompted(w: World) -> WecomEmulator:
    """张三 bound, November dispatched, its prompt card arrived; the emulator."""
    await bound(w.wecom)
    now = datetime.now(UTC)
    await dispatch(Month(2026, 11), now=now, today=now.date())
    w.app.sender.wakeup.set()
    await w.wecom.wait_for(lambda: card_with(w.wecom, "月度进展调度") is not None)
    return w.wecom


async def test_a_report_by_clicking_cards(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        wx = await prompted(w)
        await click(wx, "月度进展调度", "报送第1项", "请选择进展状态")
        await click(wx, "请选择进展状态", "推进中", "完成进度如何")
        await click(wx, "完成进度如何", "60%", "请用一条消息写明本月进展")
        await wx.user_says(ZHANG, "惠企政策兑现时限压缩至8个工作日。")
        confirm = await click(wx, "请核对报送内容", "确认报送", "还有3项待报送")
        await settled()
        stored = await ProgressReport.all().values_list("status", "percent", "text")
        assert stored == [("in_progress", 60, "惠企政策兑现时限压缩至8个工作日。")]
        # a second tap that crossed the card's update: refused as text, the card left as it was
        done = len(wx.transcript(ZHANG))
        again = key_of(confirm, "确认报送")
        assert await wx.click(ZHANG, confirm.task_id, again, force=True) == 200
        await wx.wait_for(lambda: len(wx.transcript(ZHANG)) >= done + 2)  # and what is open
        latest = wx.cards_of(ZHANG)[-1]
        assert await wx.click(ZHANG, latest.task_id, "v1:z:1:<script>", force=True) == 200
        await wx.wait_for(lambda: len(wx.transcript(ZHANG)) >= done + 3)
        await settled()
        cards = wx.cards_of(ZHANG)
        transcript = wx.transcript(ZHANG)
        updates = wx.stats["card_updates"]
    assert [(c.card["main_title"]["title"], c.replaced) for c in cards] == [
        ("2026-11 月度进展调度", "已选择：报送第1项"),
        ("2026-11 进展报送", "已选择：推进中"),
        ("完成进度如何？请选择，或直接发送数字，如 65。", "已选择：60%"),
        ("请用一条消息写明本月进展（之后可发送照片或文件）。", ""),  # answered by typing
        ("请核对报送内容", "已选择：确认报送"),
        ("已报送第1项 2026-11 进展（第1版）：推进中 60%。", ""),
        ("待报送事项（✓ 表示已报送，截止前仍可修改）：", ""),  # its key forged: still live
    ]
    assert updates == 4  # the refused presses changed no card
    assert transcript[done] == "该按钮所属的报送已完成或已取消。"
    assert transcript[done + 2 :] == ["该按钮无效。"]
    assert not any("请回复选项编号" in t for t in transcript)  # no numbered list anywhere
    assert all(c.kind == "button_interaction" for c in cards)
    assert await ProgressReport.all().count() == 1


async def test_four_tasks_in_one_message_and_one_click(planned: str, tmp_path: Path) -> None:
    """The unit's four tasks written in one message, then one click on the card's
    全部4项一并报送: one message and one tap for the whole month, as on Telegram."""
    text = (
        "1. 已完成，惠企政策清单已公布。\n"
        "6. 推进中，完成60%，退税时限压缩至3个工作日。\n"
        "7. 有困难，完成40%，担保费率下调待审批。\n"
        "13. 已完成，拖欠账款台账已建立。"
    )
    async with world(tmp_path, planned) as w:
        wx = await prompted(w)
        await wx.user_says(ZHANG, text)
        await click(wx, "请核对报送内容", "全部4项一并报送", "已报送第13项")
        await settled()
        stored = await ProgressReport.all().order_by("id").values_list("status", "percent")
        clicks = sum(1 for line in wx.conversation(ZHANG).splitlines() if " ▸ [" in line)
    assert stored == [("done", 100), ("in_progress", 60), ("behind", 40), ("done", 100)]
    assert clicks == 1
