"""The timeline in a real browser: Debian's chromium, driven by Playwright, against the running
bot and the Bot API emulator; Telegram's script is answered by a local stub with signed initData.

In CI the test fails (never skips) when chromium is missing: `bash scripts/system-packages.sh`
installs it. Screenshots at 360x740, light and dark, go to $TIMELINE_SCREENS_DIR (else the
test's tmp dir).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import (
    BrowserContext,
    CDPSession,
    Page,
    Request,
    Route,
    async_playwright,
)

from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import ideas, say
from tests.support import synthetic_media as media
from tests.support.database import query
from tests.support.telegram_emulator import (
    DEFAULT_BOT_USERNAME,
    BotApiEmulator,
    BotMessage,
    SimulatedUser,
)
from tests.webapp.helpers import RunningApp, init_data, running_app
from tests.webapp.telegram_stub import telegram_stub

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

MAI = 5201
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 360, "height": 740}
IDEAS = ("Dawn over the harbour", "Boats leave at sunrise", "Market in full swing", "Temple")


def chromium() -> str:
    """Debian's chromium; its absence fails the test (a skipped browser test proves nothing)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: run `bash scripts/system-packages.sh`")
    return found


def screens_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TIMELINE_SCREENS_DIR") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@asynccontextmanager
async def browser(
    app: RunningApp,
    profile: Path,
    *,
    dark: bool,
    foreign: list[str],
    start_param: str | None = None,
) -> AsyncIterator[BrowserContext]:
    """A fresh chromium profile whose Telegram script is the stub (opened by a direct link
    when `start_param` is given); other hosts are refused."""
    user = {"id": MAI, "first_name": "Mai", "language_code": "en"}
    stub = telegram_stub(init_data(MAI), user, dark=dark, start_param=start_param)
    local = urlsplit(app.server.local_url).netloc
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            device_scale_factor=2,
            color_scheme="dark" if dark else "light",
            locale="en-US",
            has_touch=dark,  # the dark pass is a phone: touch, long press to lift a scene
        )

        async def answer(route: Route, request: Request) -> None:
            if request.url == TELEGRAM_SCRIPT:
                await route.fulfill(body=stub, content_type="application/javascript")
            elif urlsplit(request.url).netloc == local or request.url.startswith(
                ("blob:", "data:")
            ):
                await route.continue_()
            else:
                foreign.append(request.url)
                await route.abort()

        await context.route("**/*", answer)
        try:
            yield context
        finally:
            await context.close()


async def open_timeline(context: BrowserContext, app: RunningApp, project: int | None) -> Page:
    """The page (on `project`, else on what Telegram's start_param names), once every scene
    shows with its thumbnail and the waveform is drawn."""
    page = context.pages[0] if context.pages else await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = "" if project is None else f"?project={project}"
    await page.goto(f"{app.server.local_url}{query}")
    await page.wait_for_function(
        "(n) => document.querySelectorAll('#scenes .scene').length === n"
        " && [...document.querySelectorAll('#scenes .scene')]"
        ".every((s) => s.style.backgroundImage.startsWith('url'))"
        " && document.querySelector('#wave').children.length > 0"
        " && document.querySelector('#still').src.startsWith('blob:')",
        arg=len(IDEAS),
        timeout=60_000,
    )
    assert not errors, errors
    return page


async def scene_texts(page: Page) -> list[str]:
    texts = await page.eval_on_selector_all(
        "#scenes .scene .idea", "(n) => n.map((e) => e.textContent)"
    )
    return [str(text) for text in texts]


async def drag(page: Page, selector_from: str, to_x: float, to_y: float) -> None:
    """Press, move in small steps (as a finger does), release."""
    box = await page.locator(selector_from).bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await page.mouse.down()
    await page.mouse.move(to_x, to_y, steps=16)
    await page.wait_for_timeout(150)  # SortableJS settles its ghost before the drop
    await page.mouse.up()


