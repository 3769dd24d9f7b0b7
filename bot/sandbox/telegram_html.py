"""Telegram's parse_mode=HTML rules, strictly: allowed tags, balanced, known entities.

Returns the visible text (what the 4096-character limit counts) or raises with the error
description the Bot API gives.
"""

from __future__ import annotations

import re

ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityError(ValueError):
    """The text would be refused: ``Bad Request: can't parse entities: …``."""


def _close(stack: list[str], name: str) -> None:
    if not stack or stack[-1] != name:
        opened = stack[-1] if stack else name
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{opened}"')
    stack.pop()


def _entity(value: str) -> str:
    if value.startswith("#x"):
        return chr(int(value[2:], 16))
    if value.startswith("#"):
        return chr(int(value[1:]))
    return NAMED[value]


def visible_text(markup: str) -> str:
    """The text a reader sees; :class:`EntityError` where Telegram would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(markup):
        ch = markup[i]
        offset = len(markup[:i].encode("utf-8"))
        if ch == "<":
            match = _TAG.match(markup, i)
            if match is None:
                raise EntityError(f"Unexpected end of name token at byte offset {offset}")
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                _close(stack, name)
            else:
                stack.append(name)
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(markup, i)
            if match is None:
                raise EntityError(f"Unknown entity at byte offset {offset}")
            out.append(_entity(match.group(1)))
            i = match.end()
        else:  # a bare '>' is tolerated, like any other character
            out.append(ch)
            i += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_length(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
