"""The status board's HTTP side: a sub-application under ``/board`` on the bot's own server.

Read-only pages rendered on the server (Jinja2) with one stylesheet served from here: no
script, no CDN. Every page but the sign-in ones reads the session cookie back as a viewer
(:mod:`bot.board.signin`) and shows only what that viewer may see (:mod:`bot.board.queries`);
anything else is the same "not found". The way in and out (sign-in links, signing out,
WeCom's authorisation) is :mod:`bot.board.signin`. Every answer carries the security headers.

A plan's page is built once per state of the records (:mod:`bot.board.cache`) and rendered in
a thread; a download is written once per state too, one at a time, and served from its file
while it is current, so views do not stall the rest of the bot in the same event loop.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.board import cache, history, queries
from bot.board.files import Exports
from bot.board.guard import Failures, trusted_proxies
from bot.board.oauth import WecomOAuth
from bot.board.signin import SignIn
from bot.config import Settings
from bot.domain.lights import Light
from bot.domain.messages import N_
from bot.domain.reporting import Status
from bot.i18n import Translator
from bot.oversight.exports import FORMATS
from bot.reporting.prompts import ROLE_NAMES
from bot.summaries.quarterly import STATE_LABELS

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "data" / "fonts" / "wqy-microhei.ttc"  # for screens without a CJK font
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # no Referer ever leaves the board (a sign-in link's token is in its address); its own
    # POSTs still carry their Origin, which the sign-in checks (no-referrer would send null)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MIMES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}
SUMMARY_STATES = {**STATE_LABELS, "draft": N_("draft")}
KEY: web.AppKey[Board] = web.AppKey("board")


@dataclass
class Board:
    """The board's settings and its handlers."""

    public_url: Callable[[], str]  # as browsers reach the bot, without a trailing slash
    data_dir: Path
    zone: ZoneInfo
    clock: Callable[[], datetime]
    default_locale: str
    oauth: WecomOAuth | None = None
    failures: Failures = field(default_factory=Failures)
    pages: cache.PlanPages = field(default_factory=cache.PlanPages)
    env: Environment = field(init=False)
    exports: Exports = field(init=False)
    signin: SignIn = field(init=False)  # the way in and out (:mod:`bot.board.signin`)
    _font: bytes = b""

    def __post_init__(self) -> None:
        self.exports = Exports(self.data_dir / "exports" / "board", self.zone)
        self.signin = SignIn(self)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @property
    def secure(self) -> bool:
        """Cookies only over HTTPS when the board's address is HTTPS."""
        return self.public_url().startswith("https://")

    # -- rendering ---------------------------------------------------------------------

    def render(
        self, template: str, locale: str, *, status: int = 200, **context: Any
    ) -> web.Response:
        """A page in ``locale``."""
        page = self.html(template, locale, **context)
        return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")

    async def render_off_loop(self, template: str, locale: str, **context: Any) -> web.Response:
        """A page in ``locale``, rendered in a thread (a plan's table can be long)."""
        page = await asyncio.to_thread(self.html, template, locale, **context)
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    def html(self, template: str, locale: str, **context: Any) -> str:
        """The HTML of a page in ``locale`` (pure: safe in a thread)."""
        tr = Translator(locale)
        zone = self.zone

        def when(at: datetime | None) -> str:
            return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

        def said(status: str | None, percent: int | None = None) -> str:
            if not status:
                return tr.gettext("not reported")
            label = tr.gettext(Status(status).label)
            return f"{label} {percent}%" if percent is not None and status != "done" else label

        return self.env.get_template(template).render(
            _=tr.gettext,
            lang=tr.locale.replace("_", "-"),
            light=lambda value: tr.gettext(Light(value).label),
            said=said,
            role=lambda name: tr.gettext(ROLE_NAMES.get(name) or name),
            state=lambda name: tr.gettext(SUMMARY_STATES.get(name) or name),
            when=when,
            oauth=self.oauth is not None,
            **context,
        )

    async def font(self, _: web.Request) -> web.Response:
        """The bundled CJK font, fetched only by a browser with no Chinese font of its own.

        Browsers take no font collection (.ttc): its first face is served as a TrueType
        font, converted once per process.
        """
        if not self._font:
            self._font = await asyncio.to_thread(_first_face, FONT)
        return web.Response(
            body=self._font,
            content_type="font/ttf",
            headers={"Cache-Control": "public, max-age=604800"},
        )

    # -- pages -------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.Response:
        """The plans; the one plan's page when there is only one."""
        viewer = await self.signin.viewer(request)
        if viewer is None:
            return self.signin.signed_out(request)
        found = await queries.plans(viewer)
        if len(found) == 1:
            raise web.HTTPFound(f"/board/plan/{found[0].id}")
        return self.render("plans.html", viewer.locale, viewer=viewer, plans=found)

    async def plan(self, request: web.Request) -> web.Response:
        """A plan's lights, gaps, rate and downloads."""
        viewer = await self.signin.viewer(request)
        if viewer is None:
            return self.signin.signed_out(request)
        plan_id, today = int(request.match_info["id"]), self.clock().astimezone(self.zone).date()
        if not viewer.sees_plan(plan_id) or (
            not viewer.wide and plan_id not in {p.id for p in await queries.plans(viewer)}
        ):
            raise queries.NotFoundError  # another plan's, or one the viewer's units are not in
        board = await self.pages.board(plan_id, viewer, today=today)
        refusal = Translator(viewer.locale).render(board.refusal) if board.refusal else ""
        return await self.render_off_loop(
            "plan.html", viewer.locale, viewer=viewer, board=board, refusal=refusal, today=today
        )

    async def task(self, request: web.Request) -> web.Response:
        """A task's history."""
        viewer = await self.signin.viewer(request)
        if viewer is None:
            return self.signin.signed_out(request)
        page = await history.task_page(int(request.match_info["id"]), viewer)
        return await self.render_off_loop("task.html", viewer.locale, viewer=viewer, page=page)

    async def unit(self, request: web.Request) -> web.Response:
        """A unit's tasks and record."""
        viewer = await self.signin.viewer(request)
        if viewer is None:
            return self.signin.signed_out(request)
        page = await history.unit_page(int(request.match_info["id"]), viewer)
        return await self.render_off_loop("unit.html", viewer.locale, viewer=viewer, page=page)

    async def download(self, request: web.Request) -> web.Response:
        """The latest month's xlsx, docx or png of a plan (the secretariat only).

        Written once per state of the records (:func:`bot.board.cache.stamp`), day and
        language, one file at a time; served from that file while it is current.
        """
        viewer = await self.signin.viewer(request)
        if viewer is None:
            return self.signin.signed_out(request)
        fmt, plan_id = request.match_info["fmt"], int(request.match_info["id"])
        plans = {p.id for p in await queries.plans(viewer)}
        if not viewer.wide or fmt not in FORMATS or plan_id not in plans:
            raise queries.NotFoundError
        today = self.clock().astimezone(self.zone).date()
        month, body = await self.exports.latest(plan_id, fmt, locale=viewer.locale, today=today)
        name = Translator(viewer.locale).gettext("Progress {period}.xlsx", period=month.key)
        name = name.rsplit(".", 1)[0]
        disposition = f"attachment; filename=\"progress-{month.key}.{fmt}\"; filename*=UTF-8''"
        return web.Response(
            body=body,
            content_type=MIMES[fmt],
            headers={"Content-Disposition": disposition + quote(f"{name}.{fmt}")},
        )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _middleware(board: Board) -> Any:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except queries.NotFoundError:
            viewer = await board.signin.viewer(request)
            locale = viewer.locale if viewer else board.default_locale
            response = board.render("not_found.html", locale, status=404)
        except web.HTTPException as exc:
            exc.headers.update(HEADERS)
            raise
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)  # a font may say it can be cached
        return response

    return guard