class Finger:
    """Touch input through the DevTools protocol (Playwright's touchscreen only taps)."""

    def __init__(self, cdp: CDPSession, page: Page) -> None:
        self.cdp = cdp
        self.page = page

    async def _touch(self, kind: str, x: float | None = None, y: float | None = None) -> None:
        points = [] if x is None else [{"x": x, "y": y}]
        await self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    async def swipe(self, x: float, y: float, distance: float) -> None:
        """A quick sideways swipe: no hold, straight across."""
        await self.drag(x, y, x + distance, y, hold_ms=0)

    async def drag(
        self, from_x: float, from_y: float, to_x: float, to_y: float, hold_ms: int
    ) -> None:
        """Touch, hold still for `hold_ms`, slide to the end point, lift."""
        await self._touch("touchStart", from_x, from_y)
        if hold_ms:
            await self.page.wait_for_timeout(hold_ms)
        for step in range(1, 17):
            share = step / 16
            await self._touch(
                "touchMove", from_x + (to_x - from_x) * share, from_y + (to_y - from_y) * share
            )
            await self.page.wait_for_timeout(16)
        await self.page.wait_for_timeout(150)
        await self._touch("touchEnd")


async def set_up_project(
    app: RunningApp, user: SimulatedUser, title: str = "Harbour"
) -> tuple[int, BotMessage]:
    """A project of the user's chat with four scenes, a song, and pictures from /storyboard;
    its id and the storyboard's panel."""
    await say(user, f"/new {title}", title)
    for number, idea in enumerate(IDEAS, start=1):
        await say(user, idea, f"Scene {number}")
    await user.send_audio(
        media.make_song(seconds=16, bpm=120, fmt="ogg"), "tide.ogg", "audio/ogg", 16
    )
    await user.wait_for(lambda m: "Song of" in m.text, what="the song")
    mark = user.mark()
    await user.send_text("/storyboard")
    panel = await user.wait_for(
        lambda m: m.has_button("🎞 Open timeline"), after=mark, what="the panel", timeout=240
    )
    rows = query(
        app.settings.database_path, "select id from projects where owner_id = ?", (user.chat_id,)
    )
    return int(rows[0][0]), panel


def durations(app: RunningApp) -> list[float | None]:
    rows = query(
        app.settings.database_path,
        "select s.duration from scenes s join projects p on p.id = s.project_id "
        "where p.owner_id = ? order by s.position",
        (MAI,),
    )
    return [row[0] for row in rows]


