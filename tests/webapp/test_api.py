"""The timeline app's API over real HTTP to the running bot: who may read and change what."""

from __future__ import annotations

import socket
import time
from typing import Any

import aiohttp
import pytest

from bot.app import build_application, webhook, webhook_options
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import ideas, new_project, say, snapshot
from tests.support import synthetic_media as media
from tests.support.database import query
from tests.support.telegram_emulator import BotApiEmulator
from tests.webapp.helpers import PUBLIC_URL, RunningApp, init_data, running_app, signed

MAI, LINH = 5101, 5102


def project_id(app: RunningApp, owner: int) -> int:
    rows = query(app.settings.database_path, "select id from projects where owner_id = ?", (owner,))
    return int(rows[-1][0])


async def status_of(response: aiohttp.ClientResponse) -> tuple[int, dict[str, Any]]:
    return response.status, await response.json()


async def post_edits(
    app: RunningApp, project: int, raw: str, body: object
) -> aiohttp.ClientResponse:
    return await app.http.post(
        app.url(f"api/projects/{project}/edits"), json=body, headers=signed(raw)
    )


async def test_a_valid_user_reads_the_timeline_and_reorders_it_with_undo_in_chat(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        await new_project(mai, "Harbour", "Dawn", "Boats", "Market")
        project = project_id(app, MAI)
        async with app.http.get(app.url("api/timeline"), headers=signed(init_data(MAI))) as got:
            status, board = await status_of(got)
        assert status == 200
        assert board["project"] == {"id": project, "title": "Harbour", "aspect": "9:16"}
        scenes = board["scenes"]
        assert isinstance(scenes, list)
        assert [s["idea"] for s in scenes] == ["Dawn", "Boats", "Market"]
        assert [s["start"] for s in scenes] == [0.0, 4.0, 8.0]  # no song: 4 s each
        assert board["song"] is None
        assert board["labels"]["render"] == "Render video"

        mark = mai.mark()
        market = scenes[2]["id"]
        response = await post_edits(
            app,
            project,
            init_data(MAI),
            {"edits": [{"kind": "move", "scene_id": market, "position": 1}]},
        )
        status, after = await status_of(response)
        assert status == 200
        assert [s["idea"] for s in after["scenes"]] == ["Market", "Dawn", "Boats"]
        assert ideas(app.settings, MAI) == ["Market", "Dawn", "Boats"]
        summary = await mai.wait_for(lambda m: "Timeline" in m.text, after=mark, what="summary")
        assert "Moved scene 3 to place 1" in summary.text
        rows = query(
            app.settings.database_path,
            "select source from edit_groups where project_id = ? order by id desc limit 1",
            (project,),
        )
        assert rows[0][0] == "webapp"

        query_id = await mai.press_button(summary, "↩️ Undo")
        await mai.wait_for_callback_answer(query_id)
        await mai.wait_for(lambda m: "Undone" in m.text, after=mark, what="undone")
        assert ideas(app.settings, MAI) == ["Dawn", "Boats", "Market"]


async def test_missing_forged_and_stale_init_data_get_401_and_change_nothing(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        await new_project(mai, "Harbour", "Dawn", "Boats")
        project = project_id(app, MAI)
        before = snapshot(app.settings, MAI)
        scene = query(app.settings.database_path, "select id from scenes order by position", ())[0][
            0
        ]
        move = {"edits": [{"kind": "move", "scene_id": scene, "position": 2}]}
        genuine = init_data(MAI)
        forged = {
            "missing": None,
            "empty": "",
            "other bot's token": init_data(MAI, token="987654321:AAsomeone-else's-token_012345678"),
            "tampered user": genuine.replace(f"%22id%22%3A{MAI}", f"%22id%22%3A{LINH}"),
            "no hash": genuine.split("&hash=")[0],
            "stale": init_data(MAI, auth_date=time.time() - 25 * 3600),
            "from the future": init_data(MAI, auth_date=time.time() + 3600),
            "not a query string": "%%%",
        }
        for name, raw in forged.items():
            headers = {} if raw is None else signed(raw)
            for method, path, body in (
                ("GET", "api/timeline", None),
                ("POST", f"api/projects/{project}/edits", move),
                ("POST", f"api/projects/{project}/render", {}),
                ("GET", f"api/projects/{project}/song", None),
                ("GET", f"api/scenes/{scene}/thumbnail", None),
            ):
                async with app.http.request(
                    method, app.url(path), json=body, headers=headers
                ) as response:
                    assert response.status == 401, (name, path)
                    assert await response.json() == {"error": "unauthorized", "message": ""}
        # The bearer scheme must be the Mini App's: a bare initData is no credential either.
        async with app.http.get(app.url("api/timeline"), headers={"Authorization": genuine}) as r:
            assert r.status == 401
        assert snapshot(app.settings, MAI) == before
        assert not emulator.calls_to("sendMessage")[-1].params.get("text", "").startswith("🎞")


async def test_another_users_valid_init_data_gets_403_for_every_route_of_a_project(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai, linh = emulator.user(MAI, "Mai"), emulator.user(LINH, "Linh", language_code="vi")
    async with running_app(make_settings, running_bot) as app:
        await new_project(mai, "Harbour", "Dawn", "Boats")
        await say(mai, "/status", "Harbour")
        await mai.send_audio(media.make_song(seconds=6, fmt="ogg"), "hue.ogg", "audio/ogg", 6)
        await mai.wait_for(lambda m: "Song of" in m.text, what="song")
        await say(linh, "/new Chợ", "Chợ")
        await say(linh, "Sáng", "Cảnh 1")
        mai_project = project_id(app, MAI)
        scene = query(
            app.settings.database_path,
            "select id from scenes where project_id = ? order by position",
            (mai_project,),
        )[0][0]
        before = snapshot(app.settings, MAI)
        sent_before = len(emulator.calls_to("sendMessage"))
        raw = init_data(LINH, first_name="Linh", language="vi")
        for method, path, body in (
            ("GET", f"api/timeline?project={mai_project}", None),
            ("GET", f"api/projects/{mai_project}/song", None),
            ("GET", f"api/projects/{mai_project}/peaks", None),
            ("GET", f"api/scenes/{scene}/thumbnail", None),
            (
                "POST",
                f"api/projects/{mai_project}/edits",
                {"edits": [{"kind": "idea", "scene_id": scene, "text": "mine now"}]},
            ),
            ("POST", f"api/projects/{mai_project}/render", {}),
        ):
            async with app.http.request(
                method, app.url(path), json=body, headers=signed(raw)
            ) as response:
                assert response.status == 403, path
                assert (await response.json())["error"] == "forbidden"
        # Linh's own scene ids inside Mai's project are no way in either.
        async with app.http.get(app.url("api/timeline"), headers=signed(raw)) as own:
            mine = await own.json()
        assert own.status == 200 and mine["project"]["title"] == "Chợ"
        assert mine["labels"]["render"] == "Dựng video"
        assert snapshot(app.settings, MAI) == before
        assert len(emulator.calls_to("sendMessage")) == sent_before  # nobody was told anything


async def test_allowlist_applies_to_the_app_too(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    async with (
        running_app(make_settings, running_bot, allowed_user_ids=frozenset({MAI})) as app,
        app.http.get(app.url("api/timeline"), headers=signed(init_data(LINH))) as refused,
    ):
        assert refused.status == 403


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"edits": []}, 400),
        ({"edits": [{"kind": "delete", "scene_id": 1}]}, 400),
        ({"edits": [{"kind": "move", "scene_id": "1", "position": 1}]}, 400),
        ({"edits": [{"kind": "move", "scene_id": 1, "position": 0}]}, 400),
        ({"edits": [{"kind": "idea", "scene_id": 1, "text": "x", "owner_id": 1}]}, 400),
        ({"edits": [{"kind": "idea", "scene_id": 1, "text": "x" * 5000}]}, 400),
        ({"edits": [{"kind": "motion", "scene_id": 1, "motion": "spin"}]}, 400),
        ({"edits": [{"kind": "fit", "scene_id": 1, "fit": "stretch"}]}, 400),
        ({"edits": [{"kind": "length", "scene_id": 1, "seconds": 0.0}]}, 400),
        ({"edits": [{"kind": "idea", "scene_id": 1, "text": "x"}] * 21}, 400),
        (
            {
                "edits": [
                    {"kind": "move", "scene_id": 1, "position": 2},
                    {"kind": "idea", "scene_id": 1, "text": "x"},
                ]
            },
            400,
        ),
        ({"edits": [{"kind": "idea", "scene_id": 999_999, "text": "x"}]}, 409),
        ("not json", 400),
        ({"edits": [{"kind": "idea", "scene_id": 1, "text": "y" * 40_000}]}, 413),
    ],
)
async def test_invalid_or_oversized_bodies_are_refused_whole(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    body: object,
    status: int,
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        await new_project(mai, "Harbour", "Dawn", "Boats")
        project = project_id(app, MAI)
        first = query(app.settings.database_path, "select min(id) from scenes", ())[0][0]
        # Scene 1 in the table above is the project's first scene.
        text = body.replace("1", str(first)) if isinstance(body, str) else _with_scene(body, first)
        before = snapshot(app.settings, MAI)
        response = await app.http.post(
            app.url(f"api/projects/{project}/edits"),
            data=text if isinstance(text, str) else None,
            json=None if isinstance(text, str) else text,
            headers=signed(init_data(MAI)),
        )
        assert response.status == status, await response.text()
        assert snapshot(app.settings, MAI) == before


def _with_scene(body: object, scene_id: int) -> object:
    if not isinstance(body, dict):
        return body
    return {
        "edits": [
            {**e, "scene_id": scene_id} if e.get("scene_id") == 1 else e for e in body["edits"]
        ]
    }


async def test_the_page_its_files_and_headers(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    async with running_app(make_settings, running_bot) as app:
        async with app.http.get(app.url(""), headers={"Origin": "https://evil.example"}) as page:
            html = await page.text()
            assert page.status == 200
            assert "Access-Control-Allow-Origin" not in page.headers
            policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self' https://telegram.org" in policy
        assert "connect-src 'self'" in policy
        assert '<script src="https://telegram.org/js/telegram-web-app.js"></script>' in html
        assert html.count("https://") == 1  # Telegram's script is the only thing from elsewhere
        for path in (
            "static/app.js",
            "static/timeline.js",
            "static/app.css",
            "static/vendor/sortable-1.15.7.esm.js",
            "static/vendor/wavesurfer-8.0.1.esm.js",
            "static/vendor/LICENSE.sortablejs",
            "static/vendor/LICENSE.wavesurfer",
        ):
            async with app.http.get(app.url(path)) as response:
                assert response.status == 200, path
                text = await response.text()
                assert app.settings.telegram_bot_token is not None
                assert app.settings.telegram_bot_token.get_secret_value() not in text
        async with app.http.get(app.url("static/")) as listing:
            assert listing.status in (403, 404)  # no directory listing
        async with app.http.get(app.url("static/../../config.py")) as escape:
            assert escape.status in (403, 404)
        # A cross-origin preflight gets no CORS grant either.
        async with app.http.options(
            app.url("api/timeline"),
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        ) as preflight:
            assert "Access-Control-Allow-Origin" not in preflight.headers
        async with app.http.get(app.url("api/labels/vi")) as labels:
            assert (await labels.json())["render"] == "Dựng video"


async def test_status_storyboard_and_menu_offer_the_timeline(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        menu = emulator.menu_button()
        assert menu["type"] == "web_app"
        assert menu["web_app"]["url"] == "https://director.example/timeline/"
        await new_project(mai, "Harbour", "Dawn", "Boats")
        project = project_id(app, MAI)
        status = await say(mai, "/status", "Harbour")
        opener = status.button("🎞 Open timeline")
        assert opener["web_app"]["url"] == f"https://director.example/timeline/?project={project}"
        mark = mai.mark()
        await mai.send_text("/storyboard")
        panel = await mai.wait_for(
            lambda m: m.has_button("🎞 Open timeline"), after=mark, what="panel", timeout=120
        )
        assert panel.button("🎞 Open timeline")["web_app"]["url"].endswith(f"?project={project}")


async def test_without_webapp_url_there_is_no_server_and_no_button(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_bot(make_settings()) as application:
        assert application.bot_data.lifecycle.webapp is None
        await new_project(mai, "Harbour", "Dawn")
        status = await say(mai, "/status", "Harbour")
        assert not status.has_button("🎞 Open timeline")
        assert emulator.menu_button(MAI) == {"type": "commands"}


async def test_the_owner_gets_the_song_its_waveform_and_thumbnails(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        await say(mai, "/new Harbour", "Harbour")
        await mai.send_photo(media.make_photo(320, 240, seed=4), caption="Boats")
        await mai.wait_for(lambda m: "Scene 1" in m.text, what="the photo's scene")
        song = media.make_song(seconds=6, fmt="ogg")
        await mai.send_audio(song, "hue.ogg", "audio/ogg", 6)
        await mai.wait_for(lambda m: "Song of" in m.text, what="song")
        project = project_id(app, MAI)
        headers = signed(init_data(MAI))
        async with app.http.get(app.url("api/timeline"), headers=headers) as got:
            board = await got.json()
        assert board["song"]["duration"] == pytest.approx(6, abs=0.1)
        assert len(board["song"]["beats"]) >= 8 and board["song"]["sections"] == []
        assert board["song"]["downbeat"] in range(4)  # bars drawn from the first downbeat
        scene = board["scenes"][0]
        assert scene["thumbnail"] is not None
        async with app.http.get(app.url(f"api/projects/{project}/song"), headers=headers) as r:
            assert r.status == 200 and await r.read() == song
        async with app.http.get(app.url(f"api/projects/{project}/peaks"), headers=headers) as r:
            wave = await r.json()
        assert len(wave["peaks"]) == 240 and max(wave["peaks"]) == 1.0
        async with app.http.get(
            app.url(f"api/scenes/{scene['id']}/thumbnail"), headers=headers
        ) as r:
            assert r.status == 200 and r.content_type == "image/jpeg"
            assert (await r.read())[:3] == b"\xff\xd8\xff"


async def test_the_app_is_served_next_to_the_webhook_server(
    emulator: BotApiEmulator, make_settings: SettingsFactory
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        hook_port = probe.getsockname()[1]
    hook_url = f"http://127.0.0.1:{hook_port}/telegram/hook"
    settings = make_settings(
        webhook_url=hook_url,
        webhook_port=hook_port,
        webapp_url=PUBLIC_URL,
        webapp_port=0,
    )
    application = build_application(settings)
    async with webhook(application, webhook_options(settings)), aiohttp.ClientSession() as http:
        server = application.bot_data.lifecycle.webapp
        assert server is not None and server.port not in (0, hook_port)
        assert emulator.webhook_url == hook_url
        async with http.get(server.local_url) as page:
            assert page.status == 200
        async with http.get(server.local_url + "api/timeline") as api:
            assert api.status == 401
    # Stopped with the bot: the port is free again.
    with socket.socket() as again:
        again.bind(("127.0.0.1", server.port))


async def test_a_video_ending_with_the_credits_card_shows_it_after_the_scenes(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    mai = emulator.user(MAI, "Mai")
    async with running_app(make_settings, running_bot) as app:
        await new_project(mai, "Credits", "Dawn", "Boats", "Market")
        await mai.send_audio(media.make_song(seconds=12, fmt="ogg"), "hue.ogg", "audio/ogg", 12)
        await mai.wait_for(lambda m: "Song of" in m.text, what="the song")
        async with app.http.get(app.url("api/timeline"), headers=signed(init_data(MAI))) as got:
            before = await got.json()
        assert before["closing"] is None
        await say(mai, "credits on", "credits card at the end: on")
        async with app.http.get(app.url("api/timeline"), headers=signed(init_data(MAI))) as got:
            after = await got.json()
        closing = after["closing"]
        assert closing is not None and closing["seconds"] > 0
        last = after["scenes"][-1]
        assert closing["start"] == pytest.approx(last["start"] + last["seconds"])
        # The song still ends the video: the scenes gave the card its seconds.
        assert after["duration"] == pytest.approx(before["duration"])
        assert closing["start"] + closing["seconds"] == pytest.approx(after["duration"])
        assert after["labels"]["credits_card"] == "Credits card"
