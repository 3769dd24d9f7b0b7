"""Outbound → Telegram: escaped HTML in pieces of at most 4096 characters, inline keyboards."""

from __future__ import annotations

import html
from typing import Any

from bot.channels.text import split_lines
from bot.domain.conversation import Outbound

MAX_CHARS = 4096  # counted after entities are parsed, in UTF-16 code units (🔴 is two)


def telegram_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """User-supplied text made inert for parse_mode=HTML."""
    return html.escape(text, quote=False)


def render_pieces(outbound: Outbound) -> list[str]:
    """The HTML messages an outbound becomes (the keyboard goes under the last one)."""
    body = escape(outbound.text)
    if outbound.title:
        body = (
            f"<b>{escape(outbound.title)}</b>\n{body}"
            if body
            else f"<b>{escape(outbound.title)}</b>"
        )
    return split_lines(
        body or "…", MAX_CHARS, size=lambda s: telegram_length(html.unescape(_strip_tags(s)))
    )


def _strip_tags(value: str) -> str:
    return value.replace("<b>", "").replace("</b>", "")


def keyboard(outbound: Outbound) -> dict[str, Any] | None:
    """The buttons as an inline keyboard, the Bot API's JSON (labels are plain text, payloads
    ≤ 64 bytes): built as plain values, not aiogram's models, on every message sent."""
    if not outbound.buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.label[:64], "callback_data": b.payload} for b in row]
            for row in outbound.buttons
        ]
    }