async def test_the_timeline_reorders_resizes_edits_and_renders_in_chromium(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    mai = emulator.user(MAI, "Mai")
    screens = screens_dir(tmp_path)
    foreign: list[str] = []
    async with running_app(make_settings, running_bot) as app:
        project, _ = await set_up_project(app, mai)
        planned = ideas(app.settings, MAI)
        assert len(planned) == len(IDEAS)

        async with browser(app, tmp_path / "light", dark=False, foreign=foreign) as context:
            page = await open_timeline(context, app, project)
            await page.screenshot(path=str(screens / "timeline-light.png"))
            calls = await page.evaluate("window.__telegram.calls.map((c) => c[0])")
            assert {"ready", "expand", "disableVerticalSwipes", "MainButton.show"} <= set(calls)
            assert await page.evaluate("Telegram.WebApp.MainButton.text") == "Render video"

            # Play: the song runs under the stills, the playhead highlights the scene it is in.
            await page.click("#play")
            await page.wait_for_function(
                "() => document.querySelector('#scenes .scene.current')?.dataset.number === '2'"
                " && document.querySelector('#monitor-number').textContent === '2'",
                timeout=20_000,
            )
            await page.click("#play")  # pause
            playhead = await page.evaluate("document.querySelector('#playhead').style.transform")
            assert playhead.startswith("translateX(") and playhead != "translateX(0px)"

            # Drag scene 1 past the middle of scene 2: the two change places.
            second = await page.locator("#scenes .scene >> nth=1").bounding_box()
            assert second is not None
            mark = mai.mark()
            async with page.expect_response(lambda r: r.url.endswith("/edits")) as moved:
                await drag(
                    page,
                    "#scenes .scene >> nth=0",
                    second["x"] + second["width"] * 0.8,
                    second["y"] + second["height"] / 2,
                )
            assert (await moved.value).status == 200
            swapped = [planned[1], planned[0], *planned[2:]]
            assert ideas(app.settings, MAI) == swapped
            await page.wait_for_function(
                "(idea) => document.querySelector('#scenes .scene .idea').textContent === idea",
                arg=swapped[0],
            )
            summary = await mai.wait_for(
                lambda m: "Timeline:" in m.text and m.has_button("↩️ Undo"),
                after=mark,
                what="summary",
            )
            assert "Moved scene 1 to place 2" in summary.text
            status = await say(mai, "/status", "Harbour")
            assert f"1 {swapped[0][:10]}" in status.text
            assert status.text.index(swapped[0][:10]) < status.text.index(swapped[1][:10])

            # Undo in the chat takes the drag back; the page shows it when it is shown again.
            query_id = await mai.press_button(summary, "↩️ Undo")
            await mai.wait_for_callback_answer(query_id)
            assert ideas(app.settings, MAI) == planned
            await page.reload()
            page = await open_timeline(context, app, project)
            assert (await scene_texts(page))[0] == planned[0]

            # Drag scene 1's right edge one beat on: the cut rolls into scene 2, on a beat.
            before = await page.evaluate(
                "[...document.querySelectorAll('#scenes .scene')].map((s) => s.offsetWidth)"
            )
            edge = await page.locator("#scenes .scene >> nth=0 >> .edge").bounding_box()
            assert edge is not None
            # One second on (two beats at 120 BPM), in the page's own pixels per second.
            second_px = await page.evaluate(
                "document.querySelector('#track').offsetWidth"
                " / Number(document.querySelector('#clock').textContent.split('/ 0:')[1])"
            )
            async with page.expect_response(lambda r: r.url.endswith("/edits")) as resized:
                await page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + 40)
                await page.mouse.down()
                await page.mouse.move(edge["x"] + second_px, edge["y"] + 40, steps=10)
                await page.mouse.up()
            board = await (await resized.value).json()
            first = board["scenes"][0]
            assert first["seconds"] > board["duration"] / len(IDEAS)
            beats = board["song"]["beats"]
            assert min(abs(b - first["seconds"]) for b in beats) < 0.05  # the cut is on a beat
            assert durations(app)[:2] != [None, None]
            after = await page.evaluate(
                "[...document.querySelectorAll('#scenes .scene')].map((s) => s.offsetWidth)"
            )
            assert after[0] > before[0] and after[1] < before[1] and after[2:] == before[2:]

            # Tap scene 2: the sheet opens; a new caption is saved with Telegram's MainButton.
            logs: list[str] = []
            page.on("console", lambda m: logs.append(m.text))
            page.on("pageerror", lambda e: logs.append(str(e)))
            await page.locator("#scenes .scene >> nth=1").click()
            await page.wait_for_timeout(300)
            assert await page.evaluate("!document.querySelector('#sheet').hidden"), logs
            assert await page.evaluate("Telegram.WebApp.BackButton.isVisible")
            await page.fill("#field-caption", "Sails up")
            await page.select_option("#field-transition", "cut")
            await page.select_option("#field-fit", "contain")
            await page.screenshot(path=str(screens / "editor-light.png"))
            mark = mai.mark()
            async with page.expect_response(lambda r: r.url.endswith("/edits")) as saved:
                await page.evaluate("Telegram.WebApp.MainButton.press()")
            assert (await saved.value).status == 200
            await page.wait_for_selector("#sheet", state="hidden")
            caption = query(
                app.settings.database_path,
                "select caption, transition, fit from scenes order by position limit 1 offset 1",
                (),
            )
            assert tuple(caption[0]) == ("Sails up", "cut", "contain")
            note = await mai.wait_for(lambda m: "Caption of scene 2" in m.text, after=mark)
            assert "Timeline:" in note.text and note.has_button("↩️ Undo")

            # Render with the MainButton: the same render job as /render, progress in the chat.
            assert await page.evaluate("Telegram.WebApp.MainButton.text") == "Render video"
            async with page.expect_response(lambda r: r.url.endswith("/render")) as rendered:
                await page.evaluate("Telegram.WebApp.MainButton.press()")
            assert (await rendered.value).status == 200
            jobs = query(
                app.settings.database_path,
                "select kind from jobs where project_id = ? order by id",
                (project,),
            )
            assert jobs[-1][0] == "render"
            haptics = await page.evaluate(
                "window.__telegram.calls.filter((c) => c[0].startsWith('haptic')).length"
            )
            assert haptics > 0
            await say(mai, "/cancel", "")

        # In Vietnamese (the language picked in the bot wins over Telegram's), on a dark theme.
        chooser = await say(mai, "/lang", "Choose your language")
        query_id = await mai.press_button(chooser, "🇻🇳 Tiếng Việt")
        await mai.wait_for_callback_answer(query_id)
        async with browser(app, tmp_path / "dark", dark=True, foreign=foreign) as context:
            page = await open_timeline(context, app, project)
            background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(23, 33, 43)"  # Telegram's dark bg_color
            assert await page.evaluate("document.documentElement.lang") == "vi"
            assert await page.evaluate("Telegram.WebApp.MainButton.text") == "Dựng video"
            await page.screenshot(path=str(screens / "timeline-dark.png"))
            await page.locator("#scenes .scene >> nth=2").click()
            await page.wait_for_selector("#sheet:not([hidden])")
            await page.screenshot(path=str(screens / "editor-dark.png"))
            await page.evaluate("Telegram.WebApp.BackButton.press()")
            await page.wait_for_selector("#sheet", state="hidden")

            # A finger: a long press lifts a scene and a slide moves it; a quick swipe across
            # a scene (away from its edge handle) scrolls the timeline and moves nothing.
            order = ideas(app.settings, MAI)
            boxes = [
                await page.locator(f"#scenes .scene >> nth={n}").bounding_box() for n in (0, 1)
            ]
            first, second = boxes
            assert first is not None and second is not None
            x, y = first["x"] + first["width"] / 2, first["y"] + first["height"] / 2
            finger = Finger(await context.new_cdp_session(page), page)
            async with page.expect_response(lambda r: r.url.endswith("/edits")) as lifted:
                await finger.drag(x, y, second["x"] + second["width"] * 0.8, y, hold_ms=450)
            assert (await lifted.value).status == 200
            touched = [order[1], order[0], *order[2:]]
            assert ideas(app.settings, MAI) == touched
            await page.wait_for_timeout(300)
            second = await page.locator("#scenes .scene >> nth=1").bounding_box()
            assert second is not None
            middle = second["x"] + second["width"] / 2
            await finger.swipe(middle, second["y"] + second["height"] / 2, -60)
            await page.wait_for_timeout(500)
            assert await page.evaluate("document.querySelector('#timeline').scrollLeft") > 0
            assert ideas(app.settings, MAI) == touched
    assert foreign == []  # nothing but Telegram's script came from elsewhere


