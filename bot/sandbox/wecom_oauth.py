"""The WeCom emulator's web authorisation (网页授权, OAuth2 ``snsapi_base``).

``GET /connect/oauth2/authorize`` is what WeCom's in-app browser opens: with ``snsapi_base``
nothing is shown, the browser goes straight back to ``redirect_uri`` with ``code`` and
``state``. ``GET /cgi-bin/auth/getuserinfo?access_token=…&code=…`` turns the code into the
member's ``userid``. Like WeCom: the app id must be the corp's and the agent id the app's
(else an error page), a code is good once and for five minutes (40029 ``invalid code``
otherwise), an access token is required (40014, 42001). A test says who holds the phone:
``emulator.oauth.member = "zhangsan"``; a member not in the corp gets no userid.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from aiohttp import web

CODE_SECONDS = 300.0


@dataclass
class OAuth:
    """The authorisation endpoints of one corp and app."""

    members: dict[str, str]  # userid → name, shared with the emulator
    token_error: Callable[[web.Request], web.Response | None]
    corp_id: str
    agent_id: int
    member: str = ""  # whose WeCom opens the pages (a test sets it)
    codes: dict[str, tuple[str, float]] = field(default_factory=dict)  # code → (userid, until)
    authorized: list[str] = field(default_factory=list)  # the redirect URIs sent back to

    def routes(self, app: web.Application) -> None:
        """Serve the authorisation endpoints."""
        app.router.add_get("/connect/oauth2/authorize", self._authorize)
        app.router.add_get("/cgi-bin/auth/getuserinfo", self._getuserinfo)

    async def _authorize(self, request: web.Request) -> web.Response:
        query = request.query
        target = query.get("redirect_uri", "")
        if (
            query.get("appid") != self.corp_id
            or query.get("response_type") != "code"
            or query.get("scope") != "snsapi_base"
            or query.get("agentid") != str(self.agent_id)
            or urlsplit(target).scheme not in ("http", "https")
        ):
            return web.Response(status=400, text="redirect_uri or parameters invalid")
        code = secrets.token_urlsafe(24)
        self.codes[code] = (self.member, time.monotonic() + CODE_SECONDS)
        self.authorized.append(target)
        joiner = "&" if "?" in target else "?"
        back = f"{target}{joiner}{urlencode({'code': code, 'state': query.get('state', '')})}"
        raise web.HTTPFound(back)

    async def _getuserinfo(self, request: web.Request) -> web.Response:
        if (error := self.token_error(request)) is not None:
            return error
        userid, until = self.codes.pop(request.query.get("code", ""), ("", 0.0))
        if time.monotonic() > until:
            return web.json_response({"errcode": 40029, "errmsg": "invalid code"})
        if userid not in self.members:  # not a member of the corp: an outside visitor
            return web.json_response({"errcode": 0, "errmsg": "ok", "openid": "o-outside"})
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": secrets.token_hex(8)}
        )
