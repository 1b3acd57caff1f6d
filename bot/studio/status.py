"""Use case: what the active project holds, for `/status`."""

from __future__ import annotations

from bot.studio.models import ProjectSummary
from bot.studio.ownership import active_project
from bot.studio.roles import (
    AssetStore,
    JobStore,
    ProjectStore,
    ReferenceStore,
    SceneStore,
    SpendStore,
)


class ProjectStatus:
    """Counts, song, last job and spend of the active project."""

    def __init__(
        self,
        projects: ProjectStore,
        scenes: SceneStore,
        references: ReferenceStore,
        assets: AssetStore,
        jobs: JobStore,
        spend: SpendStore,
    ) -> None:
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.assets = assets
        self.jobs = jobs
        self.spend = spend

    def summary(self, user_id: int) -> ProjectSummary:
        """What the active project holds."""
        project = active_project(self.projects, user_id)
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        scenes = self.scenes.scenes(user_id, project.id)
        return ProjectSummary(
            project=project,
            scene_count=len(scenes),
            scene_ideas=tuple(scene.caption or scene.idea for scene in scenes),
            photo_count=self.references.count_references(user_id, project.id),
            song=song,
            last_job=self.jobs.last_job(user_id, project.id),
            spent_usd=self.spend.spend(user_id, project.id),
        )