async def test_a_group_member_watches_the_groups_timeline_but_cannot_change_it(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    crew = emulator.group(-1001000000888, "Film crew")
    director = crew.member(emulator.user(5202, "Đạo"), status="creator")
    crew.member(emulator.user(MAI, "Mai"))
    foreign: list[str] = []
    async with running_app(make_settings, running_bot, webapp_short_name="timeline") as app:
        project, panel = await set_up_project(app, director, "Crew harbour")
        await say(director, "credits on", "credits card at the end: on")
        # A direct link: Telegram opens the app in the group, its start_param names the project.
        link = f"https://t.me/{DEFAULT_BOT_USERNAME}/timeline?startapp=timeline-{project}"
        assert panel.buttons[-1].get("url") == link
        order = ideas(app.settings, crew.user_id)

        async with browser(
            app,
            tmp_path / "member",
            dark=False,
            foreign=foreign,
            start_param=f"timeline-{project}",
        ) as context:
            page = await open_timeline(context, app, None)
            assert "Only the director" in await page.inner_text("#hint")
            # The credits card closes the timeline, after the last scene, where it will play.
            card = await page.locator("#closing").bounding_box()
            last = await page.locator("#scenes .scene >> nth=-1").bounding_box()
            assert card is not None and last is not None, "the card is drawn"
            assert abs(card["x"] - (last["x"] + last["width"])) < 2 and card["width"] > 10
            assert await page.inner_text("#closing") == "Credits card"
            assert not await page.locator("#scenes .edge >> visible=true").count(), "no handles"
            await page.screenshot(path=str(screens_dir(tmp_path) / "timeline-member.png"))
            calls = await page.evaluate("window.__telegram.calls.map((c) => c[0])")
            assert "MainButton.show" not in calls, "no Render button for a member"
            edits: list[str] = []
            page.on("request", lambda r: edits.append(r.url) if r.url.endswith("/edits") else None)
            second = await page.locator("#scenes .scene >> nth=1").bounding_box()
            assert second is not None
            await drag(
                page,
                "#scenes .scene >> nth=0",
                second["x"] + second["width"] * 0.8,
                second["y"] + second["height"] / 2,
            )
            await page.locator("#scenes .scene >> nth=2").click()
            await page.wait_for_timeout(400)
            assert await page.evaluate("document.querySelector('#sheet').hidden")
            assert "Only the director" in await page.inner_text("#toast")
            assert not edits and ideas(app.settings, crew.user_id) == order
    assert not foreign, foreign
