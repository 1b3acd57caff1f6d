"""The router against a real SQLite file: which reader decides, and what comes of a reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.errors import NoActiveProject, ProviderError
from bot.media.inspector import FileInspector
from bot.studio.answers import Answers
from bot.studio.applying import Rules
from bot.studio.budget import Budget
from bot.studio.conversation import Conversation
from bot.studio.costs import Estimate
from bot.studio.editing import Edits
from bot.studio.edits import Command, Delete, FromEnd, Numbered, Swap
from bot.studio.limits import Limits
from bot.studio.material import Material
from bot.studio.ports import Usage
from bot.studio.projects import Projects
from bot.studio.reading import (
    Clarification,
    Instruction,
    Meaning,
    Question,
    Reading,
    ReadRequest,
    SceneIdea,
    Topic,
)
from storage.database import open_database
from storage.journal import ProjectJournal
from storage.media_files import MediaFiles
from storage.store import Store

OWNER = 7


@dataclass
class ScriptedReader:
    """A reader that answers from a script and keeps every request it was given."""

    name: str
    answers: list[Meaning | Exception] = field(default_factory=list)
    requests: list[ReadRequest] = field(default_factory=list)
    cost_usd: float = 0.0

    async def read(self, request: ReadRequest) -> Reading:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else SceneIdea()
        if isinstance(answer, Exception):
            raise answer
        return Reading(answer, Usage("test", "reading", 1, self.cost_usd))


@dataclass
class World:
    store: Store
    conversation: Conversation
    offline: ScriptedReader
    ai: ScriptedReader

    async def take(self, text: str, about: int | None = None):  # type: ignore[no-untyped-def]
        return await self.conversation.take(OWNER, text, "en", "Untitled", about_scene_id=about)

    def ideas(self) -> list[str]:
        project = self.store.active_project(OWNER)
        assert project is not None
        return [scene.idea for scene in self.store.scenes(OWNER, project.id)]


def build(tmp_path: Path, budget_usd: float = 5.0, with_ai: bool = True) -> World:
    database = open_database(tmp_path / "db.sqlite")
    store = Store(database)
    limits = Limits()
    rules = Rules(
        limits.max_scenes, limits.max_idea_chars, limits.max_title_chars, 4.0, ("cinematic",)
    )
    edits = Edits(ProjectJournal(database), store, rules)
    projects = Projects(users=store, projects=store, links=store, limits=limits, edits=edits)
    material = Material(
        starter=projects,
        projects=store,
        scenes=store,
        references=store,
        assets=store,
        conversation=store,
        media=MediaFiles(tmp_path / "media"),
        inspector=FileInspector(10**8, 8000, 900),
        limits=limits,
        edits=edits,
    )

    def estimate(owner_id: int, project_id: int) -> Estimate:
        project = store.get_project(owner_id, project_id)
        assert project is not None
        return Estimate(project, 0.0, 0.0, budget_usd, False)

    offline, ai = ScriptedReader("offline"), ScriptedReader("ai", cost_usd=0.002)
    conversation = Conversation(
        projects=projects,
        material=material,
        edits=edits,
        answers=Answers(store, estimate, 4.0),
        facts=store,
        offline=offline,
        reader=ai if with_ai else None,
        budget=Budget(spend=store, limit_usd=budget_usd),
        style_names={"en": {"cinematic": "Cinematic"}},
    )
    store.ensure_user(OWNER, "Director", "en")
    return World(store, conversation, offline, ai)


async def test_an_offline_reading_decides_without_asking_the_ai(tmp_path: Path) -> None:
    world = build(tmp_path)
    for idea in ("a", "b", "c"):
        await world.take(idea)
    asked = len(world.ai.requests)
    world.offline.answers = [Instruction((Swap(FromEnd(2)),))]
    heard = await world.take("swap the last two")
    assert heard.outcome is not None and heard.outcome.changes[0].key == "swapped"
    assert world.ideas() == ["a", "c", "b"]
    assert len(world.ai.requests) == asked == 0  # plain ideas and rule-read edits: no call


async def test_the_ai_reads_what_the_offline_reader_takes_for_an_idea(tmp_path: Path) -> None:
    world = build(tmp_path)
    await world.take("a")
    assert world.ai.requests == []  # an empty project: the first text is an idea, no call
    await world.take("b")
    world.ai.answers = [Instruction((Delete(Numbered((1,))),), Command.RENDER)]
    heard = await world.take("lose the opening and render")
    assert heard.outcome is not None
    assert isinstance(heard.meaning, Instruction) and heard.meaning.command is Command.RENDER
    assert world.ideas() == ["b"]
    request = world.ai.requests[-1]
    assert request.text == "lose the opening and render"
    assert [s.idea for s in request.scenes] == ["a", "b"]
    assert request.conversation[-1] == "b"
    spent = world.store.spend(OWNER)
    assert spent == pytest.approx(0.002)  # one AI reading: the instruction


async def test_plain_scene_ideas_never_wait_for_the_ai(tmp_path: Path) -> None:
    world = build(tmp_path)
    for idea in ("Fishing boats leave the harbour", "Old Quarter streets wake up", "Thánh Gióng"):
        await world.take(idea)
    assert world.ai.requests == []
    await world.take("the boat one should come before the temple")
    assert len(world.ai.requests) == 1


async def test_an_ai_failure_changes_nothing(tmp_path: Path) -> None:
    world = build(tmp_path)
    await world.take("a")
    await world.take("b")
    world.ai.answers = [ProviderError("provider.unavailable")]
    with pytest.raises(ProviderError):
        await world.take("please do something clever")
    assert world.ideas() == ["a", "b"]


async def test_with_no_budget_left_the_offline_reading_stands(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=0.0)
    await world.take("a")
    await world.take("b")
    assert world.ai.requests == []
    assert world.ideas() == ["a", "b"]


async def test_questions_are_answered_from_the_project(tmp_path: Path) -> None:
    world = build(tmp_path, with_ai=False)
    for idea in ("a", "b"):
        await world.take(idea)
    world.offline.answers = [Question(Topic.LENGTH), Question(Topic.SCENE, Numbered((2,)))]
    length = await world.take("how long is the video?")
    assert length.answer is not None and length.answer.key == "length"
    assert length.answer.params == {"length": "0:08", "count": 2}
    scene = await world.take("what is scene 2?")
    assert scene.answer is not None and scene.answer.params["idea"] == "b"
    assert world.ideas() == ["a", "b"]


async def test_a_clarification_changes_nothing(tmp_path: Path) -> None:
    world = build(tmp_path)
    await world.take("a")
    await world.take("b")
    world.ai.answers = [Clarification("Which one?", ("delete scene 1", "delete scene 2"))]
    heard = await world.take("please get rid of it")
    assert isinstance(heard.meaning, Clarification) and heard.outcome is None
    assert world.ideas() == ["a", "b"]


async def test_a_reply_that_is_no_instruction_is_left_to_the_scene(tmp_path: Path) -> None:
    world = build(tmp_path, with_ai=False)
    await world.take("a")
    scene_id = world.store.scenes(OWNER, world.store.active_project(OWNER).id)[0].id  # type: ignore[union-attr]
    heard = await world.take("a boat at dawn", about=scene_id)
    assert isinstance(heard.meaning, SceneIdea) and heard.idea is None
    assert world.ideas() == ["a"]


async def test_an_edit_without_a_project_asks_for_one(tmp_path: Path) -> None:
    world = build(tmp_path, with_ai=False)
    world.offline.answers = [Instruction((Delete(Numbered((1,))),))]
    with pytest.raises(NoActiveProject):
        await world.take("delete scene 1")
