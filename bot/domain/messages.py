"""Translatable messages as data: a gettext message id with its parameters, rendered at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now."""
    return msgid


@dataclass(frozen=True, slots=True)
class Message:
    """A user-facing sentence: ``msgid`` is English source text with ``{name}`` placeholders."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


def msg(msgid: str, **params: Any) -> Message:
    """Build a :class:`Message`; ``msgid`` must be a literal wrapped in ``N_`` for extraction."""
    return Message(msgid, params)
