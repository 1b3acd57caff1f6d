"""The crew rule: the director and the chat's admins decide; other members only add."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import NotYourCall, ProjectNotFound
from bot.studio.crew import Actor, Crew, may_decide
from bot.studio.jobs import JobRunner
from bot.studio.models import Project
from storage.database import open_database
from storage.store import Store

CHAT, DIRECTOR, MEMBER = -1001, 7001, 7002


class _Silent:
    """A reporter nobody reads (the runner is never started here)."""


def _project(owner: int = CHAT, director: int = DIRECTOR) -> Project:
    return Project(1, owner, "T", "9:16", "c", None, "", director_id=director)


def test_the_director_and_admins_decide_members_do_not() -> None:
    project = _project()
    assert may_decide(Actor(DIRECTOR), project)
    assert may_decide(Actor(MEMBER, chat_admin=True), project)
    assert not may_decide(Actor(MEMBER), project)


def test_a_private_chat_is_a_group_of_one() -> None:
    project = Project(1, DIRECTOR, "T", "9:16", "c", None, "")
    assert project.director_id == DIRECTOR
    assert may_decide(Actor(DIRECTOR, chat_admin=True), project)


def test_the_use_case_refuses_and_keeps_chats_apart(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    runner = JobRunner(store, store, {}, _Silent(), 1)  # type: ignore[arg-type]
    crew = Crew(projects=store, chats=store, jobs=store, runner=runner)
    crew.enter(CHAT, "supergroup", "Crew", None)
    project = store.create_project(CHAT, "T", "9:16", "c", director_id=DIRECTOR)
    assert crew.decider(Actor(DIRECTOR), CHAT) == project
    with pytest.raises(NotYourCall):
        crew.decider(Actor(MEMBER), CHAT, project.id)
    with pytest.raises(ProjectNotFound):  # a forged id of another chat's project
        crew.decider(Actor(DIRECTOR), -2002, project.id)
    assert crew.is_group(CHAT) and not crew.is_group(DIRECTOR)
    assert crew.removed(CHAT) == 0 and crew.is_removed(CHAT)
    assert crew.moved(CHAT, -1003).projects == 1
