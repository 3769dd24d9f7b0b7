"""Telegram through aiogram 3: HTML rendering, inline keyboards, polling and webhook intake."""
