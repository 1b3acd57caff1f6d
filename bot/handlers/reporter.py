"""The chat side of jobs: one progress message edited in place, then the video."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from telegram import Bot, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.errors import DeliveryFailed, RecipientGone
from bot.handlers.job_topics import topic_of
from bot.handlers.projects import video_keyboard
from bot.handlers.storyboard_view import StoryboardView
from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.models import AssetKind, Job, Project
from bot.studio.names import title_file_name
from bot.studio.ports import JobResult, RenderedVideo, SceneReady
from bot.studio.progress import eta_seconds

logger = logging.getLogger(__name__)

# Telegram answers 429 when one message is edited more often than every couple of seconds.
EDIT_INTERVAL = 2.0
# A chat action shows for about 5 seconds.
ACTION_INTERVAL = 4.0
# What the chat shows while a step runs ("typing…" while the storyboard is being written).
STEP_ACTIONS = {
    "planning": ChatAction.TYPING,
    "pictures": ChatAction.UPLOAD_PHOTO,
    "clips": ChatAction.RECORD_VIDEO,
    "render": ChatAction.RECORD_VIDEO,
}


def answering(job: Job) -> ReplyParameters | None:
    """A reply to the message that asked for the job (sent anyway if it was deleted)."""
    asked = job.options.get("reply_to")
    if not isinstance(asked, int):
        return None
    return ReplyParameters(asked, allow_sending_without_reply=True)


def progress_bar(fraction: float, cells: int = 12) -> str:
    """A text bar such as ▰▰▰▱▱▱."""
    filled = max(0, min(cells, round(fraction * cells)))
    return "▰" * filled + "▱" * (cells - filled)


def video_file_name(title: str) -> str:
    """The video's file name: the title, never a path."""
    return f"{title_file_name(title, 40) or 'video'}.mp4"


@contextmanager
def handing_over(job_id: int) -> Iterator[None]:
    """Turn Telegram's errors into the studio's: blocked, refused for good, or try again."""
    try:
        yield
    except Forbidden as error:
        raise RecipientGone() from error
    except BadRequest as error:
        logger.warning("Telegram refused a message of job %s: %s", job_id, error.message)
        raise DeliveryFailed(permanent=True) from error
    except TelegramError as error:
        # Network trouble, timeouts, a 429 the rate limiter gave up on: worth another try.
        logger.warning("Could not reach the chat of job %s (%s)", job_id, type(error).__name__)
        raise DeliveryFailed() from error


@dataclass
class _Tracker:
    started: float = field(default_factory=time.monotonic)
    last_edit: float = 0.0
    last_action: float = 0.0
    last_step: str = ""
    last_text: str = ""
    shown_scenes: set[int] = field(default_factory=set)


