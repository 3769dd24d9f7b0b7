"""The one place an aiogram ``Bot`` is built: token, Bot API server and proxy from settings.

Also the Telegram probe (``getMe``) that ``duban doctor`` prints and ``duban run`` retries
with back-off, so a rejected or unreachable token never takes WeCom down with it.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError

from bot.channels.telegram.lean import LeanSession
from bot.config import Settings
from bot.delivery.channel import Probe
from bot.domain.messages import N_, msg

PROBE_TIMEOUT = 15.0


def token_malformed(token: str) -> bool:
    """A token is ``<digits>:<secret>`` without spaces (as BotFather issues them)."""
    left, sep, right = token.partition(":")
    return not (sep and left.isdecimal() and right) or any(ch.isspace() for ch in token)


def malformed_probe() -> Probe:
    """What is said of a token that cannot be one."""
    return Probe(
        False,
        msg(
            N_(
                "DUBAN_TELEGRAM_TOKEN is not a bot token (expected the form 123456789:AA… "
                "that @BotFather gives)."
            )
        ),
        retry=False,
    )


def _network_reason(exc: BaseException) -> str:
    """aiogram's "HTTP Client says - ClientConnectorError: Cannot connect to host h:p ssl:…"."""
    text = str(exc).removeprefix("HTTP Client says - ").split(" ssl:", 1)[0]
    return text.split(": ", 1)[-1] if ": " in text else (text or type(exc).__name__)


def make_bot(settings: Settings) -> Bot:
    """A Bot for the configured token, API server and proxy (the token must be well formed)."""
    assert settings.telegram_token is not None
    server = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    proxy = settings.telegram_proxy.get_secret_value() if settings.telegram_proxy else None
    session = LeanSession(api=server, proxy=proxy) if proxy else LeanSession(api=server)
    return Bot(settings.telegram_token.get_secret_value(), session=session)


async def probe(bot: Bot, settings: Settings, *, webhook: bool = True) -> Probe:
    """``getMe`` (and the webhook's state when one is configured and asked), as one sentence."""
    base = settings.telegram_api_base
    try:
        me = await bot.get_me(request_timeout=int(PROBE_TIMEOUT))
        if not (webhook and settings.telegram_webhook_url):
            return Probe(
                True, msg(N_("@{name} via {base}; long polling"), name=me.username, base=base)
            )
        info = await bot.get_webhook_info(request_timeout=int(PROBE_TIMEOUT))
    except TelegramUnauthorizedError:
        return Probe(
            False,
            msg(
                N_(
                    "Telegram rejected the token (401 Unauthorized): check "
                    "DUBAN_TELEGRAM_TOKEN with @BotFather."
                )
            ),
        )
    except (TimeoutError, TelegramNetworkError, OSError) as exc:
        return Probe(
            False,
            msg(
                N_(
                    "Telegram cannot be reached at {base} ({reason}); in mainland China set "
                    "DUBAN_TELEGRAM_PROXY."
                ),
                base=base,
                reason=_network_reason(exc),
            ),
        )
    except TelegramAPIError as exc:
        return Probe(False, msg(N_("Telegram answered an error: {reason}"), reason=exc.message))
    if info.url != settings.telegram_webhook_url:
        return Probe(
            False,
            msg(
                N_("@{name}: the webhook is {actual}, expected {expected}"),
                name=me.username,
                actual=info.url or "—",
                expected=settings.telegram_webhook_url,
            ),
        )
    if info.last_error_message:
        return Probe(
            False,
            msg(
                N_("@{name}: the webhook reports an error: {reason}"),
                name=me.username,
                reason=info.last_error_message,
            ),
        )
    return Probe(
        True,
        msg(
            N_("@{name} via {base}; webhook set, {count} updates pending"),
            name=me.username,
            base=base,
            count=info.pending_update_count,
        ),
    )
