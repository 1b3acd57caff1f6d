"""How a storyboard looks in the chat: albums of previews and one control panel."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.handlers.callback_data import encode
from bot.handlers.job_topics import topic_of
from bot.handlers.text import escape
from bot.handlers.timeline_button import chat_timeline_button
from bot.i18n import t
from bot.studio.footage import Stretch, clock
from bot.studio.models import AssetKind, Job, Project, Scene
from bot.studio.ports import ScenePreview, SceneReady, StoryboardReady
from bot.studio.scene_editing import SceneAction
from bot.studio.scene_messages import SceneMessages
from bot.studio.timeline import Fit

logger = logging.getLogger(__name__)

ALBUM_SIZE = 10  # Telegram's largest media group
SCENE_PREFIX = "sb"
CAPTION_LIMIT = 1024


def album_caption(scene: Scene) -> str:
    """The caption under a scene's preview: its number and caption (plain text)."""
    return f"{scene.position}. {scene.caption or scene.idea}"[:CAPTION_LIMIT]


def chunks(items: Sequence[ScenePreview], size: int = ALBUM_SIZE) -> list[list[ScenePreview]]:
    """Albums of at most `size`; never a lone item after a full album if it can be avoided."""
    groups = [list(items[i : i + size]) for i in range(0, len(items), size)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-1].insert(0, groups[-2].pop())
    return groups


StretchOf = Callable[[int, Scene], Stretch | None]


def panel_text(language: str, scene: Scene, total: int, stretch: Stretch | None = None) -> str:
    """The panel's text for one scene (with the part of its clip a footage scene shows)."""
    seconds = f"{scene.duration:g} s" if scene.duration else t(language, "storyboard.auto_length")
    text = t(
        language,
        "storyboard.panel",
        number=scene.position,
        total=total,
        length=seconds,
        motion=t(language, f"motion.{scene.motion.value}")
        + (" · " + t(language, "storyboard.uncropped") if scene.fit == Fit.CONTAIN else ""),
        caption=escape(scene.caption or scene.idea),
    )
    if stretch is None:
        return text
    clip = t(
        language,
        "storyboard.panel_clip",
        start=clock(stretch.start),
        end=clock(stretch.end),
        length=clock(stretch.clip_seconds),
    )
    return f"{text}\n{clip}"


def panel_keyboard(
    language: str,
    scene: Scene,
    total: int,
    stretch: Stretch | None = None,
    timeline: InlineKeyboardButton | None = None,
) -> InlineKeyboardMarkup:
    """Buttons acting on this scene (by id, so they keep acting on the right project); a
    footage scene gets ◀ ▶ to move its stretch through the clip."""

    def button(label_key: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t(language, label_key), callback_data=encode(SCENE_PREFIX, f"{scene.id}:{action}")
        )

    clip_row = (
        [
            [
                button("storyboard.clip_earlier", SceneAction.CLIP_EARLIER),
                button("storyboard.clip_later", SceneAction.CLIP_LATER),
            ]
        ]
        if stretch is not None
        else []
    )
    return InlineKeyboardMarkup(
        [
            *clip_row,
            [
                button("storyboard.redo", SceneAction.REDO),
                button("storyboard.edit", "edit"),
                button("storyboard.delete", SceneAction.DELETE),
            ],
            [
                button("storyboard.earlier", SceneAction.EARLIER),
                button("storyboard.later", SceneAction.LATER),
                button("storyboard.shorter", SceneAction.SHORTER),
                button("storyboard.longer", SceneAction.LONGER),
            ],
            [
                button("storyboard.motion", SceneAction.MOTION),
                button(
                    "storyboard.kept" if scene.accepted else "storyboard.keep", SceneAction.KEEP
                ),
                button(
                    "storyboard.fill" if scene.fit == Fit.CONTAIN else "storyboard.whole",
                    SceneAction.FIT,
                ),
            ],
            [
                button("storyboard.previous", "prev"),
                InlineKeyboardButton(f"{scene.position}/{total}", callback_data="noop"),
                button("storyboard.next", "next"),
            ],
            *([[timeline]] if timeline is not None else []),
        ]
    )


