"""Managing projects from the chat: rename, delete with confirmation, export, re-render."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.support.database import query
from tests.support.synthetic_media import make_photo
from tests.support.telegram_emulator import BotApiEmulator, BotMessage


def _button(message: BotMessage, title: str, action: str) -> str:
    rows = message.reply_markup["inline_keyboard"] if message.reply_markup else []
    for row in rows:
        if any(title in b["text"] for b in row):
            data: str = next(b["callback_data"] for b in row if b["callback_data"].endswith(action))
            return data
    raise AssertionError(f"no {action} button for {title}")


@pytest.mark.slow
async def test_rename_delete_and_export(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(5001, "Tam")
    async with running_bot(settings):
        await say(user, "/new Draft <b>one</b> & co", "Draft <b>one</b> & co")
        await say(user, "A bridge in the fog", "Scene 1")
        mark = user.mark()
        await user.send_photo(make_photo(800, 600, seed=5))
        await user.wait_for_text("Photo added", after=mark)
        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=120, after=mark)
        assert video.has_button("Re-render") and video.has_button("Export project")

        mark = user.mark()
        await user.press_button(video, "Export project")
        document = await user.wait_for(lambda m: m.media_kind == "document", after=mark, timeout=60)
        assert document.file_bytes is not None
        with zipfile.ZipFile(io.BytesIO(document.file_bytes)) as archive:
            names = set(archive.namelist())
            storyboard = json.loads(archive.read("storyboard.json"))
            assert archive.read("video.mp4") == video.file_bytes
        assert {"storyboard.json", "video.mp4", "pictures/scene-01.jpg"} <= names
        assert storyboard["scenes"][0]["idea"] == "A bridge in the fog"
        assert storyboard["style_prompt"]

        await say(user, "/new Keeper", "Keeper")
        listing = await say(user, "/projects", "Your projects")
        mark = user.mark()
        await user.press(listing, _button(listing, "Draft", ":rn"))
        question = await user.wait_for_text("Send the new title", after=mark)
        mark = user.mark()
        await user.send_text("Sương mù trên cầu", reply_to=question.message_id)
        await user.wait_for_text("Renamed: Sương mù trên cầu", after=mark)

        listing = await say(user, "/projects", "Your projects")
        mark = user.mark()
        await user.press(listing, _button(listing, "Sương mù", ":rm"))
        confirm = await user.wait_for(lambda m: m.has_button("Yes, delete it"), after=mark)
        assert query(settings.database_path, "select count(*) from projects")[0] == (2,)
        mark = user.mark()
        await user.press_button(confirm, "Yes, delete it")
        await user.wait_for_text("is deleted", after=mark)

        callback = await user.press_button(video, "Re-render")
        answer = await user.wait_for_callback_answer(callback)
        assert answer.text is not None and "no longer exists" in answer.text
    titles = [row[0] for row in query(settings.database_path, "select title from projects")]
    orphans = query(settings.database_path, "select count(*) from scenes")[0]
    assert titles == ["Keeper"] and orphans == (0,)
    assert not [c for c in emulator.failed_calls() if c.method == "sendMessage"]


async def test_untitled_projects_get_numbered_titles(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    user = emulator.user(5007, "Quynh")
    async with running_bot(make_settings()):
        await say(user, "A first idea before any project", "I started a project")
        await say(user, "/new", "My music video 2")
        await say(user, "/new", "My music video 3")
        await say(user, "/new My music video", "New project")
        listing = await say(user, "/projects", "Your projects")
    assert listing.reply_markup is not None
    titles = [
        b["text"].removeprefix("▶ ")
        for row in listing.reply_markup["inline_keyboard"]
        for b in row
        if b["callback_data"].endswith(":sw")
    ]
    # A title the director typed is theirs to repeat; only the defaults are numbered.
    assert titles == ["My music video", "My music video 3", "My music video 2", "My music video"]
