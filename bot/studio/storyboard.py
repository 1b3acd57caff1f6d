"""Use cases of the storyboard: plan it, show it, and edit any scene without starting over."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.errors import InputRejected, JobAlreadyRunning, ProjectNotFound
from bot.studio.editing import Edits
from bot.studio.edits import (
    CycleMotion,
    Delete,
    Edit,
    Keep,
    Relative,
    Remake,
    ScaleLength,
    SetIdea,
    Shift,
)
from bot.studio.jobs import JobRunner
from bot.studio.limits import Limits
from bot.studio.models import Job, Project, Scene
from bot.studio.pictures import Pictures
from bot.studio.ports import (
    JobEvents,
    Planner,
    PlanRequest,
    ProjectStore,
    ScenePreview,
    StoryboardReady,
)
from bot.studio.projects import project_for
from bot.studio.text import checked_text
from bot.studio.timing import output_size

logger = logging.getLogger(__name__)

STORYBOARD = "storyboard"
SCENE_LINK = "scene"
CLIP_LINK = "clip"
PANEL_LINK = "panel"
EDIT_IDEA_LINK = "edit_idea"
ASK_IDEA_LINK = "ask_idea"
# After "send the new idea for scene N", the next plain message answers it for this long.
QUESTION_MINUTES = 10
LENGTH_STEP = 1.25


class SceneAction(StrEnum):
    """What a button under a scene does."""

    REDO = "redo"
    EARLIER = "up"
    LATER = "down"
    LONGER = "long"
    SHORTER = "short"
    MOTION = "move"
    DELETE = "del"
    KEEP = "ok"


THIS = Relative(0)
# What each button under a scene's panel does, in the edit language.
BUTTON_EDITS: dict[SceneAction, Edit] = {
    SceneAction.REDO: Remake(THIS),
    SceneAction.EARLIER: Shift(THIS, -1),
    SceneAction.LATER: Shift(THIS, 1),
    SceneAction.LONGER: ScaleLength(THIS, LENGTH_STEP),
    SceneAction.SHORTER: ScaleLength(THIS, 1 / LENGTH_STEP),
    SceneAction.MOTION: CycleMotion(THIS),
    SceneAction.DELETE: Delete(THIS),
}


class StoryboardRequests:
    """Turns `/storyboard` and picture edits into durable jobs."""

    def __init__(self, store: ProjectStore, runner: JobRunner) -> None:
        self.store = store
        self.runner = runner

    def request(
        self,
        user_id: int,
        chat_id: int,
        language: str,
        *,
        replan: bool = True,
        refresh_only: bool = False,
        project_id: int | None = None,
    ) -> Job:
        """Queue a storyboard job: plan (unless told not to), make pictures, show them."""
        project = project_for(self.store, user_id, project_id)
        if not self.store.count_scenes(user_id, project.id):
            raise InputRejected("storyboard.empty")
        unfinished = self.store.unfinished_job(user_id, project.id)
        if unfinished is not None:
            raise JobAlreadyRunning(unfinished.kind)
        job = self.store.create_job(
            user_id,
            project.id,
            chat_id,
            STORYBOARD,
            language,
            {"replan": replan, "refresh_only": refresh_only},
        )
        self.runner.submit(job)
        return job


class Storyboard:
    """Plans scenes, makes their previews through jobs, and applies edits at once."""

    def __init__(
        self,
        store: ProjectStore,
        planner: Planner,
        pictures: Pictures,
        limits: Limits,
        edits: Edits,
    ) -> None:
        self.store = store
        self.planner = planner
        self.pictures = pictures
        self.limits = limits
        self.edits = edits

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> StoryboardReady:
        """The storyboard job: plan, then the pictures (only those whose inputs changed)."""
        project = self.store.get_project(job.owner_id, job.project_id)
        if project is None:
            raise ProjectNotFound()
        if job.options.get("replan"):
            await events.step(0.0, "planning")
            await self.plan(job.owner_id, project, job.language)
        width, height = output_size(project.aspect, self.limits.short_side)
        refresh_only = bool(job.options.get("refresh_only"))

        async def on_pictures(fraction: float) -> None:
            await events.step(0.1 + 0.9 * fraction, "pictures")

        # A refresh replaces the shown previews in place; a new picture on its own would repeat.
        wants_each = project.previews_enabled and not refresh_only
        pictures = await self.pictures.ensure(
            job.owner_id,
            project,
            width,
            height,
            cancelled=cancelled,
            on_progress=on_pictures,
            on_failure=events.scene_failed,
            on_ready=events.scene_ready if wants_each else None,
        )
        return StoryboardReady(
            previews=tuple(ScenePreview(p.scene, p.path, p.stand_in, p.made_now) for p in pictures),
            refresh_only=refresh_only,
        )

    async def plan(self, owner_id: int, project: Project, language: str) -> None:
        """Ask the planner for captions, camera work and lengths of the project's scenes."""
        scenes = self.store.scenes(owner_id, project.id)
        song = self.store.get_asset(project.song_sha) if project.song_sha else None
        plan = await self.planner.plan(
            PlanRequest(
                title=project.title,
                ideas=tuple(s.idea or s.caption for s in scenes),
                style=self.pictures.style(project),
                song_seconds=song.duration if song else None,
                language=language,
                aspect=project.aspect,
                tempo_bpm=song.tempo_bpm if song else None,
                conversation=tuple(self.store.conversation(owner_id, project.id)),
                reference_notes=tuple(
                    f"scene {s.position}: "
                    f"{len(self.store.scene_references(owner_id, s.id))} photo(s)"
                    for s in scenes
                ),
            )
        )
        if plan.usage.cost_usd > 0:
            self.store.record_usage(owner_id, project.id, plan.usage)
        for scene, planned in zip(scenes, plan.scenes, strict=False):
            self.store.update_scene(
                owner_id,
                scene.id,
                caption=planned.caption or scene.caption,
                motion=planned.motion,
                transition=planned.transition,
                duration=planned.seconds,
                image_prompt=planned.image_prompt,
            )

    # what chat messages stand for
    def remember_preview(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """A message shows this scene: replies and taps on it act on the scene."""
        self.store.link_message(owner_id, chat_id, message_id, SCENE_LINK, scene_id)

    def remember_clip(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """A message shows this scene's clip: replies act on the scene, picture edits skip it."""
        self.store.link_message(owner_id, chat_id, message_id, CLIP_LINK, scene_id)

    def remember_panel(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """The control panel now shows this scene."""
        self.store.link_message(owner_id, chat_id, message_id, PANEL_LINK, scene_id)

    def remember_question(
        self, owner_id: int, chat_id: int, message_id: int, scene_id: int
    ) -> None:
        """A message asks for this scene's new idea."""
        self.store.link_message(owner_id, chat_id, message_id, EDIT_IDEA_LINK, scene_id)

    def ask_for_idea(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """The bot asked for this scene's new idea: a reply, or the next message, answers."""
        self.store.link_message(owner_id, chat_id, message_id, ASK_IDEA_LINK, scene_id)

    def open_question(self, owner_id: int, chat_id: int) -> Scene | None:
        """The scene whose new idea the bot asked for in this chat lately, if still open.

        A user who closes the reply box and just types is answering it all the same.
        """
        since = (datetime.now(UTC) - timedelta(minutes=QUESTION_MINUTES)).isoformat(
            timespec="seconds"
        )
        link = self.store.latest_link(owner_id, chat_id, ASK_IDEA_LINK, since)
        scene = self.store.get_scene(owner_id, link.target_id) if link is not None else None
        active = self.store.active_project(owner_id)
        # Asked about another project than the one now active: the question has lapsed.
        return (
            scene
            if scene is not None and active is not None and scene.project_id == active.id
            else None
        )

    def scene_for_message(self, owner_id: int, chat_id: int, message_id: int) -> Scene | None:
        """The scene a message shows or asks about (None if it shows none of the user's)."""
        link = self.store.linked(owner_id, chat_id, message_id)
        if link is None or link.kind not in (
            SCENE_LINK,
            CLIP_LINK,
            PANEL_LINK,
            EDIT_IDEA_LINK,
            ASK_IDEA_LINK,
        ):
            return None
        return self.store.get_scene(owner_id, link.target_id)

    def preview_messages(self, owner_id: int, scene_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of every preview of a scene."""
        return [
            (link.chat_id, link.message_id)
            for link in self.store.links_to(owner_id, SCENE_LINK, scene_id)
        ]

    # edits
    def scene(self, owner_id: int, scene_id: int) -> Scene:
        """A scene of the user's, or ProjectNotFound (it was deleted, or it is not theirs)."""
        scene = self.store.get_scene(owner_id, scene_id)
        if scene is None:
            raise ProjectNotFound()
        return scene

    def scenes_of(self, owner_id: int, project_id: int) -> list[Scene]:
        """A project's scenes, in order."""
        return self.store.scenes(owner_id, project_id)

    def neighbours(self, owner_id: int, scene: Scene) -> list[Scene]:
        """All scenes of the scene's project, in order."""
        return self.store.scenes(owner_id, scene.project_id)

    def apply(self, owner_id: int, scene_id: int, action: SceneAction) -> Scene | None:
        """Apply a button's edit at once; the scene after it (None if it was deleted)."""
        scene = self.scene(owner_id, scene_id)
        edit = (
            Keep(THIS, not scene.accepted) if action is SceneAction.KEEP else BUTTON_EDITS[action]
        )
        try:
            self.edits.apply(
                owner_id,
                scene.project_id,
                [edit],
                focus_scene_id=scene_id,
                source="button",
            )
        except InputRejected as rejected:
            # The first scene cannot go earlier, nor the last later: the button does nothing.
            if not rejected.key.startswith("edit.cannot_move"):
                raise
        return self.store.get_scene(owner_id, scene_id)

    def replace_idea(self, owner_id: int, scene_id: int, text: str) -> Scene:
        """A new idea (and caption) for a scene."""
        idea = checked_text(text, self.limits.max_idea_chars, "error.idea_too_long")
        scene = self.scene(owner_id, scene_id)
        self.edits.apply(
            owner_id,
            scene.project_id,
            [SetIdea(Relative(0), idea)],
            focus_scene_id=scene_id,
            source="reply",
        )
        updated = self.scene(owner_id, scene_id)
        self.store.unlink(owner_id, ASK_IDEA_LINK, scene_id)  # the question is answered
        project = self.store.get_project(owner_id, updated.project_id)
        if project is not None:
            self.store.log_message(project.id, "user", idea)
        return updated
