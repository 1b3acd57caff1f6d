"""The studio as bot/wiring.py builds it, over a real SQLite file, a media folder and offline
providers; with small fakes that keep a request history where a test needs to steer a provider.
"""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ProviderError
from bot.media.footage_inspector import FileFootageReader
from bot.media.inspector import FileInspector
from bot.providers.offline import OfflineImageMaker, OfflinePlanner
from bot.providers.styles_file import load_styles
from bot.studio.applying import Rules
from bot.studio.budget import Budget
from bot.studio.clips import Clips
from bot.studio.costs import Costs
from bot.studio.editing import Edits
from bot.studio.export import Exports
from bot.studio.footage import FootageScenes
from bot.studio.limits import Limits
from bot.studio.making import MediaMaking
from bot.studio.material import Material
from bot.studio.models import Project, Scene
from bot.studio.pictures import Pictures
from bot.studio.ports import (
    ClipMaker,
    ClipRequest,
    JobEvents,
    PictureRequest,
    Plan,
    PlannedScene,
    PlanRequest,
    SceneReady,
    Transcriber,
    Transcript,
    Usage,
)
from bot.studio.projects import Projects
from bot.studio.scene_editing import SceneEditing
from bot.studio.scene_messages import SceneMessages
from bot.studio.status import ProjectStatus
from bot.studio.storyboard import Storyboard
from bot.studio.styles import StylePreset
from bot.studio.voice import VoiceNotes
from storage.database import open_database
from storage.export_zip import write_zip
from storage.journal import ProjectJournal
from storage.media_files import MediaFiles
from storage.store import Store
from tests.support.synthetic_media import ffmpeg_exe, make_photo

OWNER = 7
STRANGER = 8
CHAT = 700


@dataclass
class RecordingImageMaker:
    """The offline image maker behind a name and a price, failing where the script says.

    Every request is kept; `failures` are raised in turn (None: make the picture).
    """

    name: str = "test-images"
    cost_usd: float = 0.0
    failures: list[ProviderError | None] = field(default_factory=list)
    requests: list[PictureRequest] = field(default_factory=list)
    inner: OfflineImageMaker = field(default_factory=OfflineImageMaker)

    async def make_picture(self, request: PictureRequest, output: Path) -> Usage:
        """Write the offline picture, or raise the next scripted failure."""
        self.requests.append(request)
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        await self.inner.make_picture(request, output)
        return Usage(self.name, "image", 1, self.cost_usd)

    def estimate_cost(self, request: PictureRequest) -> float:
        """The price every picture is expected to cost."""
        return self.cost_usd


@dataclass
class RecordingPlanner:
    """The offline planner under another name, keeping each request; `extra` scenes of its own
    are added at the end and `cost_usd` is what each plan costs."""

    name: str = "offline"
    cost_usd: float = 0.0
    extra: tuple[str, ...] = ()
    requests: list[PlanRequest] = field(default_factory=list)
    inner: OfflinePlanner = field(default_factory=OfflinePlanner)

    async def plan(self, request: PlanRequest) -> Plan:
        """The offline plan, with the scripted scenes of its own after it."""
        self.requests.append(request)
        plan = await self.inner.plan(request)
        scenes = list(plan.scenes)
        if self.extra:
            extra = await self.inner.plan(
                PlanRequest(request.title, self.extra, request.style, None, request.language)
            )
            scenes += [
                PlannedScene(scene.idea, scene.caption, scene.motion, scene.transition)
                for scene in extra.scenes
            ]
        return Plan(scenes, Usage(self.name, "plan", 1, self.cost_usd))


def write_tiny_mp4(output: Path, seconds: float = 0.5) -> None:
    """A real, tiny H.264 MP4 (a test pattern at 64x64) written by the bundled ffmpeg."""
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=size=64x64:rate=10:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "mp4",
            str(output),
        ],
        check=True,
        capture_output=True,
    )


