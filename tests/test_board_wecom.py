"""The board inside WeCom: web authorisation (snsapi_base) against the WeCom emulator, over HTTP.

The bot runs as ``duban run`` does; a plain HTTP client with a cookie jar plays WeCom's
in-app browser, following the redirects to the emulator's authorisation page and back.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import ClientSession, CookieJar

from bot.people.binding import ContactRole
from bot.storage.models import Plan
from tests.e2e import world
from tests.test_board import bind, seed

WXWORK = "Mozilla/5.0 (Linux; Android 14) Mobile wxwork/4.1.30 MicroMessenger/7.0.1"


async def test_a_member_inside_wecom_is_signed_in_by_wecom(planned: str, tmp_path: Path) -> None:
    await seed()
    await bind("wecom:zhangsan", ContactRole.LEADER, "县政务服务中心")
    plan = await Plan.first()
    assert plan is not None
    async with world(tmp_path, planned) as w:
        w.wecom.member("zhangsan", "张三")
        w.wecom.member("lisi", "李四")  # in the corp, never bound to Duban
        w.wecom.oauth.member = "zhangsan"
        async with ClientSession(
            cookie_jar=CookieJar(unsafe=True), headers={"User-Agent": WXWORK}
        ) as browser:
            # opened from the app's menu: no cookie yet, so off to WeCom and back, signed in
            response = await browser.get(f"{w.app.url}/board/plan/{plan.id}")
            assert response.status == 200
            assert response.url.path == f"/board/plan/{plan.id}"
            assert plan.title in await response.text()
            assert [h.status for h in response.history] == [302] * 4  # board, wecom, back, page
            back = response.history[-1].url  # /board/wecom/return?code=…&state=…
            assert back.path == "/board/wecom/return"
            assert w.wecom.oauth.authorized[-1].startswith(f"{w.app.url}/board/wecom/return")

            replayed = await browser.get(back, allow_redirects=False)  # a code is good once
            assert replayed.status == 403

        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as stranger:
            forged = await stranger.get(back)  # the state is not this browser's
            assert forged.status == 403
            assert (await stranger.get(f"{w.app.url}/board/")).status == 401  # no redirect

        w.wecom.oauth.member = "lisi"
        async with ClientSession(
            cookie_jar=CookieJar(unsafe=True), headers={"User-Agent": WXWORK}
        ) as outsider:
            response = await outsider.get(f"{w.app.url}/board/wecom")
            assert response.status == 403  # a member WeCom names, but no binding here
            assert "看板" in await response.text()
