"""Directing in words through the Bot API emulator: edits, answers and undo, in en and vi."""

from __future__ import annotations

from bot.config import Settings
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import ideas, new_project, say
from tests.support.database import query
from tests.support.telegram_emulator import BotApiEmulator, BotMessage, SimulatedUser


def aspect(settings: Settings, owner: int) -> str:
    rows = query(settings.database_path, "select aspect from projects where owner_id = ?", (owner,))
    return str(rows[0][0])


async def instruct(user: SimulatedUser, text: str, expect: str) -> BotMessage:
    """Send an instruction; its answer, which must carry an Undo button."""
    answer = await say(user, text, expect)
    assert answer.buttons, answer.text
    return answer


async def test_swap_delete_move_and_aspect_in_english_then_undo(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(4001, "Mai")
    async with running_bot(settings):
        await new_project(user, "Words", "Dawn", "Harbour", "Market", "Temple")
        answer = await instruct(user, "swap the last two", "Swapped scenes 3 and 4")
        assert ideas(settings, 4001) == ["Dawn", "Harbour", "Temple", "Market"]
        await instruct(user, "delete scene 2", "Deleted scene 2")
        assert ideas(settings, 4001) == ["Dawn", "Temple", "Market"]
        await instruct(user, "move scene 3 to the start", "Moved scene 3 to place 1")
        assert ideas(settings, 4001) == ["Market", "Dawn", "Temple"]
        await instruct(user, "make it 16:9", "Aspect ratio: 16:9")
        assert aspect(settings, 4001) == "16:9"

        # The first answer's Undo is no longer the last change: it says so and changes nothing.
        query_id = await user.press_button(answer, "↩️ Undo")
        refusal = await user.wait_for_callback_answer(query_id)
        assert "Newer changes" in (refusal.text or "")
        assert ideas(settings, 4001) == ["Market", "Dawn", "Temple"]

        await say(user, "undo", "Undone")
        assert aspect(settings, 4001) == "9:16"
        await say(user, "/undo", "Undone")
        assert ideas(settings, 4001) == ["Dawn", "Temple", "Market"]


async def test_vietnamese_instructions_and_undo_after_a_restart(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(4002, "Linh", language_code="vi")
    async with running_bot(settings):
        await say(user, "/new Lịch sử", "Lịch sử")
        for idea in ("Vua Hùng dựng nước", "Thánh Gióng", "Hà Nội hôm nay"):
            await say(user, idea, idea)
        await instruct(user, "đổi cảnh 1 và 2", "Đã đổi chỗ cảnh 1 và 2")
        assert ideas(settings, 4002) == ["Thánh Gióng", "Vua Hùng dựng nước", "Hà Nội hôm nay"]
        await instruct(user, "xoa canh 3", "Đã xoá cảnh 3")
        assert ideas(settings, 4002) == ["Thánh Gióng", "Vua Hùng dựng nước"]
        answer = await say(user, "video dài bao lâu?", "Video sẽ dài khoảng")
        assert "2 cảnh" in answer.text
        assert len(ideas(settings, 4002)) == 2  # a question is no scene

    async with running_bot(settings):  # the bot restarted: the journal is in SQLite
        await say(user, "hoàn tác", "Đã hoàn tác")
        assert ideas(settings, 4002) == ["Thánh Gióng", "Vua Hùng dựng nước", "Hà Nội hôm nay"]
        await say(user, "hoàn tác", "Đã hoàn tác")
        assert ideas(settings, 4002) == ["Vua Hùng dựng nước", "Thánh Gióng", "Hà Nội hôm nay"]


async def test_a_scene_that_does_not_exist_changes_nothing_and_ideas_stay_ideas(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(4003, "Khanh")
    async with running_bot(settings):
        await new_project(user, "Safe", "Dawn", "Harbour")
        await say(user, "delete scene 9", "There is no scene 9")
        assert ideas(settings, 4003) == ["Dawn", "Harbour"]
        await say(user, "Move through the rice fields at dawn", "Scene 3")
        answer = await say(user, "how many scenes?", "3 scene")
        assert not answer.buttons
        assert ideas(settings, 4003)[-1] == "Move through the rice fields at dawn"


async def test_a_reply_to_a_scene_is_about_that_scene(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(4004, "Hoa")
    async with running_bot(settings):
        announced = await new_project(user, "Replies", "Dawn", "Harbour", "Market")
        mark = user.mark()
        await user.send_text("delete this", reply_to=announced[1].message_id)
        await user.wait_for_text("Deleted scene 2", after=mark)
        assert ideas(settings, 4004) == ["Dawn", "Market"]
        mark = user.mark()
        await user.send_text("Sunrise over the karst islands", reply_to=announced[0].message_id)
        await user.wait_for_text("Scene 1 is now", after=mark)
        assert ideas(settings, 4004) == ["Sunrise over the karst islands", "Market"]
