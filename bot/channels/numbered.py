"""The numbered-choice fallback for channels without buttons, rendered and read by the adapter.

A pure choice step goes out as numbered lines ("1. 未启动", "2. 推进中" …) and a bare number
answers it; a step that also takes typed input (a percentage, a narrative) lists its options
as words without numbers, because a number typed there is the person's own number. Typing an
option's words picks it at either kind of step.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain.conversation import Button, Choices, Inbound, Outbound
from bot.domain.text import to_halfwidth_digits
from bot.i18n import Translator

_NUMBER = re.compile(r"([0-9\uff10-\uff19]{1,3})[.．、。]?")  # ASCII or full-width digits
_TRAILING = ".．、。"


def render_choices(outbound: Outbound) -> str:
    """The options of ``outbound`` as text, with how to answer, in the reader's locale."""
    tr = Translator(outbound.locale or None)
    options = outbound.options()
    if outbound.pure_choice:
        lines = "\n".join(f"{i}. {b.label}" for i, b in enumerate(options, 1))
        return lines + "\n" + tr.gettext("Reply with the number of your choice.")
    return tr.gettext(
        "You can also reply with: {options}", options=" / ".join(b.label for b in options)
    )


def choice_number(text: str) -> int | None:
    """The number in a bare numeric answer (``2``, ``２``, ``2.``), else None."""
    match = _NUMBER.fullmatch(text.strip())
    return int(to_halfwidth_digits(match.group(1))) if match else None


def chosen(text: str, offered: Choices) -> Button | None:
    """The option a typed answer picks: its words at any step, its number at a pure choice."""
    answer = text.strip()
    for button in offered.options:
        if button.label in (answer, answer.rstrip(_TRAILING)):
            return button
    number = choice_number(answer) if offered.numbered else None
    if number is not None and 1 <= number <= len(offered.options):
        return offered.options[number - 1]
    return None


def as_press(inbound: Inbound, offered: Choices) -> Inbound:
    """A private typed answer to ``offered`` as the button press it stands for; else unchanged."""
    if inbound.kind != "text" or inbound.is_group:
        return inbound
    button = chosen(inbound.text, offered)
    if button is None:
        return inbound
    return replace(inbound, kind="button", payload=button.payload)
