"""Outbound → what WeCom shows: text of at most 2048 bytes with the options listed, or a card,
and the parts a message goes out in (one API message each; ``bot.channels.parts``)."""

from __future__ import annotations

from dataclasses import replace

from bot.channels.numbered import render_choices
from bot.channels.parts import split
from bot.channels.text import split_lines
from bot.channels.wecom.cards import render_card
from bot.domain.conversation import Outbound

MAX_TEXT_BYTES = 2048


def render_text(outbound: Outbound) -> str:
    """The whole message as WeCom text: title, body, the choices and how to answer."""
    parts = []
    if outbound.title:
        parts.append(f"【{outbound.title}】")
    if outbound.text:
        parts.append(outbound.text)
    if outbound.buttons:
        parts.append(render_choices(outbound))
    return "\n".join(parts) or "…"


def text_pieces(text: str) -> list[str]:
    """``text`` in pieces of at most 2048 bytes, cut between lines."""
    return split_lines(text, MAX_TEXT_BYTES, size=lambda s: len(s.encode()))


def _fits(part: Outbound) -> bool:
    return len(text_pieces(render_text(part))) == 1


def parts_of(outbound: Outbound, *, as_card: bool) -> list[Outbound]:
    """The parts of ``outbound``, one API message each: its text in pieces of 2048 bytes with
    the options listed on the last, or the card's lead text then the card (a part that shows
    only what the card holds), then each file; the clicked card's ``replaces`` on the first."""
    if as_card:
        message = render_card(outbound, "")
        card = message.card
        shown = card.get("sub_title_text") or card["main_title"].get("desc", "")
        the_card = replace(
            outbound, title=card["main_title"]["title"], text=shown, files=(), replaces=None
        )
        texts = [Outbound(text=p) for p in text_pieces(message.lead)] if message.lead else []
        return split(outbound, texts, _fits, replaces_on_first=True, last=the_card)
    plain = replace(outbound, buttons=(), free_input=False)
    has_text = bool(outbound.title or outbound.text)
    texts = [Outbound(text=p) for p in text_pieces(render_text(plain))] if has_text else []
    return split(outbound, texts, _fits, replaces_on_first=True)
