"""``duban doctor``'s checks: settings, database and schema, Telegram, WeCom, the calendar."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from bot.config import Settings
from bot.domain.workdays import calendar_knows
from bot.storage.db import pending_migrations
from bot.storage.models import CalendarDay


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    optional: bool = False  # not configured: shown, not a failure


def redacted(url: str) -> str:
    """A database URL without its password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else f"{scheme}://{user}@{host}"


async def check_database(settings: Settings) -> Check:
    """Reachable, and the schema current."""
    try:
        pending = await asyncio.wait_for(pending_migrations(settings.database_url), 15)
    except (OSError, TimeoutError, Exception) as exc:
        return Check("database", False, f"{redacted(settings.database_url)}: {exc}")
    if pending:
        return Check(
            "database",
            False,
            f"{redacted(settings.database_url)}: {pending} migrations pending (duban init)",
        )
    return Check("database", True, f"{redacted(settings.database_url)}: schema current")


async def check_telegram(settings: Settings) -> Check:
    """getMe, and the webhook's state where one is configured."""
    if settings.telegram_token is None:
        return Check("telegram", True, "not configured", optional=True)
    from aiogram import Bot  # noqa: PLC0415 - only when configured
    from aiogram.client.session.aiohttp import AiohttpSession  # noqa: PLC0415
    from aiogram.client.telegram import TelegramAPIServer  # noqa: PLC0415

    server = TelegramAPIServer.from_base(settings.telegram_api_base.rstrip("/"))
    bot = Bot(settings.telegram_token.get_secret_value(), session=AiohttpSession(api=server))
    try:
        me = await bot.get_me(request_timeout=10)
        detail = f"@{me.username} via {settings.telegram_api_base}"
        if settings.telegram_webhook_url:
            info = await bot.get_webhook_info(request_timeout=10)
            if info.url != settings.telegram_webhook_url:
                return Check(
                    "telegram",
                    False,
                    f"{detail}; webhook is {info.url or 'unset'}, "
                    f"expected {settings.telegram_webhook_url}",
                )
            if info.last_error_message:
                return Check(
                    "telegram", False, f"{detail}; webhook error: {info.last_error_message}"
                )
            detail += f"; webhook ok, {info.pending_update_count} pending"
        else:
            detail += "; long polling"
        return Check("telegram", True, detail)
    except Exception as exc:
        return Check("telegram", False, f"{settings.telegram_api_base}: {exc}")
    finally:
        await bot.session.close()


async def check_wecom(settings: Settings) -> Check:
    """An access token from the configured host, and the callback settings present."""
    if not settings.wecom_corp_id:
        return Check("wecom", True, "not configured", optional=True)
    missing = [
        n
        for n in ("wecom_secret", "wecom_token", "wecom_aes_key", "wecom_agent_id")
        if not getattr(settings, n)
    ]
    if missing:
        return Check("wecom", False, "missing " + ", ".join(f"DUBAN_{n.upper()}" for n in missing))
    from bot.channels.wecom.client import WecomClient, call  # noqa: PLC0415

    assert settings.wecom_secret is not None
    client = WecomClient(
        settings.wecom_corp_id, settings.wecom_secret.get_secret_value(), settings.wecom_api_base
    )
    try:
        await asyncio.wait_for(call(client.fetch_access_token), 15)
    except Exception as exc:
        return Check("wecom", False, f"{settings.wecom_api_base}: {exc}")
    finally:
        client.close()
    return Check(
        "wecom", True, f"token from {settings.wecom_api_base}; callback path /wecom/callback"
    )


async def check_calendar(today: date) -> list[Check]:
    """Whether this year and next have official holidays (or admin-entered days)."""
    checks = []
    for year in (today.year, today.year + 1):
        if calendar_knows(year):
            checks.append(Check(f"calendar {year}", True, "official holidays known"))
            continue
        entered = await CalendarDay.filter(
            day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
        ).count()
        checks.append(
            Check(
                f"calendar {year}",
                entered > 0,
                f"{entered} days entered by an admin"
                if entered
                else "unknown: Monday to Friday until entered (duban calendar import)",
            )
        )
    return checks
