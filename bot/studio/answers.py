"""Answers to the common questions about a project, from what it holds (no AI needed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.studio.applying import resolve
from bot.studio.costs import Estimate
from bot.studio.models import Asset, Project
from bot.studio.project_state import ProjectState
from bot.studio.reading import Question, Topic
from bot.studio.timing import scene_durations

# Lengths are answered to a tenth of a second: any frame rate gives the same figures.
FRAMES_PER_SECOND = 100


@dataclass(frozen=True)
class Answer:
    """An answer as a catalog key under `answer.` and its values."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


class SongLookup(Protocol):
    """Stored media facts (a project's song)."""

    def get_asset(self, sha: str) -> Asset | None: ...


def minutes(seconds: float) -> str:
    """Seconds as m:ss."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class Answers:
    """Answers the questions a director asks most, by rule."""

    def __init__(
        self,
        songs: SongLookup,
        estimate: Callable[[int, int], Estimate],
        seconds_without_song: float,
    ) -> None:
        self.songs = songs
        self.estimate = estimate
        self.seconds_without_song = seconds_without_song

    def answer(
        self,
        owner_id: int,
        project: Project,
        state: ProjectState,
        question: Question,
        focus_id: int | None = None,
    ) -> Answer:
        """The answer to `question` about the project (InputRejected for a scene not there)."""
        song = self.songs.get_asset(project.song_sha) if project.song_sha else None
        count = len(state.scenes)
        if question.topic is Topic.SCENE_COUNT:
            return Answer("scene_count", {"count": count})
        if question.topic is Topic.LENGTH:
            return self._length(state, song)
        if question.topic is Topic.SCENE and question.scene is not None:
            index = resolve(state, question.scene, focus_id)[0]
            scene = state.scenes[index]
            lengths = self._lengths(state, song)
            return Answer(
                "scene",
                {
                    "number": index + 1,
                    "idea": scene.idea or "…",
                    "caption": scene.caption or "…",
                    "seconds": f"{lengths[index]:.1f}",
                    "motion": scene.motion.value,
                    "photos": len(scene.references),
                },
            )
        if question.topic is Topic.COST:
            estimate = self.estimate(owner_id, project.id)
            key = "cost" if estimate.usd > 0 else "cost_free"
            return Answer(
                key,
                {
                    "usd": f"{estimate.usd:.2f}",
                    "spent": f"{estimate.spent_usd:.2f}",
                    "budget": f"{estimate.budget_usd:.2f}",
                },
            )
        if question.topic is Topic.SONG:
            if song is None:
                return Answer("no_song")
            tempo = f"{song.tempo_bpm:.0f}" if song.tempo_bpm else "?"
            return Answer(
                "song",
                {
                    "name": song.original_name or "♪",
                    "length": minutes(song.duration or 0),
                    "tempo": tempo,
                },
            )
        if question.topic is Topic.STYLE:
            return Answer("style", {"style": state.options.style, "aspect": state.options.aspect})
        return Answer("help")

    def _lengths(self, state: ProjectState, song: Asset | None) -> list[float]:
        wishes = [scene.duration for scene in state.scenes]
        total = song.duration if song and song.duration else None
        return scene_durations(wishes, total, self.seconds_without_song, fps=FRAMES_PER_SECOND)

    def _length(self, state: ProjectState, song: Asset | None) -> Answer:
        if not state.scenes:
            return Answer("length_empty")
        total = sum(self._lengths(state, song))
        key = "length_song" if song is not None else "length"
        return Answer(key, {"length": minutes(total), "count": len(state.scenes)})
