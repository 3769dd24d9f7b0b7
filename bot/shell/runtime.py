"""What every CLI command gets from the composition root: settings, translator, consoles."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from bot.config import Settings
from bot.domain.errors import RefusedError
from bot.domain.localtime import local_iso, local_text
from bot.domain.messages import N_, Message, msg
from bot.i18n import LOCALES, Translator
from bot.storage.db import (
    CONNECT_TIMEOUT,
    SchemaState,
    failure_reason,
    is_sqlite,
    open_database,
    schema_state,
    upgrade_schema,
    where,
)

T = TypeVar("T")
EXIT_REFUSED = 2  # the input was refused: one sentence on stderr, nothing written


class WecomApi(Protocol):
    """The WeCom calls the CLI makes (the composition root supplies wechatpy's, off the loop)."""

    async def create_chat(self, name: str, owner: str, members: list[str]) -> str:
        """Create an app group chat (应用群聊); its chatid."""

    async def address_book(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The departments the app may see, and their members."""

    def close(self) -> None:
        """Release the HTTP connections."""


@dataclass(slots=True)
class Runtime:
    """The objects the composition root builds once and hands to every command."""

    settings: Settings
    translator: Translator
    out: Console
    err: Console
    debug: bool = False  # --debug: tracebacks and debug logging
    wecom_api: Callable[[Settings], WecomApi] | None = None  # given by the composition root

    def say(self, message: Message) -> str:
        """Render a message in the operator's locale."""
        return self.translator.render(message)

    def fail(self, message: Message) -> NoReturn:
        """Print one localized sentence on stderr and exit with status 2."""
        self.err.print(self.say(message), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_REFUSED)

    def locale_option(self, value: str | None) -> str:
        """A ``--locale`` option: the deployment's language when absent, refused when unknown."""
        chosen = value or self.settings.default_locale
        if chosen not in LOCALES:
            self.fail(msg(N_("Unknown locale “{locale}”: use zh_CN, zh_TW or en."), locale=chosen))
        return chosen

    def wecom(self) -> WecomApi:
        """The WeCom API of the configured app (refused when WeCom is not set up)."""
        settings = self.settings
        if not (settings.wecom_corp_id and settings.wecom_secret) or self.wecom_api is None:
            self.fail(
                msg(N_("WeCom is not configured: set DUBAN_WECOM_CORP_ID and DUBAN_WECOM_SECRET."))
            )
        return self.wecom_api(settings)

    def now(self) -> datetime:
        """The current time (aware, UTC)."""
        return datetime.now(UTC)

    @property
    def zone(self) -> ZoneInfo:
        """The deployment's time zone (``DUBAN_TIMEZONE``)."""
        return ZoneInfo(self.settings.timezone)

    def today(self) -> date:
        """Today in the deployment's time zone."""
        return self.now().astimezone(self.zone).date()

    def local(self, at: datetime, *, seconds: bool = False) -> str:
        """A stored time as the operator reads it: local, ``2026-11-24 13:05``."""
        return local_text(at, self.zone, seconds=seconds)

    def iso(self, at: datetime) -> str:
        """A stored time for JSON output: ISO 8601 with the local offset."""
        return local_iso(at, self.zone)

    def tell(self, message: Message) -> None:
        """Print one localized sentence on stdout (the operator's locale, no markup)."""
        self.out.print(self.say(message), markup=False)

    def unwritable(self, exc: OSError, path: Path) -> NoReturn:
        """One sentence for a file that cannot be written, and exit 2."""
        self.fail(
            msg(
                N_("The file {name} cannot be written: {reason}."),
                name=str(exc.filename or path),
                reason=exc.strerror or str(exc),
            )
        )

    def write_file(self, path: Path, write: Callable[[Path], object]) -> None:
        """Write ``path`` with ``write``, its folder created; one sentence when it cannot be."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path)
        except OSError as exc:
            self.unwritable(exc, path)

    def json(self, value: Any) -> None:
        """Print ``value`` as JSON on stdout (``--json``), Chinese kept as written."""
        self.out.print_json(json.dumps(value, ensure_ascii=False))

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a command's async body; a use case's refusal is one sentence and exit 2."""
        try:
            return asyncio.run(coro)
        except RefusedError as refused:
            self.fail(refused.message)

    async def schema(self, url: str) -> SchemaState:
        """The schema's state; one sentence and exit 2 when the database cannot be reached."""
        try:
            return await asyncio.wait_for(schema_state(url), CONNECT_TIMEOUT + 5)
        except Exception as exc:
            self.fail(
                msg(
                    N_("The database at {where} cannot be reached: {reason}."),
                    where=where(url),
                    reason=failure_reason(exc),
                )
            )

    @asynccontextmanager
    async def database(self) -> AsyncIterator[None]:
        """Open the database, creating the embedded SQLite schema on first use.

        PostgreSQL is never migrated implicitly: several processes may share it, so an
        out-of-date schema is reported and ``duban init`` is left to the operator.
        """
        url = self.settings.database_url
        state = await self.schema(url)
        if is_sqlite(url):
            if state.pending:
                await upgrade_schema(url)
        elif state.missing:
            self.fail(
                msg(
                    N_("The database at {where} has no Duban tables yet; run “duban init”."),
                    where=where(url),
                )
            )
        elif state.pending:
            self.fail(
                msg(
                    N_(
                        "The database schema is not current ({count} migrations "
                        "pending); run “duban init” first."
                    ),
                    count=state.pending,
                )
            )
        async with open_database(url):
            yield


def runtime(ctx: typer.Context) -> Runtime:
    """The runtime the ``duban`` callback stored on the click context."""
    value = ctx.find_root().obj
    assert isinstance(value, Runtime)
    return value
