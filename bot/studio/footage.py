"""Footage scenes: which stretch of the director's clip a scene shows, and its preview still.

A scene with footage shows `footage_start` onwards for as long as its slot on the timeline
lasts; without a start of its own it shows the liveliest stretch (`best_stretch` over the
liveliness scores computed once, when the clip arrived).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.studio.beats import snap_to_beats
from bot.studio.keys import content_key
from bot.studio.models import Asset, AssetKind, MediaRef, Project, Scene
from bot.studio.ports import FootageReader
from bot.studio.roles import AssetStore, MediaStore
from bot.studio.stretch import best_stretch, clamp_start
from bot.studio.timing import clock as clock
from bot.studio.timing import scene_durations

logger = logging.getLogger(__name__)

LIVELINESS_STEP = 0.5  # seconds each liveliness score covers
NUDGE_SECONDS = 1.0  # what the ◀ ▶ buttons move a stretch by


@dataclass(frozen=True)
class Stretch:
    """The part of a clip a scene shows: from `start` to `end`, of a clip `clip_seconds` long."""

    start: float
    end: float
    clip_seconds: float
    chosen: bool  # the director chose the start (else it is the liveliest stretch)


def stretch_of(asset: Asset, slot_seconds: float, wished_start: float | None) -> Stretch:
    """The stretch a footage scene shows in a slot of `slot_seconds`."""
    clip_seconds = asset.duration or 0.0
    if wished_start is None and asset.liveliness:
        start = best_stretch(asset.liveliness, LIVELINESS_STEP, clip_seconds, slot_seconds)
    else:
        start = wished_start or 0.0
    start = round(clamp_start(start, clip_seconds, slot_seconds), 2)
    end = min(clip_seconds, start + slot_seconds)
    return Stretch(start, round(end, 2), clip_seconds, wished_start is not None)


def slot_lengths(
    scenes: Sequence[Scene],
    song: Asset | None,
    seconds_without_song: float,
    fps: int,
) -> dict[int, float]:
    """How long each scene lasts on the timeline (as `build_timeline` will lay it), by id."""
    song_seconds = song.duration if song else None
    durations = scene_durations(
        [s.duration for s in scenes], song_seconds, seconds_without_song, fps
    )
    if song is not None and song.beats and song_seconds:
        durations = snap_to_beats(durations, song.beats, fps)
    return {scene.id: seconds for scene, seconds in zip(scenes, durations, strict=True)}


def still_key(footage_sha: str, start: float, width: int, height: int) -> str:
    """Key of a footage scene's preview still: a new one whenever the stretch moves."""
    return content_key({"footage": footage_sha, "start": round(start, 2), "size": [width, height]})


@dataclass(frozen=True)
class FootageStill:
    """A footage scene's preview (a frame of its stretch) and the key it was made for."""

    picture: MediaRef
    key: str
    made_now: bool


class FootageScenes:
    """Reads the stretch and the preview still of scenes that show the director's clips."""

    def __init__(
        self,
        assets: AssetStore,
        media: MediaStore,
        reader: FootageReader,
        seconds_without_song: float,
        fps: int,
    ) -> None:
        self.assets = assets
        self.media = media
        self.reader = reader
        self.seconds_without_song = seconds_without_song
        self.fps = fps

    def footage(self, scene: Scene) -> Asset | None:
        """The clip a scene shows, if it shows one and the clip is still stored."""
        if scene.footage_sha is None:
            return None
        asset = self.assets.get_asset(scene.footage_sha)
        if asset is None or asset.kind is not AssetKind.FOOTAGE:
            return None
        return asset if self.media.path_of(asset.ref).exists() else None

    def slots(self, project: Project, scenes: Sequence[Scene]) -> dict[int, float]:
        """How long each of the project's scenes lasts on the timeline, by scene id."""
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        return slot_lengths(scenes, song, self.seconds_without_song, self.fps)

    def stretch(self, project: Project, scenes: Sequence[Scene], scene: Scene) -> Stretch | None:
        """The stretch one scene (of `scenes`, the project's) shows; None without footage."""
        asset = self.footage(scene)
        if asset is None:
            return None
        return self.stretch_in(asset, scene, self.slots(project, scenes))

    def stretch_in(self, asset: Asset, scene: Scene, slots: dict[int, float]) -> Stretch:
        """The stretch of `asset` (the scene's clip) the scene shows, given every scene's slot."""
        slot = slots.get(scene.id, self.seconds_without_song)
        return stretch_of(asset, slot, scene.footage_start)

    async def still(
        self, scene: Scene, stretch: Stretch, width: int, height: int
    ) -> FootageStill | None:
        """A frame from the middle of the scene's stretch (made again only when it moved)."""
        asset = self.footage(scene)
        if asset is None:
            return None
        key = still_key(asset.sha, stretch.start, width, height)
        if scene.picture_key == key and scene.picture_sha:
            ref = MediaRef(scene.picture_sha, "jpg")
            if self.media.path_of(ref).exists():
                return FootageStill(ref, key, made_now=False)
        output = self.media.scratch_path(".jpg")
        try:
            middle = (stretch.start + stretch.end) / 2
            await self.reader.still_at(self.media.path_of(asset.ref), middle, output)
            sha = self.media.put_file(output, "jpg")
        finally:
            output.unlink(missing_ok=True)
        self.assets.save_asset(
            Asset(
                sha=sha,
                kind=AssetKind.PICTURE,
                ext="jpg",
                size=self.media.path_for(sha, "jpg").stat().st_size,
                width=asset.width,
                height=asset.height,
            )
        )
        return FootageStill(MediaRef(sha, "jpg"), key, made_now=True)
