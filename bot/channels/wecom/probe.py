"""The WeCom probe: the callback key's form and an access token from the configured host.

``duban doctor`` prints it; ``duban run`` retries it with back-off while the callback keeps
being served, so a wrong secret never takes Telegram (or the callback) down with it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii

import requests
from wechatpy.exceptions import WeChatClientException

from bot.channels.wecom.client import WecomClient, call
from bot.config import Settings
from bot.delivery.channel import Probe
from bot.domain.messages import N_, msg

PROBE_TIMEOUT = 15.0
AES_KEY_LENGTH = 43  # EncodingAESKey: 43 characters of base64, 32 bytes once padded with "="
_BAD_CORP = {40013}  # invalid corpid
_BAD_SECRET = {40001, 40091, 41004, 42001}  # invalid/absent secret, expired credential


def key_probe(settings: Settings) -> Probe | None:
    """A sentence when the EncodingAESKey cannot be one (None when it can)."""
    key = settings.wecom_aes_key.get_secret_value() if settings.wecom_aes_key else ""
    try:
        valid = len(key) == AES_KEY_LENGTH and len(base64.b64decode(key + "=")) == 32
    except (binascii.Error, ValueError):
        valid = False
    if valid:
        return None
    return Probe(
        False,
        msg(
            N_(
                "DUBAN_WECOM_AES_KEY must be the 43-character EncodingAESKey shown under the "
                "app's 接收消息 settings."
            )
        ),
        retry=False,
    )


async def probe(client: WecomClient, settings: Settings) -> Probe:
    """Fetch an access token; one sentence on what is wrong, or where tokens come from."""
    base = settings.wecom_api_base
    try:
        await asyncio.wait_for(call(client.fetch_access_token), PROBE_TIMEOUT)
    except WeChatClientException as exc:
        if exc.errcode in _BAD_CORP:
            detail = msg(N_("WeCom does not know the 企业ID in DUBAN_WECOM_CORP_ID (40013)."))
        elif exc.errcode in _BAD_SECRET:
            detail = msg(
                N_(
                    "WeCom rejected the app secret ({code}): check DUBAN_WECOM_SECRET against "
                    "the app's Secret."
                ),
                code=exc.errcode,
            )
        elif exc.errcode is None:
            detail = msg(
                N_("WeCom cannot be reached at {base} ({reason})."),
                base=base,
                reason=str(exc.response.status_code if exc.response is not None else "no answer"),
            )
        else:
            detail = msg(N_("WeCom answered {code}: {reason}"), code=exc.errcode, reason=exc.errmsg)
        return Probe(False, detail)
    except (requests.RequestException, OSError, TimeoutError) as exc:
        return Probe(
            False,
            msg(
                N_("WeCom cannot be reached at {base} ({reason})."),
                base=base,
                reason=type(exc).__name__,
            ),
        )
    return Probe(
        True,
        msg(
            N_("access token from {base}; AgentId {agent}; callback path /wecom/callback"),
            base=base,
            agent=settings.wecom_agent_id,
        ),
    )
