"""The WeCom callback endpoint (接收消息): URL verification and encrypted messages.

GET answers WeCom's URL check with the decrypted ``echostr``. POST verifies the signature
(403 and nothing stored when it is wrong), decrypts, stores the message in the inbox by MsgId
and answers an empty 200 at once, well within WeCom's 5 seconds; its retries of the same
message are recognised by the key and ignored. A callback signed or written longer ago than
the window (``DUBAN_WECOM_CALLBACK_WINDOW``, 10 minutes by default) is refused with 403 and
logged: a replayed message with a fresh MsgId is not handled.
"""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable
from typing import Any, Protocol

from aiohttp import web
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot.channels.wecom.adapter import CHANNEL, update_key
from bot.config import Settings

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024  # a WeCom callback is a few hundred bytes
# a signature or corp id that fails, or a body that decrypts to garbage (another app's key:
# its length field then points anywhere, struct.error or IndexError, depending on the bytes)
REFUSED = (
    InvalidSignatureException, InvalidCorpIdException, ValueError, KeyError, TypeError,
    struct.error, IndexError,
)  # fmt: skip
WINDOW = 600.0  # seconds: an older callback is refused


def person_of(payload: dict[str, Any]) -> str:
    """Who sent a stored callback (``wecom:<userid>``): their updates are handled in order."""
    return f"{CHANNEL}:{parse_message(payload['xml']).source}"


class UpdateStore(Protocol):
    """Where updates go: the inbox."""

    async def store(self, channel: str, key: str, payload: dict[str, Any]) -> bool:
        """Keep one update."""
        ...


def crypto_from(settings: Settings) -> WeChatCrypto | None:
    """The callback crypto, when token, AES key and corp id are all configured."""
    token, key = settings.wecom_token, settings.wecom_aes_key
    if not (token and key and settings.wecom_corp_id):
        return None
    return WeChatCrypto(token.get_secret_value(), key.get_secret_value(), settings.wecom_corp_id)


def callback_routes(
    app: web.Application,
    path: str,
    crypto: WeChatCrypto,
    store: UpdateStore,
    *,
    window: float = WINDOW,
    clock: Callable[[], float] = time.time,
) -> None:
    """Add GET (verification) and POST (messages) at ``path``; ``window`` in seconds."""

    def _stale(*stamps: Any) -> float | None:
        """How old the oldest stamp is, when it is older than the window (or unreadable)."""
        try:
            age = max(clock() - float(stamp) for stamp in stamps)
        except (TypeError, ValueError):
            return float("inf")
        return age if age > window else None

    def _query(request: web.Request, *names: str) -> list[str] | None:
        values = [request.query.get(n, "") for n in names]
        return values if all(values) else None

    async def verify(request: web.Request) -> web.Response:
        args = _query(request, "msg_signature", "timestamp", "nonce", "echostr")
        if args is None:
            return web.Response(status=400)
        try:
            echo = crypto.check_signature(*args)
        except REFUSED:
            log.warning("wecom URL verification with a bad signature")
            return web.Response(status=403)
        return web.Response(text=echo if isinstance(echo, str) else echo.decode())

    async def receive(request: web.Request) -> web.Response:
        args = _query(request, "msg_signature", "timestamp", "nonce")
        if args is None:
            return web.Response(status=400)
        if (request.content_length or 0) > MAX_BODY:
            return web.Response(status=413)
        body = await request.read()
        if len(body) > MAX_BODY:
            return web.Response(status=413)
        signature, timestamp, nonce = args
        try:
            xml = crypto.decrypt_message(body, signature, timestamp, nonce)
        except REFUSED:
            log.warning("wecom callback refused: bad signature or corp id")
            return web.Response(status=403)
        except Exception:
            log.warning("wecom callback refused: unreadable body")
            return web.Response(status=400)
        text = xml if isinstance(xml, str) else xml.decode()
        try:
            message = parse_message(text)
            key = update_key(message)
        except Exception:
            return web.Response(status=400)
        age = _stale(timestamp, getattr(message, "time", None))
        if age is not None:
            log.warning(
                "wecom callback %s refused: written %.0f s ago, older than the %.0f s window",
                key, age, window,
            )  # fmt: skip
            return web.Response(status=403)
        try:
            await store.store(CHANNEL, key, {"xml": text})
        except Exception:  # the database is away: WeCom retries what was not answered 200
            log.warning("storing wecom message %s failed; answering 503", key)
            return web.Response(status=503)
        return web.Response(text="")

    app.router.add_get(path, verify)
    app.router.add_post(path, receive)
