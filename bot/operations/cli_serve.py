"""``duban run``: the bot itself — channels, inbox, outbox and the HTTP server until stopped."""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

import typer

from bot.domain.messages import N_, msg
from bot.shell.runtime import Runtime, runtime

if TYPE_CHECKING:
    from bot.app import DubanApp


def register(app: typer.Typer) -> None:
    """Attach ``run`` to the ``duban`` app."""
    app.command("run")(run)


def run(ctx: typer.Context) -> None:
    """Run the bot until SIGINT or SIGTERM (Ctrl-C)."""
    rt = runtime(ctx)
    settings = rt.settings
    missing = settings.wecom_missing()
    if missing:
        rt.fail(
            msg(
                N_("WeCom is half configured: fill {names} in .env (see .env.example)."),
                names=", ".join(missing),
            )
        )
    if not settings.any_channel:
        rt.fail(
            msg(
                N_(
                    "No channel is configured: fill DUBAN_WECOM_CORP_ID, DUBAN_WECOM_AGENT_ID, "
                    "DUBAN_WECOM_SECRET, DUBAN_WECOM_TOKEN and DUBAN_WECOM_AES_KEY, or "
                    "DUBAN_TELEGRAM_TOKEN, in .env (see .env.example)."
                )
            )
        )
    rt.run(_serve(rt))


def _print(rt: Runtime, text: str) -> None:
    rt.out.print(text, markup=False, highlight=False, soft_wrap=True)


async def _serve(rt: Runtime) -> None:
    from bot.app import (  # noqa: PLC0415 - the channel libraries load only for `run`
        TELEGRAM_WEBHOOK_PATH,
        WECOM_CALLBACK_PATH,
        DubanApp,
        StartError,
    )

    async with rt.database():
        app = DubanApp(rt.settings)
        try:
            await app.start()
        except StartError as refused:
            await app.stop()
            rt.fail(refused.message)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        _announce(rt, app, WECOM_CALLBACK_PATH, TELEGRAM_WEBHOOK_PATH)
        try:
            await stop.wait()
        finally:
            await app.stop()


def _announce(rt: Runtime, app: DubanApp, wecom_path: str, telegram_path: str) -> None:
    """What runs where; channels still connecting say so and are logged when they are up."""
    configured = sorted(app.status)
    _print(
        rt,
        rt.say(
            msg(
                N_("Duban is running on {url} with {channels}. Ctrl-C stops it."),
                url=app.url,
                channels=", ".join(configured),
            )
        ),
    )
    # the label, then the URL as the line's last word (scripts and tests read it from there)
    if "wecom" in app.channels:
        _print(rt, "  " + rt.say(msg(N_("WeCom callback URL:"))) + " " + app.url + wecom_path)
    if rt.settings.telegram_enabled and rt.settings.telegram_webhook_url:
        _print(rt, "  " + rt.say(msg(N_("Telegram webhook:"))) + " " + app.url + telegram_path)
    if not rt.settings.scheduler:
        _print(rt, rt.say(msg(N_("  The scheduler is off in this process (DUBAN_SCHEDULER)."))))
