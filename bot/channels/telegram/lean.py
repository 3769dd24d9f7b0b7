"""Bot API calls on the hot path without aiogram's response models.

aiogram builds every request from its method model and reads every answer into pydantic
models: a whole ``Message`` for each ``sendMessage``, a list of ``Update`` for each
``getUpdates`` (which the polling then dumped back to JSON to store it). The sender reads one
field of the answer (``message_id``) and the inbox stores updates as JSON, so on those paths
this session keeps aiogram's request side (the method models, their defaults, ``prepare_value``)
and its errors (a failed answer is read by aiogram's own ``check_response``, which raises
``TelegramRetryAfter``, ``TelegramForbiddenError`` …), but hands back the answer's ``result``
as plain JSON. Requests without files go as ``application/json`` (one of the Bot API's four
documented ways to pass parameters), not form-encoded: percent-encoding Chinese text byte by
byte was most of the request's cost. A request with files still goes as multipart.

Everything else (``Bot.get_me``, menus, files) goes through aiogram unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiohttp import ClientError, ClientTimeout

JSON = {"Content-Type": "application/json"}


class LeanSession(AiohttpSession):
    """aiogram's aiohttp session, with :meth:`raw` for calls whose answer is read as JSON."""

    async def raw(
        self, bot: Bot, method: TelegramMethod[Any], request_timeout: float | None = None
    ) -> Any:
        """Call ``method``; its answer's ``result`` as JSON, or aiogram's error for a failure."""
        files: dict[str, Any] = {}
        body = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                body[key] = prepared
        form = self.build_form_data(bot, method) if files else None  # uploads: multipart
        api = method.__api_method__
        return await self._post(bot, api, body, lambda: method, request_timeout, form=form)

    async def post(
        self,
        bot: Bot,
        api: str,
        body: dict[str, Any],
        method: Callable[[], TelegramMethod[Any]],
        request_timeout: float | None = None,
    ) -> Any:
        """Call the Bot API method ``api`` with ``body`` as it is (plain JSON values, no files);
        its answer's ``result``, or aiogram's error (``method`` builds the method it names)."""
        return await self._post(bot, api, body, method, request_timeout)

    async def _post(
        self,
        bot: Bot,
        api: str,
        body: dict[str, Any],
        method: Callable[[], TelegramMethod[Any]],
        request_timeout: float | None,
        *,
        form: Any = None,
    ) -> Any:
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=api)
        wait = ClientTimeout(total=self.timeout if request_timeout is None else request_timeout)
        try:
            if form is not None:
                request = session.post(url, data=form, timeout=wait)
            else:
                request = session.post(url, data=self.json_dumps(body), headers=JSON, timeout=wait)
            async with request as response:
                content = await response.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method(), message="Request timeout error") from exc
        except ClientError as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise TelegramNetworkError(method=method(), message=message) from exc
        try:
            answer = self.json_loads(content)
        except ValueError as exc:
            raise ClientDecodeError("Failed to decode object", exc, content) from exc
        ok = HTTPStatus.OK <= response.status <= HTTPStatus.IM_USED
        if ok and isinstance(answer, dict) and answer.get("ok") is True:
            return answer.get("result")
        # a failure: aiogram reads it and raises its own error for it
        called = method()
        self.check_response(bot=bot, method=called, status_code=response.status, content=content)
        raise TelegramAPIError(method=called, message=str(answer)[:200])


async def call(bot: Bot, method: TelegramMethod[Any], request_timeout: float | None = None) -> Any:
    """``method``'s result as JSON: through :class:`LeanSession` when the bot has one, else
    through aiogram (its model dumped back to JSON), so any ``Bot`` works."""
    session = bot.session
    if isinstance(session, LeanSession):
        return await session.raw(bot, method, request_timeout)
    result = await bot(method, request_timeout=int(request_timeout) if request_timeout else None)
    if isinstance(result, list):
        return [item.model_dump(mode="json", exclude_none=True, by_alias=True) for item in result]
    if hasattr(result, "model_dump"):
        return result.model_dump(mode="json", exclude_none=True, by_alias=True)
    return result


async def call_json(
    bot: Bot,
    api: str,
    body: dict[str, Any],
    method: Callable[[], TelegramMethod[Any]],
    request_timeout: float | None = None,
) -> Any:
    """The Bot API method ``api`` with ``body`` built as plain JSON (a message sent builds no
    pydantic model); through aiogram's ``method`` when the bot's session is not lean."""
    session = bot.session
    if isinstance(session, LeanSession):
        return await session.post(bot, api, body, method, request_timeout)
    return await call(bot, method(), request_timeout)
