"""End to end over Telegram: the real aiogram client against the Bot API emulator.

invite → bind → dispatch → prompt → report with status, text and a photo → revise; then the
records and their versions are checked in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import Attachment, InboxUpdate, OutboxMessage, ProgressReport
from tests.e2e import world
from tests.waiting import CEILING as WAIT
from tests.waiting import settled

ALICE = 1001


async def test_report_over_telegram(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        tg, app = w.tg, w.app
        tg.user(ALICE, "王联络", "zh-hans")
        now = datetime.now(UTC)
        code = (await create_invite("县发改局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        await tg.user_sends(ALICE, f"/start {code}")
        await tg.wait_for(lambda: any("绑定成功" in m.text for m in tg.bot_messages(ALICE)), WAIT)

        await dispatch(Month(2026, 11), now=now, today=now.date())
        app.sender.wakeup.set()
        await tg.wait_for(
            lambda: any("月度进展调度" in m.text for m in tg.bot_messages(ALICE)), WAIT
        )
        prompt = next(m for m in tg.bot_messages(ALICE) if "月度进展调度" in m.text)
        assert "县发改局" in prompt.text
        assert prompt.markup.startswith("<b>")  # the title is bold, the rest escaped

        await tg.user_presses(ALICE, "报送第")
        await tg.wait_for(lambda: "请选择进展状态" in tg.bot_messages(ALICE)[-1].text, WAIT)
        card = tg.bot_messages(ALICE)[-1]
        assert card.message_id == prompt.message_id  # edited in place, not a new message
        await tg.user_presses(ALICE, "推进中")
        await tg.wait_for(lambda: "完成进度如何" in tg.bot_messages(ALICE)[-1].text, WAIT)
        await tg.user_sends(ALICE, "70")
        await tg.wait_for(
            lambda: "请用一条消息写明本月进展" in tg.bot_messages(ALICE)[-1].text, WAIT
        )
        await tg.user_sends(ALICE, "已完成项目储备 <12> 个 & 调度会 3 次")
        await tg.wait_for(lambda: "确认报送吗" in tg.bot_messages(ALICE)[-1].text, WAIT)
        assert "&lt;12&gt;" in tg.bot_messages(ALICE)[-1].markup
        await tg.user_sends_photo(ALICE, b"\xff\xd8\xff" + b"jpeg" * 500)
        await tg.wait_for(lambda: any("已附上文件" in m.text for m in tg.bot_messages(ALICE)), WAIT)
        await tg.user_presses(ALICE, "确认报送")
        await tg.wait_for(lambda: any("第1版" in m.text for m in tg.bot_messages(ALICE)), WAIT)

        # revise the same request: the previous report is the starting point
        await tg.user_sends(ALICE, "/report")
        await tg.wait_for(lambda: "待报送事项" in tg.bot_messages(ALICE)[-1].text, WAIT)
        await tg.user_presses(ALICE, "报送第")
        await tg.wait_for(lambda: "上次报送" in tg.bot_messages(ALICE)[-1].text, WAIT)
        await tg.user_presses(ALICE, "已完成")
        await tg.wait_for(
            lambda: "沿用上次内容" in str(tg.bot_messages(ALICE)[-1].reply_markup), WAIT
        )
        await tg.user_presses(ALICE, "沿用上次内容")
        await tg.wait_for(lambda: "确认报送吗" in tg.bot_messages(ALICE)[-1].text, WAIT)
        await tg.user_presses(ALICE, "确认报送")
        await tg.wait_for(lambda: any("第2版" in m.text for m in tg.bot_messages(ALICE)), WAIT)
        await tg.wait_for(lambda: not tg.open_callbacks, WAIT)  # every callback query answered
        await settled()  # the last answers are marked sent, not only received

    versions = await ProgressReport.all().order_by("version")
    assert [(r.version, r.status, r.percent) for r in versions] == [
        (1, "in_progress", 70),
        (2, "done", 100),
    ]
    assert versions[0].text == "已完成项目储备 <12> 个 & 调度会 3 次" == versions[1].text
    photo = await Attachment.get(report_id=versions[0].id)
    stored = tmp_path / "data" / photo.path
    assert stored.read_bytes().startswith(b"\xff\xd8\xff")
    assert await InboxUpdate.filter(processed_at=None).count() == 0
    assert await OutboxMessage.exclude(state="sent").count() == 0
    assert tg.stats["429"] == 0
