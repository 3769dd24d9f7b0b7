"""WeCom web authorisation (网页授权, OAuth2 ``snsapi_base``): who opened the board inside WeCom.

The board sends the browser to ``/connect/oauth2/authorize`` with its return address and a
random ``state`` (kept in a short-lived cookie); WeCom sends it back with a ``code``, which
``/cgi-bin/auth/getuserinfo`` turns into the member's ``userid``. Plain HTTP with aiohttp: the
board takes its own access token with the app's secret (WeCom hands every caller the same
valid token), so no channel library is needed here.

The authorisation page is on open.weixin.qq.com when the API is WeCom's own; a deployment
whose API base is elsewhere (a proxy, the emulator) serves both from that base.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientError, ClientSession, ClientTimeout

WECOM_API = "https://qyapi.weixin.qq.com"
WECOM_AUTHORIZE = "https://open.weixin.qq.com"
TOKEN_MARGIN = 300.0  # seconds before its expiry a token is taken anew
TIMEOUT = ClientTimeout(total=10)
EXPIRED_TOKENS = (40014, 42001)  # invalid, expired: take a new token once


@dataclass
class WecomOAuth:
    """The app's web authorisation: the redirect, and the code exchanged for a ``userid``."""

    corp_id: str
    agent_id: int
    secret: str
    api_base: str = WECOM_API
    _token: str = ""
    _token_until: float = 0.0

    @property
    def authorize_base(self) -> str:
        """Where the authorisation page is."""
        base = self.api_base.rstrip("/")
        return WECOM_AUTHORIZE if base == WECOM_API else base

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The address that sends the member back to ``redirect_uri`` with a code."""
        query = urlencode(
            {
                "appid": self.corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
                "agentid": str(self.agent_id),
            }
        )
        return f"{self.authorize_base}/connect/oauth2/authorize?{query}#wechat_redirect"

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        async with (
            ClientSession(timeout=TIMEOUT) as session,
            session.get(f"{self.api_base.rstrip('/')}{path}", params=params) as response,
        ):
            body: dict[str, Any] = await response.json(content_type=None)
            return body

    async def _access_token(self, *, fresh: bool = False) -> str:
        if fresh or not self._token or time.monotonic() > self._token_until:
            body = await self._get(
                "/cgi-bin/gettoken", {"corpid": self.corp_id, "corpsecret": self.secret}
            )
            if body.get("errcode", 0) != 0 or not body.get("access_token"):
                return ""
            self._token = str(body["access_token"])
            self._token_until = (
                time.monotonic() + float(body.get("expires_in", 7200)) - TOKEN_MARGIN
            )
        return self._token

    async def userid(self, code: str) -> str | None:
        """The member who was given ``code`` (None: not a member, expired, or WeCom away)."""
        if not code or len(code) > 512:
            return None
        try:
            for fresh in (False, True):
                token = await self._access_token(fresh=fresh)
                if not token:
                    return None
                body = await self._get(
                    "/cgi-bin/auth/getuserinfo", {"access_token": token, "code": code}
                )
                if body.get("errcode") in EXPIRED_TOKENS and not fresh:
                    continue
                userid = body.get("userid") or body.get("UserId")
                return str(userid) if body.get("errcode", 0) == 0 and userid else None
        except (ClientError, TimeoutError, ValueError):
            return None
        return None
