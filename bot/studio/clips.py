"""Use case: bring scene pictures to life as clips, once per input, when a project asks."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import replace
from pathlib import Path

from bot.errors import ProviderError
from bot.studio.budget import Budget
from bot.studio.concurrency import gather_all
from bot.studio.models import Asset, AssetKind, Project, Scene
from bot.studio.ports import (
    ClipMaker,
    ClipRequest,
    FailureCallback,
    MediaStore,
    ProjectStore,
    SceneReady,
    SceneReadyCallback,
)
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
    payload = {
        "maker": maker,
        "picture": picture_sha,
        "prompt": request.prompt,
        "seconds": round(request.seconds, 2),
        "aspect": request.aspect,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class Clips:
    """Makes Runway (or other) clips for a project's shots."""

    def __init__(
        self,
        store: ProjectStore,
        media: MediaStore,
        maker: ClipMaker,
        concurrency: int,
        budget: Budget,
    ) -> None:
        self.store = store
        self.media = media
        self.maker = maker
        self.concurrency = max(1, concurrency)
        self.budget = budget

    async def attach(
        self,
        owner_id: int,
        project: Project,
        scenes: list[Scene],
        shots: tuple[Shot, ...],
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
    ) -> tuple[Shot, ...]:
        """The shots with a clip where one could be had; stills elsewhere.

        `on_ready` hears of each clip made now, as soon as it is made.
        """
        slots = asyncio.Semaphore(self.concurrency)

        async def one(scene: Scene, shot: Shot) -> Shot:
            # Pictures live in the media store under their hash, so the file name is its key.
            picture_sha = Path(shot.image_path).stem
            request = ClipRequest(
                image=Path(shot.image_path),
                prompt=clip_prompt(scene),
                seconds=shot.duration,
                aspect=project.aspect,
            )
            key = clip_key(self.maker.name, request, picture_sha)
            if scene.clip_key == key and scene.clip_sha:
                path = self.media.path_for(scene.clip_sha, "mp4")
                if path.exists():
                    return replace(shot, clip_path=str(path))
            async with slots:
                cost = self.maker.estimate_cost(request)
                if not self.budget.reserve(owner_id, cost):
                    await on_failure(scene.position, "provider.budget")
                    return shot
                try:
                    sha = await self._make(owner_id, project.id, request)
                except ProviderError as error:
                    if error.key in FATAL:
                        raise
                    logger.warning("Clip of scene %s failed: %s", scene.id, error.key)
                    await on_failure(scene.position, "provider.clip_failed")
                    return shot
                finally:
                    self.budget.release(owner_id, cost)
            self.store.update_scene(owner_id, scene.id, clip_sha=sha, clip_key=key)
            path = self.media.path_for(sha, "mp4")
            if on_ready is not None:
                await on_ready(SceneReady(scene, path, AssetKind.CLIP))
            return replace(shot, clip_path=str(path))

        return tuple(
            await gather_all([one(scene, shot) for scene, shot in zip(scenes, shots, strict=True)])
        )

    async def _make(self, owner_id: int, project_id: int, request: ClipRequest) -> str:
        scratch = self.media.scratch_path(".mp4")
        try:
            usage = await self.maker.make_clip(request, scratch)
            size = scratch.stat().st_size
            sha = self.media.put_file(scratch, "mp4")
        finally:
            scratch.unlink(missing_ok=True)
        self.store.record_usage(owner_id, project_id, usage)
        self.store.save_asset(Asset(sha=sha, kind=AssetKind.CLIP, ext="mp4", size=size))
        return sha
