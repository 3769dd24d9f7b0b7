"""What protects the board's sign-in: where a POST comes from, and failed attempts per client.

**Origin.** A sign-in (or sign-out) POST must come from the board's own pages: another site
could otherwise sign a browser into someone else's session (login CSRF). A browser names the
page's origin in ``Origin`` (the board's pages send it: their referrer policy is
``same-origin``), or at least says ``Sec-Fetch-Site``; a POST that names another origin, or
says it is cross-site, or hides its origin (``null``) with nothing else, is refused. A client
that sends neither header is no browser, so no victim of CSRF.

**Failed attempts.** Link and session tokens are 256-bit, so guessing is hopeless with or
without a limit; the limit only keeps one client from hammering the sign-in. It counts
failures per client address and only where that address is known: behind a reverse proxy
every request comes from the proxy, and counting those would let ten junk requests lock
everyone out. So nothing is counted unless ``DUBAN_TRUSTED_PROXY`` names the proxies whose
``X-Forwarded-For`` is believed; then the client is the rightmost address no trusted proxy
added, and a request straight from elsewhere counts under its own address. Old addresses are
pruned; the table is also capped. The counts are this process's, which is all they need.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

FAILURES = (10, 60.0)  # failed sign-ins per client and window (seconds)
CLIENTS = 10_000  # client addresses kept at most; the least recently seen go first
SAME_SITE = "same-origin"


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an address, as a browser writes ``Origin`` (no default port)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = "" if parts.port in (None, default) else f":{parts.port}"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}"


def from_own_page(request: web.Request, public_url: str) -> bool:
    """Whether a POST comes from the board's own pages (see the module's text)."""
    origin = request.headers.get("Origin", "").strip().lower()
    if origin and origin != "null":
        own = {origin_of(public_url), origin_of(f"{request.scheme}://{request.host}")}
        return origin in own - {""}
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == SAME_SITE
    return not origin  # "null" and nothing else: a page that hid where it is


def trusted_proxies(setting: str | None) -> frozenset[str]:
    """The proxy addresses of ``DUBAN_TRUSTED_PROXY`` (comma- or space-separated)."""
    return frozenset(a for a in (setting or "").replace(",", " ").split() if a)


@dataclass
class Failures:
    """Failed sign-ins per client over a sliding window, when the client can be told."""

    trusted: frozenset[str] = frozenset()
    limit: int = FAILURES[0]
    window: float = FAILURES[1]
    clients: int = CLIENTS
    seen: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    def client(self, request: web.Request) -> str | None:
        """The address to count under; None when it cannot be told (no trusted proxy)."""
        if not self.trusted:
            return None
        remote = request.remote or ""
        if remote not in self.trusted:
            return remote
        chain = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        return next((a for a in reversed(chain) if a and a not in self.trusted), remote)

    def _prune(self, now: float) -> None:
        while self.seen:
            oldest_key = next(iter(self.seen))
            times = self.seen[oldest_key]
            if len(self.seen) <= self.clients and times and now - times[-1] <= self.window:
                break
            del self.seen[oldest_key]  # least recently failed first: stale, or over the cap

    def blocked(self, request: web.Request) -> bool:
        """Whether the request's client has failed too often lately."""
        key = self.client(request)
        if key is None or key not in self.seen:
            return False
        now, times = time.monotonic(), self.seen[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return len(times) >= self.limit

    def failed(self, request: web.Request) -> None:
        """Count a failed sign-in against the request's client."""
        key = self.client(request)
        if key is None:
            return
        now = time.monotonic()
        times = self.seen.pop(key, None) or deque()
        times.append(now)
        self.seen[key] = times  # to the end: the most recently seen
        self._prune(now)