class StoryboardView:
    """Sends and updates storyboard messages; remembers which message shows which scene."""

    def __init__(
        self,
        bot: Bot,
        messages: SceneMessages,
        stretch_of: StretchOf | None = None,
        webapp_url: str | None = None,
        webapp_short_name: str | None = None,
    ) -> None:
        self.bot = bot
        self.messages = messages
        self.stretch_of = stretch_of
        self.webapp_url = webapp_url
        self.webapp_short_name = webapp_short_name

    def _timeline(
        self, language: str, chat_id: int, project_id: int
    ) -> InlineKeyboardButton | None:
        """The panel's "Open timeline" button for this chat, when the Mini App is served."""
        return chat_timeline_button(
            language,
            self.webapp_url,
            project_id,
            chat_id,
            self.bot.username,
            self.webapp_short_name,
        )

    def _stretch(self, owner_id: int, scene: Scene) -> Stretch | None:
        return self.stretch_of(owner_id, scene) if self.stretch_of is not None else None

    async def show(
        self,
        job: Job,
        project: Project,
        result: StoryboardReady,
        already_shown: Collection[int] = (),
    ) -> None:
        """Send the albums and the panel, or replace changed previews in place.

        Scenes in `already_shown` (ids) were sent one by one as they were made: no album
        repeats them.
        """
        if result.refresh_only:
            for preview in result.previews:
                if preview.changed:
                    await self.replace_picture(job.owner_id, preview)
            return
        for group in chunks([p for p in result.previews if p.scene.id not in already_shown]):
            messages = await self._send_album(job.chat_id, group, topic_of(job))
            for preview, message in zip(group, messages, strict=True):
                self.messages.remember_preview(
                    job.owner_id, job.chat_id, message.message_id, preview.scene.id
                )
        first = result.previews[0].scene
        stretch = self._stretch(job.owner_id, first)
        panel = await self.bot.send_message(
            job.chat_id,
            panel_text(job.language, first, len(result.previews), stretch),
            parse_mode=ParseMode.HTML,
            reply_markup=panel_keyboard(
                job.language,
                first,
                len(result.previews),
                stretch,
                self._timeline(job.language, job.chat_id, first.project_id),
            ),
            message_thread_id=topic_of(job),
        )
        self.messages.remember_panel(job.owner_id, job.chat_id, panel.message_id, first.id)

    async def show_ready(self, job: Job, ready: SceneReady, write_timeout: float) -> None:
        """Send a scene's picture or clip the moment it is made, linked to its scene."""
        caption = album_caption(ready.scene)
        with ready.path.open("rb") as media:
            if ready.kind in (AssetKind.CLIP, AssetKind.RESTYLED):
                message = await self.bot.send_video(
                    job.chat_id,
                    media,
                    caption=caption,
                    supports_streaming=True,
                    message_thread_id=topic_of(job),
                    write_timeout=write_timeout,
                    read_timeout=write_timeout,
                )
                self.messages.remember_clip(
                    job.owner_id, job.chat_id, message.message_id, ready.scene.id
                )
                return
            message = await self.bot.send_photo(
                job.chat_id, media, caption=caption, message_thread_id=topic_of(job)
            )
        self.messages.remember_preview(
            job.owner_id, job.chat_id, message.message_id, ready.scene.id
        )

    async def _send_album(
        self, chat_id: int, group: list[ScenePreview], topic: int | None
    ) -> Sequence[Message]:
        if len(group) == 1:
            with group[0].path.open("rb") as photo:
                caption = album_caption(group[0].scene)
                return [
                    await self.bot.send_photo(
                        chat_id, photo, caption=caption, message_thread_id=topic
                    )
                ]
        media = [
            InputMediaPhoto(p.path.read_bytes(), caption=album_caption(p.scene)) for p in group
        ]
        return await self.bot.send_media_group(chat_id, media, message_thread_id=topic)

    async def replace_picture(self, owner_id: int, preview: ScenePreview) -> None:
        """Put a scene's new picture into every message that previews it."""
        for chat_id, message_id in self.messages.preview_messages(owner_id, preview.scene.id):
            media = InputMediaPhoto(preview.path.read_bytes(), caption=album_caption(preview.scene))
            await self._quietly(self.bot.edit_message_media(media, chat_id, message_id))

    async def remove_messages(self, messages: Sequence[tuple[int, int]]) -> None:
        """Delete these (chat id, message id) messages, as far as Telegram still allows."""
        for chat_id, message_id in messages:
            await self._quietly(self.bot.delete_message(chat_id, message_id))

    async def update_captions(self, owner_id: int, scenes: Sequence[Scene]) -> None:
        """Renumber / recaption the previews of these scenes."""
        for scene in scenes:
            for chat_id, message_id in self.messages.preview_messages(owner_id, scene.id):
                await self._quietly(
                    self.bot.edit_message_caption(chat_id, message_id, caption=album_caption(scene))
                )

    async def show_panel(
        self, owner_id: int, message: Message, language: str, scene: Scene, total: int
    ) -> None:
        """Make an existing panel message show `scene`."""
        stretch = self._stretch(owner_id, scene)
        await self._quietly(
            message.edit_text(
                panel_text(language, scene, total, stretch),
                parse_mode=ParseMode.HTML,
                reply_markup=panel_keyboard(
                    language,
                    scene,
                    total,
                    stretch,
                    self._timeline(language, message.chat_id, scene.project_id),
                ),
            )
        )
        self.messages.remember_panel(owner_id, message.chat_id, message.message_id, scene.id)

    async def _quietly(self, call: Awaitable[object]) -> None:
        """Await a Telegram edit; an unchanged or vanished message is not an error here."""
        try:
            await call
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                logger.info("Storyboard edit refused: %s", error.message)
        except TelegramError:
            logger.warning("Storyboard edit failed", exc_info=True)
