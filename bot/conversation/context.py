"""What a handler works with for one inbound: who is speaking, their locale, state, replies.

Handlers see a :class:`Turn` and the small :class:`Deps` protocol surface (Zulip's bot style);
they never import a channel library.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.conversation.speakers import Speaker, speakers
from bot.delivery.options import KEPT_KEYS
from bot.domain.commands import Registry
from bot.domain.conversation import Button, Inbound, InboundFile, Outbound
from bot.domain.messages import Message
from bot.i18n import Translator, normalise_locale
from bot.storage.models import ChatBinding, Contact, ConversationState

PendingStates = list[ConversationState]  # speakers' new states a batch writes together


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
    # the status board's address as browsers reach it ('' when it has none): /board links
    board_url: Callable[[], str] = str


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
    unsaved: bool = False  # the state was set during the turn and is not written yet
    summary_waiting: bool = True  # whether a quarterly summary of the unit may wait for them
    # requests read (and authorised) during this turn, by id: a later step of the same turn,
    # in the same transaction, takes them from here instead of reading them again
    requests: dict[int, Any] = field(default_factory=dict)
    # the unit's open requests as this turn listed them (read from the same transaction), by id
    listed: dict[int, Any] = field(default_factory=dict)

    @classmethod
    async def load(
        cls, inbound: Inbound, deps: Deps, commands: Registry, speaker: Speaker | None = None
    ) -> Turn:
        """Look up the speaker's binding (with its unit) and stored state in one query (or
        take them as a batch read them: ``speaker``), and in a group the chat's binding."""
        if speaker is None:
            speaker = (await speakers([inbound.identity]))[inbound.identity]
        contact, state = speaker.contact, speaker.state
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
        turn = cls(inbound, deps, contact, chat, Translator(locale), deps.clock(), state, commands)
        turn.summary_waiting = speaker.summary_waiting
        return turn

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
        """Note where the speaker is; written once when the turn is over (:meth:`save`), so
        a handler moving through several steps in one turn costs one statement."""
        kept = {k: v for k, v in self.data.items() if k in KEPT_KEYS}  # the channel's choices
        payload = {**data, **kept}
        if self.state is None:
            self.state = ConversationState(identity=self.inbound.identity, flow=flow, data=payload)
        else:
            self.state.flow, self.state.data = flow, payload
        self.unsaved = True

    async def save(self) -> None:
        """Write the state the turn set, in one statement (inserted or updated); the router
        calls it when the handler is done, inside the update's transaction."""
        state = self.unsaved_state()
        if state is not None:
            await save_states([state])

    def unsaved_state(self) -> ConversationState | None:
        """The state the turn set and did not write yet, counted as written from now on: for
        a caller that writes a batch's states together (:func:`save_states`)."""
        if not self.unsaved or self.state is None:
            return None
        self.unsaved = False
        return self.state

    async def clear_flow(self) -> None:
        """Leave any flow (the options last offered stay until the next step replaces them)."""
        if self.state is not None and (self.state.flow or set(self.state.data) - KEPT_KEYS):
            await self.set_flow("", {})


Handler = Callable[[Turn], Awaitable[None]]  # a chat command's handler


async def save_states(states: PendingStates) -> None:
    """Write speakers' states in one statement, each inserted or updated (one per identity:
    the last given), and give each its id."""
    last = {state.identity: state for state in states}
    if not last:
        return
    field = ConversationState._meta.fields_map["data"]
    db = ConversationState._meta.db
    at = datetime.now(UTC)
    values: list[Any] = []
    for state in last.values():
        values += [state.identity, state.flow, field.to_db_value(state.data, state), at]
    sql = _save_sql(str(db.capabilities.dialect) == "postgres", len(last))
    for row in await db.execute_query_dict(sql, values):
        last[row["identity"]].id = row["id"]


@cache
def _save_sql(postgres: bool, count: int) -> str:
    """``count`` speakers' states, inserted or updated in one statement."""
    rows = ", ".join(
        "(" + ", ".join(f"${4 * r + i}" if postgres else "?" for i in range(1, 5)) + ")"
        for r in range(count)
    )
    return (  # names and placeholders only: the values are bound
        'INSERT INTO "conversation_state" ("identity", "flow", "data", "updated_at") '  # noqa: S608
        f"VALUES {rows} "
        'ON CONFLICT ("identity") DO UPDATE SET "flow" = EXCLUDED."flow", '
        '"data" = EXCLUDED."data", "updated_at" = EXCLUDED."updated_at" '
        'RETURNING "id", "identity"'
    )
