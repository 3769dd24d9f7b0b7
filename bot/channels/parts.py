"""An Outbound split into the parts it goes out in, one channel message each (``split``).

The sender paces each part on its own (``bot.delivery.sender``): a long text's pieces wait for
the recipient's window like separate messages instead of going back to back (WeCom drops what
exceeds 30 a minute per member, silently). A channel gives its text parts without the buttons
(each renders as one message) and whether a part fits one message; here the buttons go on the
last text part (or alone after it), the flow's ``replaces`` on the first, the files after.

A text of more than ``MAX_TEXT_PIECES`` pieces is not sent piece by piece: its first piece goes
with a note that the full text is attached, then the full text as a .txt file. That file is
made from the message itself at send time: its ``OutFile.path`` is ``INLINE`` and the text
(:func:`inline_content`), so nothing is written to disk and a retry sends the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.domain.conversation import Outbound, OutFile
from bot.i18n import Translator

MAX_TEXT_PIECES = 4  # more pieces than this: the first piece and the full text as a file
INLINE = "inline:"  # OutFile.path prefix of a file whose content follows it (the full text)


def inline_content(file: OutFile) -> bytes | None:
    """The content of a file made from the message's own text, else None (a file on disk)."""
    return file.path.removeprefix(INLINE).encode() if file.path.startswith(INLINE) else None


def _plain(part: Outbound) -> str:
    return f"{part.title}\n{part.text}" if part.title and part.text else part.title or part.text


def _with_note(first: Outbound, note: str, fits: Callable[[Outbound], bool]) -> Outbound:
    """``first`` with ``note`` after it, its last lines (then characters) dropped to fit."""
    text = first.text
    while text:
        candidate = replace(first, text=f"{text}\n{note}")
        if fits(candidate):
            return candidate
        head, cut, _ = text.rpartition("\n")
        text = head if cut else text[: max(len(text) - 64, 0)]
    return replace(first, text=note)


def split(
    outbound: Outbound,
    texts: list[Outbound],
    fits: Callable[[Outbound], bool],
    *,
    replaces_on_first: bool,
    last: Outbound | None = None,
) -> list[Outbound]:
    """The parts of ``outbound``: ``texts`` (its text in the channel's pieces, no buttons),
    capped at ``MAX_TEXT_PIECES``, the buttons on the last (or ``last``, a part that carries
    them itself: a card), then each file alone.

    ``replaces_on_first``: the first part keeps ``replaces`` (WeCom marks the clicked card with
    it); otherwise only a text of one part does (Telegram edits that message in place).
    """
    to, locale = outbound.recipient, outbound.locale
    parts = [replace(p, recipient=to, locale=locale) for p in texts]
    attached: list[Outbound] = []
    if len(parts) > MAX_TEXT_PIECES:
        tr = Translator(locale or None)
        full = "\n".join(_plain(p) for p in parts)
        name = tr.gettext("Full text") + ".txt"
        note = tr.gettext("(The full text is in the attached file.)")
        parts = [_with_note(parts[0], note, fits)]
        attached = [Outbound(text="", files=(OutFile(INLINE + full, name, "text/plain"),))]
    if last is not None:
        parts.append(last)
    elif outbound.buttons or outbound.free_input or not (parts or outbound.files):
        step = Outbound(
            text="", buttons=outbound.buttons, free_input=outbound.free_input, locale=locale
        )
        ending = parts[-1] if parts else None
        if ending is not None:
            ending = replace(ending, buttons=step.buttons, free_input=step.free_input)
        if ending is not None and fits(ending):
            parts[-1] = ending
        else:
            parts.append(step)
    if outbound.replaces and parts and (replaces_on_first or len(parts) == 1):
        parts[0] = replace(parts[0], replaces=outbound.replaces)
    files = [Outbound(text="", files=(file,)) for file in outbound.files]
    return [replace(part, recipient=to, locale=locale) for part in (*parts, *attached, *files)]
