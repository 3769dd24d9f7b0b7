"""The WeCom channel: decrypted callback XML → Inbound; Outbound → template cards or text.

In a private chat a step with options goes out as a template card (``cards.py``): a click
comes back as a ``template_card_event``, read as a press of the option it names, and the reply
that advances the flow first marks the clicked card as answered (update_template_card with
the click's single-use code), so it cannot be clicked twice and shows the choice; that
happens in :meth:`WecomChannel.send`, so it goes through the outbox like every message. App
group chats (appchat/send has no cards) and deployments without cards
(``DUBAN_WECOM_CARDS=false``) get the numbered text fallback (``bot.channels.numbered``): the
options listed, the answer "2" read back into the press it stands for. Text is at most 2048
bytes per message.

A refusal is the member's (81013 and the other member codes, ``invaliduser``: the contact is
unreachable) or the message's (anything else: that message fails, the contact is left alone).
A refused card is the deployment's: the step goes out at once as numbered text and later steps
too, until a restart or a new configuration (``refusals.py``).
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from wechatpy.enterprise import parse_message
from wechatpy.exceptions import APILimitedException, WeChatClientException

from bot.channels.numbered import as_press
from bot.channels.parts import inline_content
from bot.channels.wecom import refusals
from bot.channels.wecom.cards import (
    CARD_EVENT,
    card_type,
    new_task_id,
    read_click,
    render_card,
    split_ref,
)
from bot.channels.wecom.client import WecomClient, call
from bot.channels.wecom.render import parts_of, render_text, text_pieces
from bot.config import Settings
from bot.conversation.registry import text_inbound
from bot.delivery.channel import PermanentSendError, RefusedSendError, TransientSendError
from bot.delivery.choices import note_sent
from bot.domain.conversation import (
    Capabilities,
    Choices,
    Inbound,
    InboundFile,
    Outbound,
    OutFile,
)
from bot.i18n import Translator
from bot.reporting.attachments import MAX_FILE_BYTES

__all__ = ["WecomChannel", "render_text", "text_pieces", "update_key"]
log = logging.getLogger(__name__)
CHANNEL = "wecom"
CHAT_PREFIX = "chat:"  # an app group chat (应用群聊): wecom:chat:ID, e.g. the secretariat's
# the member is gone: invalid user (81013, 40003), not visible to the app (60111, 60011, 81014)
MEMBER_CODES = {81013, 40003, 60111, 60011, 81014}
TRANSIENT_CODES = {-1, 45009, 45033, 40014, 42001}  # busy, frequency, concurrency, token
CARDS = Capabilities(buttons=True, edits=False, cards=True)  # a private chat, cards on
NUMBERED = Capabilities(buttons=False, edits=False, cards=False)  # groups, or cards off


def update_key(message: Any) -> str:
    """The inbox key: MsgId; a card click by its single-use ResponseCode (unique per click);
    sender + CreateTime + event for other events (they have no MsgId)."""
    if getattr(message, "id", None):
        return str(message.id)
    data = getattr(message, "_data", {}) or {}
    if data.get("Event") == CARD_EVENT:
        code = data.get("ResponseCode") or f"{data.get('TaskId')}:{data.get('EventKey')}"
        return f"{message.source}:card:{code}"[:128]
    event = getattr(message, "event", "") or message.type
    return f"{message.source}:{message.create_time.timestamp():.0f}:{event}"


class WecomChannel:
    """Sends through the WeCom API of one self-built app (AgentId)."""

    name = CHANNEL

    def __init__(
        self, client: WecomClient, agent_id: int, data_dir: Path, *, cards: bool = False
    ) -> None:
        self.client = client
        self.agent_id = agent_id
        self.data_dir = data_dir
        # template cards in private chats: DUBAN_WECOM_CARDS, on by default in a deployment
        self.cards = cards
        self.capabilities = CARDS if cards else NUMBERED  # a private chat's; see capabilities_for
        self.config = refusals.configuration(client.corp_id, agent_id, client.API_BASE_URL)
        self.started = datetime.now(UTC)  # a refusal of cards noted before this is not ours
        self._read = False  # whether the refusal of cards was read from the database

    @classmethod
    def from_settings(cls, settings: Settings) -> WecomChannel:
        """Build from ``DUBAN_WECOM_*``."""
        assert settings.wecom_corp_id is not None
        secret = settings.wecom_secret.get_secret_value() if settings.wecom_secret else ""
        client = WecomClient(settings.wecom_corp_id, secret, settings.wecom_api_base)
        return cls(
            client, settings.wecom_agent_id or 0, settings.data_dir, cards=settings.wecom_cards
        )

    async def close(self) -> None:
        """Release connections."""
        self.client.close()

    # -- what a recipient gets ------------------------------------------------------------

    async def prepare(self, *, fresh: bool = False) -> None:
        """Read whether WeCom refused this deployment's cards (once; again when ``fresh``)."""
        if not self.cards or (self._read and not fresh):
            return
        refused = await refusals.cards_refused(self.config, self.started)
        self._read = True
        self.capabilities = NUMBERED if refused else CARDS
        if refused:
            log.warning("wecom refused template cards (%s): steps go as numbered text", refused)

    async def _refuse_cards(self, exc: WeChatClientException) -> None:
        """WeCom refused a card: note it for every sender to come, and send text from now."""
        await refusals.note_cards_refused(self.config, code=exc.errcode, message=str(exc.errmsg))
        if self.capabilities.cards:  # logged once per process
            log.warning(
                "wecom refused a template card (%s %s): steps go as numbered text until "
                "restart or a new configuration",
                exc.errcode,
                exc.errmsg,
            )
        self.capabilities = NUMBERED

    def capabilities_for(self, recipient: str) -> Capabilities:
        """Cards in a private chat (when on); an app group chat has numbered text only."""
        return NUMBERED if recipient.startswith(CHAT_PREFIX) else self.capabilities

    def _as_card(self, recipient: str, outbound: Outbound) -> bool:
        return self.capabilities_for(recipient).cards and card_type(outbound) is not None

    def lists_options(self, recipient: str, outbound: Outbound) -> bool:
        """Whether ``outbound`` goes to ``recipient`` as text listing its options (numbered at a
        pure choice), so that a typed answer is read against them; a card is clicked instead."""
        return bool(outbound.buttons) and not self._as_card(recipient, outbound)

    def pieces(self, outbound: Outbound, recipient: str = "") -> int:
        """How many API messages ``outbound`` makes for ``recipient``: one per part (marking
        a card answered is none)."""
        return len(self.split(outbound, recipient))

    def split(self, outbound: Outbound, recipient: str = "") -> list[Outbound]:
        """The parts ``outbound`` goes out in for ``recipient``, one API message each: its text
        in pieces of 2048 bytes (the card's lead text, then the card), then each file."""

        return parts_of(outbound, as_card=self._as_card(recipient, outbound))

    # -- intake ---------------------------------------------------------------------------

    def parse(self, payload: dict[str, Any]) -> Inbound | None:
        """A stored callback (its decrypted XML) as an Inbound."""
        message = parse_message(payload["xml"])
        sender = str(message.source)
        if message.type == "text":
            return text_inbound(channel=CHANNEL, sender=sender, chat=sender, text=message.content)
        if message.type == "image":
            file = InboundFile(
                "photo", message.media_id, f"{message.media_id}.jpg", None, "image/jpeg"
            )
            return Inbound(channel=CHANNEL, sender=sender, chat=sender, kind="file", file=file)
        if message.type == "voice":
            return Inbound(channel=CHANNEL, sender=sender, chat=sender, kind="voice")
        if message.type in ("video", "location", "link"):
            return Inbound(channel=CHANNEL, sender=sender, chat=sender, kind="other")
        click = read_click(getattr(message, "_data", {}) or {})
        if click is not None:  # a card's button (or a vote card's choice, submitted)
            return Inbound(
                channel=CHANNEL, sender=sender, chat=sender, kind="button",
                payload=click.payload, message_ref=click.ref,
            )  # fmt: skip
        return None  # other events: entering the app, subscribing … need no answer

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        """A typed "2" (or "２", or an option’s words) as the press of the option it names."""
        return as_press(inbound, offered)

    async def fetch(self, channel: str, file: InboundFile) -> bytes:  # noqa: ARG002 - the port's shape
        """A photo someone sent (media/get)."""
        content: bytes = await call(self.client.download_media, file.ref, MAX_FILE_BYTES)
        return content

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        """Nothing beyond the callback's 200: a clicked card is marked by the reply that
        replaces it, through the outbox (:meth:`send`); a refused click leaves it as it was."""

    # -- delivery -------------------------------------------------------------------------

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        """Mark the clicked card this reply answers, then send a card (private chats, when on)
        or text pieces of at most 2048 bytes, then any files; the card's task id, else the
        last message id."""
        last: str | None = None
        await self.prepare()
        as_card = self._as_card(recipient, outbound)
        try:
            if outbound.replaces:
                await self._mark_answered(recipient, outbound)
            if as_card:
                last = await self._send_card(recipient, outbound)
            elif outbound.title or outbound.text or outbound.buttons or not outbound.files:
                for piece in text_pieces(render_text(outbound)):
                    last = self._check(await self._send_text(recipient, piece))
            for file in outbound.files:
                sent = await self._send_file(recipient, file)
                last = last if as_card else sent
        except APILimitedException as exc:
            raise TransientSendError(f"wecom {exc.errcode}: {exc.errmsg}", retry_after=60) from exc
        except WeChatClientException as exc:
            code = exc.errcode
            if code in MEMBER_CODES:
                raise PermanentSendError(f"wecom {code}: {exc.errmsg}") from exc
            if code in TRANSIENT_CODES or code is None:
                raise TransientSendError(f"wecom {code}: {exc.errmsg}") from exc
            raise RefusedSendError(f"wecom {code}: {exc.errmsg}") from exc
        except (requests.RequestException, OSError) as exc:
            raise TransientSendError(f"wecom unreachable: {exc}") from exc
        return last

    async def _send_card(self, recipient: str, outbound: Outbound) -> str | None:
        """The lead text (if the card cannot hold it all), then the card; its task id. A card
        WeCom refuses goes out at once as numbered text, and so do the steps after it."""
        task_id = new_task_id()
        message = render_card(outbound, task_id)
        if message.lead:
            for piece in text_pieces(message.lead):
                self._check(await self._send_text(recipient, piece))
        try:
            self._check(await call(self.client.send_card, self.agent_id, recipient, message.card))
        except APILimitedException:
            raise
        except WeChatClientException as exc:
            if exc.errcode in MEMBER_CODES or exc.errcode in TRANSIENT_CODES or exc.errcode is None:
                raise
            await self._refuse_cards(exc)
            await note_sent(self, f"{CHANNEL}:{recipient}", outbound)  # now numbered: note it
            card = message.card
            shown = card.get("sub_title_text") or card["main_title"].get("desc", "")
            rest = replace(outbound, title="", text=shown) if message.lead else outbound
            last = None
            for piece in text_pieces(render_text(rest)):
                last = self._check(await self._send_text(recipient, piece))
            return last
        return task_id

    async def _mark_answered(self, recipient: str, outbound: Outbound) -> None:
        """Turn the clicked card's buttons into "已选择：推进中" (its code works once: a retry
        after a crash is refused by WeCom, and that is fine). Only a failure that may pass
        (network, busy, token) is raised, so the reply is retried with it."""
        click = split_ref(outbound.replaces)
        if click is None or recipient.startswith(CHAT_PREFIX):
            return
        tr = Translator(outbound.locale or None)
        label = click.label  # the clicked key carries it; an older card's does not
        name = tr.gettext("Chosen: {option}", option=label) if label else tr.gettext("Answered")
        try:
            await call(self.client.update_card, self.agent_id, recipient, click.response_code, name)
        except WeChatClientException as exc:
            if exc.errcode in TRANSIENT_CODES or exc.errcode is None:
                raise
            log.info("wecom card %s not marked answered: %s %s", click.task_id, exc.errcode, exc)

    async def _send_text(self, recipient: str, text: str) -> dict[str, Any]:
        """To a member (message/send), or to an app group chat ``chat:ID`` (appchat/send)."""
        if recipient.startswith(CHAT_PREFIX):
            answer: dict[str, Any] = await call(
                self.client.appchat.send_text, recipient.removeprefix(CHAT_PREFIX), text
            )
            return answer
        sent: dict[str, Any] = await call(
            self.client.message.send_text, self.agent_id, recipient, text
        )
        return sent

    @staticmethod
    def _check(result: dict[str, Any]) -> str | None:
        if result.get("invaliduser"):
            raise PermanentSendError(f"wecom invalid user {result['invaliduser']}")
        return str(result.get("msgid")) if result.get("msgid") else None

    async def _send_file(self, recipient: str, file: OutFile) -> str | None:
        content, name = inline_content(file), file.name

        def upload() -> dict[str, Any]:
            if content is not None:  # the full text of a long message, made from it
                made: dict[str, Any] = self.client.media.upload("file", (name, io.BytesIO(content)))
                return made
            with (self.data_dir / file.path).open("rb") as fh:
                answer: dict[str, Any] = self.client.media.upload("file", (name, fh))
                return answer

        uploaded = await call(upload)
        media_id = uploaded["media_id"]
        if recipient.startswith(CHAT_PREFIX):
            chat = recipient.removeprefix(CHAT_PREFIX)
            return self._check(
                await call(self.client.appchat.send, chat, "file", media_id=media_id)
            )
        result = await call(self.client.message.send_file, self.agent_id, recipient, media_id)
        return self._check(result)
