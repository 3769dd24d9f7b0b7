"""WeCom refusals against the emulator: a refused card is the deployment's (the step goes out
at once as numbered text, and the steps after it, until a restart); a refused message is that
message's (it fails, the person stays reachable); only the member codes mark a contact
unreachable. Telegram alike: a bad request that is not about the chat fails the message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.channels.wecom.refusals import ACTION
from bot.delivery.options import offered_options
from bot.delivery.outbox import enqueue, listing
from bot.delivery.pacing import Pacer
from bot.delivery.sender import Sender
from bot.domain.conversation import Button, Outbound
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import AuditLog, Contact, OutboxMessage
from tests.test_delivery import Clocks

ZHANG = "zhangsan"


def step(text: str = "请选择进展状态：") -> Outbound:
    options = tuple((Button(label, f"v1:s:7:{n}"),) for n, label in enumerate(("未启动", "推进中")))
    return Outbound(text=text, title="2026-11 进展报送", buttons=options, locale="zh_CN")


class Deployment:
    """The emulator, and senders with cards on as a deployment has them (one per "start")."""

    def __init__(self, emulator: WecomEmulator, base: str, tmp_path: Path) -> None:
        self.emulator, self.base, self.tmp_path = emulator, base, tmp_path
        self.clocks = Clocks()
        emulator.clock = self.clocks.monotonic
        self.channels: list[WecomChannel] = []

    def start(self) -> Sender:
        wx = self.emulator
        client = WecomClient(wx.corp_id, wx.secret, self.base)
        channel = WecomChannel(client, wx.agent_id, self.tmp_path, cards=True)
        self.channels.append(channel)
        pacer = Pacer(clock=self.clocks.monotonic)
        return Sender({"wecom": channel}, self.clocks.wall, pacer, lease_clock=self.clocks.wall)

    async def send(self, sender: Sender, key: str, outbound: Outbound, to: str = ZHANG) -> int:
        await enqueue(key, f"wecom:{to}", outbound, now=self.clocks.wall())
        return await sender.send_due()


@pytest.fixture
async def deployment(db: str, tmp_path: Path) -> AsyncIterator[Deployment]:
    emulator = WecomEmulator()
    base = await emulator.start()
    emulator.member(ZHANG, "张三")
    await Contact.create(role="reporter", identity=f"wecom:{ZHANG}", channel="wecom")
    made = Deployment(emulator, base, tmp_path)
    try:
        yield made
    finally:
        for channel in made.channels:
            await channel.close()
        await emulator.stop()


async def test_a_refused_card_goes_as_numbered_text_now_and_later_until_a_restart(
    deployment: Deployment,
) -> None:
    wx = deployment.emulator
    wx.template_cards = False  # a 政务微信 build without 模板卡片: 40008 to template_card
    sender = deployment.start()
    assert await deployment.send(sender, "s1", step()) == 1
    assert wx.texts(ZHANG) == [
        "【2026-11 进展报送】\n请选择进展状态：\n1. 未启动\n2. 推进中\n请回复选项编号。"
    ]
    assert wx.cards_of(ZHANG) == []
    row = await OutboxMessage.get(key="s1")
    assert (row.state, row.last_error) == ("sent", "")
    contact = await Contact.get(identity=f"wecom:{ZHANG}")
    assert contact.unreachable_at is None
    offered = await offered_options(f"wecom:{ZHANG}")
    assert offered is not None
    assert offered.numbered  # a typed "2" now picks 推进中
    assert await AuditLog.filter(action=ACTION).count() == 1
    deployment.clocks.advance(3)
    assert await deployment.send(sender, "s2", step("完成进度如何？")) == 1
    assert wx.texts(ZHANG)[-1].endswith("2. 推进中\n请回复选项编号。")
    assert await AuditLog.filter(action=ACTION).count() == 1  # no card was tried again
    # the build is upgraded and the bot restarted: cards are tried again, and go out
    wx.template_cards = True
    deployment.clocks.advance(3)
    assert await deployment.send(deployment.start(), "s3", step("下一步？")) == 1
    assert [card.task_id for card in wx.cards_of(ZHANG)] != []
    assert len(wx.texts(ZHANG)) == 2


async def test_a_refused_card_after_its_lead_text_sends_its_title_and_question(
    deployment: Deployment,
) -> None:
    wx = deployment.emulator
    wx.template_cards = False
    body = "第1项：" + "深化改革。" * 40 + "\n\n请选择进展状态："
    sender = deployment.start()
    assert await deployment.send(sender, "lead", step(body)) == 1  # the lead text
    assert await sender.send_due() == 1  # the card, refused: its question as numbered text
    lead, question = wx.texts(ZHANG)
    assert lead.startswith("【2026-11 进展报送】\n第1项：")
    assert (
        question == "【2026-11 进展报送】\n请选择进展状态：\n1. 未启动\n2. 推进中\n请回复选项编号。"
    )


async def test_another_refused_message_fails_alone_and_the_person_stays_reachable(
    deployment: Deployment,
) -> None:
    wx = deployment.emulator
    sender = deployment.start()
    wx.fail_next = [40058]  # a parameter WeCom finds out of range, in a text
    assert await deployment.send(sender, "bad", Outbound(text="提醒")) == 0
    row = await OutboxMessage.get(key="bad")
    assert (row.state, row.last_error) == ("failed", "wecom 40058: injected failure")
    assert [r.key for r in await listing(failed_only=True)] == ["bad"]  # duban outbox --failed
    assert (await Contact.get(identity=f"wecom:{ZHANG}")).unreachable_at is None
    assert await AuditLog.filter(action=ACTION).count() == 0  # a text: cards are not at fault
    deployment.clocks.advance(3)
    assert await deployment.send(sender, "next", Outbound(text="下一条")) == 1
    assert wx.texts(ZHANG) == ["下一条"]


@pytest.mark.parametrize("code", [60111, 81014])
async def test_the_member_codes_mark_the_contact_unreachable(
    deployment: Deployment, code: int
) -> None:
    deployment.emulator.fail_next = [code]
    assert await deployment.send(deployment.start(), "gone", step()) == 0
    assert (await OutboxMessage.get(key="gone")).state == "failed"
    assert (await Contact.get(identity=f"wecom:{ZHANG}")).unreachable_at is not None
    assert await AuditLog.filter(action=ACTION).count() == 0


async def test_a_message_telegram_refuses_fails_alone(db: str, tmp_path: Path) -> None:
    emulator = TelegramEmulator()
    base = await emulator.start()
    emulator.user(9, "王")
    await Contact.create(role="reporter", identity="telegram:9", channel="telegram")
    bot = Bot(emulator.token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    clocks = Clocks()
    sender = Sender(
        {"telegram": TelegramChannel(bot, tmp_path)}, clocks.wall, lease_clock=clocks.wall
    )
    try:
        emulator.faults = ["400"]
        await enqueue("x", "telegram:9", Outbound(text="提醒"), now=clocks.wall())
        assert await sender.send_due() == 0
        row = await OutboxMessage.get(key="x")
        assert row.state == "failed"
        assert (row.last_error or "").startswith("rejected: ")
        assert (await Contact.get(identity="telegram:9")).unreachable_at is None
    finally:
        await bot.session.close()
        await emulator.stop()
