"""Use case: redraw a project's footage scenes in its style, once per footage, look and stretch.

During a render, before the frames: each footage scene's stretch goes to the restyler (within
the owner's budget, paid only when it succeeds), and the result is kept under the key of what
shaped it (`restyle_keys`), so a second render, another scene or another of the owner's
projects with the same footage, prompt, model and stretch reuses it without paying again.
The original footage stays as it was; a failed or refused restyle leaves the scene on it, and
the director is told which scene.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import JobCancelled, ProviderError
from bot.studio.concurrency import gather_all
from bot.studio.footage import FootageScenes
from bot.studio.making import MediaMaking
from bot.studio.models import AssetKind, MediaRef, Project, Scene
from bot.studio.pictures import ScenePicture
from bot.studio.ports import (
    FailureCallback,
    FootageRestyler,
    ProgressCallback,
    RestyleRequest,
    SceneReady,
    SceneReadyCallback,
)
from bot.studio.restyle_keys import RestyleKey, look_key, restyle_key, restyle_span
from bot.studio.roles import AssetStore, MediaStore, RestyleStore, SceneStore
from bot.studio.styles import StylePreset
from bot.studio.timeline import Shot

logger = logging.getLogger(__name__)
T = TypeVar("T")
# Failures of the account, not of one scene: the render stops and says so.
FATAL = frozenset(
    {"provider.bad_key", "provider.forbidden", "provider.model_missing", "provider.no_credit"}
)
# What the director hears of a scene whose restyle failed (anything else: restyle_failed).
NOTICES = {
    "provider.refused": "provider.restyle_refused",
    "provider.restyle_too_large": "provider.restyle_too_large",
}


@dataclass(frozen=True)
class FootageStretch:
    """A footage scene as the render shows it: its clip, and the stretch of it on screen."""

    scene: Scene
    footage: MediaRef
    start: float
    seconds: float


@dataclass(frozen=True)
class Restyled:
    """A scene's restyled clip; its stretch begins `start` seconds into the file."""

    path: Path
    start: float = 0.0


@dataclass(frozen=True)
class _Planned:
    stretch: FootageStretch
    request: RestyleRequest
    key: RestyleKey

    @property
    def offset(self) -> float:
        """Where the scene's stretch begins in the restyle (it starts earlier when too short)."""
        return round(max(0.0, self.stretch.start - self.request.start), 3)


