"""A WeCom API emulator: gettoken, message/send (text, file, template cards: see
``wecom_cards``), message/update_template_card, media upload/get, app group chats, the address
book (department/list, user/simplelist; see ``wecom_directory``), and encrypted callbacks.

It enforces what WeCom does: tokens expire (42001) or are unknown (40014), 45009 when the
API frequency is exceeded, 81013 for a user outside the app, 2048-byte texts, and the cap of
30 messages per minute and 1000 per hour per member, exactly as documented over sliding
windows (no tolerance), where WeCom *drops the excess silently*
(answers ok, delivers nothing); the emulator counts what it dropped so tests can see it.
A test acts as a user: the emulator encrypts the message (or a card click, ``click``) with
wechatpy's real crypto and posts it to the bot's callback URL, as WeCom would. appchat/send
takes no template card (WeCom's app group chats have none): 40008, as for any unknown type;
neither does message/send with ``template_cards = False`` (a 政务微信 build without 模板卡片).
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, ClientSession, web
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.sandbox.loopback import serve, wait_until
from bot.sandbox.wecom_cards import Card, Cards, check_card
from bot.sandbox.wecom_directory import ROOT_DEPARTMENT, Directory
from bot.sandbox.wecom_members import ActingMembers
from bot.sandbox.wecom_oauth import OAuth

MAX_TEXT_BYTES = 2048
MEMBER_LIMITS = ((30, 60.0), (1000, 3600.0))


@dataclass
class Delivered:
    """A message that reached a member."""

    userid: str
    msgtype: str
    content: str = ""
    media_id: str = ""
    task_id: str = ""  # a template card's


class WecomEmulator(ActingMembers):
    """One corp, one app, its members; served over HTTP on loopback."""

    def __init__(
        self,
        corp_id: str = "wwtestcorp",
        secret: str = "test-secret",  # noqa: S107 - the emulator's own test secret
        agent_id: int = 1000002,
        token: str = "testtoken",  # noqa: S107
        aes_key: str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ) -> None:
        self.corp_id, self.secret, self.agent_id = corp_id, secret, agent_id
        self.token, self.aes_key = token, aes_key
        self.crypto = WeChatCrypto(token, aes_key, corp_id)
        self.members: dict[str, str] = {}
        self.directory = Directory(self.members, self._token_error)
        self.oauth = OAuth(self.members, self._token_error, corp_id, agent_id)  # 网页授权
        self.inbox: dict[str, list[Delivered]] = defaultdict(list)
        self.timeline: defaultdict[str, list[str]] = defaultdict(list)  # see ``conversation``
        self.chats: dict[str, list[str]] = {}  # app group chats (应用群聊): chatid → members
        self.chat_inbox: dict[str, list[Delivered]] = defaultdict(list)
        self.dropped: dict[str, int] = defaultdict(int)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.tokens: dict[str, float] = {}
        self.callback_url = ""
        self.callback_statuses: list[int] = []
        self.stats: dict[str, int] = defaultdict(int)
        self.fail_next: list[int] = []  # errcodes to answer the next message/send calls with
        self.template_cards = True  # False: a build without 模板卡片 (template_card → 40008)
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self.clock = time.monotonic  # tests with a simulated clock replace it
        self.cards = Cards(lambda: self.clock())  # noqa: PLW0108 - the clock may be replaced
        self._msg_ids = itertools.count(7_000_000_000_000_000_001)
        self._runner: web.AppRunner | None = None
        self.session: ClientSession | None = None
        self.base = ""

    # -- server ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on loopback; returns the API base to configure as DUBAN_WECOM_API_BASE."""
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._send)
        app.router.add_post("/cgi-bin/message/update_template_card", self._update_card)
        app.router.add_post("/cgi-bin/media/upload", self._upload)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_post("/cgi-bin/appchat/create", self._appchat_create)
        app.router.add_post("/cgi-bin/appchat/send", self._appchat_send)
        self.directory.routes(app)
        self.oauth.routes(app)
        self._runner, self.base = await serve(app, host, port)
        self.session = ClientSession()
        return self.base

    async def stop(self) -> None:
        """Stop serving."""
        if self.session is not None:
            await self.session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @staticmethod
    def _error(code: int, message: str, **extra: Any) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": message, **extra})

    def _token_error(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if token not in self.tokens:
            return self._error(40014, "invalid access_token")
        if self.tokens[token] < time.time():
            return self._error(42001, "access_token expired")
        return None

    def expire_tokens(self) -> None:
        """Every issued token expires now (the next call gets 42001)."""
        for token in self.tokens:
            self.tokens[token] = 0.0

    async def _gettoken(self, request: web.Request) -> web.Response:
        if request.query.get("corpid") != self.corp_id:
            return self._error(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.secret:
            return self._error(40001, "invalid credential")
        token = secrets.token_hex(16)
        self.tokens[token] = time.time() + 7200
        self.stats["gettoken"] += 1
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        )

    def _over_cap(self, userid: str) -> bool:
        now = self.clock()
        sent = self._sent[userid]
        while sent and now - sent[0] >= MEMBER_LIMITS[-1][1]:
            sent.popleft()
        for count, window in MEMBER_LIMITS:
            if sum(1 for t in sent if now - t < window) >= count:
                return True
        sent.append(now)
        return False

    async def _send(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        if self.fail_next:
            code = self.fail_next.pop(0)
            return self._error(code, "injected failure")
        body = await request.json()
        if int(body.get("agentid", 0)) != self.agent_id:
            return self._error(40056, "invalid agentid")
        userid = str(body.get("touser", ""))
        if userid not in self.members:
            return self._error(81013, "user & party & tag all invalid", invaliduser=userid)
        delivered = Delivered(userid, str(body.get("msgtype")))
        if (refused := self._content(body, delivered)) is not None:
            return self._error(*refused)
        card = body.get("template_card")
        answer = {
            "errcode": 0,
            "errmsg": "ok",
            "invaliduser": "",
            "msgid": f"m{next(self._msg_ids)}",
        }
        dropped = self._over_cap(userid)
        if dropped:
            self.dropped[userid] += 1  # WeCom answers ok and delivers nothing
        else:
            self.inbox[userid].append(delivered)
            self.stats["delivered"] += 1
            shown = Card(userid, card).rendered() if delivered.task_id else delivered.content
            self.timeline[userid].append(f"bot: {shown or '[file]'}")
        if delivered.task_id:  # an interactive card: its code can update it (for everyone)
            answer["response_code"] = self.cards.deliver(userid, card, dropped=dropped)
        return web.json_response(answer)

    def _content(self, body: dict[str, Any], delivered: Delivered) -> tuple[int, str] | None:
        """Take the message's content into ``delivered``, or why WeCom refuses it."""
        if delivered.msgtype == "text":
            content = str(body.get("text", {}).get("content", ""))
            if not content:
                return 44004, "text content is empty"
            if len(content.encode()) > MAX_TEXT_BYTES:
                return 45002, "content size out of limit"
            delivered.content = content
        elif delivered.msgtype == "file":
            delivered.media_id = str(body.get("file", {}).get("media_id", ""))
            if delivered.media_id not in self.media:
                return 40007, "invalid media_id"
        elif delivered.msgtype == "template_card" and self.template_cards:
            card: dict[str, Any] = body.get("template_card") or {}
            if (refused := check_card(card, used=self.cards.task_ids)) is not None:
                return refused
            delivered.task_id = str(card["task_id"])
        else:
            return 40008, "invalid message type"
        return None

    async def _update_card(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        body = await request.json()
        if int(body.get("agentid", 0)) != self.agent_id:
            return self._error(40056, "invalid agentid")
        if (refused := self.cards.update(body, self.members)) is not None:
            return self._error(*refused)
        replaced = (body.get("button") or {}).get("replace_name") or "…"
        for userid in body.get("userids") or ():
            self.timeline[str(userid)].append(f"bot ✎: 〔{replaced}〕")
        self.stats["card_updates"] += 1
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": []})

    async def _appchat_create(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        body = await request.json()
        users = [str(u) for u in body.get("userlist", [])]
        if len(users) < 2 or any(u not in self.members for u in users):
            return self._error(86215, "invalid userlist")
        chat_id = str(body.get("chatid") or f"wrchat{len(self.chats) + 1:04d}")
        self.chats[chat_id] = users
        return web.json_response({"errcode": 0, "errmsg": "ok", "chatid": chat_id})

    async def _appchat_send(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        body = await request.json()
        chat_id = str(body.get("chatid", ""))
        if chat_id not in self.chats:
            return self._error(86003, "chat not found")
        msgtype = str(body.get("msgtype"))
        delivered = Delivered(chat_id, msgtype)
        if msgtype == "text":
            content = str(body.get("text", {}).get("content", ""))
            if len(content.encode()) > MAX_TEXT_BYTES:
                return self._error(45002, "content size out of limit")
            delivered.content = content
        elif msgtype == "file":
            delivered.media_id = str(body.get("file", {}).get("media_id", ""))
            if delivered.media_id not in self.media:
                return self._error(40007, "invalid media_id")
        else:
            return self._error(40008, "invalid message type")
        self.chat_inbox[chat_id].append(delivered)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _upload(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.filename:
                media_id = f"MEDIA{len(self.media) + 1:05d}"
                self.media[media_id] = (await part.read(), part.filename)
                return web.json_response(
                    {"errcode": 0, "errmsg": "ok", "type": "file", "media_id": media_id,
                     "created_at": str(int(time.time()))}
                )  # fmt: skip
        return self._error(41001, "media data missing")

    async def _media_get(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return self._error(40007, "invalid media_id")
        content, name = found
        return web.Response(
            body=content,
            content_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # -- acting as members ----------------------------------------------------------------

    def member(self, userid: str, name: str, *, departments: tuple[int, ...] = ()) -> None:
        """Add a member to the app's visible range (in the root department unless told)."""
        self.members[userid] = name
        self.directory.place(userid, departments or (ROOT_DEPARTMENT,))

    def department(
        self, department_id: int, name: str, *, parent: int = ROOT_DEPARTMENT, **extra: Any
    ) -> None:
        """Add a department to the address book (``leaders=(userid, …)``, ``visible=False``)."""
        self.directory.add_department(department_id, name, parent=parent, **extra)

    def cards_of(self, userid: str) -> list[Card]:
        """The cards a member received, oldest first, as they look now."""
        return self.cards.of(userid)

    def transcript(self, userid: str) -> list[str]:
        """What a member received, oldest first: texts, and cards as they look now."""
        held = self.cards.held
        return [
            held[(userid, d.task_id)].rendered() if d.task_id else d.content
            for d in self.inbox[userid]
            if d.msgtype in ("text", "template_card")
        ]

    def conversation(self, userid: str, start: int = 0) -> str:
        """A member's chat with the app as it happened, from entry ``start``: every text and
        card as sent, every card update (``✎``), every message and click (``▸``) of theirs."""
        return "\n".join(self.timeline[userid][start:])

    def texts(self, userid: str) -> list[str]:
        """The texts a member received, oldest first."""
        return [d.content for d in self.inbox[userid] if d.msgtype == "text"]

    async def wait_for(self, predicate: Any, seconds: float = 15.0) -> None:
        """Wait until ``predicate()`` is true."""
        await wait_until(predicate, seconds)
