"""The status board in a real browser: Debian's Chromium driven by Playwright against the bot.

The bot runs as ``duban run`` does (``DubanApp`` with the Telegram and WeCom emulators); the
links come from the Telegram emulator, as a person would tap them. The secretariat opens the
board on a phone-sized screen (the screenshot for the README is taken there), sees the lights
of the seeded October, a task's history, and downloads the xlsx; a reporter on a desktop
screen sees its unit's tasks with only its own unit's words and is refused another unit's page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.people.binding import ContactRole, create_invite
from bot.storage.models import Plan, Task, Unit
from tests.e2e import world
from tests.test_board import LEAD_WORDS, NOW, OTHER_TASK, seed
from tests.waiting import CEILING as WAIT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
README_SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "board.png"
LINK = re.compile(r"https?://\S+/board/signin/[A-Za-z0-9_-]+")
SECRETARY, REPORTER = 2001, 2002

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)


async def link_for(tg: object, user: int) -> str:
    """Send /board as ``user`` and read the link out of the bot's answer."""
    await tg.user_sends(user, "/board")  # type: ignore[attr-defined]

    def found() -> bool:
        return any(LINK.search(m.text) for m in tg.bot_messages(user))  # type: ignore[attr-defined]

    await tg.wait_for(found, WAIT)  # type: ignore[attr-defined]
    text = next(m.text for m in tg.bot_messages(user) if LINK.search(m.text))  # type: ignore[attr-defined]
    match = LINK.search(text)
    assert match is not None
    return match.group(0)


async def test_the_board_in_chromium(planned: str, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.async_api", reason="playwright not installed")
    await seed()
    plan = await Plan.first()
    assert plan is not None
    async with world(tmp_path, planned) as w:
        tg = w.tg
        for user, role, unit in (
            (SECRETARY, ContactRole.SECRETARIAT, None),
            (REPORTER, ContactRole.REPORTER, "县发改局"),
        ):
            tg.user(user, f"user{user}", "zh-hans")
            code = (await create_invite(unit, role, now=NOW, locale="zh_CN")).code
            await tg.user_sends(user, f"/start {code}")
            await tg.wait_for(
                lambda user=user: any("绑定成功" in m.text for m in tg.bot_messages(user)), WAIT
            )

        async with playwright_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            try:
                phone = await browser.new_context(
                    viewport={"width": 390, "height": 844},
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="zh-CN",
                )
                page = await phone.new_page()
                await page.goto(await link_for(tg, SECRETARY))
                await page.click("button.primary")  # 打开看板: the link is spent here
                await page.wait_for_url(f"**/board/plan/{plan.id}")
                counts = await page.inner_text("ul.counts")
                assert "红" in counts
                assert "黄" in counts
                assert await page.locator("tr.task").count() == 20
                await page.evaluate("document.fonts.ready")  # the bundled CJK font, if fetched
                shot = await page.screenshot(path=str(tmp_path / "board.png"))
                assert shot[:8] == b"\x89PNG\r\n\x1a\n"
                if os.environ.get("DUBAN_WRITE_SCREENSHOTS"):  # refresh the README's picture
                    README_SCREENSHOT.write_bytes(shot)

                task = await Task.get(plan_id=plan.id, number="4")
                await page.click(f"#task-{task.id} td.title a")
                await page.wait_for_url(f"**/board/task/{task.id}")
                assert "环节未压缩" in await page.inner_text("ol.history")
                await page.go_back()
                async with page.expect_download() as info:
                    await page.click(f"a[href='/board/plan/{plan.id}/export/xlsx']")
                download = await info.value
                saved = tmp_path / "board.xlsx"
                await download.save_as(saved)
                assert saved.read_bytes().startswith(b"PK")

                desk = await browser.new_context(viewport={"width": 1280, "height": 900})
                mine = await desk.new_page()
                await mine.goto(await link_for(tg, REPORTER))
                await mine.click("button.primary")
                await mine.wait_for_url(f"**/board/plan/{plan.id}")
                table = await mine.inner_text("table.tasks")
                assert "清单已梳理" in table
                assert OTHER_TASK not in table
                assert LEAD_WORDS not in await mine.content()  # task 1's lead's words: not its
                theirs = await Unit.get(name="县市场监督管理局")
                refused = await mine.goto(f"{w.app.url}/board/unit/{theirs.id}")
                assert refused is not None
                assert refused.status == 404
                assert "无权查看" in await mine.inner_text("main")
            finally:
                await browser.close()
