"""Use case: everything a project made, gathered for a zip the director can keep."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.studio.credits import CARD_ROLES, Credits
from bot.studio.models import CreditRole, MediaRef
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
    credits_text: str = ""  # credits.txt (none when empty)


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
        credits: Credits | None = None,
        card_words: Callable[[str, str], str] | None = None,
    ) -> None:
        self.credits = credits
        self.card_words = card_words
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.jobs = jobs
        self.spend = spend
        self.media = media
        self.styles = styles
        self.writer = writer

    async def make_zip(
        self, owner_id: int, project_id: int, language: str = "en"
    ) -> tuple[Path, str]:
        """Write the project's export to a scratch file; return it and its file name."""
        bundle = self.bundle(owner_id, project_id, language)
        target = self.media.scratch_path(".zip")
        # Reads stay on the database's thread; only the file copying moves off the loop.
        await asyncio.to_thread(self.writer, bundle, target)
        return target, f"{bundle.name}.zip"

    def bundle(self, owner_id: int, project_id: int, language: str = "en") -> ExportBundle:
        """What goes into the project's export."""
        project = owned_project(self.projects, owner_id, project_id)
        credited = self._credits_by_file(owner_id, project_id)
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
            references = self.references.scene_references(owner_id, scene.id)
            shown = [(CreditRole.PHOTO, a.sha) for a in references]
            if scene.footage_sha is not None:
                shown.append((CreditRole.FOOTAGE, scene.footage_sha))
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
                    "references": [a.original_name or a.sha[:12] for a in references],
                    "credits": [credited[key] for key in shown if key in credited],
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
            credits_text=self._credits_text(owner_id, project_id, language),
        )

    def _credits_by_file(
        self, owner_id: int, project_id: int
    ) -> dict[tuple[CreditRole, str], dict[str, object]]:
        """Each credited file's credit, as storyboard.json tells it."""
        if self.credits is None:
            return {}
        return {
            (credit.role, credit.sha): {
                "role": credit.role.value,
                "name": credit.shown_name,
                "source": credit.source.value,
                "sender": (
                    {
                        "id": credit.sender.user_id,
                        "name": credit.sender.name,
                        "username": credit.sender.username,
                    }
                    if credit.sender is not None
                    else None
                ),
            }
            for credit in self.credits.of_project(owner_id, project_id)
        }

    def _credits_text(self, owner_id: int, project_id: int, language: str) -> str:
        """credits.txt: the credits card's lines, with the scenes each name's work shows in."""
        if self.credits is None or self.card_words is None:
            return ""
        sheet = self.credits.sheet(owner_id, project_id)
        lines = [sheet.project.title, ""]
        for role in CARD_ROLES:
            entries = sheet.of(role)
            names = [line for line in entries if line.name]
            if not names:
                continue
            lines.append(self.card_words(language, role.value))
            for line in names:
                scenes = f" ({', '.join(map(str, line.scenes))})" if line.scenes else ""
                lines.append(f"  {line.name}{scenes}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"