def _first_face(path: Path) -> bytes:
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]  # noqa: PLC0415

    out = io.BytesIO()
    TTCollection(str(path)).fonts[0].save(out)
    return out.getvalue()


def from_settings(
    settings: Settings, clock: Callable[[], datetime], running_url: Callable[[], str]
) -> Board:
    """The board of a deployment; ``running_url`` is the server's own address, the fallback
    when ``DUBAN_PUBLIC_URL`` is not set."""
    oauth = None
    if settings.wecom_enabled:
        assert settings.wecom_corp_id
        assert settings.wecom_agent_id
        assert settings.wecom_secret is not None
        oauth = WecomOAuth(
            settings.wecom_corp_id,
            settings.wecom_agent_id,
            settings.wecom_secret.get_secret_value(),
            settings.wecom_api_base,
        )
    return Board(
        public_url=lambda: public_url(settings, running_url()),
        data_dir=settings.data_dir,
        zone=ZoneInfo(settings.timezone),
        clock=clock,
        default_locale=settings.default_locale,
        oauth=oauth,
        failures=Failures(trusted=trusted_proxies(settings.trusted_proxy)),
    )


def public_url(settings: Settings, running_url: str) -> str:
    """The board's base address: ``DUBAN_PUBLIC_URL``, else the server's own."""
    return (settings.public_url or running_url).rstrip("/")


def board_app(board: Board) -> web.Application:
    """The ``/board`` sub-application."""
    sub = web.Application(middlewares=[_middleware(board)])
    sub[KEY] = board
    sub.router.add_get("/", board.home)
    sub.router.add_get(r"/plan/{id:\d{1,10}}", board.plan)
    sub.router.add_get(r"/plan/{id:\d{1,10}}/export/{fmt:[a-z]{3,4}}", board.download)
    sub.router.add_get(r"/task/{id:\d{1,10}}", board.task)
    sub.router.add_get(r"/unit/{id:\d{1,10}}", board.unit)
    sub.router.add_get(r"/signin/{token:[A-Za-z0-9_-]{1,100}}", board.signin.page)
    sub.router.add_post("/signin", board.signin.signin)
    sub.router.add_post("/signout", board.signin.signout)
    sub.router.add_get("/wecom", board.signin.wecom_start)
    sub.router.add_get("/wecom/return", board.signin.wecom_return)
    sub.router.add_static("/static", HERE / "static")
    sub.router.add_get("/font/cjk.ttf", board.font)
    return sub


def mount(app: web.Application, board: Board) -> None:
    """Serve the board under ``/board`` of the bot's server."""

    async def to_board(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/board/")

    app.router.add_get("/board", to_board)
    app.add_subapp("/board", board_app(board))
