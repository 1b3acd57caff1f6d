"""Self-checks of the Bot API emulator against the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.support.synthetic_media import make_photo, make_video
from tests.support.telegram_emulator import NOT_MODIFIED, BotApiEmulator, SimulatedUser

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator
    assert not emulator.internal_errors, emulator.internal_errors


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client


@pytest.fixture
def linh(emu: BotApiEmulator) -> SimulatedUser:
    return emu.user(1001, "Linh", language_code="vi")


async def test_get_me_and_token_check(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "pocket_director_test_bot", True)

    with pytest.raises(InvalidToken):
        async with Bot("123456:WRONG", base_url=emu.base_url):
            pass
    assert emu.calls[-1].error_code == 401


async def test_send_and_edit_message(bot: Bot, linh: SimulatedUser) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(
        linh.chat_id, "<b>Xin chào</b> &amp; welcome 🎬", parse_mode="HTML", reply_markup=keyboard
    )
    assert sent.text == "Xin chào & welcome 🎬"
    assert sent.entities == (MessageEntity(MessageEntity.BOLD, 0, 8),)
    assert sent.reply_markup == keyboard

    edited = await bot.edit_message_text("Rendering…", linh.chat_id, sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Rendering…"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Rendering…", linh.chat_id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", linh.chat_id, 999)
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(linh.chat_id, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved and must be escaped"):
        await bot.send_message(linh.chat_id, "Done.", parse_mode="MarkdownV2")

    message = linh.last_bot_message()
    assert message.message_id == sent.message_id
    assert message.history == ["Xin chào & welcome 🎬", "Rendering…"]
    assert message.reply_markup is None  # the edit did not repeat the keyboard
    assert NOT_MODIFIED.startswith("Bad Request: message is not modified")


async def test_send_video_keeps_uploaded_bytes(
    emu: BotApiEmulator, bot: Bot, linh: SimulatedUser
) -> None:
    video = make_video(seconds=1.0, width=320, height=240)
    thumb = make_photo(320, 240, seed=3)
    sent = await bot.send_video(
        linh.chat_id, video, thumbnail=thumb, caption="Your cut", supports_streaming=True
    )
    assert sent.video is not None and sent.caption == "Your cut"
    assert (sent.video.width, sent.video.height, sent.video.mime_type) == (320, 240, "video/mp4")
    assert sent.video.thumbnail is not None and sent.video.thumbnail.width == 320

    message = await linh.wait_for_video(timeout=2)
    assert message.file_bytes == video
    assert message.thumbnail_bytes == thumb and message.thumbnail_rejected is None
    call = emu.last_call("sendVideo")
    assert call.params["supports_streaming"] is True
    assert {f.data for f in call.files.values()} == {video, thumb}

    # Something that is not an MP4 is delivered as a document, like real Telegram does.
    junk = await bot.send_video(linh.chat_id, b"not really a video", filename="cut.mp4")
    assert junk.video is None and junk.document is not None


async def test_send_media_group(bot: Bot, linh: SimulatedUser) -> None:
    photos = [make_photo(800, 600, seed=i) for i in range(3)]
    album = await bot.send_media_group(
        linh.chat_id, [InputMediaPhoto(p, caption=f"#{i}") for i, p in enumerate(photos)]
    )
    assert len(album) == 3
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert [m.caption for m in album] == ["#0", "#1", "#2"]
    assert [(m.photo[-1].width, m.photo[-1].height) for m in album] == [(800, 600)] * 3
    assert [m.file_bytes for m in linh.bot_messages()] == photos
    with pytest.raises(BadRequest):
        await bot.send_media_group(linh.chat_id, [InputMediaPhoto(photos[0])])


@pytest.mark.slow
async def test_get_updates_long_poll(emu: BotApiEmulator, bot: Bot, linh: SimulatedUser) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await linh.send_text("/start@pocket_director_test_bot hello")
    (update,) = await poll
    assert time.monotonic() - started < 2

    assert update.message is not None and update.effective_user is not None
    assert update.effective_user.language_code == "vi"
    assert update.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 31),)
    assert update.message.parse_entities([MessageEntity.BOT_COMMAND])
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert emu.pending_updates == []

    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_get_file_and_download(bot: Bot, linh: SimulatedUser) -> None:
    jpeg = make_photo(1600, 1200, seed=5)
    await linh.send_photo(jpeg, caption="reference")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.caption == "reference"
    sizes = update.message.photo
    assert len(sizes) >= 2 and sizes[0].width < sizes[-1].width
    assert (sizes[-1].width, sizes[-1].height, sizes[-1].file_size) == (1600, 1200, len(jpeg))

    file = await bot.get_file(sizes[-1].file_id)
    assert file.file_size == len(jpeg)
    assert bytes(await file.download_as_bytearray()) == jpeg
    buf = io.BytesIO()
    await (await bot.get_file(sizes[0].file_id)).download_to_memory(buf)
    assert Image.open(buf).size == (sizes[0].width, sizes[0].height)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control(emu: BotApiEmulator, bot: Bot, linh: SimulatedUser) -> None:
    emu.flood_every(2, retry_after=3)
    await bot.send_message(linh.chat_id, "one")
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(linh.chat_id, "two")
    await bot.send_chat_action(linh.chat_id, "typing")  # not counted
    await bot.send_message(linh.chat_id, "three")
    emu.flood_off()
    await bot.send_message(linh.chat_id, "four")
    assert [m.text for m in linh.bot_messages()] == ["one", "three", "four"]
    assert [action for _, action in linh.chat_actions] == ["typing"]
    assert emu.calls_to("sendMessage")[1].error_code == 429


async def test_file_too_big_blocked_and_unknown_chat(
    emu: BotApiEmulator, bot: Bot, linh: SimulatedUser
) -> None:
    await linh.send_file_too_big(kind="audio", file_name="long-mix.mp3", size=25 * 1024 * 1024)
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.audio is not None
    assert update.message.audio.file_size == 25 * 1024 * 1024
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(update.message.audio.file_id)

    emu.block_user(linh.chat_id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(linh.chat_id, "hello?")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello?")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Make a video", callback_data="make")]])
    await update.effective_message.reply_text(
        "Welcome to Pocket Director!", reply_markup=keyboard, do_quote=True
    )


async def _make(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("On it")
    await query.edit_message_text("Send me a song 🎵")


async def test_application_round_trip(emu: BotApiEmulator, linh: SimulatedUser) -> None:
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_make, pattern="^make$"))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        mark = linh.mark()
        command_id = await linh.send_text("/start")
        welcome = await linh.wait_for_text("Welcome", timeout=5, after=mark)
        assert welcome.raw["reply_to_message"]["message_id"] == command_id

        mark = linh.mark()
        query_id = await linh.press_button(welcome, "Make a video")
        answer = await linh.wait_for_callback_answer(query_id, timeout=5)
        assert answer.text == "On it" and not answer.show_alert
        edited = await linh.wait_for_text("Send me a song", timeout=5, after=mark)
        assert edited.message_id == welcome.message_id and edited.buttons == []
        await emu.wait_delivered(timeout=2)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert emu.pending_updates == []
    assert {"getMe", "deleteWebhook", "getUpdates"} <= {c.method for c in emu.calls}


async def test_polling_helper_collects_handler_errors(
    emu: BotApiEmulator, linh: SimulatedUser
) -> None:
    async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("boom")

    app = emu.application_builder().build()
    app.add_handler(CommandHandler("boom", boom))
    async with emu.polling(app):
        await linh.send_text("/boom")
        await emu.wait_delivered(timeout=2)
        for _ in range(200):
            if emu.app_errors:
                break
            await asyncio.sleep(0.01)
    assert [str(e) for e in emu.app_errors] == ["boom"]
    with pytest.raises(AssertionError, match="Exceptions in the bot's handlers"):
        await linh.wait_for_text("never", timeout=0.05)


async def test_menu_button_and_web_app_buttons_are_checked_like_telegram(
    emu: BotApiEmulator, bot: Bot, linh: SimulatedUser
) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

    assert emu.menu_button(1001) == {"type": "commands"}
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp("Timeline", WebAppInfo("https://example.org/app/"))
    )
    assert emu.menu_button(1001)["web_app"] == {"url": "https://example.org/app/"}
    assert (await bot.get_chat_menu_button(chat_id=1001)).type == "web_app"
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("Timeline", WebAppInfo("ftp://example.org/"))
        )

    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open", web_app=WebAppInfo("http://127.0.0.1:9/app/"))]]
    )
    sent = await bot.send_message(1001, "Timeline", reply_markup=markup)
    assert linh.last_bot_message().buttons[0]["web_app"]["url"] == "http://127.0.0.1:9/app/"
    assert sent.reply_markup is not None
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("Open", web_app=WebAppInfo("nowhere"))]])
    with pytest.raises(BadRequest, match=r"(?i)button_url_invalid"):
        await bot.send_message(1001, "Timeline", reply_markup=bad)
