"""End to end over WeCom (encrypted callbacks, the API emulator): every task of the month in one
message, confirmed with one typed number; a voice message answered and never stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import ProgressReport
from tests.e2e import world
from tests.waiting import settled

ZHANG = "zhangsan"  # 县财政局: tasks 1 6 7 13
MESSAGE = (
    "1. 已完成，惠企政策兑现时限压缩至8个工作日。\n"
    "6. 推进中，完成70%，退税平均时限压缩至3天。\n"
    "7. 有困难，完成40%，政府性融资担保扩面缓慢。\n"
    "13. 已完成，拖欠账款全部清偿。"
)


def last(texts: list[str]) -> str:
    return texts[-1] if texts else ""


async def test_every_task_in_one_message_and_one_number(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned, wecom_cards=False) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        now = datetime.now(UTC)
        code = (await create_invite("县财政局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        await wx.user_says(ZHANG, f"绑定 {code}")
        await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))
        await dispatch(Month(2026, 11), now=now, today=now.date())
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: "月度进展调度" in last(wx.texts(ZHANG)))
        # a voice message: asked for text, nothing stored
        voice = wx.message_xml(
            ZHANG, "voice", "<MediaId><![CDATA[V1]]></MediaId><Format>amr</Format>", 990001
        )
        await wx.post_callback(voice)
        await wx.wait_for(lambda: "语音" in last(wx.texts(ZHANG)))
        await wx.user_says(ZHANG, MESSAGE)
        await wx.wait_for(lambda: "请核对报送内容" in last(wx.texts(ZHANG)))
        card = last(wx.texts(ZHANG))
        assert "第1项" in card
        assert "2. 全部4项一并报送" in card
        await wx.user_says(ZHANG, "2")
        await wx.wait_for(lambda: "第13项" in last(wx.texts(ZHANG)))
        await settled()
    rows = await ProgressReport.all().select_related("task").order_by("id")
    assert [(r.task.number, r.status, r.percent) for r in rows] == [
        ("1", "done", 100),
        ("6", "in_progress", 70),
        ("7", "behind", 40),
        ("13", "done", 100),
    ]
    assert all("[voice]" not in r.text for r in rows)
