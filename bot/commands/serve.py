"""``duban run``: the bot itself — channels, inbox, outbox and the HTTP server until stopped."""

from __future__ import annotations

import asyncio
import signal

import typer

from bot.app import TELEGRAM_WEBHOOK_PATH, WECOM_CALLBACK_PATH, DubanApp
from bot.commands.runtime import Runtime, runtime
from bot.domain.messages import N_, msg


def register(app: typer.Typer) -> None:
    """Attach ``run`` to the ``duban`` app."""
    app.command("run")(run)


def run(ctx: typer.Context) -> None:
    """Run the bot until SIGINT or SIGTERM (Ctrl-C)."""
    rt = runtime(ctx)
    settings = rt.settings
    if settings.telegram_token is None and not settings.wecom_corp_id:
        rt.fail(
            msg(
                N_(
                    "No channel is configured: set DUBAN_TELEGRAM_TOKEN or the DUBAN_WECOM_* "
                    "settings (see .env.example)."
                )
            )
        )
    if settings.wecom_corp_id and not (
        settings.wecom_secret and settings.wecom_token and settings.wecom_aes_key
    ):
        rt.fail(
            msg(
                N_(
                    "WeCom needs DUBAN_WECOM_SECRET, DUBAN_WECOM_TOKEN and "
                    "DUBAN_WECOM_AES_KEY besides the corp id."
                )
            )
        )
    rt.run(_serve(rt))


async def _serve(rt: Runtime) -> None:
    async with rt.database():
        app = DubanApp(rt.settings)
        await app.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        rt.out.print(
            rt.say(
                msg(
                    N_("Duban is running on {url} with {channels}. Ctrl-C stops it."),
                    url=app.url,
                    channels=", ".join(sorted(app.channels)),
                )
            ),
            markup=False,
            soft_wrap=True,
        )
        if "wecom" in app.channels:
            rt.out.print(
                f"  WeCom callback: {app.url}{WECOM_CALLBACK_PATH}", markup=False, soft_wrap=True
            )
        if rt.settings.telegram_webhook_url:
            rt.out.print(
                f"  Telegram webhook: {app.url}{TELEGRAM_WEBHOOK_PATH}",
                markup=False,
                soft_wrap=True,
            )
        try:
            await stop.wait()
        finally:
            await app.stop()
