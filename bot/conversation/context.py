"""What a handler works with for one inbound: who is speaking, their locale, state, replies.

Handlers see a :class:`Turn` and the small :class:`Deps` protocol surface (Zulip's bot style);
they never import a channel library.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.delivery.options import KEPT_KEYS
from bot.domain.commands import Registry
from bot.domain.conversation import Button, Inbound, InboundFile, Outbound
from bot.domain.messages import Message
from bot.i18n import Translator, normalise_locale
from bot.storage.models import ChatBinding, Contact, ConversationState


class FileSource(Protocol):
    """Fetches the bytes of a file someone sent, from their channel."""

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        """The file's content."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """What handlers need from outside: the clock, the data folder, the file source."""

    data_dir: Path
    timezone: ZoneInfo
    files: FileSource
    clock: Callable[[], datetime]
    # commands every member of a bound secretariat group may run (DUBAN_GROUP_READS_STATUS)
    group_readable: frozenset[str] = frozenset()


@dataclass(slots=True)
class Turn:
    """One inbound being handled: the speaker, the translator, the replies so far."""

    inbound: Inbound
    deps: Deps
    contact: Contact | None
    chat: ChatBinding | None
    tr: Translator
    now: datetime
    state: ConversationState | None
    commands: Registry  # every chat command (what /help lists)
    replies: list[Outbound] = field(default_factory=list)

    @classmethod
    async def load(cls, inbound: Inbound, deps: Deps, commands: Registry) -> Turn:
        """Look up the speaker's binding, the chat's binding and the stored state."""
        contact = (
            await Contact.filter(identity=inbound.identity, active=True)
            .select_related("unit")
            .order_by("-id")
            .first()
        )
        chat = None
        if inbound.is_group:
            chat = await ChatBinding.get_or_none(identity=inbound.chat_identity, active=True)
        locale = (
            contact.locale
            if contact
            else chat.locale
            if chat
            else normalise_locale(inbound.language)
        )
        state = await ConversationState.get_or_none(identity=inbound.identity)
        return cls(inbound, deps, contact, chat, Translator(locale), deps.clock(), state, commands)

    @property
    def today(self) -> date:
        """Today in the deployment's time zone."""
        return self.now.astimezone(self.deps.timezone).date()

    def _(self, msgid: str, **params: object) -> str:
        """Translate into the speaker's locale."""
        return self.tr.gettext(msgid, **params)

    def say(self, message: Message) -> str:
        """Render a message value in the speaker's locale."""
        return self.tr.render(message)

    def reply(
        self,
        text: str,
        *,
        title: str = "",
        buttons: tuple[tuple[Button, ...], ...] = (),
        notice: str = "",
        free_input: bool = False,
    ) -> None:
        """Answer in the chat; the first answer to a pressed button replaces its message.

        ``free_input``: the step also takes typed input, so its buttons are only shortcuts
        (see :class:`Outbound`); a step with buttons and without it is a pure choice.
        """
        replaces = None
        if self.inbound.kind == "button" and not self.replies:
            replaces = self.inbound.message_ref
        self.replies.append(
            Outbound(
                text=text,
                title=title,
                buttons=buttons,
                replaces=replaces,
                notice=notice,
                locale=self.tr.locale,
                free_input=free_input,
            )
        )

    def refuse(self, text: str) -> None:
        """A refusal or a stale press: said (as a notice too, where the channel has one),
        leaving the message whose button was pressed as it was."""
        notice = text if self.inbound.kind == "button" else ""
        self.replies.append(Outbound(text=text, notice=notice, locale=self.tr.locale))

    def send(self, outbound: Outbound) -> None:
        """Queue a prepared message as a reply."""
        self.replies.append(
            outbound if outbound.locale else replace(outbound, locale=self.tr.locale)
        )

    # -- conversation state ------------------------------------------------------------

    @property
    def flow(self) -> str:
        """The flow the speaker is in ('' when none)."""
        return self.state.flow if self.state else ""

    @property
    def data(self) -> dict[str, Any]:
        """The flow's data (a copy is never needed: save with :meth:`set_flow`)."""
        return dict(self.state.data) if self.state else {}

    async def set_flow(self, flow: str, data: dict[str, Any]) -> None:
        """Store where the speaker is."""
        kept = {k: v for k, v in self.data.items() if k in KEPT_KEYS}  # the channel's choices
        payload = {**data, **kept}
        if self.state is None:
            self.state = await ConversationState.create(
                identity=self.inbound.identity, flow=flow, data=payload
            )
        else:
            self.state.flow, self.state.data = flow, payload
            await self.state.save(update_fields=["flow", "data", "updated_at"])

    async def clear_flow(self) -> None:
        """Leave any flow (the options last offered stay until the next step replaces them)."""
        if self.state is not None and (self.state.flow or set(self.state.data) - KEPT_KEYS):
            await self.set_flow("", {})


Handler = Callable[[Turn], Awaitable[None]]  # a chat command's handler
