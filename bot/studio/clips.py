"""Use case: bring scene pictures to life as clips, once per input, when a project asks."""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import replace

from bot.errors import ProviderError
from bot.studio.changes import SceneChanges
from bot.studio.concurrency import gather_all
from bot.studio.keys import content_key
from bot.studio.making import MediaMaking
from bot.studio.models import AssetKind, MediaRef, Project, Scene
from bot.studio.pictures import ScenePicture
from bot.studio.ports import (
    ClipMaker,
    ClipRequest,
    FailureCallback,
    SceneReady,
    SceneReadyCallback,
)
from bot.studio.roles import MediaStore, SceneStore
from bot.studio.timeline import Shot

logger = logging.getLogger(__name__)
FATAL = frozenset(
    {"provider.bad_key", "provider.forbidden", "provider.model_missing", "provider.no_credit"}
)


def clip_prompt(scene: Scene) -> str:
    """What the clip model is asked: the camera move, then the idea."""
    move = scene.motion.value.replace("_", " ")
    return f"Slow cinematic camera move ({move}). {scene.idea}".strip()[:900]


def clip_key(maker: str, request: ClipRequest, picture_sha: str) -> str:
    """Hash of everything that shapes a clip."""
    return content_key(
        {
            "maker": maker,
            "picture": picture_sha,
            "prompt": request.prompt,
            "seconds": round(request.seconds, 2),
            "aspect": request.aspect,
        }
    )


class Clips:
    """Makes Runway (or other) clips for a project's shots."""

    def __init__(
        self,
        scenes: SceneStore,
        media: MediaStore,
        making: MediaMaking,
        maker: ClipMaker,
        concurrency: int,
    ) -> None:
        self.scenes = scenes
        self.media = media
        self.making = making
        self.maker = maker
        self.concurrency = max(1, concurrency)

    async def attach(
        self,
        owner_id: int,
        project: Project,
        pictures: list[ScenePicture],
        shots: tuple[Shot, ...],
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
    ) -> tuple[Shot, ...]:
        """The shots with a clip where one could be had; stills elsewhere.

        `on_ready` hears of each clip made now, as soon as it is made.
        """
        slots = asyncio.Semaphore(self.concurrency)

        async def one(picture: ScenePicture, shot: Shot) -> Shot:
            scene = picture.scene
            if picture.footage is not None:
                return shot  # the director's own clip plays: no clip is made of its still
            request = ClipRequest(
                image=picture.path,
                prompt=clip_prompt(scene),
                seconds=shot.duration,
                aspect=project.aspect,
            )
            key = clip_key(self.maker.name, request, picture.picture.sha)
            if scene.clip_key == key and scene.clip_sha:
                path = self.media.path_of(MediaRef(scene.clip_sha, "mp4"))
                if path.exists():
                    return replace(shot, clip_path=str(path))
            async with slots:
                try:
                    made = await self.making.within_budget(
                        owner_id,
                        project.id,
                        self.maker.estimate_cost(request),
                        functools.partial(self.maker.make_clip, request),
                        AssetKind.CLIP,
                        "mp4",
                    )
                except ProviderError as error:
                    if error.key in FATAL:
                        raise
                    logger.warning("Clip of scene %s failed: %s", scene.id, error.key)
                    await on_failure(scene.position, "render.clip_failed")
                    return shot
                if made is None:
                    await on_failure(scene.position, "provider.budget")
                    return shot
            self.scenes.update_scene(
                owner_id, scene.id, SceneChanges(clip_sha=made.sha, clip_key=key)
            )
            path = self.media.path_of(made)
            if on_ready is not None:
                await on_ready(SceneReady(scene, path, AssetKind.CLIP))
            return replace(shot, clip_path=str(path))

        return tuple(
            await gather_all(
                [one(picture, shot) for picture, shot in zip(pictures, shots, strict=True)]
            )
        )
