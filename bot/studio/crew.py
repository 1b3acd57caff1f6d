"""Who acts in a chat, and the one rule of what they may do.

A project belongs to a chat (a private chat is a group of one). The member who started it is
its director; the director and the chat's admins decide (render, delete, reorder, rename,
options, undo, cancel, the cost question); every member adds material (ideas, photos, footage,
songs). In a private chat the user is the chat's only member and its admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NotYourCall
from bot.studio.jobs import JobRunner
from bot.studio.models import Project
from bot.studio.ownership import project_for
from bot.studio.roles import ChatStore, JobStore, ProjectStore


@dataclass(frozen=True)
class Actor:
    """Who sent an update: a user, and whether they are an admin of the chat it came from."""

    user_id: int
    chat_admin: bool = False


def may_decide(actor: Actor, project: Project) -> bool:
    """The rule: the project's director and the chat's admins decide; other members add."""
    return actor.chat_admin or actor.user_id == project.director_id


def require_decider(actor: Actor, project: Project) -> Project:
    """The project, if the actor may decide about it; else NotYourCall (nothing changes)."""
    if not may_decide(actor, project):
        raise NotYourCall(director=project.director_id)
    return project


@dataclass(frozen=True)
class ChatMove:
    """A group upgraded to a supergroup: where its projects went."""

    old_id: int
    new_id: int
    projects: int


class Crew:
    """Groups as the studio sees them: who decides, topics, upgrades, and the bot's removal."""

    def __init__(
        self, projects: ProjectStore, chats: ChatStore, jobs: JobStore, runner: JobRunner
    ) -> None:
        self.projects = projects
        self.chats = chats
        self.jobs = jobs
        self.runner = runner

    def decider(self, actor: Actor, owner_id: int, project_id: int | None = None) -> Project:
        """The chat's given (else active) project, if the actor may decide about it."""
        return require_decider(actor, project_for(self.projects, owner_id, project_id))

    def may_decide(self, actor: Actor, owner_id: int, project_id: int | None = None) -> bool:
        """Whether the actor may decide about the chat's given (else active) project."""
        project = (
            self.projects.active_project(owner_id)
            if project_id is None
            else self.projects.get_project(owner_id, project_id)
        )
        return project is None or may_decide(actor, project)

    def enter(self, chat_id: int, kind: str, title: str, thread_id: int | None) -> None:
        """An update from a group (in a forum topic, or outside any): its projects' scope."""
        self.chats.enter_chat(chat_id, kind, title, thread_id or 0)

    def owner_of(self, project_id: int) -> int | None:
        """The chat that owns the project (its members may see it), if it exists."""
        return self.projects.project_owner(project_id)

    def owner_of_scene(self, scene_id: int) -> int | None:
        """The chat that owns the scene's project, if it exists."""
        return self.projects.scene_owner(scene_id)

    def topic_of(self, chat_id: int, project_id: int) -> int | None:
        """The forum topic a group's project lives in (None outside forum topics)."""
        return self.chats.topic_of(chat_id, project_id)

    def is_group(self, chat_id: int) -> bool:
        """Whether the chat is a group (its projects need a director: /new)."""
        return self.chats.is_group(chat_id)

    def moved(self, old_id: int, new_id: int) -> ChatMove:
        """A group became a supergroup: it keeps its projects, jobs, links and journal."""
        return ChatMove(old_id, new_id, self.chats.move_chat(old_id, new_id))

    def removed(self, chat_id: int) -> int:
        """The bot was removed from a group: stop the group's jobs without a word (it cannot
        write there any more); how many were stopped."""
        self.chats.mark_removed(chat_id)
        stopped = 0
        for project in self.projects.list_projects(chat_id):
            job = self.jobs.unfinished_job(chat_id, project.id)
            if job is not None:
                self.runner.drop(job)
                stopped += 1
        return stopped

    def is_removed(self, chat_id: int) -> bool:
        """Whether the bot can no longer write to this group."""
        return self.chats.is_removed(chat_id)
