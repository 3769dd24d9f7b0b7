"""The channel-neutral conversation vocabulary: one ``Inbound`` in, ``Outbound`` messages out.

Channel adapters turn their wire format into an :class:`Inbound` and render each
:class:`Outbound` natively (Rasa's connector style); handlers see nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# "voice": a voice message (never stored: we ask for text); "edit": a sent message changed
# (``text`` is the new text, ``message_ref`` the message); "other": what we cannot read.
InboundKind = Literal["text", "command", "button", "file", "voice", "edit", "other"]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show, declared by its adapter on the channel port.

    ``buttons``: choices under a message that send a payload when pressed (else the adapter
    lists them as numbered lines and reads the answer); ``edits``: a message can be changed in
    place after a press; ``cards``: rich template cards (WeCom 模板卡片).
    """

    buttons: bool
    edits: bool
    cards: bool


@dataclass(frozen=True, slots=True)
class InboundFile:
    """A photo or document someone sent: the channel's reference, fetched on demand."""

    kind: Literal["photo", "document"]
    ref: str
    name: str = ""
    size: int | None = None
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a person did in a chat, whatever the channel."""

    channel: str
    sender: str  # the person's id on the channel
    chat: str  # the chat's id on the channel (equal to sender in a private chat)
    kind: InboundKind
    text: str = ""  # typed text; a file's caption
    command: str = ""
    args: str = ""
    payload: str = ""  # a button's payload token
    file: InboundFile | None = None
    display_name: str = ""
    language: str | None = None
    message_ref: str | None = None  # the message a button sits on; the message sent or edited
    is_group: bool = False

    @property
    def identity(self) -> str:
        """The person, as ``channel:external_id``."""
        return f"{self.channel}:{self.sender}"

    @property
    def chat_identity(self) -> str:
        """The chat, as ``channel:external_id``."""
        return f"{self.channel}:{self.chat}"


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered under a message; ``payload`` is a short token (see ``payloads``)."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class OutFile:
    """A file to send: a path under the data folder, with the name the reader sees."""

    path: str
    name: str
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message to send: plain text (the channel escapes it), buttons in rows, files.

    ``title`` is shown emphasised where the channel can. ``replaces`` names the message a
    pressed button sat on, so channels that can edit advance the flow in place.
    ``recipient`` is None for a reply to the chat the inbound came from.

    ``free_input`` marks a step that also takes typed input (a percentage, a narrative, a
    comment): its buttons are shortcuts, and a number typed there is that number, never
    option N. A message with buttons and without ``free_input`` is a pure choice step (a
    status, a task from a list, submit or change), where channels without buttons read a
    bare number as the option it numbers. See :attr:`pure_choice`.
    """

    text: str
    title: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    files: tuple[OutFile, ...] = ()
    replaces: str | None = None
    recipient: str | None = None
    notice: str = ""  # a short toast answering a button press, where the channel has one
    locale: str = ""  # the reader's locale, for what a channel adds (numbered-choice hints)
    free_input: bool = False

    def to_json(self) -> dict[str, Any]:
        """The outbox form: what ``dataclasses.asdict`` gives, lists for tuples, built
        directly (it runs for every message queued; asdict copies each value deeply)."""
        return {
            "text": self.text,
            "title": self.title,
            "buttons": [
                [{"label": b.label, "payload": b.payload} for b in row] for row in self.buttons
            ],
            "files": [{"path": f.path, "name": f.name, "mime": f.mime} for f in self.files],
            "replaces": self.replaces,
            "recipient": self.recipient,
            "notice": self.notice,
            "locale": self.locale,
            "free_input": self.free_input,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outbound:
        """Back from the outbox form."""
        return cls(
            text=data["text"],
            title=data.get("title", ""),
            buttons=tuple(
                tuple(Button(b["label"], b["payload"]) for b in row)
                for row in data.get("buttons", ())
            ),
            files=tuple(OutFile(**f) for f in data.get("files", ())),
            replaces=data.get("replaces"),
            recipient=data.get("recipient"),
            notice=data.get("notice", ""),
            locale=data.get("locale", ""),
            free_input=bool(data.get("free_input", False)),
        )

    @property
    def pure_choice(self) -> bool:
        """Whether this step only offers its buttons (no typed input besides them)."""
        return bool(self.buttons) and not self.free_input

    def options(self) -> list[Button]:
        """The buttons in reading order: what a numbered fallback lists as 1, 2, 3 …"""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True, slots=True)
class Choices:
    """The options of the last step sent to a person on a channel without buttons.

    Kept so the channel can read a typed answer as the press it stands for: an option's
    words at any step, a bare number only when ``numbered`` (the step was a pure choice).
    """

    options: tuple[Button, ...]
    numbered: bool