class TelegramJobReporter:
    """Implements the studio's JobReporter over the Bot API."""

    def __init__(
        self,
        bot: Bot,
        video_write_timeout: float,
        upload_limit: int,
        storyboard_view: StoryboardView,
        short_side: int,
    ) -> None:
        self.bot = bot
        self.storyboard_view = storyboard_view
        self.video_write_timeout = video_write_timeout
        self.upload_limit = upload_limit
        self.short_side = short_side
        self._trackers: dict[int, _Tracker] = {}

    async def queued(self, job: Job, position: int) -> None:
        """Say that the render waits for a worker, and its place in line."""
        await self._send(job, t(job.language, "jobs.queued", position=position))

    async def started(self, job: Job, project: Project, resumed: bool) -> int | None:
        """Send the progress message."""
        self._trackers[job.id] = _Tracker()
        key = f"{job.kind}.resumed" if resumed else f"{job.kind}.started"
        try:
            message = await self.bot.send_message(
                job.chat_id,
                t(job.language, key, title=escape(project.title)),
                parse_mode=ParseMode.HTML,
                message_thread_id=topic_of(job),
                reply_parameters=answering(job),
            )
        except Forbidden as error:
            raise RecipientGone() from error
        except TelegramError:
            logger.warning("Could not announce job %s", job.id, exc_info=True)
            return job.progress_message_id
        return message.message_id

    async def progress(self, job: Job, fraction: float, step: str) -> None:
        """Edit the progress message at most every EDIT_INTERVAL seconds."""
        tracker = self._trackers.setdefault(job.id, _Tracker())
        now = time.monotonic()
        if now - tracker.last_action >= ACTION_INTERVAL or step != tracker.last_step:
            tracker.last_action, tracker.last_step = now, step
            action = STEP_ACTIONS.get(step, ChatAction.RECORD_VIDEO)
            try:
                await self.bot.send_chat_action(
                    job.chat_id, action, message_thread_id=topic_of(job)
                )
            except Forbidden as error:
                raise RecipientGone() from error
            except TelegramError:
                logger.debug("Chat action failed for job %s", job.id)
        if job.progress_message_id is None or now - tracker.last_edit < EDIT_INTERVAL:
            return
        eta = eta_seconds(now - tracker.started, fraction)
        text = t(
            job.language,
            "render.progress",
            bar=progress_bar(fraction),
            percent=round(fraction * 100),
            step=t(job.language, f"render.step.{step}"),
            eta=t(job.language, "render.eta", seconds=eta) if eta is not None else "",
        )
        if text == tracker.last_text:
            return
        tracker.last_edit = now
        await self._edit(job, text)
        tracker.last_text = text

    async def finished(self, job: Job, project: Project, result: JobResult, resumed: bool) -> None:
        """Deliver what the job made: a video, or the storyboard's previews."""
        with handing_over(job.id):
            if result.kind == "video":
                await self._deliver_video(job, project, result, resumed)
            else:
                shown = self._trackers.get(job.id, _Tracker()).shown_scenes
                await self.storyboard_view.show(job, project, result, shown)
                await self._edit(job, t(job.language, "storyboard.ready"))
        self._trackers.pop(job.id, None)

    async def _deliver_video(
        self, job: Job, project: Project, video: RenderedVideo, resumed: bool
    ) -> None:
        tracker = self._trackers.setdefault(job.id, _Tracker())
        uploading = t(job.language, "render.uploading")
        if tracker.last_text != uploading:  # a retried upload does not edit it again
            await self._edit(job, uploading)
            tracker.last_text = uploading
        if video.size_bytes > self.upload_limit:
            await self._send(
                job,
                t(job.language, "render.too_big", size_mb=round(video.size_bytes / 1024 / 1024)),
            )
            return
        try:
            await self.bot.send_chat_action(
                job.chat_id, ChatAction.UPLOAD_VIDEO, message_thread_id=topic_of(job)
            )
        except Forbidden:
            raise
        except TelegramError:
            logger.debug("Chat action failed for job %s", job.id)
        seconds = round(video.duration)
        caption = t(
            job.language,
            "render.caption",
            title=escape(project.title),
            minutes=seconds // 60,
            seconds=f"{seconds % 60:02d}",
        )
        if min(video.width, video.height) < self.short_side:
            # The renderer made the frame smaller so the file fits what Telegram accepts.
            caption += "\n" + t(
                job.language,
                "render.sized_down",
                width=video.width,
                height=video.height,
                limit_mb=round(self.upload_limit / 1024 / 1024),
            )
        if resumed:
            caption += "\n" + t(job.language, "render.was_resumed")
        with video.path.open("rb") as video_file, video.thumbnail_path.open("rb") as thumb:
            await self.bot.send_video(
                job.chat_id,
                video_file,
                duration=seconds,
                width=video.width,
                height=video.height,
                thumbnail=thumb,
                supports_streaming=True,
                caption=caption,
                parse_mode=ParseMode.HTML,
                filename=video_file_name(project.title),
                write_timeout=self.video_write_timeout,
                read_timeout=self.video_write_timeout,
                reply_markup=video_keyboard(job.language, project.id),
                message_thread_id=topic_of(job),
                reply_parameters=answering(job),
            )
        with suppress(RecipientGone):  # the video arrived: that is what counts
            await self._edit(job, t(job.language, "render.done"))

    async def failed(self, job: Job, error_key: str, **params: object) -> None:
        """Say why the job failed."""
        self._trackers.pop(job.id, None)
        await self._send(job, t(job.language, error_key, **params))

    async def notice(self, job: Job, key: str, **params: object) -> None:
        """Say that one scene had a problem while the others go on."""
        await self._send(job, t(job.language, key, **params))

    async def scene_ready(self, job: Job, ready: SceneReady) -> None:
        """Send a scene's picture or clip as soon as it is made (the user asked for it)."""
        with handing_over(job.id):
            await self.storyboard_view.show_ready(job, ready, self.video_write_timeout)
        if ready.kind is AssetKind.PICTURE:
            self._trackers.setdefault(job.id, _Tracker()).shown_scenes.add(ready.scene.id)

    async def cancelled(self, job: Job) -> None:
        """Confirm the stop (best effort: the stop itself already happened)."""
        self._trackers.pop(job.id, None)
        try:
            await self._edit(job, t(job.language, f"{job.kind}.cancelled"))
        except RecipientGone:
            logger.info("Job %s stopped; its user blocked the bot", job.id)

    async def _edit(self, job: Job, text: str) -> None:
        """Best effort: a lost progress edit is not worth a retry, but a block is news."""
        try:
            if job.progress_message_id is None:
                await self.bot.send_message(
                    job.chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=topic_of(job)
                )
            else:
                await self.bot.edit_message_text(
                    text, job.chat_id, job.progress_message_id, parse_mode=ParseMode.HTML
                )
        except Forbidden as error:
            raise RecipientGone() from error
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                logger.warning("Could not edit progress of job %s: %s", job.id, error.message)
        except TelegramError:
            logger.warning("Could not edit progress of job %s", job.id, exc_info=True)

    async def _send(self, job: Job, text: str) -> None:
        """A message that must arrive: DeliveryFailed lets the runner try again."""
        with handing_over(job.id):
            await self.bot.send_message(
                job.chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=topic_of(job)
            )
