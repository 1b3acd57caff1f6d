"""A group's timeline: opened from the group through the bot's private chat, seen by every
member, changed only by the director and the group's admins, told back in the group."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.support.database import query
from tests.support.telegram_emulator import DEFAULT_BOT_USERNAME, BotApiEmulator, BotMessage
from tests.webapp.helpers import PUBLIC_URL, RunningApp, init_data, running_app, signed

CREW = -1001000000777
DAO, LAN, MINH, STRANGER = 7101, 7102, 7103, 7199


def group_ideas(app: RunningApp) -> list[str]:
    return [
        str(row[0])
        for row in query(
            app.settings.database_path,
            "select s.idea from scenes s join projects p on p.id = s.project_id "
            "where p.owner_id = ? order by s.position",
            (CREW,),
        )
    ]


def button_of(message: BotMessage, label: str) -> dict[str, Any]:
    return next(b for b in message.buttons if label in str(b.get("text")))


async def get_board(
    app: RunningApp, user_id: int, project: int | None
) -> tuple[int, dict[str, Any]]:
    """GET the board of the project (None: the caller's own active one)."""
    async with app.http.get(
        app.url("api/timeline" + (f"?project={project}" if project is not None else "")),
        headers=signed(init_data(user_id, first_name="X")),
    ) as got:
        return got.status, await got.json()


async def post_move(
    app: RunningApp, user_id: int, first_name: str, project: int, scene: int, position: int
) -> aiohttp.ClientResponse:
    return await app.http.post(
        app.url(f"api/projects/{project}/edits"),
        json={"edits": [{"kind": "move", "scene_id": scene, "position": position}]},
        headers=signed(init_data(user_id, first_name=first_name)),
    )


async def test_the_crew_opens_the_groups_timeline_and_only_deciders_change_it(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    group = emulator.group(CREW, "Film crew")
    director = group.member(emulator.user(DAO, "Đạo"), status="creator")
    lan = group.member(emulator.user(LAN, "Lan"))
    minh = group.member(emulator.user(MINH, "Minh"), status="administrator")
    async with running_app(make_settings, running_bot) as app:
        await say(director, "/new Harbour", "Harbour")
        for idea in ("Dawn", "Boats", "Market"):
            await say(lan, idea, idea)
        (project,) = query(
            app.settings.database_path, "select id from projects where owner_id = ?", (CREW,)
        )[0]

        # In the group the button is a link to the bot's private chat (no web_app there).
        status = await say(director, "/status", "Harbour")
        link = button_of(status, "Open timeline")
        assert link.get("url") == f"https://t.me/{DEFAULT_BOT_USERNAME}?start=timeline-{project}"
        assert "web_app" not in link

        # A member following it gets the project's timeline in the private chat.
        lan_alone = emulator.user(LAN, "Lan")
        offer = await say(lan_alone, f"/start timeline-{project}", "The timeline of")
        opened = button_of(offer, "Open timeline")
        assert opened["web_app"]["url"] == f"{PUBLIC_URL}?project={project}"
        stranger = emulator.user(STRANGER, "Khách")
        await say(stranger, f"/start timeline-{project}", "a group you are not in")

        # Every member sees the board; a stranger sees nothing of it.
        status_code, board = await get_board(app, LAN, project)
        assert status_code == 200
        assert [s["idea"] for s in board["scenes"]] == ["Dawn", "Boats", "Market"]
        assert board["may_change"] is False, "a photographer's page is one to watch"
        assert (await get_board(app, DAO, project))[1]["may_change"] is True
        assert (await get_board(app, MINH, project))[1]["may_change"] is True
        scenes = [s["id"] for s in board["scenes"]]
        assert (await get_board(app, STRANGER, project))[0] == 403
        async with app.http.get(
            app.url(f"api/scenes/{scenes[0]}/thumbnail"), headers=signed(init_data(STRANGER))
        ) as got:
            assert got.status == 403

        # A photographer's drag is refused politely; nothing changes.
        refused = await post_move(app, LAN, "Lan", project, scenes[2], 1)
        assert refused.status == 403
        answer = await refused.json()
        assert answer["error"] == "crew.not_your_call" and "director" in answer["message"]
        assert group_ideas(app) == ["Dawn", "Boats", "Market"]
        assert (await post_move(app, STRANGER, "Khách", project, scenes[2], 1)).status == 403

        # The director's drag lands, and the group hears who did it, with Undo.
        mark = director.mark()
        moved = await post_move(app, DAO, "Đạo", project, scenes[2], 1)
        assert moved.status == 200
        assert group_ideas(app) == ["Market", "Dawn", "Boats"]
        summary = await director.wait_for(
            lambda m: "in the timeline" in m.text, after=mark, what="the group's summary"
        )
        assert "Đạo" in summary.text and "Moved scene 3 to place 1" in summary.text
        assert summary.has_button("Undo") and summary.chat_id == CREW

        # A group admin may change it too; and a member cannot take it back with Undo.
        assert (await post_move(app, MINH, "Minh", project, scenes[0], 3)).status == 200
        assert group_ideas(app) == ["Market", "Boats", "Dawn"]
        latest = await minh.wait_for(lambda m: "Minh, in the timeline" in m.text, what="summary")
        answer = await lan.wait_for_callback_answer(await lan.press_button(latest, "↩️ Undo"))
        assert answer.text is not None and "director's call" in answer.text
        assert group_ideas(app) == ["Market", "Boats", "Dawn"]
        assert not emulator.app_errors


async def test_a_member_outside_the_private_allowlist_still_opens_the_groups_timeline(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    group = emulator.group(CREW, "Film crew")
    director = group.member(emulator.user(DAO, "Đạo"), status="creator")
    group.member(emulator.user(LAN, "Lan"))
    allowlists = {"allowed_user_ids": str(DAO), "allowed_chat_ids": str(CREW)}
    async with running_app(make_settings, running_bot, **allowlists) as app:
        await say(director, "/new Harbour", "Harbour")
        await say(director, "Dawn", "Dawn")
        (project,) = query(
            app.settings.database_path, "select id from projects where owner_id = ?", (CREW,)
        )[0]
        lan_alone = emulator.user(LAN, "Lan")
        await say(lan_alone, f"/start timeline-{project}", "The timeline of")
        assert (await get_board(app, LAN, project))[0] == 200
        # ...and nothing else in private: her own projects stay closed.
        await say(lan_alone, "/new Mine", "this bot is private")
        assert query(app.settings.database_path, "select count(*) from projects")[0] == (1,)
        assert (await get_board(app, LAN, None))[0] == 403


@pytest.mark.slow
async def test_a_forum_projects_timeline_changes_and_render_come_to_its_topic(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    forum = emulator.group(CREW, "Crew forum", is_forum=True)
    director = forum.member(emulator.user(DAO, "Đạo"), status="creator", thread_id=11)
    async with running_app(make_settings, running_bot) as app:
        await say(director, "/new Topic film", "Topic film")
        for idea in ("Dawn", "Boats"):
            await say(director, idea, idea)
        (project,) = query(
            app.settings.database_path, "select id from projects where owner_id = ?", (CREW,)
        )[0]
        scenes = [s["id"] for s in (await get_board(app, DAO, project))[1]["scenes"]]
        mark = director.mark()
        assert (await post_move(app, DAO, "Đạo", project, scenes[1], 1)).status == 200
        summary = await director.wait_for(
            lambda m: "in the timeline" in m.text, after=mark, what="the topic's summary"
        )
        assert summary.raw.get("message_thread_id") == 11
        assert group_ideas(app) == ["Boats", "Dawn"]

        # Render from the timeline: a member may not; the director's video comes to the topic.
        render = app.url(f"api/projects/{project}/render")
        forum.member(emulator.user(LAN, "Lan"), thread_id=11)
        async with app.http.post(render, json={}, headers=signed(init_data(LAN))) as refused:
            assert refused.status == 403
        mark = director.mark()
        async with app.http.post(render, json={}, headers=signed(init_data(DAO))) as queued:
            assert queued.status == 200 and (await queued.json())["queued"] is True
        video = await director.wait_for_video(timeout=180, after=mark)
        await app.application.bot_data.runner.wait_idle()
    assert video.chat_id == CREW and video.raw.get("message_thread_id") == 11
    assert query(app.settings.database_path, "select owner_id, state from jobs") == [(CREW, "done")]
