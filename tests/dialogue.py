"""A dialogue harness for the neutral handlers: people say things, the bot's answers are read.

Tests read as tables of (who, what they do, what the bot answers), Zulip-bot style. The only
fake is at the edge: files "sent" by a person come from a dict instead of a chat server.
People on WeCom go through the real WeCom adapter's numbered-choice fallback as the intake and
the sender would use it: each answer to them is noted as sent, each typed reply is read
against the last step before the handlers see it. Slow work a handler deferred (an export, a
digest) runs when the table says so (:data:`JOBS`, :meth:`Dialogue.jobs`), through the real
job worker, and its answers are read back from the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.channels.wecom.adapter import WecomChannel
from bot.channels.wecom.client import WecomClient
from bot.conversation.context import Deps
from bot.conversation.registry import text_inbound
from bot.conversation.router import handle
from bot.delivery.channel import Channel
from bot.delivery.choices import note_sent, read_choice
from bot.delivery.jobs import JobWorker
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Inbound, InboundFile, Outbound
from bot.storage.models import OutboxMessage

TZ = ZoneInfo("Asia/Shanghai")
SEPARATOR = "\n---\n"  # between the answers to one action, as :meth:`Dialogue._run` joins them
JOBS = "…"  # a table's action: the deferred jobs run; the answer is what they queued for who


def reply(text: str, title: str = "") -> str:
    """One answer as the dialogue harness shows it: its title line, then its text."""
    return f"{title}\n{text}"


def replies(*answers: str) -> str:
    """Several answers to one action, in order, as the dialogue harness joins them."""
    return SEPARATOR.join(answers)


@dataclass(frozen=True)
class Contains:
    """An expected answer whose text is genuinely variable: only ``text`` must appear in it."""

    text: str


class DictFiles:
    """Files people sent, by reference."""

    def __init__(self) -> None:
        self.content: dict[str, bytes] = {}
        self.fetched: list[str] = []  # the references the handlers fetched, in order

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        self.fetched.append(file.ref)
        return self.content[file.ref]


@dataclass
class Clock:
    """A clock the test moves."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 9, 0, tzinfo=TZ))

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Person:
    """Someone in a chat: ``wecom:zhangsan`` or ``telegram:1001``."""

    identity: str
    name: str = ""
    group: str | None = None  # speak in this group chat instead of privately
    language: str | None = "en"  # the hint a channel gives; a binding decides after

    @property
    def channel(self) -> str:
        return self.identity.split(":", 1)[0]

    @property
    def sender(self) -> str:
        return self.identity.split(":", 1)[1]


