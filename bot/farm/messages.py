"""The render task as it travels through Redis: the timeline and the content hashes of its media.

A timeline names its media by path in the bot's media store (`<root>/<sha[:2]>/<sha>.<ext>`).
On the wire every such path becomes the file's name in the store (`<sha>.<ext>`), and a worker
resolves it against its own `DATA_DIR/media`, which it shares with the bot (a volume, NFS). The
packaged caption font travels as a marker: each side has its own copy. Nothing else on the
wire points at a file, and nothing at the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.studio.models import MediaRef
from bot.studio.timeline import (
    CaptionsMode,
    Fit,
    FootageSound,
    LyricLine,
    LyricWord,
    Motion,
    Shot,
    Timeline,
    Transition,
)
from storage.media_files import media_path, media_ref_of

PACKAGED_FONT = "packaged:caption"
RENDER_TASK = "pocket_director.render"


class NotInStore(ValueError):
    """A timeline names a file that is not in the media store (a worker could not find it)."""


@dataclass(frozen=True)
class RenderTask:
    """What a worker is asked to do: render `timeline` with `options`, as lease `lease`."""

    key: str  # the content hash of timeline and options: the same render has the same key
    lease: str  # this attempt; a result under an older lease is ignored
    timeline: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        """The task's JSON-safe body."""
        return asdict(self)

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> RenderTask:
        """The task from its body."""
        return cls(
            key=str(body["key"]),
            lease=str(body["lease"]),
            timeline=dict(body["timeline"]),
            options=dict(body.get("options") or {}),
        )


@dataclass(frozen=True)
class RenderOutcome:
    """A finished render as a worker reports it: stored files by hash, and their facts."""

    video: str  # `<sha>.mp4` in the media store
    thumbnail: str  # `<sha>.jpg`
    duration: float
    width: int
    height: int
    size_bytes: int
    fallback_shots: tuple[int, ...] = ()

    def wire(self) -> str:
        """The outcome as JSON."""
        return json.dumps(asdict(self))

    @classmethod
    def from_wire(cls, text: str) -> RenderOutcome:
        """The outcome from its JSON."""
        body = json.loads(text)
        return cls(
            video=str(body["video"]),
            thumbnail=str(body["thumbnail"]),
            duration=float(body["duration"]),
            width=int(body["width"]),
            height=int(body["height"]),
            size_bytes=int(body["size_bytes"]),
            fallback_shots=tuple(int(shot) for shot in body.get("fallback_shots", ())),
        )


def task_key(timeline: dict[str, Any], options: dict[str, Any]) -> str:
    """The content hash of a render: the same inputs give the same key on every run."""
    canonical = json.dumps({"timeline": timeline, "options": options}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def stored_name(ref: MediaRef) -> str:
    """A file's name in the media store, as the wire carries it."""
    return f"{ref.sha}.{ref.ext.lstrip('.')}"


def ref_of_name(name: str) -> MediaRef:
    """The reference a wire name stands for; NotInStore for anything else."""
    ref = media_ref_of(Path(name))
    if ref is None or Path(name).name != name:
        raise NotInStore("not a media store name")
    return ref


def timeline_to_wire(timeline: Timeline, media_root: Path, packaged_font: Path) -> dict[str, Any]:
    """The timeline with each media path replaced by its name in the store."""

    def name(path: str) -> str:
        return _name_in_store(Path(path), media_root)

    font = timeline.font_path
    shots = [
        replace(
            shot,
            image_path=name(shot.image_path),
            clip_path=name(shot.clip_path) if shot.clip_path is not None else None,
        )
        for shot in timeline.shots
    ]
    body = asdict(
        replace(
            timeline,
            shots=tuple(shots),
            audio_path=name(timeline.audio_path) if timeline.audio_path is not None else None,
            font_path=None
            if font is None
            else _font_on_wire(Path(font), media_root, packaged_font),
        )
    )
    wire: dict[str, Any] = json.loads(json.dumps(body))  # tuples become lists, as on the wire
    return wire


def timeline_from_wire(body: dict[str, Any], media_root: Path, packaged_font: Path) -> Timeline:
    """The timeline with each store name resolved against this machine's media store."""

    def path(name: str) -> str:
        return str(media_path(media_root, ref_of_name(name)))

    font = body.get("font_path")
    return Timeline(
        width=int(body["width"]),
        height=int(body["height"]),
        fps=int(body["fps"]),
        shots=tuple(_shot(shot, path) for shot in body["shots"]),
        title=str(body.get("title", "")),
        audio_path=path(body["audio_path"]) if body.get("audio_path") else None,
        audio_offset=float(body.get("audio_offset", 0.0)),
        fade_in_seconds=float(body.get("fade_in_seconds", 0.5)),
        fade_out_seconds=float(body.get("fade_out_seconds", 2.0)),
        font_path=None
        if font is None
        else str(packaged_font)
        if font == PACKAGED_FONT
        else path(str(font)),
        footage_sound=FootageSound(body.get("footage_sound", FootageSound.DROP)),
        lyrics=tuple(_line(line) for line in body.get("lyrics", ())),
        captions=CaptionsMode(body.get("captions", CaptionsMode.IDEAS)),
    )


def _shot(body: dict[str, Any], path: Any) -> Shot:
    focus = body.get("focus")
    return Shot(
        image_path=path(body["image_path"]),
        start=float(body["start"]),
        duration=float(body["duration"]),
        caption=str(body.get("caption", "")),
        motion=Motion(body.get("motion", Motion.ZOOM_IN)),
        transition_in=Transition(body.get("transition_in", Transition.CROSSFADE)),
        transition_seconds=float(body.get("transition_seconds", 0.6)),
        clip_path=path(body["clip_path"]) if body.get("clip_path") else None,
        clip_start=float(body.get("clip_start", 0.0)),
        fit=Fit(body.get("fit", Fit.COVER)),
        focus=(float(focus[0]), float(focus[1])) if focus is not None else None,
    )


def _line(body: dict[str, Any]) -> LyricLine:
    return LyricLine(
        text=str(body["text"]),
        start=float(body["start"]),
        end=float(body["end"]),
        words=tuple(
            LyricWord(str(word["text"]), float(word["start"]), float(word["end"]))
            for word in body.get("words", ())
        ),
    )


def _name_in_store(path: Path, media_root: Path) -> str:
    ref = media_ref_of(path)
    if ref is None or media_path(media_root, ref).resolve() != path.resolve():
        raise NotInStore(f"{path.name} is not in the media store")
    return stored_name(ref)


def _font_on_wire(font: Path, media_root: Path, packaged_font: Path) -> str:
    if font.resolve() == packaged_font.resolve():
        return PACKAGED_FONT
    return _name_in_store(font, media_root)
