"""The WeCom API client: wechatpy's, pointed at ``DUBAN_WECOM_API_BASE``.

wechatpy hard-codes the gettoken URL, so a 政务微信 private deployment (or the emulator)
would silently fetch tokens from qyapi.weixin.qq.com; this subclass asks the configured host.
wechatpy is synchronous: every call here runs in a worker thread.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from wechatpy.enterprise import WeChatClient

from bot.domain.errors import FileTooLargeError

if TYPE_CHECKING:
    from bot.config import Settings


class WecomClient(WeChatClient):
    """wechatpy's enterprise client with a configurable host, tokens cached in memory."""

    def __init__(self, corp_id: str, secret: str, api_base: str, timeout: float = 10.0) -> None:
        self.API_BASE_URL = api_base.rstrip("/") + "/cgi-bin/"
        super().__init__(corp_id, secret, timeout=timeout)

    def fetch_access_token(self) -> dict[str, Any]:
        """Get a token from the configured host (wechatpy's default ignores it)."""
        result: dict[str, Any] = self._fetch_access_token(
            url=self.API_BASE_URL + "gettoken",
            params={"corpid": self.corp_id, "corpsecret": self.secret},
        )
        return result

    def download_media(self, media_id: str, limit: int) -> bytes:
        """A temporary media file (media/get); raises on an error answer or past ``limit``."""
        for attempt in range(2):
            response = self._http.get(
                self.API_BASE_URL + "media/get",
                params={"access_token": self.access_token, "media_id": media_id},
                timeout=self.timeout or 30,
                stream=True,
            )
            response.raise_for_status()
            if response.headers.get("Content-Type", "").startswith(("application/json", "text/")):
                error = response.json()
                if attempt == 0 and error.get("errcode") in (40014, 42001):
                    self.fetch_access_token()
                    continue
                raise RuntimeError(f"media/get failed: {error}")
            stated = response.headers.get("Content-Length", "")
            if stated.isdecimal() and int(stated) > limit:
                response.close()
                raise FileTooLargeError(int(stated))  # said before a byte is read
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    response.close()
                    raise FileTooLargeError(None)
                chunks.append(chunk)
            return b"".join(chunks)
        raise RuntimeError("media/get failed twice")

    def send_card(self, agent_id: int, userid: str, card: dict[str, Any]) -> dict[str, Any]:
        """A template card to one member (message/send, ``msgtype: template_card``)."""
        message = {"msgtype": "template_card", "template_card": card}
        answer: dict[str, Any] = self.message.send(agent_id, userid, msg=message)
        return answer

    def update_card(
        self, agent_id: int, userid: str, response_code: str, replace_name: str
    ) -> dict[str, Any]:
        """Turn the buttons of the card a member clicked into ``replace_name``, no longer
        clickable (message/update_template_card; the click's code works once, for 72 h)."""
        body = {
            "userids": [userid],
            "agentid": agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        }
        answer: dict[str, Any] = self.post("message/update_template_card", data=body)
        return answer

    def address_book(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The departments the app may see and their members, as WeCom answers them.

        ``department/list`` for the tree, then ``user/simplelist`` per department (the
        documented way: ``fetch_child`` is gone from newer versions of the API).
        """
        departments: list[dict[str, Any]] = self.department.get()
        members: list[dict[str, Any]] = []
        for department in departments:
            members += self.user.list(department["id"], simple=True)
        return departments, members

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()


async def call(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking wechatpy call off the event loop."""
    return await asyncio.to_thread(func, *args, **kwargs)


class AsyncWecom:
    """The calls the CLI makes (``bot.shell.runtime.WecomApi``), each run off the event loop."""

    def __init__(self, client: WecomClient) -> None:
        self.client = client

    @classmethod
    def configured(cls, settings: Settings) -> AsyncWecom:
        """The client of the configured app (the caller checked that WeCom is set up)."""
        assert settings.wecom_corp_id
        assert settings.wecom_secret
        return cls(
            WecomClient(
                settings.wecom_corp_id,
                settings.wecom_secret.get_secret_value(),
                settings.wecom_api_base,
            )
        )

    async def create_chat(self, name: str, owner: str, members: list[str]) -> str:
        """Create an app group chat (appchat/create); its chatid."""
        answer = await call(self.client.appchat.create, name=name, owner=owner, user_list=members)
        return str(answer["chatid"])

    async def address_book(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The departments the app may see, and their members."""
        result: tuple[list[dict[str, Any]], list[dict[str, Any]]] = await call(
            self.client.address_book
        )
        return result

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.close()
