"""Use case: what the next paid batch of a project is expected to cost, before it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.studio.limits import Limits
from bot.studio.models import Project
from bot.studio.ownership import project_for
from bot.studio.pictures import Pictures
from bot.studio.ports import ClipMaker, ClipRequest
from bot.studio.roles import ProjectStore, SceneStore, SpendStore
from bot.studio.timing import output_size

ASSUMED_CLIP_SECONDS = 5.0


@dataclass(frozen=True)
class Estimate:
    """The expected cost of a project's missing pictures (clips, restyles), and the user's spend."""

    project: Project
    usd: float
    spent_usd: float
    budget_usd: float
    needs_confirmation: bool


class Costs:
    """Estimates before paying, so the user can decide."""

    def __init__(
        self,
        projects: ProjectStore,
        scenes: SceneStore,
        spend: SpendStore,
        pictures: Pictures,
        clips: ClipMaker | None,
        limits: Limits,
        budget_usd: float,
        confirm_above_usd: float,
        plan_additions: Callable[[int, Project], int] | None = None,
        restyle_cost: Callable[[int, Project], float] | None = None,
        lyrics_cost: Callable[[int, Project], float] | None = None,
    ) -> None:
        self.plan_additions = plan_additions
        # What restyling the project's footage would cost (None: no restyler configured).
        self.restyle_cost = restyle_cost
        self.lyrics_cost = lyrics_cost
        self.projects = projects
        self.scenes = scenes
        self.spend = spend
        self.pictures = pictures
        self.clips = clips
        self.limits = limits
        self.budget_usd = budget_usd
        self.confirm_above_usd = confirm_above_usd

    def estimate(
        self, user_id: int, project_id: int | None = None, planning: bool = False
    ) -> Estimate:
        """The active (or given) project's pending cost; `planning` counts the scenes a plan
        adds to suit the song."""
        project = project_for(self.projects, user_id, project_id)
        width, height = output_size(project.aspect, self.limits.short_side)
        usd = self.pictures.pending_cost(user_id, project, width, height)
        if planning and self.plan_additions is not None:
            added = self.plan_additions(user_id, project)
            usd += added * self.pictures.new_scene_cost(project, width, height)
        if self.clips is not None and project.clips_enabled:
            missing = [
                s
                for s in self.scenes.scenes(user_id, project.id)
                if not s.clip_sha and not s.has_footage
            ]
            usd += len(missing) * self.clips.estimate_cost(
                ClipRequest(
                    image=Path(), prompt="", seconds=ASSUMED_CLIP_SECONDS, aspect=project.aspect
                )
            )
        if self.restyle_cost is not None and project.restyle_enabled:
            usd += self.restyle_cost(user_id, project)
        if self.lyrics_cost is not None and not planning:
            usd += self.lyrics_cost(user_id, project)  # hearing the song, once
        return Estimate(
            project,
            round(usd, 4),
            self.spend.spend(project.director_id),
            self.budget_usd,
            usd > self.confirm_above_usd,
        )
