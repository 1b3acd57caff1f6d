"""Directing from the chat: the storyboard's albums, its panel's buttons, replies to previews."""

from __future__ import annotations

import itertools

import pytest

from bot.config import Settings
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import new_project, say
from tests.support.database import query
from tests.support.synthetic_media import make_photo
from tests.support.telegram_emulator import BotApiEmulator, BotMessage, SimulatedUser


def _scenes(settings: Settings, owner: int) -> list[tuple[int, int, str, str, int, float | None]]:
    return query(
        settings.database_path,
        "select s.id, s.position, s.idea, s.motion, s.variant, s.duration from scenes s "
        "join projects p on p.id = s.project_id where p.owner_id = ? order by s.position",
        (owner,),
    )


async def _storyboard(user: SimulatedUser) -> BotMessage:
    mark = user.mark()
    await user.send_text("/storyboard")
    panel = await user.wait_for(
        lambda m: bool(m.buttons) and "Scene 1/" in m.text,
        after=mark,
        timeout=60,
        what="the storyboard panel",
    )
    # The job ends once its progress message says so (just after the panel is sent).
    await user.wait_for(
        lambda m: "Storyboard ready" in m.text and m.message_id < panel.message_id,
        after=mark,
        timeout=10,
    )
    return panel


async def test_albums_hold_at_most_ten_previews(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3001, "Mai")
    async with running_bot(settings):
        await user.send_text("/new Twelve scenes")
        for index in range(12):
            mark = user.mark()
            await user.send_text(f"Idea number {index + 1}")
            await user.wait_for_text(f"Scene {index + 1}:", after=mark)
        panel = await _storyboard(user)
    groups = [call for call in emulator.calls_to("sendMediaGroup") if call.response_ok]
    sizes = [len(call.params["media"]) for call in groups]
    singles = [call for call in emulator.calls_to("sendPhoto") if call.response_ok]
    assert sum(sizes) + len(singles) == 12
    assert all(2 <= size <= 10 for size in sizes)
    captions = [item["caption"] for call in groups for item in call.params["media"]]
    assert captions[0] == "1. Idea number 1"
    assert {"typing", "upload_photo"} <= {action for _, action in user.chat_actions}
    assert "Scene 1/12" in panel.text
    progress = next(m for m in user.bot_messages() if "Storyboard ready" in m.text)
    # The last edit says "ready" and may come at once; progress edits are 2 s apart.
    times = [t for t, _ in progress.edits][:-1]
    assert all(b - a >= 1.9 for a, b in itertools.pairwise(times)), progress.edits


async def test_panel_buttons_change_the_stored_scene_and_the_preview(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3002, "Khanh")
    async with running_bot(settings):
        await user.send_text("/new Buttons")
        for idea in ("Dawn over the bay", "Boats in the harbour", "Night market lights"):
            mark = user.mark()
            await user.send_text(idea)
            await user.wait_for_text(idea, after=mark)
        panel = await _storyboard(user)
        first_id = _scenes(settings, 3002)[0][0]

        await user.press_button(panel, "Later")
        await user.wait_for(lambda m: "Scene 2/3" in m.text, timeout=10)
        assert [row[2] for row in _scenes(settings, 3002)] == [
            "Boats in the harbour",
            "Dawn over the bay",
            "Night market lights",
        ]
        renamed = [call for call in emulator.calls_to("editMessageCaption") if call.response_ok]
        assert any(call.params["caption"] == "2. Dawn over the bay" for call in renamed)

        before = dict((row[0], row[3]) for row in _scenes(settings, 3002))[first_id]
        await user.press_button(user.bot_message(panel.message_id), "Camera move")
        await user.wait_for(
            lambda m: m.message_id == panel.message_id and before.replace("_", " ") not in m.text,
            timeout=10,
        )
        assert dict((row[0], row[3]) for row in _scenes(settings, 3002))[first_id] != before

        await user.press_button(user.bot_message(panel.message_id), "Longer")
        await user.wait_for(
            lambda m: m.message_id == panel.message_id and " s ·" in m.text, timeout=10
        )
        assert dict((row[0], row[5]) for row in _scenes(settings, 3002))[first_id] == 5.0

        # The framing toggles: the whole picture, then cropped to fill the frame again.
        await user.press_button(user.bot_message(panel.message_id), "Whole picture")
        await user.wait_for(
            lambda m: m.message_id == panel.message_id and m.has_button("Fill the frame"),
            timeout=10,
        )
        assert "whole picture" in user.bot_message(panel.message_id).text
        assert query(
            settings.database_path, "select fit from scenes where id = ?", (first_id,)
        ) == [("contain",)]
        await user.press_button(user.bot_message(panel.message_id), "Fill the frame")
        await user.wait_for(
            lambda m: m.message_id == panel.message_id and m.has_button("Whole picture"),
            timeout=10,
        )
        assert query(
            settings.database_path, "select fit from scenes where id = ?", (first_id,)
        ) == [("cover",)]

        media_edits = len(emulator.calls_to("editMessageMedia"))
        await user.press_button(user.bot_message(panel.message_id), "Picture")
        await user.wait_for(
            lambda m: "Storyboard ready" in m.text and m.message_id > panel.message_id, timeout=60
        )
        assert dict((row[0], row[4]) for row in _scenes(settings, 3002))[first_id] == 1
        assert len(emulator.calls_to("editMessageMedia")) > media_edits

        await user.press_button(user.bot_message(panel.message_id), "Delete")
        await user.wait_for(lambda m: "Scene" in m.text and "/2" in m.text, timeout=10)
        assert [row[2] for row in _scenes(settings, 3002)] == [
            "Boats in the harbour",
            "Night market lights",
        ]
        # The deleted scene's preview left the chat; the one after it was renumbered.
        await user.wait_for(lambda m: m.text == "2. Night market lights", timeout=10)
        previews = [m for m in user.bot_messages() if m.media_kind == "photo"]
        assert sorted(m.text for m in previews if not m.deleted) == [
            "1. Boats in the harbour",
            "2. Night market lights",
        ]
        assert [m.original_text for m in previews if m.deleted] == ["1. Dawn over the bay"]


