"""The WeCom channel: decrypted callback XML → Inbound; Outbound → text with numbered choices.

WeCom app text messages have no buttons, so this adapter lists a step's options itself
(numbered at a pure choice step) and reads the answer "2" back into the press it stands for
(Rasa's fallback, see ``bot.channels.numbered``). Text is at most 2048 bytes per message.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests
from wechatpy.enterprise import parse_message
from wechatpy.exceptions import APILimitedException, WeChatClientException

from bot.channels.numbered import as_press, render_choices
from bot.channels.text import split_lines
from bot.channels.wecom.client import WecomClient, call
from bot.config import Settings
from bot.conversation.registry import text_inbound
from bot.delivery.channel import PermanentSendError, TransientSendError
from bot.domain.conversation import Capabilities, Choices, Inbound, InboundFile, Outbound
from bot.reporting.attachments import MAX_FILE_BYTES

log = logging.getLogger(__name__)
CHANNEL = "wecom"
MAX_TEXT_BYTES = 2048
CHAT_PREFIX = "chat:"  # an app group chat (应用群聊): wecom:chat:ID, e.g. the secretariat's
PERMANENT_CODES = {81013, 40003, 60111, 60011, 81014}  # invalid user, no permission, not visible
TRANSIENT_CODES = {-1, 45009, 45033, 40014, 42001}  # busy, frequency, concurrency, token


def update_key(message: Any) -> str:
    """The inbox key: MsgId, or sender + CreateTime + event for events (they have no MsgId)."""
    if getattr(message, "id", None):
        return str(message.id)
    event = getattr(message, "event", "") or message.type
    return f"{message.source}:{message.create_time.timestamp():.0f}:{event}"


def render_text(outbound: Outbound) -> str:
    """The whole message as WeCom text: title, body, the choices and how to answer."""
    parts = []
    if outbound.title:
        parts.append(f"【{outbound.title}】")
    if outbound.text:
        parts.append(outbound.text)
    if outbound.buttons:
        parts.append(render_choices(outbound))
    return "\n".join(parts) or "…"


class WecomChannel:
    """Sends through the WeCom API of one self-built app (AgentId)."""

    name = CHANNEL
    # Template cards (模板卡片) are not used yet: WeCom's 微信插件 may not render them.
    capabilities = Capabilities(buttons=False, edits=False, cards=False)

    def __init__(self, client: WecomClient, agent_id: int, data_dir: Path) -> None:
        self.client = client
        self.agent_id = agent_id
        self.data_dir = data_dir

    @classmethod
    def from_settings(cls, settings: Settings) -> WecomChannel:
        """Build from ``DUBAN_WECOM_*``."""
        assert settings.wecom_corp_id is not None
        secret = settings.wecom_secret.get_secret_value() if settings.wecom_secret else ""
        client = WecomClient(settings.wecom_corp_id, secret, settings.wecom_api_base)
        return cls(client, settings.wecom_agent_id or 0, settings.data_dir)

    async def close(self) -> None:
        """Release connections."""
        self.client.close()

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
        return None  # events: entering the app, subscribing … need no answer

    def read_choice(self, inbound: Inbound, offered: Choices) -> Inbound:
        """A typed "2" (or "２", or an option’s words) as the press of the option it names."""
        return as_press(inbound, offered)

    async def fetch(self, channel: str, file: InboundFile) -> bytes:  # noqa: ARG002 - the port's shape
        """A photo someone sent (media/get)."""
        content: bytes = await call(self.client.download_media, file.ref, MAX_FILE_BYTES)
        return content

    async def acknowledge(self, payload: dict[str, Any], replies: list[Outbound]) -> None:
        """WeCom needs no acknowledgement beyond the callback's 200."""

    # -- delivery -------------------------------------------------------------------------

    async def send(self, recipient: str, outbound: Outbound) -> str | None:
        """Send as text pieces of at most 2048 bytes, then any files."""
        try:
            last = None
            for piece in split_lines(
                render_text(outbound), MAX_TEXT_BYTES, size=lambda s: len(s.encode())
            ):
                last = self._check(await self._send_text(recipient, piece))
            for file in outbound.files:
                last = await self._send_file(recipient, file.path, file.name)
        except APILimitedException as exc:
            raise TransientSendError(f"wecom {exc.errcode}: {exc.errmsg}", retry_after=60) from exc
        except WeChatClientException as exc:
            code = exc.errcode
            if code in PERMANENT_CODES:
                raise PermanentSendError(f"wecom {code}: {exc.errmsg}") from exc
            if code in TRANSIENT_CODES or code is None:
                raise TransientSendError(f"wecom {code}: {exc.errmsg}") from exc
            raise PermanentSendError(f"wecom {code}: {exc.errmsg}") from exc
        except (requests.RequestException, OSError) as exc:
            raise TransientSendError(f"wecom unreachable: {exc}") from exc
        return last

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

    async def _send_file(self, recipient: str, path: str, name: str) -> str | None:
        def upload() -> dict[str, Any]:
            with (self.data_dir / path).open("rb") as fh:
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
