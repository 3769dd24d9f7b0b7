"""The running bot: channels, inbox worker, outbox sender and the HTTP server, wired once.

``duban run``, ``duban demo`` and the end-to-end tests all start this same object; only the
settings (and, for the demo and tests, the clock and the emulators' addresses) differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.telegram.intake import poll, webhook_handler
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.callback import callback_routes, crypto_from
from bot.config import Settings
from bot.delivery.channel import Channel
from bot.delivery.intake import Intake
from bot.delivery.sender import Sender
from bot.domain.conversation import InboundFile
from bot.handlers.context import Deps
from scheduler.service import SchedulerService

log = logging.getLogger(__name__)
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
WECOM_CALLBACK_PATH = "/wecom/callback"


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


class ChannelFiles:
    """Fetches a file from whichever channel it was sent on."""

    def __init__(self, channels: dict[str, Channel]) -> None:
        self.channels = channels

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        """The file's bytes."""
        return await self.channels[channel].fetch(channel, file)


class DubanApp:
    """Everything ``duban run`` runs, started and stopped as one."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock
        self.channels: dict[str, Channel] = {}
        self.stop_event = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._runner: web.AppRunner | None = None
        self._telegram_bot: Bot | None = None
        self.url = ""
        deps = Deps(
            data_dir=settings.data_dir,
            timezone=ZoneInfo(settings.timezone),
            files=ChannelFiles(self.channels),
            clock=clock,
        )
        self.intake = Intake(self.channels, deps)
        self.sender = Sender(self.channels, clock)
        self.intake.outbox_wakeup = self.sender.wakeup
        self.scheduler = SchedulerService(
            settings.database_url,
            ZoneInfo(settings.timezone),
            clock,
            self.sender.wakeup.set,
            settings.data_dir,
        )

    def _telegram(self) -> TelegramChannel | None:
        token = self.settings.telegram_token
        if token is None:
            return None
        server = TelegramAPIServer.from_base(self.settings.telegram_api_base.rstrip("/"))
        self._telegram_bot = Bot(token.get_secret_value(), session=AiohttpSession(api=server))
        return TelegramChannel(
            self._telegram_bot, self.settings.data_dir, self.settings.telegram_bot_username
        )

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self._health)
        secret = self.settings.telegram_webhook_secret
        if "telegram" in self.channels and self.settings.telegram_webhook_url:
            app.router.add_post(
                TELEGRAM_WEBHOOK_PATH,
                webhook_handler(self.intake, secret.get_secret_value() if secret else ""),
            )
        crypto = crypto_from(self.settings)
        if "wecom" in self.channels and crypto is not None:
            callback_routes(app, WECOM_CALLBACK_PATH, crypto, self.intake)

    async def _health(self, _: web.Request) -> web.Response:
        return web.json_response({"ok": True, "channels": sorted(self.channels)})

    async def start(self) -> None:
        """Start the channels, the workers and the HTTP server (call with the database open)."""
        telegram = self._telegram()
        if telegram is not None:
            self.channels["telegram"] = telegram
        if self.settings.wecom_corp_id:
            self.channels["wecom"] = WecomChannel.from_settings(self.settings)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._spawn(self.intake.run(self.stop_event))
        self._spawn(self.sender.run(self.stop_event))
        if telegram is not None and self._telegram_bot is not None:
            await self._start_telegram_intake(self._telegram_bot)
        if self.settings.scheduler:
            self.scheduler.start(self.stop_event)
        log.info("duban running at %s with %s", self.url, ", ".join(self.channels) or "no channel")

    async def _start_telegram_intake(self, bot: Bot) -> None:
        if self.settings.telegram_webhook_url:
            secret = self.settings.telegram_webhook_secret
            await bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=["message", "callback_query"],
            )
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            self._spawn(poll(bot, self.intake, self.stop_event))

    def _spawn(self, coro: Any) -> None:
        self._tasks.append(asyncio.create_task(coro))

    async def stop(self) -> None:
        """Stop everything, letting the current pass of each worker finish."""
        self.stop_event.set()
        self.intake.wakeup.set()
        self.sender.wakeup.set()
        await self.scheduler.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
        if self._telegram_bot is not None:
            await self._telegram_bot.session.close()
        for channel in self.channels.values():
            closer = getattr(channel, "close", None)
            if closer is not None:
                await closer()