@dataclass
class ScriptedClipMaker:
    """A clip maker that writes a real tiny MP4, keeps every request and fails as scripted."""

    name: str = "test-clips"
    cost_usd: float = 0.5
    failures: list[ProviderError | None] = field(default_factory=list)
    requests: list[ClipRequest] = field(default_factory=list)

    async def make_clip(self, request: ClipRequest, output: Path) -> Usage:
        """Write the MP4, or raise the next scripted failure."""
        self.requests.append(request)
        failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        await asyncio.to_thread(write_tiny_mp4, output)
        return Usage(self.name, "clip", 1, self.cost_usd)

    def estimate_cost(self, request: ClipRequest) -> float:
        """The price every clip is expected to cost."""
        return self.cost_usd


@dataclass
class ScriptedTranscriber:
    """A transcriber that answers from a script and keeps every (file, language) it was given."""

    answers: list[Transcript | ProviderError] = field(default_factory=list)
    requests: list[tuple[Path, str, bytes]] = field(default_factory=list)

    async def transcribe(self, audio: Path, language: str) -> Transcript:
        """The next scripted transcript (or failure)."""
        self.requests.append((audio, language, audio.read_bytes()))
        answer = self.answers.pop(0) if self.answers else Transcript("")
        if isinstance(answer, ProviderError):
            raise answer
        return answer


@dataclass
class EventLog:
    """A JobEvents that writes down what the work reported."""

    steps: list[tuple[float, str]] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    ready: list[SceneReady] = field(default_factory=list)

    async def step(self, fraction: float, step: str) -> None:
        """A step and how far the work got."""
        self.steps.append((fraction, step))

    async def scene_failed(self, position: int, key: str) -> None:
        """One scene's piece failed (the work goes on)."""
        self.failures.append((position, key))

    async def scene_ready(self, ready: SceneReady) -> None:
        """One scene's piece was made just now."""
        self.ready.append(ready)

    @property
    def events(self) -> JobEvents:
        """The callbacks as the job runner would hand them to the work."""
        return JobEvents(
            step=self.step, scene_failed=self.scene_failed, scene_ready=self.scene_ready
        )

    async def progress(self, fraction: float) -> None:
        """A ProgressCallback for use cases that report a fraction only."""
        self.steps.append((fraction, ""))


@dataclass
class World:
    """Every use case of the studio over one database and media folder."""

    path: Path
    store: Store
    media: MediaFiles
    limits: Limits
    styles: dict[str, StylePreset]
    edits: Edits
    budget: Budget
    making: MediaMaking
    images: RecordingImageMaker
    planner: RecordingPlanner
    clip_maker: ScriptedClipMaker
    transcriber: ScriptedTranscriber
    projects: Projects
    material: Material
    status: ProjectStatus
    scene_messages: SceneMessages
    scene_editing: SceneEditing
    pictures: Pictures
    clips: Clips
    storyboard: Storyboard
    costs: Costs
    exports: Exports
    voice: VoiceNotes

    def project(self, owner_id: int = OWNER) -> Project:
        """The owner's active project."""
        project = self.store.active_project(owner_id)
        assert project is not None
        return project

    def scenes(self, owner_id: int = OWNER) -> list[Scene]:
        """The scenes of the owner's active project."""
        return self.store.scenes(owner_id, self.project(owner_id).id)

    def ideas(self, owner_id: int = OWNER) -> list[str]:
        """The ideas of the owner's active project, in order."""
        return [scene.idea for scene in self.scenes(owner_id)]

    def upload(self, data: bytes, suffix: str) -> Path:
        """An upload on its way in (the material use cases delete it once read)."""
        path = self.media.scratch_path(suffix)
        path.write_bytes(data)
        return path

    async def add_photo(
        self, seed: int = 0, caption: str | None = None, scene_id: int | None = None
    ) -> Scene:
        """A small real photo into the active project; the scene it went to."""
        added = await self.material.add_photo(
            OWNER,
            self.upload(make_photo(320, 240, seed=seed), ".jpg"),
            caption,
            f"photo-{seed}.jpg",
            "Untitled",
            scene_id=scene_id,
        )
        return added.scene


