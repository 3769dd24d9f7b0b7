"""Telegram intake: long polling that stores each batch before advancing the offset, or a webhook.

aiogram's own polling confirms updates before handling them, so a crash there loses them; here
the offset moves past a batch only after the batch is in the inbox.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import GetUpdates
from aiohttp import web

from bot.channels.telegram.adapter import CHANNEL, update_key
from bot.channels.telegram.lean import call

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_BACKOFF = 60.0


class UpdateStore(Protocol):
    """Where updates go: the inbox."""

    async def store(self, channel: str, key: str, payload: dict[str, Any]) -> bool:
        """Keep one update."""
        ...

    async def store_many(self, channel: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
        """Keep a batch."""
        ...


async def poll(bot: Bot, store: UpdateStore, stop: asyncio.Event, wait: int = 25) -> None:
    """Long-poll getUpdates until ``stop``; each batch is stored before the offset advances."""
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        try:
            updates = await call(  # stored as JSON: read as aiogram's models only when handled
                bot,
                GetUpdates(offset=offset, timeout=wait, allowed_updates=ALLOWED_UPDATES),
                request_timeout=wait + 10,
            )
        except TelegramRetryAfter as exc:
            await asyncio.sleep(exc.retry_after)
            continue
        except (TelegramAPIError, OSError, TimeoutError) as exc:
            log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        if not updates:
            continue
        batch = [(str(update["update_id"]), update) for update in updates]
        try:
            await store.store_many(CHANNEL, batch)
        except Exception as exc:  # the database is away: keep the offset, fetch them again
            log.warning(
                "storing %d updates failed (%s); retrying in %.0f s", len(batch), exc, backoff
            )
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        offset = int(updates[-1]["update_id"]) + 1


def person_of(update: dict[str, Any]) -> str:
    """Who sent a stored update (``telegram:<user id>``): their updates are handled in order."""
    for kind in ("message", "callback_query", "edited_message"):
        sender = (update.get(kind) or {}).get("from") or {}
        if "id" in sender:
            return f"{CHANNEL}:{sender['id']}"
    return ""


def webhook_handler(
    store: UpdateStore, secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The webhook endpoint: 403 without the secret token, the update stored before the 200."""

    async def handler(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = await request.json()
            key = update_key(update)
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400)
        try:
            await store.store(CHANNEL, key, update)
        except Exception:  # the database is away: Telegram retries a failed delivery
            log.warning("storing webhook update %s failed; answering 503", key)
            return web.Response(status=503)
        return web.Response()

    return handler
