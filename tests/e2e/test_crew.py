"""A film crew in one group chat: a director, two photographers, and who may decide what."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from bot.media.cards import make_credits_card
from bot.providers.styles_file import load_styles
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.support.database import query
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_photo
from tests.support.telegram_emulator import DEFAULT_BOT_USERNAME, BotApiEmulator, GroupMember
from tests.support.video_checks import probe, video_frames

REFUSAL = "director's call"


@pytest.fixture
async def fake_openai(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOpenAI]:
    """A fake OpenAI server the real client finds through its own environment variables."""
    async with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-key-0123456789")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


CREW_CHAT = -1001000000001


def _crew(emulator: BotApiEmulator, chat_id: int = CREW_CHAT) -> tuple[GroupMember, ...]:
    group = emulator.group(chat_id, "Film crew")
    director = group.member(emulator.user(7001, "Đạo"), status="creator")
    lan = group.member(emulator.user(7002, "Lan"))
    minh = group.member(emulator.user(7003, "Minh"))
    return director, lan, minh


def _project(path: Path, chat_id: int) -> tuple[int, str, int]:
    rows = query(
        path,
        "select id, aspect, director_id from projects where owner_id = ? order by id",
        (chat_id,),
    )
    assert rows, f"no project in chat {chat_id}"
    return rows[-1]


def _scenes(path: Path, project_id: int) -> list[str]:
    rows = query(
        path,
        "select idea from scenes where project_id = ? order by position",
        (project_id,),
    )
    return [row[0] for row in rows]


@pytest.mark.slow
async def test_members_add_material_and_only_the_director_or_an_admin_decides(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    path = settings.database_path
    director, lan, minh = _crew(emulator)
    async with running_bot(settings) as application:
        # No project yet: material alone does not start one (someone must /new and direct it).
        await say(lan, "A lantern festival at dusk", "/new")
        created = await say(director, f"/new@{DEFAULT_BOT_USERNAME} Lanterns", "Lanterns")
        project_id, aspect, director_id = _project(path, CREW_CHAT)
        assert (aspect, director_id) == ("9:16", 7001)

        await say(lan, f"@{DEFAULT_BOT_USERNAME} A lantern festival at dusk", "Scene 1")
        mark = minh.mark()
        await minh.send_photo(make_photo(800, 600, seed=3), caption="Boats on the river")
        await minh.wait_for_text("Scene 2", after=mark)
        assert _scenes(path, project_id) == ["A lantern festival at dusk", "Boats on the river"]

        # A crew member's instructions, presses and forged buttons change nothing.
        await say(lan, "delete scene 1", REFUSAL)
        await say(lan, "/render", REFUSAL)
        for data in (f"opt:{project_id}:a:16x9", f"pj:{project_id}:rmok", f"undo:{project_id}:1"):
            answer = await lan.wait_for_callback_answer(await lan.press(created, data))
            assert answer.text is not None and REFUSAL in answer.text, data
        assert _scenes(path, project_id) == ["A lantern festival at dusk", "Boats on the river"]
        assert _project(path, CREW_CHAT)[1] == "9:16"
        assert query(path, "select count(*) from jobs")[0] == (0,)

        # Minh made an admin: his press of the real button counts.
        lan.group.set_status(emulator.user(7003), "administrator")
        answer = await minh.wait_for_callback_answer(
            await minh.press_button(created, "16:9 YouTube")
        )
        assert answer.text is not None and REFUSAL not in answer.text
        assert _project(path, CREW_CHAT)[1] == "16:9"

        # The director renders: one progress message, edited, and the video answers /render.
        mark = director.mark()
        render_id = await director.send_text("/render")
        video = await director.wait_for_video(timeout=180, after=mark)
        await application.bot_data.runner.wait_idle()
    assert video.raw["reply_to_message"]["message_id"] == render_id
    progress = [m for m in director.bot_messages() if "Rendering" in m.original_text]
    assert len(progress) == 1 and progress[0].raw["reply_to_message"]["message_id"] == render_id
    assert progress[0].edits, "the progress message is edited in place"
    assert query(path, "select owner_id, chat_id, state from jobs") == [
        (CREW_CHAT, CREW_CHAT, "done")
    ]


async def test_forum_topics_upgrades_removal_and_allowed_groups(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(allowed_user_ids="7001", allowed_chat_ids="-4001,-1004001,-1005001")
    path = settings.database_path
    dao, lan = emulator.user(7001, "Đạo"), emulator.user(7002, "Lan")
    async with running_bot(settings) as application:
        # Each forum topic has its own project.
        forum = emulator.group(-1005001, "Crew forum", is_forum=True)
        topic_a = forum.member(dao, status="creator", thread_id=11)
        topic_b = forum.member(dao, thread_id=22)
        await say(topic_a, "/new Topic A", "Topic A")
        await say(topic_b, "/new Topic B", "Topic B")
        answer = await say(forum.member(lan, thread_id=11), "Rain on the old town", "Scene 1")
        assert answer.raw.get("message_thread_id") == 11
        rows = query(
            path,
            "select p.title, s.idea from scenes s join projects p on p.id = s.project_id",
            (),
        )
        assert rows == [("Topic A", "Rain on the old town")]
        sheet = await say(topic_a, "/credits", "Reply to a line")
        assert sheet.raw.get("message_thread_id") == 11, "a topic's answers stay in the topic"
        mark = topic_a.mark()
        await topic_a.send_text("/storyboard")
        preview = await topic_a.wait_for(
            lambda m: m.media_kind == "photo", after=mark, what="preview"
        )
        panel = await topic_a.wait_for(
            lambda m: m.media_kind is None and bool(m.buttons), after=mark, what="panel"
        )
        assert preview.raw.get("message_thread_id") == panel.raw.get("message_thread_id") == 11
        await application.bot_data.runner.wait_idle()

        # An album's one answer, an edit in words and its picture refresh stay in their topics.
        mark = topic_b.mark()
        await topic_b.send_album([make_photo(seed=1), make_photo(seed=2)], "Lanterns at night")
        album = await topic_b.wait_for(
            lambda m: "starts with 2 photos" in m.original_text, after=mark, what="album answer"
        )
        assert album.raw.get("message_thread_id") == 22
        mark = topic_a.mark()
        await topic_a.send_text("make scene 1 at night")
        edit = await topic_a.wait_for(
            lambda m: m.has_button("Undo"), after=mark, what="the edit's answer"
        )
        assert edit.raw.get("message_thread_id") == 11
        refresh = await topic_a.wait_for(
            lambda m: m.message_id > edit.message_id and "Storyboard ready" in m.text,
            after=mark,
            what="the picture refresh",
        )
        assert refresh.raw.get("message_thread_id") == 11
        await application.bot_data.runner.wait_idle()
        sent = [m for m in forum.bot_messages() if m.message_id > album.message_id - 1]
        strays = [m.original_text for m in sent if m.raw.get("message_thread_id") is None]
        assert not strays, "every answer in a forum stays in its topic"

        # A group upgraded to a supergroup keeps its projects.
        small = emulator.group(-4001, "Small crew", kind="group")
        old_dao = small.member(dao, status="creator")
        await say(old_dao, "/new Harbour", "Harbour")
        await say(small.member(lan), "Fishing boats at dawn", "Scene 1")
        upgraded = await small.upgrade(-1004001, dao)
        await say(upgraded.member(dao), "/status", "Harbour")
        assert query(path, "select owner_id from projects where title = 'Harbour'") == [(-1004001,)]
        assert query(path, "select count(*) from chats where id = -4001")[0] == (0,)
        await say(upgraded.member(lan), "Nets drying in the sun", "Scene 2")

        # Groups outside ALLOWED_CHAT_IDS are refused once, politely; nothing is stored.
        other = emulator.group(-1009009, "Strangers")
        await say(other.member(lan), "/new Nope", "only in the groups")
        assert query(path, "select count(*) from projects where owner_id = -1009009")[0] == (0,)

        # Removed from the forum: its jobs stop without a word.
        await say(topic_a, "/render", "Rendering")
        mark = topic_a.mark()
        await forum.remove_bot(dao)
        await emulator.wait_delivered()
        for _ in range(200):
            states = query(
                path,
                "select state, error from jobs where owner_id = -1005001 and kind = 'render'",
                (),
            )
            if states and states[0][0] != "running" and states[0][0] != "queued":
                break
            await asyncio.sleep(0.05)
        assert states == [("failed", "recipient_gone")]
        assert not [m for m in forum.bot_messages() if m.revision > mark and m.media_kind]


@pytest.mark.slow
async def test_the_cost_question_is_the_directors_and_the_director_pays(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = make_settings(provider="openai", openai_max_retries=1, confirm_cost_above_usd=0)
    path = settings.database_path
    director, lan, _ = _crew(emulator)
    async with running_bot(settings) as application:
        await say(director, "/new Lanterns", "Lanterns")
        await say(lan, "A lantern festival at dusk", "Scene 1")
        question = await say(director, "/render", "Go ahead?")
        answer = await lan.wait_for_callback_answer(await lan.press_button(question, "Go ahead"))
        assert answer.text is not None and REFUSAL in answer.text
        assert query(path, "select count(*) from jobs")[0] == (0,)
        mark = director.mark()
        await director.press_button(question, "Go ahead")
        video = await director.wait_for_video(timeout=180, after=mark)
        await application.bot_data.runner.wait_idle()
    asked = question.raw["reply_to_message"]["message_id"]  # the question answers /render
    assert video.raw["reply_to_message"]["message_id"] == asked
    payers = query(path, "select distinct owner_id from usage")
    assert payers == [(7001,)], "paid calls are charged to the director only"
    assert query(path, "select sum(cost_usd) > 0 from usage")[0] == (1,)


@pytest.mark.slow
async def test_the_crew_is_credited_and_the_video_ends_with_their_names(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    director, lan, minh = _crew(emulator)
    async with running_bot(settings) as application:
        await say(director, "/new Mekong", "Mekong")
        mark = lan.mark()
        await lan.send_photo(make_photo(900, 600, seed=5), caption="Ruộng bậc thang")
        await lan.wait_for_text("Scene 1", after=mark)
        mark = minh.mark()
        await minh.send_photo(
            make_photo(900, 600, seed=6), caption="Chợ nổi Cái Răng. Ảnh: Minh Trần"
        )
        await minh.wait_for_text("Scene 2", after=mark)

        # Who sent what, as /credits shows it: the sender, or the caption's credit.
        mark = director.mark()
        await director.send_text("/credits")
        await director.wait_for_text("Reply to a line", after=mark)
        shown = [m for m in director.bot_messages() if m.revision > mark and not m.deleted]
        texts = "\n".join(m.text for m in shown)
        assert "Photographs by Lan — scene 1" in texts
        assert "Photographs by Minh Trần — scene 2" in texts
        assert "Directed by Đạo" in texts
        assert "ends with a credits card" in texts  # the crew's work turned the card on

        # Correcting a credit is the director's call: Lan's reply changes nothing.
        line = next(m for m in shown if "Minh Trần" in m.text)
        mark = lan.mark()
        await lan.send_text("© Someone Else", reply_to=line.message_id)
        await lan.wait_for_text(REFUSAL, after=mark)
        mark = director.mark()
        await director.send_text("© Trần Văn Minh", reply_to=line.message_id)
        await director.wait_for_text("Credited to: Trần Văn Minh", after=mark)

        mark = director.mark()
        await director.send_text("/render")
        video = await director.wait_for_video(timeout=240, after=mark)
        await application.bot_data.runner.wait_idle()
        assert not emulator.app_errors
    assert video.file_bytes is not None
    path = settings.data_dir / "crew-credits.mp4"
    path.write_bytes(video.file_bytes)
    info = probe(path)
    style = load_styles()[settings.default_style]
    expected = np.asarray(
        make_credits_card(
            [
                ("Photographs by", ["Lan", "Trần Văn Minh"]),
                ("Directed by", ["Đạo"]),
            ],
            style,
            info.width,
            info.height,
        ),
        dtype=np.int16,
    )
    # The card's middle (the video's last seconds, before its closing fade) against scene 1.
    on_card = round((info.duration - 2.0) * info.fps)
    in_scene_one = round(1.0 * info.fps)
    frames = video_frames(path, {on_card, in_scene_one})
    distance = {i: float(np.abs(f.astype(np.int16) - expected).mean()) for i, f in frames.items()}
    assert distance[on_card] < 8.0, distance
    assert distance[in_scene_one] > 3 * distance[on_card], distance
