"""Button payloads: short versioned tokens such as ``v1:s:123:2``, within 64 bytes.

A payload says what a button was meant to do; it is never trusted. Handlers re-check every
id it carries against the person pressing it (their unit, the request's state, its deadline).
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64  # Telegram's limit on callback_data

# Actions: t = open a request (task) for reporting, s = set status, p = set percent,
# f = file a free-text message under a request, c = confirm, e = edit text, x = cancel,
# k = keep the previous narrative, n = skip (no percent / no more files).
# Quarterly summaries (季总结), on a summary version id: a = submit for approval,
# w = rewrite, y = approve (审定), r = return with a comment.
# m = no new progress this month (carry the last status forward), u = replace a stored report
# with an edited message (1) or keep it (0), b = bind with a second code (1) or keep (0),
# l = submit every report read from one message at once.
# On a task itself: g = a leader endorses (1) or not (0) a deadline extension, h = the
# secretariat approves (1) or refuses (0) it; z = a lead unit asks to close a task (销号) on a
# request, q = the secretariat closes it (1) or sends it back (0).
# j = reply to a 督办单 (supervision notice): j:<notice> opens it, j:<notice>:1|0 submits|cancels.
# o = the plan a secretariat command was asked about: o:<plan>:<question> (the command and its
# words are kept with the question in the asker's conversation state).
ACTIONS = frozenset("tspfcexknawyrmublghzqjo")
MAX_ID = 2**31 - 1  # database ids are 32-bit integers


def is_id(value: int) -> bool:
    """Whether ``value`` can be a database id (a forged 999999999999 cannot)."""
    return 0 < value <= MAX_ID


class PayloadError(ValueError):
    """A payload that is not one of ours (forged, truncated, or from an old version)."""


@dataclass(frozen=True, slots=True)
class Payload:
    """A decoded button payload: an action and its integer arguments."""

    action: str
    args: tuple[int, ...] = ()

    def encode(self) -> str:
        """The token form."""
        token = ":".join([VERSION, self.action, *(str(a) for a in self.args)])
        if len(token.encode()) > MAX_BYTES:
            raise PayloadError(token)
        return token


def payload(action: str, *args: int) -> str:
    """Encode a payload token."""
    if action not in ACTIONS:
        raise PayloadError(action)
    return Payload(action, tuple(args)).encode()


def decode(token: str) -> Payload:
    """Decode a token, refusing anything malformed."""
    if len(token.encode()) > MAX_BYTES:
        raise PayloadError("too long")
    parts = token.split(":")
    if len(parts) < 2 or parts[0] != VERSION or parts[1] not in ACTIONS:
        raise PayloadError(token)
    args: list[int] = []
    for part in parts[2:]:
        if not part.isdecimal() or len(part) > 10 or int(part) > MAX_ID:
            raise PayloadError(token)
        args.append(int(part))
    return Payload(parts[1], tuple(args))
