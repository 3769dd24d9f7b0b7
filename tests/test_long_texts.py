"""Long texts go out in parts the sender paces one by one (``Channel.split``), never back to
back: a few pieces as separate messages, more than ``MAX_TEXT_PIECES`` as the first piece with
a note and the full text as a .txt file. Against the emulators, which count what WeCom would
drop."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from aiogram import Bot

from bot.channels.parts import MAX_TEXT_PIECES, split
from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.telegram.render import render_pieces
from bot.delivery.outbox import enqueue
from bot.delivery.sender import Sender
from bot.domain.conversation import Button, Outbound, OutFile
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.telegram_html import utf16_length, visible_text
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import OutboxMessage
from tests import test_delivery
from tests.test_delivery import Clocks

wecom, telegram = test_delivery.wecom, test_delivery.telegram  # their fixtures, shared
NOTE = "（全文见附件）"


async def drain(sender: Sender, clocks: Clocks, key: str, step: float = 1.0) -> int:
    """Passes until ``key`` is sent, the clocks moving when a pass sends nothing; the passes."""
    passes = 0
    while (await OutboxMessage.get(key=key)).state != "sent":
        passes += 1
        assert passes < 1000
        if not await sender.send_due(limit=100):
            clocks.advance(step)
    return passes


async def test_a_190_kb_status_reaches_a_wecom_member_whole_and_nothing_is_dropped(
    wecom: tuple[WecomEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = wecom
    lines = [
        f"第{i}项 深化改革任务 推进中 60% 牵头单位：县发改局 {'说明' * 12}" for i in range(2000)
    ]
    text = "\n".join(lines)
    assert len(text.encode()) > 190_000
    status = Outbound(text=text, title="任务状态", locale="zh_CN")
    await enqueue("status", "wecom:zhangsan", status, now=clocks.wall())
    for i in range(40):  # the member's minute is busy with other messages meanwhile
        await enqueue(f"n{i}", "wecom:zhangsan", Outbound(text=f"提醒{i}"), now=clocks.wall())
    await drain(sender, clocks, "status")
    await drain(sender, clocks, "n39")
    assert emulator.dropped["zhangsan"] == 0
    first, *rest = emulator.inbox["zhangsan"]
    assert first.msgtype == "text"
    assert first.content.startswith("【任务状态】\n第0项")
    assert first.content.endswith(NOTE)
    attached = rest[0]
    assert attached.msgtype == "file"
    content, name = emulator.media[attached.media_id]
    assert (content.decode(), name) == (f"【任务状态】\n{text}", "全文.txt")
    assert [d.content for d in rest[1:]] == [f"提醒{i}" for i in range(40)]


async def test_a_few_pieces_go_as_paced_parts_and_the_buttons_under_the_last(
    telegram: tuple[TelegramEmulator, Sender, Clocks],
) -> None:
    emulator, sender, clocks = telegram
    emulator.user(9, "王")
    text = "\n".join(["进展" * 1000] * 3)  # three pieces of 2000 characters and more
    step = Outbound(text=text, title="报送", buttons=((Button("确认", "v1:c:1"),),))
    await enqueue("t", "telegram:9", step, now=clocks.wall())
    assert await sender.send_due() == 1  # one part a pass: the next waits its second
    assert await sender.send_due() == 0
    passes = await drain(sender, clocks, "t")
    assert passes >= 2
    sent = emulator.bot_messages(9)
    assert [m.text.count("进展") for m in sent] == [2000, 1000]
    assert sent[0].text.startswith("报送\n")
    assert [bool(m.reply_markup) for m in sent] == [False, True]


def test_parts_keep_the_flow_and_the_files_in_order() -> None:
    pieces = [Outbound(text=f"第{i}段") for i in range(MAX_TEXT_PIECES)]
    files = (OutFile("a.xlsx", "a.xlsx"),)
    message = Outbound(text="…", replaces="card|code|v1:s:1:1|推进中", files=files, locale="zh_CN")
    parts = split(message, pieces, lambda _: True, replaces_on_first=True)
    assert [p.text for p in parts] == [*(f"第{i}段" for i in range(4)), ""]
    assert [p.replaces for p in parts] == ["card|code|v1:s:1:1|推进中", None, None, None, None]
    assert parts[-1].files == files
    assert {p.locale for p in parts} == {"zh_CN"}
    five = [*pieces, Outbound(text="第4段")]
    capped = split(message, five, lambda p: len(p.text) < 12, replaces_on_first=False)
    assert [p.text for p in capped] == ["第0段\n" + NOTE, "", ""]
    assert capped[0].replaces == message.replaces  # one text part: edited in place
    assert capped[1].files[0].name == "全文.txt"
    assert capped[1].files[0].path.endswith("第0段\n第1段\n第2段\n第3段\n第4段")


def test_telegram_pieces_count_utf16_as_telegram_does() -> None:
    """A digest's light emoji are two UTF-16 units each, which is what Telegram's 4096 counts:
    every piece fits by that count (the emulator refuses a longer one as Telegram does)."""
    digest = "\n".join(f"🔴 第{n}项 加强营商环境宣传推介 — 未报送" for n in range(400))
    channel = TelegramChannel(cast(Bot, None), Path(), "duban_test_bot")
    parts = channel.split(Outbound(text=digest, title="2026-12 月度调度汇总"))
    pieces = [piece for part in parts for piece in render_pieces(part)]
    assert len(pieces) == len([p for p in parts if p.text or p.title])  # one message a part
    assert all(utf16_length(visible_text(p)) <= 4096 for p in pieces)
