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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ProviderError
from bot.studio.concurrency import gather_all
from bot.studio.making import MediaMaking
from bot.studio.models import AssetKind, MediaRef, Project, Scene
from bot.studio.ports import (
    FailureCallback,
    FootageRestyler,
    RestyleRequest,
    SceneReady,
    SceneReadyCallback,
)
from bot.studio.restyle_keys import RestyleKey, look_key, restyle_key, restyle_span
from bot.studio.roles import AssetStore, MediaStore, RestyleStore
from bot.studio.styles import StylePreset

logger = logging.getLogger(__name__)
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
    """A footage scene as the render shows it: its clip, and the stretch of it on screen.

    `start` None: the render picks the stretch itself (only a cost estimate sees that).
    """

    scene: Scene
    footage: MediaRef
    start: float | None
    seconds: float


@dataclass(frozen=True)
class _Planned:
    stretch: FootageStretch
    request: RestyleRequest
    key: RestyleKey


class Restyling:
    """Restyles footage scenes with the configured restyler (Runway video-to-video)."""

    def __init__(
        self,
        restyles: RestyleStore,
        assets: AssetStore,
        media: MediaStore,
        making: MediaMaking,
        restyler: FootageRestyler,
        styles: dict[str, StylePreset],
        concurrency: int,
    ) -> None:
        self.restyles = restyles
        self.assets = assets
        self.media = media
        self.making = making
        self.restyler = restyler
        self.styles = styles
        self.concurrency = max(1, concurrency)

    def pending_cost(
        self, owner_id: int, project: Project, stretches: Sequence[FootageStretch]
    ) -> float:
        """US$ the stretches not restyled yet would cost (for the cost question)."""
        usd = 0.0
        for stretch in stretches:
            planned = self._plan(project, stretch)
            if planned is None:
                continue
            if stretch.start is None:
                done = self.restyles.restyled_any_start(owner_id, planned.key)
            else:
                done = self._kept(owner_id, planned.key) is not None
            if not done:
                usd += self.restyler.estimate_cost(planned.request.seconds)
        return usd

    async def restyle(
        self,
        owner_id: int,
        project: Project,
        stretches: Sequence[FootageStretch],
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
    ) -> dict[int, Path]:
        """The restyled clip of each scene (by id) that has one now; the rest keep their footage.

        Scenes whose stretches share a key share one restyle. `on_ready` hears of each restyle
        made now, as soon as it is made.
        """
        slots = asyncio.Semaphore(self.concurrency)
        groups: dict[str, list[_Planned]] = {}
        for stretch in stretches:
            planned = self._plan(project, stretch)
            if planned is None:
                await on_failure(stretch.scene.position, "provider.restyle_too_short")
            else:
                groups.setdefault(planned.key.value, []).append(planned)

        async def one(group: list[_Planned]) -> Path | None:
            kept = self._kept(owner_id, group[0].key)
            if kept is not None:
                return kept
            async with slots:
                path = await self._make(owner_id, project, group, on_failure)
            if path is not None and on_ready is not None:
                for planned in group:
                    await on_ready(SceneReady(planned.stretch.scene, path, AssetKind.RESTYLED))
            return path

        paths = await gather_all([one(group) for group in groups.values()])
        return {
            planned.stretch.scene.id: path
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
            stretch.start or 0.0,
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