class Restyling:
    """Restyles footage scenes with the configured restyler (Runway video-to-video)."""

    def __init__(
        self,
        scenes: SceneStore,
        restyles: RestyleStore,
        assets: AssetStore,
        media: MediaStore,
        making: MediaMaking,
        footage: FootageScenes,
        restyler: FootageRestyler,
        styles: dict[str, StylePreset],
        concurrency: int,
    ) -> None:
        self.scenes = scenes
        self.restyles = restyles
        self.assets = assets
        self.media = media
        self.making = making
        self.footage = footage
        self.restyler = restyler
        self.styles = styles
        self.concurrency = max(1, concurrency)

    def estimate(self, owner_id: int, project: Project) -> float:
        """US$ the project's footage scenes not restyled yet would cost at its next render."""
        scenes = self.scenes.scenes(owner_id, project.id)
        slots = self.footage.slots(project, scenes)
        stretches = []
        for scene in scenes:
            asset = self.footage.footage(scene)
            if asset is not None:
                stretch = self.footage.stretch_in(asset, scene, slots)
                seconds = stretch.end - stretch.start
                stretches.append(FootageStretch(scene, asset.ref, stretch.start, seconds))
        return self.pending_cost(owner_id, project, stretches)

    def pending_cost(
        self, owner_id: int, project: Project, stretches: Sequence[FootageStretch]
    ) -> float:
        """US$ the stretches not restyled yet would cost (those sharing a key counted once)."""
        pending: dict[str, float] = {}
        for stretch in stretches:
            planned = self._plan(project, stretch)
            if planned is not None and self._kept(owner_id, planned.key) is None:
                seconds = planned.request.seconds
                pending[planned.key.value] = self.restyler.estimate_cost(seconds)
        return sum(pending.values())

    async def attach(
        self,
        owner_id: int,
        project: Project,
        pictures: Sequence[ScenePicture],
        shots: tuple[Shot, ...],
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
        on_progress: ProgressCallback | None = None,
        cancelled: asyncio.Event | None = None,
    ) -> tuple[Shot, ...]:
        """The shots with each footage scene's restyle in place of its footage, where one can
        be had (the render's step: the still stays the fallback, the footage the original)."""
        stretches = []
        for picture in pictures:
            sha = picture.scene.footage_sha
            asset = self.assets.get_asset(sha) if sha else None
            if asset is not None and picture.stretch is not None:
                seconds = picture.stretch.end - picture.stretch.start
                stretches.append(
                    FootageStretch(picture.scene, asset.ref, picture.stretch.start, seconds)
                )
        restyled = await self.restyle(
            owner_id, project, stretches, on_failure, on_ready, on_progress, cancelled
        )
        return tuple(
            replace(shot, clip_path=str(made.path), clip_start=made.start)
            if (made := restyled.get(picture.scene.id)) is not None
            else shot
            for picture, shot in zip(pictures, shots, strict=True)
        )

    async def restyle(
        self,
        owner_id: int,
        project: Project,
        stretches: Sequence[FootageStretch],
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
        on_progress: ProgressCallback | None = None,
        cancelled: asyncio.Event | None = None,
    ) -> dict[int, Restyled]:
        """The restyle of each scene (by id) that has one now; the rest keep their footage.

        Scenes whose stretches share a key share one restyle. `on_ready` hears of each restyle
        made now, as soon as it is made; `on_progress` of the share of restyles done. Once
        `cancelled` is set the restyles under way are stopped (Runway's tasks cancelled, so
        they stop costing) and JobCancelled is raised; the ones already kept stay kept.
        """
        slots = asyncio.Semaphore(self.concurrency)
        groups: dict[str, list[_Planned]] = {}
        for stretch in stretches:
            planned = self._plan(project, stretch)
            if planned is None:
                await on_failure(stretch.scene.position, "provider.restyle_too_short")
            else:
                groups.setdefault(planned.key.value, []).append(planned)
        done = 0

        async def one(group: list[_Planned]) -> Path | None:
            nonlocal done
            path = self._kept(owner_id, group[0].key)
            if path is None:
                async with slots:
                    making = self._make(owner_id, project, group, on_failure)
                    path = await _unless_cancelled(making, cancelled)
                if path is not None and on_ready is not None:
                    for planned in group:
                        await on_ready(SceneReady(planned.stretch.scene, path, AssetKind.RESTYLED))
            done += 1
            if on_progress is not None:
                await on_progress(done / len(groups))
            return path

        paths = await gather_all([one(group) for group in groups.values()])
        return {
            planned.stretch.scene.id: Restyled(path, planned.offset)
            for group, path in zip(groups.values(), paths, strict=True)
            if path is not None
            for planned in group
        }

    async def _make(
        self,
        owner_id: int,
        project: Project,
        group: list[_Planned],
        on_failure: FailureCallback,
    ) -> Path | None:
        """Pay for one restyle (shared by the group's scenes); None when it cannot be had."""
        planned = group[0]
        key: str
        try:
            made = await self.making.within_budget(
                owner_id,
                project.id,
                self.restyler.estimate_cost(planned.request.seconds),
                functools.partial(self.restyler.restyle, planned.request),
                AssetKind.RESTYLED,
                "mp4",
            )
        except ProviderError as error:
            if error.key in FATAL:
                raise
            logger.warning("Restyle of scene %s failed: %s", planned.stretch.scene.id, error.key)
            key = NOTICES.get(error.key, "provider.restyle_failed")
        else:
            if made is not None:
                self.restyles.keep_restyle(owner_id, planned.key, made.sha)
                return self.media.path_of(made)
            key = "provider.budget"
        for each in group:
            await on_failure(each.stretch.scene.position, key)
        return None

    def _plan(self, project: Project, stretch: FootageStretch) -> _Planned | None:
        footage = self.assets.get_asset(stretch.footage.sha)
        span = restyle_span(
            stretch.start,
            stretch.seconds,
            footage.duration if footage else None,
            self.restyler.min_seconds,
            self.restyler.max_seconds,
        )
        if span is None:
            return None
        prompt = self.restyler.prompt(self._style(project))
        look = look_key(self.restyler.name, prompt, project.aspect)
        request = RestyleRequest(
            footage=self.media.path_of(stretch.footage),
            start=span.start,
            seconds=span.seconds,
            prompt=prompt,
            aspect=project.aspect,
        )
        key = restyle_key(stretch.footage.sha, look, span.start, span.seconds)
        return _Planned(stretch, request, key)

    def _kept(self, owner_id: int, key: RestyleKey) -> Path | None:
        sha = self.restyles.restyled(owner_id, key)
        if sha is None:
            return None
        path = self.media.path_of(MediaRef(sha, "mp4"))
        return path if path.exists() else None

    def _style(self, project: Project) -> StylePreset:
        return self.styles.get(project.style) or next(iter(self.styles.values()))


async def _unless_cancelled(work: Coroutine[Any, Any, T], cancelled: asyncio.Event | None) -> T:
    """The work's result, or JobCancelled once `cancelled` is set (the work is cancelled)."""
    if cancelled is None:
        return await work
    if cancelled.is_set():
        work.close()
        raise JobCancelled()
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(cancelled.wait())
    try:
        await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
    if task.done():
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    raise JobCancelled()