class Dialogue:
    """Drives :func:`bot.conversation.router.handle` and remembers each person's last answers."""

    def __init__(self, data_dir: Path) -> None:
        self.clock = Clock()
        self.files = DictFiles()
        self.deps = Deps(data_dir=data_dir, timezone=TZ, files=self.files, clock=self.clock)
        self.last: dict[str, list[Outbound]] = {}
        self._refs = 0
        # channels without buttons, whose adapter reads typed answers (never sends here)
        offline = WecomClient("ww-dialogue", "secret", "http://127.0.0.1:9")
        self.channels: dict[str, Channel] = {"wecom": WecomChannel(offline, 1, data_dir)}

    def _inbound(self, who: Person, **fields: object) -> Inbound:
        return Inbound(
            channel=who.channel,
            sender=who.sender,
            chat=who.group or who.sender,
            display_name=who.name,
            language=who.language,
            is_group=who.group is not None,
            **fields,  # type: ignore[arg-type]
        )

    async def _run(self, who: Person, inbound: Inbound) -> str:
        channel = self.channels.get(who.channel)
        if channel is not None:
            inbound = await read_choice(channel, inbound)
        answers = await handle(inbound, self.deps)
        mine = [r for r in answers if r.recipient in (None, who.identity)]
        if channel is not None and who.group is None:
            for answer in mine:  # as the sender notes them, in order
                await note_sent(channel, who.identity, answer)
        if any(r.buttons for r in mine):  # older buttons stay pressable in the chat
            self.last[who.identity] = mine
        for i, other in enumerate(r for r in answers if r.recipient not in (None, who.identity)):
            assert other.recipient is not None
            await enqueue(f"test:{id(other)}:{i}", other.recipient, other, now=self.clock())
        return replies(*(reply(r.text, r.title) for r in answers))

    async def says(self, who: Person, text: str, ref: str | None = None) -> str:
        """``who`` types ``text`` (as the message ``ref``, to edit it later); the answers."""
        inbound = text_inbound(
            channel=who.channel,
            sender=who.sender,
            chat=who.group or who.sender,
            text=text,
            display_name=who.name,
            language=who.language,
            is_group=who.group is not None,
            message_ref=ref,
        )
        return await self._run(who, inbound)

    async def edits(self, who: Person, ref: str, text: str) -> str:
        """``who`` changes their message ``ref`` to ``text``."""
        return await self._run(who, self._inbound(who, kind="edit", text=text, message_ref=ref))

    async def sends_voice(self, who: Person) -> str:
        """``who`` sends a voice message."""
        return await self._run(who, self._inbound(who, kind="voice"))

    async def run_jobs(self) -> list[OutboxMessage]:
        """Run every deferred job that is due with the real job worker; what they queued."""
        before = await OutboxMessage.filter(key__startswith="job:").values_list("id", flat=True)
        await JobWorker(self.deps).process_pending()
        queued = await OutboxMessage.filter(key__startswith="job:").exclude(id__in=list(before))
        # in the order they were asked for (jobs run two at a time and may finish either way)
        return sorted(queued, key=lambda m: (int(m.key.split(":")[1]), m.key))

    async def jobs(self, who: Person) -> str:
        """The deferred jobs run; the answers they queued for ``who`` (or their group)."""
        chat = f"{who.channel}:{who.group}" if who.group else who.identity
        queued = [Outbound.from_json(m.payload) for m in await self.run_jobs()
                  if m.recipient == chat]  # fmt: skip
        return replies(*(reply(r.text, r.title) for r in queued))

    def buttons(self, who: Person) -> list[tuple[str, str]]:
        """(label, payload) of the buttons in the last answers to ``who``."""
        return [(b.label, b.payload) for o in self.last.get(who.identity, []) for b in o.options()]

    async def presses(self, who: Person, label: str) -> str:
        """``who`` presses the button labelled ``label``, or the one button containing it."""
        buttons = self.buttons(who)
        matches = [p for lab, p in buttons if lab == label]
        if not matches:
            matches = [p for lab, p in buttons if label in lab]
        assert matches, f"no button {label!r} in {buttons}"
        assert len(matches) == 1, f"{len(matches)} buttons match {label!r} in {buttons}"
        return await self.sends_payload(who, matches[0])

    async def sends_payload(self, who: Person, payload: str) -> str:
        """``who`` presses a button carrying ``payload`` (possibly forged)."""
        self._refs += 1
        inbound = self._inbound(who, kind="button", payload=payload, message_ref=str(self._refs))
        return await self._run(who, inbound)

    async def sends_file(
        self, who: Person, content: bytes, name: str = "photo.jpg", caption: str = ""
    ) -> str:
        """``who`` sends a photo (with a caption, where the channel has one)."""
        ref = f"file-{len(self.files.content)}"
        self.files.content[ref] = content
        file = InboundFile(kind="photo", ref=ref, name=name, size=len(content), mime="image/jpeg")
        inbound = self._inbound(who, kind="file", file=file, text=caption)
        return await self._run(who, inbound)


async def run_table(dialogue: Dialogue, table: list[tuple[Person, str, str | Contains]]) -> None:
    """Play (who, action, expected) rows: action is text, ``[label]`` presses, ``@file`` sends,
    :data:`JOBS` runs the deferred jobs (the answer: what they queued for who).

    ``expected`` is the whole answer (:func:`reply`, :func:`replies`); ``""`` expects no
    answer at all; ``Contains(text)``, for genuinely variable answers, only that ``text``
    appears in it.
    """
    for row, (who, action, expected) in enumerate(table, 1):
        if action.startswith("[") and action.endswith("]"):
            answer = await dialogue.presses(who, action[1:-1])
        elif action == JOBS:
            answer = await dialogue.jobs(who)
        elif action.startswith("@"):
            answer = await dialogue.sends_file(who, action.encode() * 100, action[1:])
        else:
            answer = await dialogue.says(who, action)
        if isinstance(expected, Contains):
            assert expected.text in answer, (
                f"row {row} {action!r}: {expected.text!r} not in {answer!r}"
            )
        else:
            assert answer == expected, (
                f"row {row} {action!r}: expected {expected!r}, got {answer!r}"
            )
