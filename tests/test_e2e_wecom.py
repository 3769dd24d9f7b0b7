"""End to end over WeCom: wechatpy-encrypted callbacks into our endpoint, replies through the
WeCom API emulator; numbered choices answered by number (only where the step is a pure
choice: a number at the percent step is a percentage); hostile callbacks refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.services.binding import Role, create_invite
from bot.services.dispatch import dispatch
from bot.services.plans import import_plan
from bot.storage.models import Attachment, InboxUpdate, OutboxMessage, ProgressReport
from tests.e2e import world

ZHANG = "zhangsan"


@pytest.fixture
async def planned(db: str, sample_plan: Path) -> str:
    await import_plan(read_plan(sample_plan), source_name="sample.md", sha256="0" * 64)
    return db


def last(texts: list[str]) -> str:
    return texts[-1] if texts else ""


async def test_report_over_wecom(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        assert await wx.verify_url() == (200, "echo-ok")
        now = datetime.now(UTC)
        code = (await create_invite("县财政局", Role.REPORTER, now=now, locale="zh_CN")).code
        assert await wx.user_says(ZHANG, f"绑定 {code}", repeat=3) == 200  # WeCom's retries
        await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))
        await dispatch(Month(2026, 11), now=now, today=now.date())
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: "月度进展调度" in last(wx.texts(ZHANG)))
        prompt = last(wx.texts(ZHANG))
        assert "1. 报送第" in prompt
        assert "请回复选项编号" in prompt
        for answer, expect in (
            ("1", "请选择进展状态"),
            ("3", "完成进度如何"),  # 3rd status: 滞后
            ("30%", "请用一条消息写明本月进展"),
            ("资金拨付滞后，正在协调。", "确认报送吗"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        await wx.user_sends_image(ZHANG, b"\x89PNG" + b"x" * 1000)
        await wx.wait_for(lambda: "附件：1个" in last(wx.texts(ZHANG)))
        await wx.user_says(ZHANG, "1")  # 确认报送
        await wx.wait_for(lambda: "第1版" in last(wx.texts(ZHANG)))
        # revise, answering with the option's words instead of its number
        await wx.user_says(ZHANG, "报送")
        await wx.wait_for(lambda: "待报送事项" in last(wx.texts(ZHANG)))
        for answer, expect in (
            ("1", "上次报送"),
            ("推进中", "完成进度如何"),
            ("50", "沿用上次内容"),
            ("沿用上次内容", "确认报送吗"),
            ("确认报送", "第2版"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        bind_replies = [t for t in wx.texts(ZHANG) if "绑定成功" in t]

    assert len(bind_replies) == 1  # three deliveries of one message, handled once
    assert await InboxUpdate.filter(channel="wecom").count() == 13
    reports = await ProgressReport.all().order_by("version")
    assert [(r.version, r.status, r.percent) for r in reports] == [
        (1, "behind", 30),
        (2, "in_progress", 50),
    ]
    assert reports[1].text == "资金拨付滞后，正在协调。"
    photo = await Attachment.get(report_id=reports[0].id)
    assert (tmp_path / "data" / photo.path).read_bytes().startswith(b"\x89PNG")
    assert await OutboxMessage.exclude(state="sent").count() == 0
    assert sum(wx.dropped.values()) == 0


async def test_numbers_are_options_only_at_pure_choice_steps(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        now = datetime.now(UTC)
        code = (await create_invite("县财政局", Role.REPORTER, now=now, locale="zh_CN")).code
        await wx.user_says(ZHANG, f"绑定 {code}")
        await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))
        await dispatch(Month(2026, 11), now=now, today=now.date())
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: "月度进展调度" in last(wx.texts(ZHANG)))
        for answer, expect in (
            ("1", "请选择进展状态"),
            ("2", "完成进度如何"),  # the second status: 推进中
            ("5", "请用一条消息写明本月进展"),  # 5 %, not the fifth option (跳过)
            ("资金已拨付五成。", "确认报送吗"),
            ("1", "第1版"),  # 1 = 确认报送
            ("报送", "待报送事项"),
            ("1", "上次报送"),
            ("２", "完成进度如何"),  # full-width digits count alike
            ("2", "沿用上次内容"),  # 2 %, not the second option (40 %)
            ("沿用上次内容", "确认报送吗"),
            ("1", "第2版"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        asked = next(t for t in wx.texts(ZHANG) if "完成进度如何" in t)
        assert "20% / 40% / 60% / 80% / 跳过" in asked  # listed as words, not numbered
        assert "1. 20%" not in asked
        assert "请回复选项编号" not in asked
        status = next(t for t in wx.texts(ZHANG) if "请选择进展状态" in t)
        assert "2. 推进中" in status
        assert "请回复选项编号" in status
    reports = await ProgressReport.all().order_by("version")
    assert [(r.version, r.status, r.percent) for r in reports] == [
        (1, "in_progress", 5),
        (2, "in_progress", 2),
    ]


async def test_hostile_callbacks_are_refused_and_store_nothing(
    planned: str, tmp_path: Path
) -> None:
    async with world(tmp_path, planned) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        assert (await wx.verify_url(tamper=True))[0] == 403
        plain = wx.message_xml(ZHANG, "text", "<Content><![CDATA[你好]]></Content>", 42)
        assert await wx.post_callback(plain, tamper=True) == 403
        assert wx.session is not None
        url = wx.callback_url
        async with wx.session.post(url, data=b"<xml>") as r:  # no signature
            assert r.status == 400
        query = "?msg_signature=abc&timestamp=1&nonce=2"
        async with wx.session.post(url + query, data=b"not xml at all") as r:
            assert r.status in (400, 403)
        async with wx.session.post(url + query, data=b"x" * 100_000) as r:
            assert r.status == 413
        other = type(wx)(aes_key="ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")
        other.session, other.callback_url = wx.session, url
        assert await other.post_callback(plain) == 403  # encrypted with another app's key
        # a stranger gets the bind hint only; a 50 000-character message is refused politely
        assert await wx.user_says(ZHANG, "你好") == 200
        await wx.wait_for(lambda: any("尚未绑定" in t for t in wx.texts(ZHANG)))
    assert await InboxUpdate.filter(channel="wecom").count() == 1
