"""End to end: the running bot defers ``/export`` and its job worker sends the file after.

The real aiogram client against the Bot API emulator: the secretariat asks, is answered at
once (正在生成…), and the workbook follows as a document, built by the job worker that
``DubanApp`` starts in every process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import DeferredJob
from tests.e2e import world
from tests.waiting import CEILING as WAIT
from tests.waiting import settled

SEC = 3003


async def test_the_export_follows_its_first_answer(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned) as w:
        tg = w.tg
        tg.user(SEC, "秘书组小刘", "zh-hans")
        now = datetime.now(UTC)
        code = (await create_invite(None, ContactRole.SECRETARIAT, now=now, locale="zh_CN")).code
        await tg.user_sends(SEC, f"/start {code}")
        await tg.wait_for(lambda: any("绑定成功" in m.text for m in tg.bot_messages(SEC)), WAIT)
        await dispatch(Month(2026, 11), now=now, today=now.date())

        await tg.user_sends(SEC, "/export docx")
        await tg.wait_for(lambda: any(m.document for m in tg.bot_messages(SEC)), WAIT)
        await settled()
        sent = tg.bot_messages(SEC)
        preparing = next(i for i, m in enumerate(sent) if "正在生成2026-11的docx导出文件" in m.text)
        document = next(i for i, m in enumerate(sent) if m.document)
        assert preparing < document  # answered at once; the file after
        assert sent[document].document["file_name"] == "2026-11进展情况.docx"
        assert sent[document].document["file_size"] > 0
    assert [j.state for j in await DeferredJob.all()] == ["done"]
