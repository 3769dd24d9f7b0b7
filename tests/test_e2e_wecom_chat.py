"""The secretariat in a WeCom app group chat (应用群聊): created from the CLI's service, bound,
and the digest with its table posted into it through appchat/send."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cadence.dispatch import dispatch
from bot.channels.wecom.client import call
from bot.domain.reporting import Month
from bot.oversight.publish import post_digest
from bot.people.binding import bind_chat, unbind_chat
from bot.storage.models import OutboxMessage
from tests.e2e import world
from tests.waiting import CEILING, settled

TZ = ZoneInfo("Asia/Shanghai")


async def test_digest_into_a_wecom_app_chat(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        wx = w.wecom
        for userid in ("liu", "chen"):
            wx.member(userid, userid)
        channel = w.app.channels["wecom"]
        created = await call(
            channel.client.appchat.create, name="秘书组", owner="liu", user_list=["liu", "chen"]
        )  # type: ignore[attr-defined]
        chat_id = created["chatid"]
        await bind_chat(f"wecom:chat:{chat_id}", title="秘书组", locale="zh_CN", actor="test")
        now = datetime.now(UTC)
        await dispatch(Month(2026, 11), now=now, today=now.date())
        published = await post_digest(
            Month(2026, 11), now=now, zone=TZ, data_dir=tmp_path / "data", tag="test"
        )
        assert published.queued == 1
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: any(d.msgtype == "file" for d in wx.chat_inbox[chat_id]), CEILING)
        await settled()  # received is not yet marked sent: wait for the outbox to record it
        text = wx.chat_inbox[chat_id][0]  # the digest (in 2 048-byte pieces), then the table
        file = next(d for d in wx.chat_inbox[chat_id] if d.msgtype == "file")
        assert "2026-11 月度调度汇总" in text.content
        assert (file.msgtype, wx.media[file.media_id][1]) == ("file", "2026-11进展情况.xlsx")
        assert await OutboxMessage.filter(recipient=f"wecom:chat:{chat_id}").count() == 1
        assert (
            await OutboxMessage.filter(recipient=f"wecom:chat:{chat_id}", state="sent").count() == 1
        )
        assert await unbind_chat(f"wecom:chat:{chat_id}", actor="test")
