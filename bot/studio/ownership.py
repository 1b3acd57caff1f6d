"""The one way to look up what a user may act on: theirs, or ProjectNotFound / NoActiveProject."""

from __future__ import annotations

from bot.errors import NoActiveProject, ProjectNotFound
from bot.studio.models import Project, Scene
from bot.studio.roles import ProjectStore, SceneStore


def owned_project(projects: ProjectStore, owner_id: int, project_id: int) -> Project:
    """One of the user's projects, or ProjectNotFound (unknown, deleted or someone else's)."""
    project = projects.get_project(owner_id, project_id)
    if project is None:
        raise ProjectNotFound()
    return project


def active_project(projects: ProjectStore, owner_id: int) -> Project:
    """The user's active project, or NoActiveProject."""
    project = projects.active_project(owner_id)
    if project is None:
        raise NoActiveProject()
    return project


def project_for(projects: ProjectStore, owner_id: int, project_id: int | None) -> Project:
    """The given project of the user's, or their active one when none is given."""
    if project_id is None:
        return active_project(projects, owner_id)
    return owned_project(projects, owner_id, project_id)


def owned_scene(scenes: SceneStore, owner_id: int, scene_id: int) -> Scene:
    """A scene of the user's, or ProjectNotFound (it was deleted, or it is not theirs)."""
    scene = scenes.get_scene(owner_id, scene_id)
    if scene is None:
        raise ProjectNotFound()
    return scene
