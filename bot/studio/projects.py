"""Use cases of a chat's projects: language, start, options, rename, switch.

`user_id` of a project method is the owning chat's id (a private chat's id is its user's).
"""

from __future__ import annotations

import logging

from bot.errors import InputRejected, ProjectNotFound
from bot.studio.editing import Edits
from bot.studio.edits import Edit, SetAspect, SetCaptions, SetStyle, SetSwitch, SetTitle
from bot.studio.limits import Limits
from bot.studio.models import Project, ProjectSwitch, User
from bot.studio.ownership import active_project, owned_project
from bot.studio.roles import LinkStore, ProjectStore, UserStore
from bot.studio.text import SUPPORTED_LANGUAGES, checked_text, language_for

logger = logging.getLogger(__name__)

RENAME_LINK = "rename"


def free_title(title: str, taken: set[str]) -> str:
    """`title`, or `title 2`, `title 3`... : the first one not in `taken`."""
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title} {number}"
    return candidate


class Projects:
    """The director, their language, and their projects."""

    def __init__(
        self,
        users: UserStore,
        projects: ProjectStore,
        links: LinkStore,
        limits: Limits,
        edits: Edits,
    ) -> None:
        self.users = users
        self.projects = projects
        self.links = links
        self.limits = limits
        self.edits = edits

    def register_user(self, user_id: int, first_name: str, language_code: str | None) -> User:
        """Know the user from their first message on."""
        return self.users.ensure_user(user_id, first_name, language_for(language_code))

    def knows(self, user_id: int) -> bool:
        """Whether the user has talked to the bot (and so has a language of their own)."""
        return self.users.get_user(user_id) is not None

    def language_of(self, user_id: int) -> str:
        """The user's language (English until they are known)."""
        user = self.users.get_user(user_id)
        return user.language if user else "en"

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user picked."""
        if language not in SUPPORTED_LANGUAGES:
            raise InputRejected("error.bad_language")
        self.users.set_language(user_id, language)

    def start_project(self, user_id: int, title: str, director_id: int | None = None) -> Project:
        """Create a chat's project (directed by `director_id`, else by the chat's user) and
        make it the active one."""
        title = checked_text(title, self.limits.max_title_chars, "error.title_too_long")
        return self.projects.create_project(
            user_id,
            title,
            self.limits.default_aspect,
            self.limits.default_style,
            director_id=director_id,
        )

    def start_untitled(
        self, user_id: int, default_title: str, director_id: int | None = None
    ) -> Project:
        """Start a project under the default title, numbered so /projects tells them apart."""
        taken = {project.title for project in self.projects.list_projects(user_id)}
        return self.start_project(user_id, free_title(default_title, taken), director_id)

    def active_or_new(self, user_id: int, default_title: str) -> tuple[Project, bool]:
        """The active project, or a new untitled one (and whether it was just started)."""
        project = self.projects.active_project(user_id)
        if project is not None:
            return project, False
        return self.start_untitled(user_id, default_title), True

    def active(self, user_id: int) -> Project:
        """The active project, or NoActiveProject."""
        return active_project(self.projects, user_id)

    def current(self, user_id: int) -> Project | None:
        """The active project, if there is one."""
        return self.projects.active_project(user_id)

    def configure(
        self,
        user_id: int,
        project_id: int,
        *,
        aspect: str | None = None,
        style: str | None = None,
        toggle: ProjectSwitch | None = None,
        next_captions: bool = False,
    ) -> Project:
        """Change a project's aspect ratio or style, flip a switch or step its captions mode
        (only the owner's)."""
        changes: list[Edit] = []
        if aspect is not None:
            changes.append(SetAspect(aspect))
        if style is not None:
            changes.append(SetStyle(style))
        if toggle is not None:
            changes.append(SetSwitch(toggle))
        if next_captions:
            changes.append(SetCaptions())
        return self._edit(user_id, project_id, changes, "button")

    def rename(self, user_id: int, project_id: int, title: str) -> Project:
        """Give one of the user's projects a new title."""
        return self._edit(user_id, project_id, [SetTitle(title)], "rename")

    def _edit(self, user_id: int, project_id: int, changes: list[Edit], source: str) -> Project:
        self.edits.apply_if_changed(user_id, project_id, changes, source=source)
        return owned_project(self.projects, user_id, project_id)

    def delete(self, user_id: int, project_id: int) -> Project:
        """Delete one of the user's projects (its media files go at the next gc)."""
        project = owned_project(self.projects, user_id, project_id)
        if not self.projects.delete_project(user_id, project_id):
            raise ProjectNotFound()
        return project

    def remember_rename_question(
        self, user_id: int, chat_id: int, message_id: int, project_id: int
    ) -> None:
        """A message asks for a project's new title."""
        self.links.link_message(user_id, chat_id, message_id, RENAME_LINK, project_id)

    def project_to_rename(self, user_id: int, chat_id: int, message_id: int) -> int | None:
        """The project whose new title a reply to this message gives."""
        link = self.links.linked(user_id, chat_id, message_id)
        return link.target_id if link is not None and link.kind == RENAME_LINK else None

    def active_id(self, user_id: int) -> int | None:
        """Id of the active project, if there is one."""
        project = self.projects.active_project(user_id)
        return project.id if project else None

    def get(self, user_id: int, project_id: int) -> Project:
        """One of the user's projects, or ProjectNotFound."""
        return owned_project(self.projects, user_id, project_id)

    def switch(self, user_id: int, project_id: int) -> Project:
        """Make another of the user's projects active."""
        project = owned_project(self.projects, user_id, project_id)
        self.users.set_active_project(user_id, project_id)
        return project

    def list(self, user_id: int) -> list[Project]:
        """The user's projects, newest first."""
        return self.projects.list_projects(user_id)
