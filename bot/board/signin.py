"""The board's way in and out: who is signed in, sign-in links, signing out, WeCom's authorisation.

A sign-in link is spent by a POST from its own page, so a chat client's link preview cannot
use it up; that POST, and signing out, must come from the board's own pages, and failed
attempts are counted per client (:mod:`bot.board.guard`). Inside WeCom a browser with no
session goes through WeCom's web authorisation (:mod:`bot.board.oauth`) with a state only
that browser holds. The session is a cookie on ``/board`` (:mod:`bot.board.access`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from aiohttp import web

from bot.board import access
from bot.board.guard import Failures, from_own_page
from bot.board.oauth import WecomOAuth

COOKIE, STATE_COOKIE = "duban_board", "duban_board_state"
SAFE_NEXT = re.compile(r"/board/(?:(?:plan|task|unit)/\d{1,10})?")


class Site(Protocol):
    """What the sign-in needs of the board (:class:`bot.board.web.Board`)."""

    default_locale: str
    oauth: WecomOAuth | None
    failures: Failures

    @property
    def public_url(self) -> Callable[[], str]: ...  # as browsers reach the bot

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def secure(self) -> bool: ...

    def render(
        self, template: str, locale: str, *, status: int = 200, **context: Any
    ) -> web.Response: ...


@dataclass
class SignIn:
    """The sign-in's handlers, on the board they let people into."""

    site: Site

    async def viewer(self, request: web.Request) -> access.Viewer | None:
        """The signed-in viewer of the request, if any."""
        return await access.viewer(request.cookies.get(COOKIE, ""), now=self.site.clock())

    def signed_out(self, request: web.Request) -> web.Response:
        """Not signed in: into WeCom's authorisation inside WeCom, else how to sign in."""
        site = self.site
        if site.oauth is not None and "wxwork" in request.headers.get("User-Agent", "").lower():
            raise web.HTTPFound(f"/board/wecom?next={quote(request.path)}")
        return site.render("signin_needed.html", site.default_locale, status=401)

    async def page(self, request: web.Request) -> web.Response:
        """The page of a link: one button spends it (a link preview only reads)."""
        site, token = self.site, request.match_info["token"]
        usable = len(token) <= 100 and await access.link_open(token, now=site.clock())
        if not usable:
            return site.render("signin_failed.html", site.default_locale, status=403)
        return site.render("signin.html", site.default_locale, token=token)

    async def signin(self, request: web.Request) -> web.Response:
        """Spend a link for a session cookie (from the link's own page only)."""
        site = self.site
        if not from_own_page(request, site.public_url()):
            return site.render("signin_failed.html", site.default_locale, status=403)
        if site.failures.blocked(request):
            return site.render("too_many.html", site.default_locale, status=429)
        form = await request.post()
        token = str(form.get("token", ""))[:100]
        session = await access.redeem_link(token, now=site.clock()) if token else None
        if session is None:
            site.failures.failed(request)
            return site.render("signin_failed.html", site.default_locale, status=403)
        response = web.HTTPSeeOther("/board/")
        self._cookie(response, COOKIE, session, int(access.SESSION_TTL.total_seconds()))
        raise response

    async def signout(self, request: web.Request) -> web.Response:
        """End the session and forget the cookie (from the board's own pages only)."""
        site = self.site
        if not from_own_page(request, site.public_url()):
            return site.render("signin_failed.html", site.default_locale, status=403)
        await access.sign_out(request.cookies.get(COOKIE, ""))
        response = web.HTTPSeeOther("/board/")
        response.del_cookie(COOKIE, path="/board")
        raise response

    async def wecom_start(self, request: web.Request) -> web.Response:
        """Inside WeCom: off to WeCom's authorisation, with a state only this browser holds."""
        site = self.site
        if site.oauth is None or not site.public_url():
            raise web.HTTPNotFound
        next_path = request.query.get("next", "/board/")
        state = secrets.token_urlsafe(16)
        back = f"{site.public_url()}/board/wecom/return?next={quote(next_path)}"
        response = web.HTTPFound(site.oauth.authorize_url(back, state))
        self._cookie(response, STATE_COOKIE, state, 600)
        raise response

    async def wecom_return(self, request: web.Request) -> web.Response:
        """Back from WeCom with a code: the member's session, or a refusal."""
        site = self.site
        if site.oauth is None:
            raise web.HTTPNotFound
        if site.failures.blocked(request):
            return site.render("too_many.html", site.default_locale, status=429)
        state = request.cookies.get(STATE_COOKIE, "")
        if not state or not secrets.compare_digest(state, request.query.get("state", "")):
            site.failures.failed(request)
            return site.render("signin_failed.html", site.default_locale, status=403)
        userid = await site.oauth.userid(request.query.get("code", ""))
        session = await access.wecom_session(userid, now=site.clock()) if userid else None
        if session is None:
            site.failures.failed(request)
            return site.render("signin_failed.html", site.default_locale, status=403)
        next_path = request.query.get("next", "/board/")
        response = web.HTTPFound(next_path if SAFE_NEXT.fullmatch(next_path) else "/board/")
        self._cookie(response, COOKIE, session, int(access.SESSION_TTL.total_seconds()))
        response.del_cookie(STATE_COOKIE, path="/board")
        raise response

    def _cookie(self, response: web.StreamResponse, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/board",
            httponly=True,
            samesite="Lax",  # sent on the top-level open from a chat app, never on others'
            secure=self.site.secure,
        )
