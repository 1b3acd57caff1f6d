"""Use case: make each scene's picture once, in parallel, within budget, scene by scene."""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.errors import JobCancelled, ProviderError
from bot.studio.concurrency import gather_all
from bot.studio.footage import FootageScenes, Stretch
from bot.studio.keys import content_key
from bot.studio.making import MediaMaking
from bot.studio.models import Asset, AssetKind, MediaRef, Project, Scene
from bot.studio.ports import (
    FailureCallback,
    ImageMaker,
    PictureRequest,
    ProgressCallback,
    SceneReady,
    SceneReadyCallback,
)
from bot.studio.roles import MediaStore, ReferenceStore, SceneStore
from bot.studio.styles import StylePreset

logger = logging.getLogger(__name__)

# Failures that concern one scene: the others go on, and an offline picture stands in.
SCENE_FAILURES = frozenset(
    {"provider.refused", "provider.timeout", "provider.failed", "provider.rate_limited"}
)


def picture_key(
    maker: str, request: PictureRequest, reference_shas: list[str], style_shas: list[str]
) -> str:
    """Hash of everything that shapes a picture: same key, same picture, no second call."""
    payload = {
        "maker": maker,
        "idea": request.idea,
        "prompt": request.image_prompt,
        "style": request.style.key,
        "grade": asdict(request.style.grade),
        "style_prompt": request.style.prompt,
        "references": reference_shas,
        "style_references": style_shas,
        "size": [request.width, request.height],
        "variant": request.variant,
    }
    return content_key(payload)


@dataclass(frozen=True)
class ScenePicture:
    """A scene and the picture it shows."""

    scene: Scene
    picture: MediaRef
    path: Path
    made_now: bool
    stand_in: bool = False
    footage: Path | None = None  # the director's clip the scene shows (the picture is a still)
    stretch: Stretch | None = None  # the part of that clip it shows


