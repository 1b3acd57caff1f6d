"""The conversation around a project: commands, switching, restarts, and bad input."""

from __future__ import annotations

import logging

import pytest

from bot.logs import setup_logging
from tests.conftest import TOKEN, BotStarter, SettingsFactory
from tests.e2e.helpers import new_project, say, snapshot, version_with
from tests.support import synthetic_media as media
from tests.support.database import query
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser


async def _say(user: SimulatedUser, text: str, expect: str) -> str:
    return version_with(await say(user, text, expect), expect)


async def test_start_explains_and_menu_is_registered(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    user = emulator.user(2001, "An", language_code="vi")
    async with running_bot(make_settings()):
        greeting = await _say(user, "/start", "Pocket Director")
    for command in (
        "/new",
        "/storyboard",
        "/render",
        "/status",
        "/lyrics",
        "/credits",
        "/projects",
        "/cancel",
        "/lang",
        "/help",
    ):
        assert command in greeting
    english = [c["command"] for c in emulator.commands()]
    vietnamese = [c["command"] for c in emulator.commands(language_code="vi")]
    assert (
        english
        == vietnamese
        == [
            "new",
            "storyboard",
            "render",
            "status",
            "lyrics",
            "credits",
            "projects",
            "undo",
            "cancel",
            "lang",
            "help",
        ]
    )


@pytest.mark.slow
async def test_projects_switch_with_buttons_and_survive_a_restart(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2002, "Minh")
    async with running_bot(settings):
        await _say(user, "/new Sapa", "Sapa")
        await _say(user, "Rice terraces in the clouds", "Scene 1")
        await _say(user, "/new Hue", "Hue")
        mark = user.mark()
        await user.send_photo(media.make_photo(900, 600, seed=4), caption="The citadel gate")
        await user.wait_for_text("Scene 1 starts with this photo", after=mark)
        await user.send_audio(media.make_song(seconds=6, fmt="ogg"), "hue.ogg", "audio/ogg", 6)
        await user.wait_for_text("hue.ogg")
        listing = await _assert_listing(user)
        sapa_button = next(b for b in listing.buttons if "Sapa" in b["text"])
        mark = user.mark()
        await user.press(listing, sapa_button["callback_data"])
        await user.wait_for_text("Sapa is now the active project", after=mark)
        before = snapshot(settings, 2002)

    async with running_bot(settings):
        status = await _say(user, "/status", "Scenes")
        assert "Sapa" in status and "Scenes: 1" in status
        await _say(user, "/projects", "Your projects")
        hue = next(b for b in user.last_bot_message().buttons if "Hue" in b["text"])
        mark = user.mark()
        await user.press(user.last_bot_message(), hue["callback_data"])
        await user.wait_for_text("Hue is now the active project", after=mark)
        status = await _say(user, "/status", "Scenes")
        assert "Scenes: 1 · photos: 1" in status and "hue.ogg" in status
    assert snapshot(settings, 2002) == before


async def _assert_listing(user: SimulatedUser):  # type: ignore[no-untyped-def]
    mark = user.mark()
    await user.send_text("/projects")
    listing = await user.wait_for(lambda m: bool(m.buttons), after=mark)
    switches = [b for b in listing.buttons if b["callback_data"].endswith(":sw")]
    assert len(switches) == 2
    assert "▶" in next(b["text"] for b in switches if "Hue" in b["text"])
    return listing


async def test_text_before_new_starts_a_project_and_render_without_one_explains(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2003, "Lan")
    async with running_bot(settings):
        await _say(user, "/render", "no active project")
        await _say(user, "/status", "no active project")
        await _say(user, "/cancel", "no active project")
        reply = await _say(user, "Lanterns over the river", "Scene 1")
        assert "Lanterns over the river" in reply
    assert "started a project" in user.transcript()
    assert len(snapshot(settings, 2003).projects) == 1


BAD_INPUTS = [
    (
        "pdf document",
        "document",
        (b"%PDF-1.4 not for us", "notes.pdf", "application/pdf"),
        "isn't any of those",
    ),
    (
        "corrupt jpeg",
        "document",
        (media.corrupt_jpeg(), "broken.jpg", "image/jpeg"),
        "couldn't open that image",
    ),
    (
        "zip disguised as png",
        "document",
        (media.zip_disguised_as_png(), "x.png", "image/png"),
        "couldn't open that image",
    ),
    (
        "decompression bomb",
        "document",
        (media.decompression_bomb_png(), "bomb.png", "image/png"),
        "too large",
    ),
    (
        "audio that is not audio",
        "audio",
        (media.not_audio(), "song.mp3", "audio/mpeg"),
        "couldn't read that as audio",
    ),
    ("corrupt photo", "photo", (media.corrupt_jpeg(),), "couldn't open that image"),
]


@pytest.mark.parametrize(
    ("name", "kind", "payload", "expected"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
async def test_bad_input_gets_a_friendly_reply_and_loses_nothing(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    name: str,
    kind: str,
    payload: tuple[object, ...],
    expected: str,
) -> None:
    settings = make_settings()
    user = emulator.user(2004, "Hoa")
    async with running_bot(settings):
        await _say(user, "/new Keep me", "Keep me")
        await _say(user, "A first idea", "Scene 1")
        before = snapshot(settings, 2004)
        mark = user.mark()
        if kind == "document":
            data, file_name, mime = payload
            await user.send_document(data, file_name, mime)  # type: ignore[arg-type]
        elif kind == "audio":
            data, file_name, mime = payload
            await user.send_audio(data, file_name, mime, 30)  # type: ignore[arg-type]
        else:
            await user.send_photo(payload[0])  # type: ignore[arg-type]
        await user.wait_for_text(expected, after=mark)
        assert snapshot(settings, 2004) == before


async def test_limits_on_size_and_length(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2005, "Tuan")
    async with running_bot(settings):
        await _say(user, "/new Limits", "Limits")
        before = snapshot(settings, 2005)
        mark = user.mark()
        await user.send_file_too_big(file_name="huge.mp3", mime_type="audio/mpeg")
        await user.wait_for_text("over 20 MB", after=mark)
        await _say(user, "x" * 5000, "under 1000 characters")
        assert snapshot(settings, 2005) == before


@pytest.mark.slow
async def test_cancel_stops_a_render_and_keeps_the_project(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(render_short_side=720, render_fps=30)
    user = emulator.user(2006, "Quang")
    async with running_bot(settings):
        await _say(user, "/new Long one", "Long one")
        for index in range(6):
            await _say(user, f"Scene idea number {index}", f"Scene {index + 1}")
        await user.send_audio(
            media.make_song(seconds=120, fmt="mp3"), "long.mp3", "audio/mpeg", 120
        )
        await user.wait_for_text("long.mp3")
        before = snapshot(settings, 2006)
        await _say(user, "/render", "Rendering")
        await _say(user, "/render", "already rendering")
        await _say(user, "/cancel", "Stopping")
        await user.wait_for_text("Render stopped", timeout=30)
        assert snapshot(settings, 2006) == before
        status = await _say(user, "/status", "Last render")
        assert "cancelled" in status
    assert not emulator.calls_to("sendVideo")


@pytest.mark.slow
async def test_no_token_in_a_debug_log_of_a_whole_conversation(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    capfd: pytest.CaptureFixture[str],
) -> None:
    setup_logging("DEBUG", [TOKEN])
    try:
        user = emulator.user(2007, "Vy")
        async with running_bot(make_settings()):
            await _say(user, "/new Secret safe", "Secret safe")
            await user.send_photo(media.make_photo(640, 480))
            await user.wait_for_text("starts with this photo")
            await user.send_text("/render")
            await user.wait_for_video(timeout=120)
    finally:
        logging.getLogger().handlers.clear()
    err = capfd.readouterr().err
    assert "getUpdates" in err or "sendMessage" in err, "the log should show the API traffic"
    assert TOKEN not in err
    assert TOKEN.split(":")[1] not in err


async def test_lang_switches_every_reply_and_is_remembered(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2008, "Kim", language_code="en")
    async with running_bot(settings):
        await _say(user, "/new Language", "New project")
        mark = user.mark()
        await user.send_text("/lang")
        choice = await user.wait_for(lambda m: m.has_button("Tiếng Việt"), after=mark)
        mark = user.mark()
        await user.press_button(choice, "Tiếng Việt")
        await user.wait_for_text("Đã chọn: Tiếng Việt", after=mark)
        await _say(user, "Một buổi sáng ở Huế", "Cảnh 1")
    async with running_bot(settings):
        status = await _say(user, "/status", "Cảnh:")
        assert "Lần dựng gần nhất" in status
        await _say(user, "/help", "tạo dự án mới")


@pytest.mark.slow
async def test_a_song_too_long_for_the_scenes_brings_a_nudge(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    user = emulator.user(2010, "Nam")
    async with running_bot(make_settings()):
        await new_project(user, "Long song", "Rain on the tin roofs", "Children run to school")
        mark = user.mark()
        await user.send_audio(
            media.make_song(seconds=40.0, fmt="mp3"), "rain.mp3", "audio/mpeg", 40
        )
        song = await user.wait_for_text("rain.mp3", after=mark)
        assert "about 20 s" in song.text and "about 5 scenes" in song.text
        for idea in ("Bicycles in the market", "A kite over the fields", "Lanterns at dusk"):
            await say(user, idea, "Scene")
        status = await _say(user, "/status", "rain.mp3")
    assert "💡" not in status  # 8 s a scene is lively enough


async def test_a_photo_replying_to_a_scene_message_joins_that_scene(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2011, "Trang")
    async with running_bot(settings):
        first, _ = await new_project(
            user, "Replies", "Lotus pond at dawn", "Old bridge in the rain"
        )
        mark = user.mark()
        await user.send_photo(media.make_photo(800, 600, seed=4), reply_to=first.message_id)
        await user.wait_for_text("Photo added to scene 1", after=mark)
    references = query(
        settings.database_path,
        "select s.position from scene_refs r join scenes s on s.id = r.scene_id",
    )
    assert references == [(1,)]
    # Scene 1 had no picture yet: nothing is made (or paid for) until /storyboard or /render.
    assert not query(settings.database_path, "select id from jobs")


async def test_text_after_an_uncaptioned_first_photo_becomes_its_idea(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2012, "Dung")
    async with running_bot(settings):
        await new_project(user, "Photos first")
        mark = user.mark()
        await user.send_photo(media.make_photo(800, 600, seed=6))
        await user.wait_for_text("Send its idea as text", after=mark)
        await say(user, "Ferry crossing the Mekong", "Scene 1: Ferry crossing the Mekong")
        await say(user, "Floating market at dawn", "Scene 2: Floating market at dawn")
    ideas = query(settings.database_path, "select position, idea from scenes order by position")
    assert ideas == [(1, "Ferry crossing the Mekong"), (2, "Floating market at dawn")]
