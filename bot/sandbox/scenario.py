"""Simulated people for ``duban demo``: contacts who bind and report as real ones would.

They act only through the emulators (pressing buttons, clicking WeCom's template cards, typing,
sending a photo),
so the demo exercises exactly the code ``duban run`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator

WAIT = 30.0


@dataclass(frozen=True, slots=True)
class Reply:
    """What a contact reports on their first task."""

    status: str  # the button / option text, as the contact sees it (zh_CN)
    percent: str | None
    text: str
    photo: bytes | None = None
    task: str = ""  # the task number to report on (default: the first in the prompt)


async def telegram_contact_binds(tg: TelegramEmulator, user_id: int, code: str) -> None:
    """Bind with ``/start CODE`` in a private chat with the bot."""
    await tg.user_sends(user_id, f"/start {code}")
    await tg.wait_for(lambda: any("绑定成功" in m.text for m in tg.bot_messages(user_id)), WAIT)


async def telegram_answer_prompt(
    tg: TelegramEmulator, user_id: int, reply: Reply, period: str = ""
) -> None:
    """Answer the month's prompt on Telegram by pressing buttons."""
    title = f"{period} 月度进展调度" if period else "月度进展调度"
    await tg.wait_for(lambda: any(title in m.text for m in tg.bot_messages(user_id)), WAIT)
    prompt = next(m for m in reversed(tg.bot_messages(user_id)) if title in m.text)

    def last() -> str:  # the newest message, or the prompt the flow keeps editing
        return tg.bot_messages(user_id)[-1].text + "\n" + prompt.text

    label = f"报送第{reply.task}项" if reply.task else "报送第"
    button = next(b for b in prompt.buttons() if label in b["text"])
    await tg.user_sends_callback(user_id, prompt.message_id, button["callback_data"])
    await tg.wait_for(lambda: "请选择进展状态" in prompt.text, WAIT)  # the prompt, edited in place
    status = next(b for b in prompt.buttons() if b["text"] == reply.status)
    await tg.user_sends_callback(user_id, prompt.message_id, status["callback_data"])
    if reply.percent is not None:
        await tg.wait_for(lambda: "完成进度如何" in prompt.text, WAIT)
        await tg.user_sends(user_id, reply.percent)
    await tg.wait_for(lambda: "请用一条消息写明" in last(), WAIT)
    await tg.user_sends(user_id, reply.text)
    await tg.wait_for(lambda: "确认报送吗" in last(), WAIT)
    if reply.photo is not None:
        await tg.user_sends_photo(user_id, reply.photo)
        await tg.wait_for(lambda: "附件：1个" in last(), WAIT)
    await tg.user_presses(user_id, "确认报送")
    await tg.wait_for(lambda: "已报送" in last(), WAIT)


async def wecom_contact_binds(wx: WecomEmulator, userid: str, code: str) -> None:
    """Bind with ``绑定 CODE`` in the WeCom app."""
    await wx.user_says(userid, f"绑定 {code}")
    await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(userid)), WAIT)


async def wecom_answer_prompt(
    wx: WecomEmulator, userid: str, reply: Reply, latest: str = "月度进展调度"
) -> None:
    """Answer the latest prompt or reminder in WeCom by clicking its template cards, typing
    the percent and the progress where the bot asks for text."""

    def said(words: str) -> bool:  # the newest entries of the chat, texts and cards alike
        return any(words in entry for entry in wx.transcript(userid)[-2:])

    async def click(words: str, option: str | None = None) -> None:
        """Wait for the card saying ``words``; click ``option`` (default: its first)."""
        await wx.wait_for(lambda: said(words), WAIT)
        card = next(c for c in reversed(wx.cards_of(userid)) if not c.replaced)
        choices = card.options()
        key = next((k for text, k in choices if text == option), None) if option else None
        await wx.click(userid, card.task_id, key or choices[0][1])

    await click(latest)  # the first task of the prompt
    await click("请选择进展状态", reply.status)
    if reply.percent is not None:
        await wx.wait_for(lambda: said("完成进度如何"), WAIT)
        await wx.user_says(userid, reply.percent)
    await wx.wait_for(lambda: said("请用一条消息写明"), WAIT)
    await wx.user_says(userid, reply.text)
    await wx.wait_for(lambda: said("确认报送吗"), WAIT)
    if reply.photo is not None:
        await wx.user_sends_image(userid, reply.photo)
        await wx.wait_for(lambda: said("附件：1个"), WAIT)
    await click("确认报送吗", "确认报送")
    await wx.wait_for(lambda: any("已报送" in t for t in wx.transcript(userid)[-2:]), WAIT)


async def quarterly_summary_round(
    tg: TelegramEmulator, reporter: int, leader: int, comment: str
) -> None:
    """The reporter submits the draft, the leader returns it, the reporter resubmits, approved."""

    def last(user: int) -> str:
        messages = tg.bot_messages(user)
        return messages[-1].text if messages else ""

    await tg.wait_for(lambda: any("季度总结" in m.text for m in tg.bot_messages(reporter)), WAIT)
    await tg.user_presses(reporter, "送领导审定")
    await tg.wait_for(lambda: "报请您审定" in last(leader), WAIT)
    await tg.user_presses(leader, "退回修改")
    await tg.wait_for(lambda: "请写明需要修改的内容" in last(leader), WAIT)
    await tg.user_sends(leader, comment)
    await tg.wait_for(lambda: "领导退回了总结" in last(reporter), WAIT)
    await tg.user_presses(reporter, "送领导审定")  # on the returned notice: a new version

    def reviews() -> int:
        return sum(1 for m in tg.bot_messages(leader) if "报请您审定" in m.text)

    await tg.wait_for(lambda: reviews() >= 1, WAIT)  # the first card became the return prompt
    await tg.user_presses(leader, "审定通过")
    await tg.wait_for(lambda: "领导已审定通过" in last(reporter), WAIT)
