"""Use case: which chat message stands for which scene, and the open "new idea?" question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.studio.models import Scene
from bot.studio.roles import LinkStore, ProjectStore, SceneStore

SCENE_LINK = "scene"
CLIP_LINK = "clip"
PANEL_LINK = "panel"
EDIT_IDEA_LINK = "edit_idea"
ASK_IDEA_LINK = "ask_idea"
SCENE_LINKS = (SCENE_LINK, CLIP_LINK, PANEL_LINK, EDIT_IDEA_LINK, ASK_IDEA_LINK)
# After "send the new idea for scene N", the next plain message answers it for this long.
QUESTION_MINUTES = 10


class SceneMessages:
    """Remembers what chat messages show, so replies and taps act on the right scene."""

    def __init__(self, links: LinkStore, scenes: SceneStore, projects: ProjectStore) -> None:
        self.links = links
        self.scenes = scenes
        self.projects = projects

    def remember_preview(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """A message shows this scene: replies and taps on it act on the scene."""
        self.links.link_message(owner_id, chat_id, message_id, SCENE_LINK, scene_id)

    def remember_clip(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """A message shows this scene's clip: replies act on the scene, picture edits skip it."""
        self.links.link_message(owner_id, chat_id, message_id, CLIP_LINK, scene_id)

    def remember_panel(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """The control panel now shows this scene."""
        self.links.link_message(owner_id, chat_id, message_id, PANEL_LINK, scene_id)

    def remember_question(
        self, owner_id: int, chat_id: int, message_id: int, scene_id: int
    ) -> None:
        """A message asks for this scene's new idea."""
        self.links.link_message(owner_id, chat_id, message_id, EDIT_IDEA_LINK, scene_id)

    def ask_for_idea(self, owner_id: int, chat_id: int, message_id: int, scene_id: int) -> None:
        """The bot asked for this scene's new idea: a reply, or the next message, answers."""
        self.links.link_message(owner_id, chat_id, message_id, ASK_IDEA_LINK, scene_id)

    def question_answered(self, owner_id: int, scene_id: int) -> None:
        """The scene has its new idea: the open question about it is closed."""
        self.links.unlink(owner_id, ASK_IDEA_LINK, scene_id)

    def open_question(self, owner_id: int, chat_id: int) -> Scene | None:
        """The scene whose new idea the bot asked for in this chat lately, if still open.

        A user who closes the reply box and just types is answering it all the same.
        """
        since = (datetime.now(UTC) - timedelta(minutes=QUESTION_MINUTES)).isoformat(
            timespec="seconds"
        )
        link = self.links.latest_link(owner_id, chat_id, ASK_IDEA_LINK, since)
        scene = self.scenes.get_scene(owner_id, link.target_id) if link is not None else None
        active = self.projects.active_project(owner_id)
        # Asked about another project than the one now active: the question has lapsed.
        return (
            scene
            if scene is not None and active is not None and scene.project_id == active.id
            else None
        )

    def scene_for_message(self, owner_id: int, chat_id: int, message_id: int) -> Scene | None:
        """The scene a message shows or asks about (None if it shows none of the user's)."""
        link = self.links.linked(owner_id, chat_id, message_id)
        if link is None or link.kind not in SCENE_LINKS:
            return None
        return self.scenes.get_scene(owner_id, link.target_id)

    def preview_messages(self, owner_id: int, scene_id: int) -> list[tuple[int, int]]:
        """(chat id, message id) of every preview of a scene."""
        return [
            (link.chat_id, link.message_id)
            for link in self.links.links_to(owner_id, SCENE_LINK, scene_id)
        ]
