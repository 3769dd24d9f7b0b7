"""Telegram edges end to end: webhook with its secret, a secretariat group, forged callbacks,
long answers split on lines, HTML in names, documents out, a user who blocked the bot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aiohttp import ClientSession

from bot.app import TELEGRAM_WEBHOOK_PATH
from bot.cadence.dispatch import dispatch
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound, OutFile
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import (
    Attachment,
    ChatBinding,
    Contact,
    InboxUpdate,
    OutboxMessage,
    ProgressReport,
    ReportRequest,
)
from tests.e2e import world
from tests.waiting import CEILING as WAIT
from tests.waiting import eventually, settled

SECRET = "s3cr3t-token_for-webhook"  # noqa: S105 - a test value


async def test_webhook_mode_checks_the_secret(planned: str, tmp_path: Path) -> None:
    async with world(
        tmp_path,
        planned,
        telegram_webhook_url="http://placeholder/telegram/webhook",
        telegram_webhook_secret=SECRET,
    ) as w:
        tg = w.tg
        assert tg.webhook is not None
        assert tg.webhook[1] == SECRET
        tg.webhook = (w.app.url + TELEGRAM_WEBHOOK_PATH, SECRET)  # where the test server listens
        tg.user(5, "访客", "en")
        await tg.user_sends(5, "hello")
        await tg.wait_for(lambda: any("not bound" in m.text for m in tg.bot_messages(5)), WAIT)
        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "text": "hi",
                  "chat": {"id": 5, "type": "private"},
                  "from": {"id": 5, "is_bot": False, "first_name": "x"}}}  # fmt: skip
        async with ClientSession() as http:
            url = w.app.url + TELEGRAM_WEBHOOK_PATH
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, data=b"{not json", headers=good) as response:
                assert response.status == 400
    assert await InboxUpdate.filter(external_key="999").count() == 0
    assert await InboxUpdate.filter(channel="telegram").count() == 1


async def test_group_forgery_long_answers_html_documents_blocked(
    planned: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    async with world(tmp_path, planned) as w:
        tg = w.tg
        tg.user(1, "<b>王</b> & 李", "zh-hans")
        tg.user(2, "秘书组小刘", "zh-hans")
        tg.group(-1001, "县营商办秘书组")
        reporter = (
            await create_invite("县发改局", ContactRole.REPORTER, now=now, locale="zh_CN")
        ).code
        secretariat = (
            await create_invite(None, ContactRole.SECRETARIAT, now=now, locale="zh_CN")
        ).code
        own = (await create_invite(None, ContactRole.SECRETARIAT, now=now, locale="zh_CN")).code
        await tg.user_sends(1, f"/start {reporter}")
        await tg.user_sends(2, f"/start {own}")  # the group's commands need one's own binding
        await tg.user_sends(2, f"/start@{tg.username} {secretariat}", chat_id=-1001)
        await tg.wait_for(lambda: any("秘书组群" in m.text for m in tg.bot_messages(-1001)), WAIT)
        assert await ChatBinding.filter(identity="telegram:-1001").exists()

        # names with HTML are shown as text: escaped on the wire, intact for the reader
        await tg.user_sends(2, "/contacts", chat_id=-1001)
        await tg.wait_for(
            lambda: any("<b>王</b> & 李" in m.text for m in tg.bot_messages(-1001)), WAIT
        )
        listing = next(m for m in tg.bot_messages(-1001) if "<b>王</b>" in m.text)
        assert "&lt;b&gt;王&lt;/b&gt; &amp; 李" in listing.markup

        # a forged callback for another unit's request changes nothing
        await dispatch(Month(2026, 11), now=now, today=now.date())
        w.app.sender.wakeup.set()
        foreign = await ReportRequest.exclude(unit__name="县发改局").first()
        assert foreign is not None
        await tg.wait_for(lambda: any("月度进展调度" in m.text for m in tg.bot_messages(1)), WAIT)
        prompt = next(m for m in tg.bot_messages(1) if "月度进展调度" in m.text)
        await tg.user_sends_callback(1, prompt.message_id, payload("t", foreign.id))
        await tg.user_sends_callback(1, prompt.message_id, "v1:s:" + "9" * 12 + ":1")
        await tg.wait_for(lambda: not tg.open_callbacks, WAIT)  # answered all the same
        # refused as a notice and a new message; the prompt that was pressed stays as it was
        await tg.wait_for(lambda: any("该按钮无效" in m.text for m in tg.bot_messages(1)), WAIT)
        assert "月度进展调度" in prompt.text

        # an answer longer than 4096 characters arrives in pieces cut between lines
        long = Outbound(text="\n".join(f"第{i}行：" + "进展" * 40 for i in range(120)))
        await enqueue("test:long", "telegram:1", long, now=now)
        document = tmp_path / "data" / "exports" / "table.xlsx"
        document.parent.mkdir(parents=True, exist_ok=True)
        document.write_bytes(b"PK\x03\x04 not really a workbook")
        files = Outbound(text="导出文件", files=(OutFile("exports/table.xlsx", "进展表.xlsx"),))
        await enqueue("test:doc", "telegram:1", files, now=now)
        w.app.sender.wakeup.set()
        await tg.wait_for(lambda: any(m.document for m in tg.bot_messages(1)), WAIT)
        # lines of 84-86 characters: as many whole lines as fit in 4096 (47 lines, 4031 and
        # 4041 characters), the rest in a third message; together again they are the text
        pieces = [m.text for m in tg.bot_messages(1) if "行：" in m.text]
        assert [p.split("：", 1)[0] for p in pieces] == ["第0行", "第47行", "第94行"]
        assert "\n".join(pieces) == long.text
        doc = next(m.document for m in tg.bot_messages(1) if m.document)
        assert doc["file_name"] == "进展表.xlsx"

        # a document sent outside a flow is kept and the bot asks which task it is for
        await tg.user_sends_document(1, b"%PDF-1.4 report", "十一月进展.pdf")
        await tg.wait_for(lambda: "这条内容属于哪项任务" in tg.bot_messages(1)[-1].text, WAIT)
        kept = await Attachment.get(original_name="十一月进展.pdf")
        assert (kept.kind, kept.report_id, kept.size) == ("document", None, 15)

        # a user who blocked the bot: the message fails for good, the contact is marked
        tg.block(1)
        await enqueue("test:blocked", "telegram:1", Outbound(text="提醒"), now=now)
        w.app.sender.wakeup.set()

        async def marked_unreachable() -> bool:  # the contact is marked after the row fails
            return await Contact.exclude(unreachable_at=None).filter(identity="telegram:1").exists()

        await eventually(marked_unreachable, what="the contact who blocked the bot is marked")
        row = await OutboxMessage.get(key="test:blocked")
        assert row.state == "failed"
        assert row.last_error == "Telegram server says - Forbidden: bot was blocked by the user"
        # the secretariat's group hears of it once, whatever else fails for this contact
        await tg.wait_for(lambda: any("无法送达" in m.text for m in tg.bot_messages(-1001)), WAIT)
        await enqueue("test:blocked-again", "telegram:1", Outbound(text="再次提醒"), now=now)
        w.app.sender.wakeup.set()

        async def failed_again() -> bool:
            return await OutboxMessage.filter(key="test:blocked-again", state="failed").exists()

        await eventually(failed_again, what="the second message to the blocked contact fails")
        # a barrier: the sender handles one message at a time, so once a message queued after
        # that failure has arrived, whatever the failure led to has been queued as well
        await enqueue("test:barrier", "telegram:2", Outbound(text="屏障"), now=now)
        w.app.sender.wakeup.set()
        await tg.wait_for(lambda: any(m.text == "屏障" for m in tg.bot_messages(2)), WAIT)
        await settled()
        notices = await OutboxMessage.filter(key__startswith="unreachable:").values_list(
            "recipient", flat=True
        )  # once to the group, once to its member bound in person
        assert sorted(notices) == ["telegram:-1001", "telegram:2"]
        assert sum("无法送达" in m.text for m in tg.bot_messages(-1001)) == 1
    assert await ProgressReport.all().count() == 0


async def test_a_captioned_photo_is_read_and_stored(planned: str, tmp_path: Path) -> None:
    """A photo under ``第1项：……已完成`` is task 1, done, with the caption as its text."""
    now = datetime.now(UTC)
    async with world(tmp_path, planned) as w:
        tg = w.tg
        tg.user(1, "王联络", "zh-hans")
        code = (await create_invite("县发改局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        await tg.user_sends(1, f"/start {code}")
        await eventually(lambda: Contact.filter(identity="telegram:1").exists(), WAIT)
        await dispatch(Month(2026, 11), now=now, today=now.date())
        w.app.sender.wakeup.set()
        await tg.wait_for(lambda: any("月度进展调度" in m.text for m in tg.bot_messages(1)), WAIT)
        await tg.user_sends_photo(1, b"\xff\xd8 a photo", caption="第1项：事项清单已公布，已完成")
        await tg.wait_for(lambda: "事项清单已公布" in tg.bot_messages(1)[-1].text, WAIT)
        card = tg.bot_messages(1)[-1].text
        assert "第1项" in card
        assert "已完成" in card
        await tg.user_presses(1, "确认报送")
        await eventually(lambda: ProgressReport.filter(status="done").exists(), WAIT)
        report = await ProgressReport.get().prefetch_related("attachments")
        assert (report.text, len(report.attachments)) == ("事项清单已公布，已完成", 1)