async def test_replies_to_a_preview_edit_that_scene(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3003, "Thao")
    async with running_bot(settings):
        await user.send_text("/new Replies")
        for idea in ("Temple at noon", "River at dusk"):
            mark = user.mark()
            await user.send_text(idea)
            await user.wait_for_text(idea, after=mark)
        await _storyboard(user)
        album = [m for m in user.bot_messages() if m.media_kind == "photo"]
        second = next(m for m in album if m.text.startswith("2."))

        mark = user.mark()
        await user.send_text("Lanterns float down the river", reply_to=second.message_id)
        await user.wait_for_text("Scene 2 is now", after=mark)
        assert [row[2] for row in _scenes(settings, 3003)] == [
            "Temple at noon",
            "Lanterns float down the river",
        ]

        mark = user.mark()
        await user.send_photo(make_photo(800, 600, seed=9), reply_to=second.message_id)
        await user.wait_for_text("Photo added to scene 2", after=mark)
        refs = query(
            settings.database_path,
            "select s.position from scene_refs r join scenes s on s.id = r.scene_id",
        )
        assert refs == [(2,)]


async def test_a_forged_scene_button_touches_nothing(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    owner = emulator.user(3004, "Owner")
    intruder = emulator.user(3005, "Intruder")
    async with running_bot(settings):
        await owner.send_text("/new Mine")
        mark = owner.mark()
        await owner.send_text("My only scene")
        await owner.wait_for_text("Scene 1", after=mark)
        [(scene_id, *_)] = _scenes(settings, 3004)
        await intruder.send_text("/new Theirs")
        await intruder.wait_for_text("Theirs")
        mark = intruder.mark()
        await intruder.send_text("/start")
        await intruder.wait_for_text("Pocket Director", after=mark)
        anchor = intruder.last_bot_message()
        for data in (
            f"sb:{scene_id}:del",
            f"sb:{scene_id}:down",
            "sb:x:del",
            "sb:1:rm -rf",
            f"sb:{scene_id}:edit",
        ):
            callback = await intruder.press(anchor, data)
            answer = await intruder.wait_for_callback_answer(callback)
            assert answer.text is not None and "no longer exists" in answer.text
    assert [row[2] for row in _scenes(settings, 3004)] == ["My only scene"]


def _previews_switch(settings: Settings, owner: int) -> list[int]:
    return [
        row[0]
        for row in query(
            settings.database_path,
            "select previews_enabled from projects where owner_id = ?",
            (owner,),
        )
    ]


@pytest.mark.slow
async def test_pictures_arrive_one_by_one_when_the_director_asks(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3006, "Lan")
    async with running_bot(settings):
        mark = user.mark()
        await user.send_text("/new As they come")
        setup = await user.wait_for(
            lambda m: m.has_button("Send each picture when made: off"), after=mark
        )
        assert _previews_switch(settings, 3006) == [0]
        mark = user.mark()
        await user.press_button(setup, "Send each picture when made: off")
        await user.wait_for(lambda m: m.has_button("🖼 Send each picture when made: on"), after=mark)
        assert _previews_switch(settings, 3006) == [1]
        for idea in ("Rice terraces at dawn", "Fishing boats at sea", "Lanterns in Hoi An"):
            await say(user, idea, idea)

        panel = await _storyboard(user)
        photos = [m for m in user.bot_messages() if m.media_kind == "photo"]
        # One message per picture as it was made, then the panel: no album repeats them.
        assert sorted(m.text[:2] for m in photos) == ["1.", "2.", "3."]
        assert all(m.method == "sendPhoto" and m.message_id < panel.message_id for m in photos)
        assert not emulator.calls_to("sendMediaGroup")

        second = next(m for m in photos if m.text.startswith("2."))
        last_preview = max(m.message_id for m in photos)
        mark = user.mark()
        await user.send_text("Squid boats glowing at night", reply_to=second.message_id)
        await user.wait_for_text("Scene 2 is now", after=mark)
        await user.wait_for(
            lambda m: "Storyboard ready" in m.text and m.message_id > panel.message_id,
            after=mark,
            timeout=60,
        )
        # A redone picture replaces its preview in place instead of arriving again.
        assert user.bot_message(second.message_id).text == "2. Squid boats glowing at night"

        await say(user, "Sunset over Ha Long Bay", "Scene 4")
        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=120, after=mark)
        new_photos = [
            m
            for m in user.bot_messages()
            if m.media_kind == "photo" and m.message_id > last_preview
        ]
    # Only the new scene's picture was made during the render, and it came before the video.
    assert [m.text for m in new_photos] == ["4. Sunset over Ha Long Bay"]
    assert new_photos[0].message_id < video.message_id


