"""A file over the 20 MB limit from WeCom, which states no size in its callback: the client sees
the size before reading the body (Content-Length), and the reporter is told once; nothing is
stored and the update is not retried."""

from __future__ import annotations

from pathlib import Path

from bot.storage.models import Attachment, InboxUpdate
from tests.e2e import world
from tests.test_e2e_wecom_cards import ZHANG, card_with, click, prompted
from tests.waiting import settled

TOO_LARGE = "文件超过20MB，未予保存。"


async def test_a_wecom_photo_over_the_limit_is_refused_once(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        wx = await prompted(w)
        await click(wx, "月度进展调度", "报送第1项", "请选择进展状态")
        await click(wx, "请选择进展状态", "已完成", "请用一条消息写明本月进展")
        await wx.user_says(ZHANG, "惠企政策清单已公布。")
        await wx.wait_for(lambda: card_with(wx, "请核对报送内容") is not None)
        await wx.user_sends_image(ZHANG, b"\xff\xd8" + b"0" * (21 * 2**20))
        await wx.wait_for(lambda: any(TOO_LARGE in t for t in wx.transcript(ZHANG)))
        await settled()
        attempts = await InboxUpdate.all().values_list("attempts", flat=True)
        assert await Attachment.all().count() == 0
    assert set(attempts) == {0}  # handled at the first try: no failed download retried
    assert sum(TOO_LARGE in t for t in wx.transcript(ZHANG)) == 1