class Pictures:
    """Makes missing scene pictures with the configured maker, falling back to offline."""

    def __init__(
        self,
        scenes: SceneStore,
        references: ReferenceStore,
        media: MediaStore,
        making: MediaMaking,
        maker: ImageMaker,
        fallback: ImageMaker,
        styles: dict[str, StylePreset],
        concurrency: int,
        footage: FootageScenes | None = None,
    ) -> None:
        self.footage = footage
        self.scenes = scenes
        self.references = references
        self.media = media
        self.making = making
        self.maker = maker
        self.fallback = fallback
        self.styles = styles
        self.concurrency = max(1, concurrency)

    def style(self, project: Project) -> StylePreset:
        """The project's style preset (the first one if it names an unknown preset)."""
        return self.styles.get(project.style) or next(iter(self.styles.values()))

    def request(
        self,
        owner_id: int,
        project: Project,
        scenes: list[Scene],
        scene: Scene,
        width: int,
        height: int,
        project_refs: list[Asset],
    ) -> tuple[PictureRequest, str]:
        """What the maker is asked for a scene (one of `scenes`), and the key of that request.

        `project_refs` are the project's own style references (the same for every scene).
        """
        references = self.references.scene_references(owner_id, scene.id)
        # One look across scenes: pictures the user kept guide the scenes after them.
        style_refs = project_refs + [
            Asset(sha=s.picture_sha, kind=AssetKind.PICTURE, ext="jpg", size=0)
            for s in scenes
            if s.accepted and s.picture_sha and s.position < scene.position
        ]
        request = PictureRequest(
            idea=scene.idea or scene.caption or project.title,
            caption=scene.caption,
            style=self.style(project),
            references=tuple(self.media.path_of(a.ref) for a in references),
            width=width,
            height=height,
            style_references=tuple(self.media.path_of(a.ref) for a in style_refs),
            variant=scene.variant,
            image_prompt=scene.image_prompt,
        )
        key = picture_key(
            self.maker.name, request, [a.sha for a in references], [a.sha for a in style_refs]
        )
        return request, key

    def _current(self, scene: Scene, key: str) -> MediaRef | None:
        if not scene.picture_sha or (scene.picture_key != key and not scene.accepted):
            return None
        ref = MediaRef(scene.picture_sha, "jpg")
        return ref if self.media.path_of(ref).exists() else None

    def _title_request(self, project: Project, width: int, height: int) -> PictureRequest:
        """A picture of the project's title alone (no scene, no photo)."""
        return PictureRequest(
            idea=project.title,
            caption="",
            style=self.style(project),
            references=(),
            width=width,
            height=height,
        )

    def new_scene_cost(self, project: Project, width: int, height: int) -> float:
        """What the picture of a scene not there yet is expected to cost."""
        return self.maker.estimate_cost(self._title_request(project, width, height))

    def pending_cost(self, owner_id: int, project: Project, width: int, height: int) -> float:
        """What making the missing pictures is expected to cost."""
        total = 0.0
        scenes = self.scenes.scenes(owner_id, project.id)
        project_refs = self.references.project_references(owner_id, project.id)
        for scene in scenes:
            if self._shows_footage(scene):
                continue  # the director's own clip: nothing to pay for
            request, key = self.request(
                owner_id, project, scenes, scene, width, height, project_refs
            )
            if self._current(scene, key) is None:
                total += self.maker.estimate_cost(request)
        return total

    async def ensure(
        self,
        owner_id: int,
        project: Project,
        width: int,
        height: int,
        *,
        cancelled: asyncio.Event,
        on_progress: ProgressCallback,
        on_failure: FailureCallback,
        on_ready: SceneReadyCallback | None = None,
    ) -> list[ScenePicture]:
        """Every scene's picture, making only those whose inputs changed.

        `on_ready` hears of each picture made now, as soon as it is made.
        """
        scenes = self.scenes.scenes(owner_id, project.id)
        project_refs = self.references.project_references(owner_id, project.id)
        done: list[int] = []
        slots = asyncio.Semaphore(self.concurrency)
        budget_told = False

        async def one(scene: Scene) -> ScenePicture:
            picture = await picture_for(scene)
            if picture.made_now and picture.footage is None and on_ready is not None:
                await on_ready(SceneReady(scene, picture.path, AssetKind.PICTURE))
            done.append(scene.id)
            await on_progress(len(done) / len(scenes))
            return picture

        slot_seconds = self.footage.slots(project, scenes) if self.footage is not None else {}

        async def picture_for(scene: Scene) -> ScenePicture:
            nonlocal budget_told
            broken_footage = False
            if self._shows_footage(scene):
                try:
                    footage = await self._footage_still(
                        owner_id, scene, slot_seconds, width, height
                    )
                except ProviderError as error:
                    logger.warning("No still of scene %s's footage: %s", scene.id, error.key)
                    await on_failure(scene.position, error.key)
                    broken_footage = True
                else:
                    if footage is not None:
                        return footage
            request, key = self.request(
                owner_id, project, scenes, scene, width, height, project_refs
            )
            if broken_footage:  # a free stand-in: a footage scene never gets a paid picture
                return await self._stand_in(scene, request)
            current = self._current(scene, key)
            if current is not None:
                return self._shown(scene, current, made_now=False)
            async with slots:
                if cancelled.is_set():
                    raise JobCancelled()
                try:
                    made = await self.making.within_budget(
                        owner_id,
                        project.id,
                        self.maker.estimate_cost(request),
                        functools.partial(self.maker.make_picture, request),
                        AssetKind.PICTURE,
                        "jpg",
                        (request.width, request.height),
                    )
                except ProviderError as error:
                    if error.key not in SCENE_FAILURES:
                        raise
                    logger.warning("Picture of scene %s failed: %s", scene.id, error.key)
                    await on_failure(scene.position, error.key)
                    return await self._stand_in(scene, request)
                if made is None:
                    if not budget_told:
                        budget_told = True
                        await on_failure(scene.position, "provider.budget")
                    return await self._stand_in(scene, request)
            self.scenes.set_scene_picture(owner_id, scene.id, made.sha, key)
            return self._shown(scene, made, made_now=True)

        return await gather_all([one(scene) for scene in scenes])

    def _shows_footage(self, scene: Scene) -> bool:
        return self.footage is not None and self.footage.footage(scene) is not None

    async def _footage_still(
        self, owner_id: int, scene: Scene, slots: dict[int, float], width: int, height: int
    ) -> ScenePicture | None:
        """A footage scene's picture: a frame of its stretch (None if the clip is gone)."""
        assert self.footage is not None
        asset = self.footage.footage(scene)
        if asset is None:
            return None
        stretch = self.footage.stretch_in(asset, scene, slots)
        still = await self.footage.still(scene, stretch, width, height)
        if still is None:
            return None
        if still.made_now:
            self.scenes.set_scene_picture(owner_id, scene.id, still.picture.sha, still.key)
        return ScenePicture(
            scene,
            still.picture,
            self.media.path_of(still.picture),
            still.made_now,
            footage=self.media.path_of(asset.ref),
            stretch=stretch,
        )

    def _shown(
        self, scene: Scene, picture: MediaRef, made_now: bool, stand_in: bool = False
    ) -> ScenePicture:
        return ScenePicture(scene, picture, self.media.path_of(picture), made_now, stand_in)

    async def _offline(self, request: PictureRequest) -> MediaRef:
        return await self.making.make(
            functools.partial(self.fallback.make_picture, request),
            AssetKind.PICTURE,
            "jpg",
            (request.width, request.height),
        )

    async def _stand_in(self, scene: Scene, request: PictureRequest) -> ScenePicture:
        return self._shown(scene, await self._offline(request), made_now=True, stand_in=True)

    async def make_title_card(self, project: Project, width: int, height: int) -> Path:
        """A typographic card with the project's title, for a project with no scenes."""
        request = self._title_request(project, width, height)
        return self.media.path_of(await self._offline(request))
