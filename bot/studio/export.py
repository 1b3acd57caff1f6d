"""Use case: everything a project made, gathered for a zip the director can keep."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.studio.models import MediaRef
from bot.studio.names import title_file_name
from bot.studio.ownership import owned_project
from bot.studio.rendering import RENDER
from bot.studio.roles import (
    JobStore,
    MediaStore,
    ProjectStore,
    ReferenceStore,
    SceneStore,
    SpendStore,
)
from bot.studio.styles import StylePreset


@dataclass(frozen=True)
class ExportBundle:
    """Files to put in the zip (name inside the zip, path on disk) and the storyboard JSON."""

    name: str
    files: tuple[tuple[str, Path], ...]
    storyboard_json: str


NAME_LIMIT = 60


class Exports:
    """Gathers a project's video, pictures, storyboard and prompts."""

    def __init__(
        self,
        projects: ProjectStore,
        scenes: SceneStore,
        references: ReferenceStore,
        jobs: JobStore,
        spend: SpendStore,
        media: MediaStore,
        styles: dict[str, StylePreset],
        writer: Callable[[ExportBundle, Path], Path],
    ) -> None:
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.jobs = jobs
        self.spend = spend
        self.media = media
        self.styles = styles
        self.writer = writer

    async def make_zip(self, owner_id: int, project_id: int) -> tuple[Path, str]:
        """Write the project's export to a scratch file; return it and its file name."""
        bundle = self.bundle(owner_id, project_id)
        target = self.media.scratch_path(".zip")
        # Reads stay on the database's thread; only the file copying moves off the loop.
        await asyncio.to_thread(self.writer, bundle, target)
        return target, f"{bundle.name}.zip"

    def bundle(self, owner_id: int, project_id: int) -> ExportBundle:
        """What goes into the project's export."""
        project = owned_project(self.projects, owner_id, project_id)
        files: list[tuple[str, Path]] = []
        # The newest finished render: a storyboard or a failed render since leaves it standing.
        job = self.jobs.last_result(owner_id, project_id, RENDER)
        if job is not None and job.result_sha:
            video = self.media.path_of(MediaRef(job.result_sha, "mp4"))
            if video.exists():
                files.append(("video.mp4", video))
        style = self.styles.get(project.style)
        scenes = []
        for scene in self.scenes.scenes(owner_id, project_id):
            picture = None
            if scene.picture_sha:
                path = self.media.path_of(MediaRef(scene.picture_sha, "jpg"))
                if path.exists():
                    picture = f"pictures/scene-{scene.position:02d}.jpg"
                    files.append((picture, path))
            scenes.append(
                {
                    "number": scene.position,
                    "idea": scene.idea,
                    "caption": scene.caption,
                    "motion": scene.motion.value,
                    "transition": scene.transition.value,
                    "seconds": scene.duration,
                    "image_prompt": scene.image_prompt,
                    "picture": picture,
                    "references": [
                        a.original_name or a.sha[:12]
                        for a in self.references.scene_references(owner_id, scene.id)
                    ],
                }
            )
        storyboard = {
            "title": project.title,
            "aspect": project.aspect,
            "style": project.style,
            "style_prompt": style.prompt if style else None,
            "scenes": scenes,
            "spent_usd": round(self.spend.spend(owner_id, project_id), 4),
        }
        return ExportBundle(
            name=title_file_name(project.title, NAME_LIMIT) or "project",
            files=tuple(files),
            storyboard_json=json.dumps(storyboard, ensure_ascii=False, indent=2),
        )