def _references(settings: Settings) -> list[tuple[int, int]]:
    """(scene position, reference count) of every scene."""
    return query(
        settings.database_path,
        "select s.position, count(r.asset_sha) from scenes s left join scene_refs r "
        "on r.scene_id = s.id group by s.id order by s.position",
    )


@pytest.mark.slow
async def test_an_album_of_photos_gets_one_answer(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3007, "Vy")
    async with running_bot(settings):
        await new_project(user, "Albums")
        mark = user.mark()
        await user.send_album(
            [make_photo(800, 600, seed=s) for s in (1, 2, 3)], caption="Phố cổ Hội An"
        )
        await user.wait_for_text("Scene 1 starts with 3 photos: Phố cổ Hội An", after=mark)
        mark = user.mark()
        await user.send_album([make_photo(800, 600, seed=s) for s in (4, 5)])
        await user.wait_for_text("2 photos added to scene 1", after=mark)
        assert _references(settings) == [(1, 5)]
        await say(user, "Thuyền trên sông Thu Bồn", "Scene 2")

        await _storyboard(user)
        second = next(m for m in user.bot_messages() if m.text.startswith("2. Thuyền"))
        mark = user.mark()
        await user.send_album(
            [make_photo(800, 600, seed=s) for s in (6, 7)], reply_to=second.message_id
        )
        await user.wait_for_text("2 photos added to scene 2", after=mark)
        await user.wait_for(
            lambda m: "Storyboard ready" in m.text and m.message_id > second.message_id,
            after=mark,
            timeout=60,
        )
    photo_replies = [m for m in user.bot_messages() if "📷" in m.text]
    assert len(photo_replies) == 3, user.transcript()
    # One picture refresh for the whole album, whose progress message follows the previews.
    assert (
        len(
            [
                m
                for m in user.bot_messages()
                if "Storyboard ready" in m.text and m.message_id > second.message_id
            ]
        )
        == 1
    )
    assert not [m for m in user.bot_messages() if "updated after the running job" in m.text]
    assert _references(settings) == [(1, 5), (2, 2)]


async def test_the_idea_button_takes_the_next_message_even_without_a_reply(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3008, "Hanh")
    async with running_bot(settings):
        await new_project(user, "Asked", "Pagoda roofs", "Street vendors")
        panel = await _storyboard(user)
        mark = user.mark()
        await user.press_button(panel, "Idea")
        await user.wait_for_text("Send the new idea for scene 1", after=mark)
        # The director closes the reply box and just types: it still answers the question.
        await say(user, "One Pillar Pagoda in the rain", "Scene 1 is now")
        await say(user, "Night traffic on Hang Bac street", "Scene 3")
        # A question about a project that is no longer the active one has lapsed.
        mark = user.mark()
        await user.press_button(user.bot_message(panel.message_id), "Idea")
        await user.wait_for_text("Send the new idea for scene 1", after=mark)
        await new_project(user, "Another", "Fireworks over the river")
    ideas = query(
        settings.database_path,
        "select project_id, position, idea from scenes order by project_id, position",
    )
    assert ideas == [
        (1, 1, "One Pillar Pagoda in the rain"),
        (1, 2, "Street vendors"),
        (1, 3, "Night traffic on Hang Bac street"),
        (2, 1, "Fireworks over the river"),
    ]
