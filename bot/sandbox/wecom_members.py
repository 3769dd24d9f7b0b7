"""Acting as WeCom members: messages and card clicks encrypted with wechatpy's real crypto and
posted to the bot's callback URL as WeCom does; WeCom's URL check (mixed into the emulator)."""

from __future__ import annotations

import itertools
import secrets
import time
from collections import defaultdict
from urllib.parse import urlencode

from aiohttp import ClientSession
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.sandbox.wecom_cards import Cards, event_xml


class ActingMembers:
    """Callbacks the emulator posts for its members (it owns the fields annotated here)."""

    corp_id: str
    agent_id: int
    crypto: WeChatCrypto
    callback_url: str
    callback_statuses: list[int]
    session: ClientSession | None
    media: dict[str, tuple[bytes, str]]
    base: str
    cards: Cards
    members: dict[str, str]
    timeline: defaultdict[str, list[str]]
    _msg_ids: itertools.count[int]

    def message_xml(
        self, userid: str, msgtype: str, body: str, msg_id: int | None, age: float = 0.0
    ) -> str:
        """The plaintext XML of a member's message, as WeCom builds it before encrypting
        (``age``: written that many seconds ago)."""
        msg_id_xml = f"<MsgId>{msg_id}</MsgId>" if msg_id is not None else ""
        return (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName>"
            f"<CreateTime>{int(time.time() - age)}</CreateTime>"
            f"<MsgType><![CDATA[{msgtype}]]></MsgType>{body}{msg_id_xml}"
            f"<AgentID>{self.agent_id}</AgentID></xml>"
        )

    async def post_callback(
        self, plaintext: str, *, repeat: int = 1, tamper: bool = False, age: float = 0.0
    ) -> int:
        """Encrypt and POST a callback like WeCom (``repeat`` > 1: its retries; ``age``: signed
        that many seconds ago, a replay); the status."""
        nonce, timestamp = secrets.token_hex(8), str(int(time.time() - age))
        encrypted = self.crypto.encrypt_message(plaintext, nonce, timestamp)
        signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        cipher = encrypted.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        if tamper:
            signature = ("0" if signature[0] != "0" else "1") + signature[1:]
        body = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{cipher}]]></Encrypt><AgentID>{self.agent_id}</AgentID></xml>"
        )
        query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce})
        status = 0
        assert self.session is not None
        for _ in range(repeat):
            async with self.session.post(f"{self.callback_url}?{query}", data=body.encode()) as r:
                status = r.status
                self.callback_statuses.append(status)
        return status

    async def user_says(self, userid: str, text: str, *, repeat: int = 1, age: float = 0.0) -> int:
        """A member writes to the app (``age`` seconds ago: a late or replayed callback)."""
        self.timeline[userid].append(f"{self.members.get(userid, userid)}: {text}")
        content = text.replace("]]>", "]]]]><![CDATA[>")
        xml = self.message_xml(
            userid, "text", f"<Content><![CDATA[{content}]]></Content>", next(self._msg_ids), age
        )
        return await self.post_callback(xml, repeat=repeat, age=age)

    async def user_sends_image(self, userid: str, content: bytes) -> int:
        """A member sends a photo (WeCom keeps it as temporary media)."""
        self.timeline[userid].append(f"{self.members.get(userid, userid)}: [photo]")
        media_id = f"MEDIA{len(self.media) + 1:05d}"
        self.media[media_id] = (content, "photo.jpg")
        body = (
            f"<PicUrl><![CDATA[{self.base}/pic/{media_id}]]></PicUrl>"
            f"<MediaId><![CDATA[{media_id}]]></MediaId>"
        )
        return await self.post_callback(
            self.message_xml(userid, "image", body, next(self._msg_ids))
        )

    async def click(self, userid: str, task_id: str, key: str, *, force: bool = False) -> int:
        """A member clicks ``key`` on a card (a button's key, or the option a vote card submits);
        the callback's status. ``force``: post it even where WeCom would not let the member
        (a forged key, a second tap that crossed the card's update)."""
        fields = self.cards.click(userid, task_id, key, force=force)
        card = self.cards.held.get((userid, task_id))
        label = {k: t for t, k in card.options()}.get(key, key) if card else key
        self.timeline[userid].append(f"{self.members.get(userid, userid)} ▸ [{label}]")
        xml = event_xml(self.corp_id, self.agent_id, userid, fields, int(time.time()))
        return await self.post_callback(xml)

    async def verify_url(self, *, tamper: bool = False) -> tuple[int, str]:
        """WeCom's URL check when the callback is saved in the admin console."""
        echo = secrets.token_hex(8)
        nonce, timestamp = secrets.token_hex(8), str(int(time.time()))
        encrypted = self.crypto.encrypt_message(echo, nonce, timestamp)
        signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        cipher = encrypted.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        if tamper:
            signature = "0" * len(signature)
        query = {
            "msg_signature": signature,
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": cipher,
        }
        assert self.session is not None
        async with self.session.get(self.callback_url, params=query) as response:
            text = await response.text()
            return response.status, text if text != echo else "echo-ok"
