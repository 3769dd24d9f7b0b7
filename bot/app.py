"""The running bot: channels, inbox worker, outbox sender and the HTTP server, wired once.

``duban run``, ``duban demo`` and the end-to-end tests all start this same object; only the
settings (and, for the demo and tests, the clock and the emulators' addresses) differ. Several
processes may run it on one database: each handles inbox updates it leases; Telegram polling,
the scheduler and each channel's sender are roles one process holds at a time (process locks),
taken over within seconds when their process dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiohttp import web

from bot.board import web as board
from bot.channels.telegram import session as telegram_session
from bot.channels.telegram.adapter import TelegramChannel
from bot.channels.telegram.menu import keep_chat_menus, set_menus
from bot.channels.telegram.polling import person_of as telegram_person
from bot.channels.telegram.polling import poll, webhook_handler
from bot.channels.telegram.responses import response_models
from bot.channels.wecom import probe as wecom_probe
from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.callback import callback_routes, crypto_from
from bot.channels.wecom.callback import person_of as wecom_person
from bot.config import Settings
from bot.conversation.context import Deps
from bot.conversation.router import GROUP_READABLE
from bot.delivery.channel import Channel, Probe
from bot.delivery.intake import Intake
from bot.delivery.jobs import JobWorker
from bot.delivery.sender import Sender
from bot.domain.conversation import InboundFile
from bot.domain.messages import N_, Message, msg
from bot.i18n import Translator
from bot.storage.locks import ProcessLock, lead
from scheduler.service import SchedulerService

log = logging.getLogger(__name__)
TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
WECOM_CALLBACK_PATH = "/wecom/callback"
RETRY_FIRST, RETRY_MAX = 5.0, 300.0  # seconds between probes of a channel that is down
POLL_LOCK_RETRY = 5.0  # seconds between tries of a role another process holds
SENDER_LOCK_RETRY = 5.0
SENDER_LOCK_CHECK = 5.0  # seconds between checks that the sender's lock is still held


class StartError(Exception):
    """``duban run`` cannot start (the port is taken, …); ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


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
        self.translator = Translator(settings.default_locale)
        self.status: dict[str, str] = {}  # channel → what the operator should know of it
        self._linked: dict[str, asyncio.Event] = {}  # channel → set once it is in service
        deps = Deps(
            data_dir=settings.data_dir,
            timezone=ZoneInfo(settings.timezone),
            files=ChannelFiles(self.channels),
            clock=clock,
            group_readable=GROUP_READABLE if settings.group_reads_status else frozenset(),
            board_url=lambda: board.public_url(settings, self.url),
        )
        lease = timedelta(seconds=settings.delivery_lease)
        self.intake = Intake(
            self.channels,
            deps,
            persons={"telegram": telegram_person, "wecom": wecom_person},
            lease=lease,
        )
        self.sender = Sender(self.channels, clock, elected=True, lease=lease)
        self.intake.outbox_wakeup = self.sender.wakeup
        self.scheduler = SchedulerService(
            settings.database_url,
            ZoneInfo(settings.timezone),
            clock,
            self.sender.wakeup.set,
            settings.data_dir,
        )

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self._health)
        board.mount(app, board.from_settings(self.settings, self.clock, lambda: self.url))
        secret = self.settings.telegram_webhook_secret
        if self.settings.telegram_enabled and self.settings.telegram_webhook_url:
            app.router.add_post(
                TELEGRAM_WEBHOOK_PATH,
                webhook_handler(self.intake, secret.get_secret_value() if secret else ""),
            )
        crypto = crypto_from(self.settings)
        if "wecom" in self.channels and crypto is not None:
            callback_routes(
                app,
                WECOM_CALLBACK_PATH,
                crypto,
                self.intake,
                window=float(self.settings.wecom_callback_window),
            )

    async def _health(self, _: web.Request) -> web.Response:
        waiting = sorted(set(self.status) - set(self.channels))
        return web.json_response({"ok": True, "channels": sorted(self.channels), "down": waiting})

    async def start(self) -> None:
        """Start the HTTP server, the workers and the channels (call with the database open).

        A channel whose credentials fail is retried with back-off in the background and never
        stops the other one; only a taken port stops the start (``StartError``).
        """
        if self.settings.wecom_enabled:
            self.channels["wecom"] = WecomChannel.from_settings(self.settings)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        self._routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            if exc.errno == errno.EADDRINUSE:
                raise StartError(
                    msg(
                        N_(
                            "Port {port} on {host} is already in use (is another “duban run” "
                            "running?); stop it or set DUBAN_HTTP_PORT."
                        ),
                        port=self.settings.http_port,
                        host=self.settings.http_host,
                    )
                ) from exc
            raise StartError(
                msg(
                    N_("Cannot listen on {host}:{port}: {reason}"),
                    host=self.settings.http_host,
                    port=self.settings.http_port,
                    reason=exc.strerror or str(exc),
                )
            ) from exc
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._spawn(self.intake.run(self.stop_event))
        self._spawn(self.sender.run(self.stop_event))
        jobs = JobWorker(self.intake.deps, outbox_wakeup=self.sender.wakeup)  # slow work
        self._spawn(jobs.run(self.stop_event))
        if "wecom" in self.channels:
            self.status["wecom"] = "connecting"
            self._linked["wecom"] = asyncio.Event()
            self._spawn(self._watch_wecom())
            self._spawn(self._lead_sender("wecom"))
        if self.settings.telegram_enabled:
            self._spawn_telegram()
        if self.settings.scheduler:
            self.scheduler.start(self.stop_event)
        log.info("duban running at %s", self.url)

    async def linked(self) -> None:
        """Wait until every configured channel is in service (tests and the demo)."""
        await asyncio.gather(*(event.wait() for event in self._linked.values()))

    def _say(self, message: Message) -> str:
        return self.translator.render(message)

    async def _retry(self, name: str, attempt: Any) -> Probe | None:
        """Probe a channel until it works (its Probe) or ``stop`` (None), saying each change."""
        delay, told = RETRY_FIRST, ""
        while not self.stop_event.is_set():
            result: Probe = await attempt()
            if result.ok:
                return result
            text = self._say(result.detail)
            self.status[name] = text
            if not result.retry:
                log.error("%s is off: %s", name, text)
                return None
            if text != told:
                log.warning("%s is not available: %s (retrying with back-off)", name, text)
                told = text
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop_event.wait(), timeout=delay)
            delay = min(delay * 2, RETRY_MAX)
        return None

    def _spawn_telegram(self) -> None:
        token = self.settings.telegram_token
        assert token is not None
        if telegram_session.token_malformed(token.get_secret_value()):
            text = self._say(telegram_session.malformed_probe().detail)
            self.status["telegram"] = text
            log.error("telegram is off: %s", text)
            return
        self.status["telegram"] = "connecting"
        self._linked["telegram"] = asyncio.Event()
        self._telegram_bot = telegram_session.make_bot(self.settings)
        self._telegram_models = response_models()  # kept while it runs: responses.py
        self._spawn(self._link_telegram(self._telegram_bot))

    async def _link_telegram(self, bot: Bot) -> None:
        """getMe until it works, then take Telegram into service (webhook or polling)."""

        async def attempt() -> Probe:
            return await telegram_session.probe(bot, self.settings, webhook=False)

        result = await self._retry("telegram", attempt)
        if result is None:
            return
        self.channels["telegram"] = TelegramChannel(
            bot, self.settings.data_dir, self.settings.telegram_bot_username
        )
        self.status["telegram"] = self._say(result.detail)
        log.info("telegram connected: %s", self.status["telegram"])
        after = 0  # when the menus could not be set now, the keeper sets every chat's
        try:
            after = await set_menus(bot, self.settings.default_locale)
        except TelegramAPIError as exc:  # the menu is a comfort: the bot works without it
            log.warning("telegram command menu not set: %s", exc)
        self._spawn(keep_chat_menus(bot, self.settings.default_locale, after=after))
        self.intake.wakeup.set()
        self._spawn(self._lead_sender("telegram"))
        if self.settings.telegram_webhook_url:
            secret = self.settings.telegram_webhook_secret
            await bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=["message", "callback_query"],
            )
            self._linked["telegram"].set()
            return
        self._linked["telegram"].set()
        lock = ProcessLock(self.settings.database_url, "telegram-poll")
        try:
            if await lead(lock, self.stop_event, retry=POLL_LOCK_RETRY, log=log):
                await bot.delete_webhook(drop_pending_updates=False)
                await poll(bot, self.intake, self.stop_event)
        finally:
            await lock.release()

    async def _lead_sender(self, name: str) -> None:
        """Be the channel's one sender while this process holds its lock; try again if lost."""
        lock = ProcessLock(self.settings.database_url, f"sender-{name}")
        try:
            while not self.stop_event.is_set():
                if not await lead(lock, self.stop_event, retry=SENDER_LOCK_RETRY, log=log):
                    return
                try:
                    await self.sender.lead(name)
                except Exception as exc:  # the database is away: give the role back, retry
                    log.warning("cannot start sending on %s (%s); retrying", name, exc)
                    await lock.release()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stop_event.wait(), SENDER_LOCK_RETRY)
                    continue
                log.info("this process sends on %s", name)
                while await lock.still_held():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.stop_event.wait(), SENDER_LOCK_CHECK)
                    if self.stop_event.is_set():
                        return
                self.sender.resign(name)
                log.warning("lost the %s sender lock; another process may send now", name)
                await lock.release()
        finally:
            self.sender.resign(name)
            await lock.release()

    async def _watch_wecom(self) -> None:
        """The callback is served from the start; the access token is probed until it works."""
        channel = self.channels["wecom"]
        assert isinstance(channel, WecomChannel)
        key_problem = wecom_probe.key_probe(self.settings)

        async def attempt() -> Probe:
            return key_problem or await wecom_probe.probe(channel.client, self.settings)

        result = await self._retry("wecom", attempt)
        if result is not None:
            self.status["wecom"] = self._say(result.detail)
            log.info("wecom connected: %s", self.status["wecom"])
            self._linked["wecom"].set()

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