def build(
    tmp_path: Path,
    *,
    budget_usd: float = 5.0,
    image_cost: float = 0.0,
    planner_name: str = "offline",
    confirm_above_usd: float = 1.0,
    concurrency: int = 3,
    with_clips: bool = False,
    with_transcriber: bool = True,
    max_scenes: int = 100,
    max_song_seconds: float = 15 * 60,
    max_footage_seconds: float = 120.0,
    max_footage_pixel_rate: int = 3840 * 2160 * 30,
) -> World:
    """The studio as bot/wiring.py builds it, with 160 px pictures so tests stay fast."""
    database = open_database(tmp_path / "db.sqlite")
    store = Store(database)
    media = MediaFiles(tmp_path / "media")
    limits = Limits(short_side=160, max_scenes=max_scenes, max_song_seconds=max_song_seconds)
    styles = load_styles()
    edits = Edits(
        ProjectJournal(database),
        store,
        Rules(
            max_scenes=limits.max_scenes,
            max_idea_chars=limits.max_idea_chars,
            max_title_chars=limits.max_title_chars,
            default_seconds=limits.seconds_without_song,
            style_keys=tuple(styles),
        ),
    )
    budget = Budget(spend=store, limit_usd=budget_usd)
    making = MediaMaking(media=media, assets=store, spend=store, budget=budget)
    images = RecordingImageMaker(cost_usd=image_cost)
    planner = RecordingPlanner(name=planner_name)
    clip_maker = ScriptedClipMaker()
    transcriber = ScriptedTranscriber()
    footage_reader = FileFootageReader(max_footage_seconds, max_footage_pixel_rate)
    footage = FootageScenes(
        assets=store,
        media=media,
        reader=footage_reader,
        seconds_without_song=limits.seconds_without_song,
        fps=limits.fps,
    )
    pictures = Pictures(
        scenes=store,
        references=store,
        media=media,
        making=making,
        maker=images,
        fallback=OfflineImageMaker(),
        styles=styles,
        concurrency=concurrency,
        footage=footage,
    )
    clips = Clips(
        scenes=store, media=media, making=making, maker=clip_maker, concurrency=concurrency
    )
    projects = Projects(users=store, projects=store, links=store, limits=limits, edits=edits)
    material = Material(
        starter=projects,
        projects=store,
        scenes=store,
        references=store,
        assets=store,
        conversation=store,
        media=media,
        inspector=FileInspector(10**8, 8000, limits.longest_song_seconds),
        limits=limits,
        edits=edits,
        footage=footage_reader,
    )
    scene_messages = SceneMessages(links=store, scenes=store, projects=store)
    storyboard = Storyboard(
        projects=store,
        scenes=store,
        references=store,
        assets=store,
        conversation=store,
        spend=store,
        planner=planner,
        pictures=pictures,
        limits=limits,
        edits=edits,
    )
    clip_port: ClipMaker | None = clip_maker if with_clips else None
    costs = Costs(
        projects=store,
        scenes=store,
        spend=store,
        pictures=pictures,
        clips=clip_port,
        limits=limits,
        budget_usd=budget_usd,
        confirm_above_usd=confirm_above_usd,
        plan_additions=storyboard.scenes_a_plan_adds,
    )
    transcriber_port: Transcriber | None = transcriber if with_transcriber else None
    store.ensure_user(OWNER, "Director", "en")
    store.ensure_user(STRANGER, "Stranger", "en")
    return World(
        path=tmp_path / "db.sqlite",
        store=store,
        media=media,
        limits=limits,
        styles=styles,
        edits=edits,
        budget=budget,
        making=making,
        images=images,
        planner=planner,
        clip_maker=clip_maker,
        transcriber=transcriber,
        projects=projects,
        material=material,
        status=ProjectStatus(
            projects=store, scenes=store, references=store, assets=store, jobs=store, spend=store
        ),
        scene_messages=scene_messages,
        scene_editing=SceneEditing(
            scenes=store,
            conversation=store,
            messages=scene_messages,
            limits=limits,
            edits=edits,
            projects=store,
            footage=footage,
        ),
        pictures=pictures,
        clips=clips,
        storyboard=storyboard,
        costs=costs,
        exports=Exports(
            projects=store,
            scenes=store,
            references=store,
            jobs=store,
            spend=store,
            media=media,
            styles=styles,
            writer=write_zip,
        ),
        voice=VoiceNotes(projects=store, spend=store, transcriber=transcriber_port),
    )


def with_ideas(world: World, *ideas: str, title: str = "Film") -> Project:
    """A new active project of the owner's holding these scene ideas."""
    project = world.projects.start_project(OWNER, title)
    for idea in ideas:
        world.material.add_idea(OWNER, idea, "Untitled")
    return project
