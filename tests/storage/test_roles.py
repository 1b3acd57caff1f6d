"""Every storage role on a real SQLite file: each public method, owner scoping, typed changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.studio.beats import SongAnalysis
from bot.studio.changes import UNCHANGED, JobChanges, ProjectChanges, SceneChanges, flipped
from bot.studio.models import Asset, AssetKind, JobState, MessageLink, ProjectSwitch
from bot.studio.ports import Usage
from bot.studio.sections import SectionKind, SongSection
from bot.studio.timeline import Motion, Transition
from storage.database import open_database
from storage.rows import now
from storage.store import Store

ME, YOU = 1, 2
SHA_A, SHA_B = "a" * 64, "b" * 64


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.ensure_user(ME, "Me", "en")
    store.ensure_user(YOU, "You", "vi")
    return store


def scene_ids(store: Store, project_id: int) -> list[int]:
    return [scene.id for scene in store.scenes(ME, project_id)]


def test_users(store: Store) -> None:
    assert store.get_user(3) is None
    created = store.ensure_user(3, "Lan", "vi")
    assert created == store.get_user(3)
    assert store.ensure_user(3, "Other name", "en") == created  # first contact wins
    store.set_language(3, "en")
    user = store.get_user(3)
    assert user is not None and user.language == "en"
    mine = store.create_project(ME, "Mine", "9:16", "cinematic")
    store.set_active_project(3, mine.id)  # not theirs: refused quietly
    user = store.get_user(3)
    assert user is not None and user.active_project_id is None


def test_projects(store: Store) -> None:
    first = store.create_project(ME, "First", "9:16", "cinematic")
    second = store.create_project(ME, "Second", "16:9", "watercolor")
    assert store.active_project(ME) == second
    assert [p.title for p in store.list_projects(ME)] == ["Second", "First"]
    store.set_active_project(ME, first.id)
    assert store.active_project(ME) == first
    store.set_song(ME, first.id, SHA_A)
    got = store.get_project(ME, first.id)
    assert got is not None and got.song_sha == SHA_A
    changed = store.update_project(
        ME, first.id, ProjectChanges(title="Renamed", clips_enabled=True)
    )
    assert changed is not None
    assert (changed.title, changed.aspect, changed.clips_enabled) == ("Renamed", "9:16", True)
    assert store.update_project(ME, first.id, ProjectChanges()) == changed  # nothing to write
    assert store.delete_project(ME, first.id)
    assert store.get_project(ME, first.id) is None and store.active_project(ME) is None
    assert not store.delete_project(ME, first.id)
    assert [p.id for p in store.list_projects(ME)] == [second.id]


def test_projects_are_out_of_another_owners_reach(store: Store) -> None:
    mine = store.create_project(ME, "Mine", "9:16", "cinematic")
    assert store.get_project(YOU, mine.id) is None
    assert store.list_projects(YOU) == []
    store.set_song(YOU, mine.id, SHA_B)
    assert store.update_project(YOU, mine.id, ProjectChanges(title="Theirs")) is None
    assert not store.delete_project(YOU, mine.id)
    assert store.get_project(ME, mine.id) == mine


def test_scenes(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    a = store.add_scene(ME, project.id, "a", "A", Motion.ZOOM_IN, Transition.FADE_BLACK)
    b = store.add_scene(ME, project.id, "b", "B", Motion.PAN_LEFT, Transition.CROSSFADE)
    c = store.add_scene(ME, project.id, "c", "C", Motion.STILL, Transition.CUT)
    assert (a.caption, a.duration, a.picture_sha, a.variant, a.fit, a.accepted) == (
        "A",
        None,
        None,
        0,
        "cover",
        False,
    )
    assert store.count_scenes(ME, project.id) == 3
    assert store.get_scene(ME, b.id) == b
    store.set_scene_picture(ME, b.id, SHA_A, "key-1")
    pictured = store.get_scene(ME, b.id)
    assert pictured is not None and (pictured.picture_sha, pictured.picture_key) == (SHA_A, "key-1")
    assert store.move_scene(ME, c.id, -1)
    assert scene_ids(store, project.id) == [a.id, c.id, b.id]
    assert not store.move_scene(ME, a.id, -1) and not store.move_scene(ME, b.id, 1)
    assert store.delete_scene(ME, a.id)
    assert [s.position for s in store.scenes(ME, project.id)] == [1, 2]
    assert scene_ids(store, project.id) == [c.id, b.id]
    assert not store.delete_scene(ME, a.id) and not store.move_scene(ME, a.id, 1)


def test_typed_scene_changes_write_only_what_they_name(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    scene = store.add_scene(ME, project.id, "a", "A", Motion.ZOOM_IN, Transition.CUT)
    changes = SceneChanges(
        motion=Motion.PAN_UP,
        duration=6.5,
        accepted=True,
        variant=2,
        clip_sha=SHA_B,
        clip_key="k",
        image_prompt="boats",
        fit="contain",
    )
    assert changes.columns() == {
        "motion": "pan_up",
        "duration": 6.5,
        "variant": 2,
        "fit": "contain",
        "clip_sha": SHA_B,
        "clip_key": "k",
        "image_prompt": "boats",
        "accepted": 1,
    }
    updated = store.update_scene(ME, scene.id, changes)
    assert updated is not None
    assert (updated.idea, updated.caption, updated.motion, updated.duration) == (
        "a",
        "A",
        Motion.PAN_UP,
        6.5,
    )
    assert (updated.accepted, updated.variant, updated.fit, updated.clip_sha) == (
        True,
        2,
        "contain",
        SHA_B,
    )
    # None is a value to write (back to automatic), UNCHANGED is not.
    automatic = store.update_scene(ME, scene.id, SceneChanges(duration=None, clip_sha=None))
    assert automatic is not None and automatic.duration is None and automatic.clip_sha is None
    assert automatic.clip_key == "k"
    assert SceneChanges(idea=UNCHANGED).columns() == {}
    assert store.update_scene(ME, scene.id, SceneChanges()) == automatic
    with pytest.raises(TypeError):
        SceneChanges(position=3)  # type: ignore[call-arg]


def test_typed_project_changes_and_switches(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    assert flipped(project, ProjectSwitch.CLIPS).columns() == {"clips_enabled": 1}
    both = flipped(project, ProjectSwitch.PREVIEWS, ProjectChanges(style="watercolor"))
    assert both.columns() == {"style": "watercolor", "previews_enabled": 1}
    on = store.update_project(ME, project.id, both)
    assert on is not None and on.is_on(ProjectSwitch.PREVIEWS) and on.style == "watercolor"
    assert flipped(on, ProjectSwitch.PREVIEWS).columns() == {"previews_enabled": 0}
    with pytest.raises(TypeError):
        ProjectChanges(owner_id=YOU)  # type: ignore[call-arg]


def test_scenes_are_out_of_another_owners_reach(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    scene = store.add_scene(ME, project.id, "a", "A", Motion.ZOOM_IN, Transition.CUT)
    other = store.add_scene(ME, project.id, "b", "B", Motion.ZOOM_IN, Transition.CUT)
    with pytest.raises(LookupError):
        store.add_scene(YOU, project.id, "x", "x", Motion.ZOOM_IN, Transition.CUT)
    assert store.get_scene(YOU, scene.id) is None
    assert store.scenes(YOU, project.id) == [] and store.count_scenes(YOU, project.id) == 0
    store.set_scene_picture(YOU, scene.id, SHA_B, "theirs")
    assert store.update_scene(YOU, scene.id, SceneChanges(idea="theirs")) is None
    assert not store.move_scene(YOU, other.id, -1)
    assert not store.delete_scene(YOU, scene.id)
    assert store.scenes(ME, project.id) == [scene, other]


def test_references(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    scene = store.add_scene(ME, project.id, "a", "A", Motion.ZOOM_IN, Transition.CUT)
    for sha in (SHA_B, SHA_A):
        store.save_asset(Asset(sha=sha, kind=AssetKind.PHOTO, ext="jpg", size=1))
    store.add_scene_reference(ME, scene.id, SHA_B)
    store.add_scene_reference(ME, scene.id, SHA_A)
    store.add_scene_reference(ME, scene.id, SHA_B)  # once per scene
    assert [a.sha for a in store.scene_references(ME, scene.id)] == [SHA_B, SHA_A]
    assert store.count_references(ME, project.id) == 2
    store.add_project_reference(ME, project.id, SHA_A)
    store.add_project_reference(ME, project.id, SHA_B)
    store.add_project_reference(ME, project.id, SHA_A)
    assert [a.sha for a in store.project_references(ME, project.id)] == [SHA_A, SHA_B]
    # Another owner: nothing to see, nothing to add.
    assert store.scene_references(YOU, scene.id) == []
    assert store.count_references(YOU, project.id) == 0
    assert store.project_references(YOU, project.id) == []
    with pytest.raises(LookupError):
        store.add_scene_reference(YOU, scene.id, SHA_A)
    with pytest.raises(LookupError):
        store.add_project_reference(YOU, project.id, SHA_A)
    # A deleted scene takes its references with it.
    store.delete_scene(ME, scene.id)
    assert store.count_references(ME, project.id) == 0


def test_assets(store: Store) -> None:
    assert store.get_asset(SHA_A) is None
    song = Asset(
        sha=SHA_A,
        kind=AssetKind.SONG,
        ext="mp3",
        size=1234,
        duration=61.5,
        original_name="Bài hát.mp3",
    )
    store.save_asset(song)
    store.save_asset(Asset(sha=SHA_A, kind=AssetKind.PHOTO, ext="jpg", size=1))  # once per hash
    assert store.get_asset(SHA_A) == song
    sections = (
        SongSection(SectionKind.VERSE, 0.0, 30.25),
        SongSection(SectionKind.CHORUS, 30.25, 61.5),
    )
    store.save_song_analysis(
        SHA_A, SongAnalysis(120.0, (0.123456, 0.623456), 61.5, downbeat=1, sections=sections)
    )
    analysed = store.get_asset(SHA_A)
    assert analysed is not None
    assert (analysed.tempo_bpm, analysed.beats) == (120.0, (0.1235, 0.6235))
    assert (analysed.downbeat, analysed.sections) == (1, sections)
    assert analysed.ref.sha == SHA_A and analysed.ref.ext == "mp3"


def test_jobs(store: Store) -> None:
    project = store.create_project(ME, "P", "9:16", "cinematic")
    assert store.last_job(ME, project.id) is None and store.unfinished_job(ME, project.id) is None
    first = store.create_job(ME, project.id, 10, "render", "vi", {"draft": True})
    assert (first.state, first.progress, first.attempts, first.options) == (
        JobState.QUEUED,
        0.0,
        0,
        {"draft": True},
    )
    assert store.get_job(first.id) == first and store.get_job(first.id + 99) is None
    assert store.unfinished_job(ME, project.id) == first
    store.update_job(
        first.id,
        JobChanges(
            state=JobState.DONE,
            progress=1.0,
            step="done",
            attempts=1,
            error="x",
            progress_message_id=5,
            result_sha=SHA_A,
            thumbnail_sha=SHA_B,
        ),
    )
    done = store.get_job(first.id)
    assert done is not None
    assert (done.state, done.step, done.attempts, done.progress_message_id) == (
        JobState.DONE,
        "done",
        1,
        5,
    )
    assert (done.result_sha, done.thumbnail_sha, done.error) == (SHA_A, SHA_B, "x")
    store.update_job(first.id, JobChanges(error=None))
    cleared = store.get_job(first.id)
    assert cleared is not None and cleared.error is None and cleared.step == "done"
    second = store.create_job(ME, project.id, 10, "storyboard", "en")
    assert store.unfinished_job(ME, project.id) == second
    last = store.last_job(ME, project.id)
    assert last is not None and last.id == second.id
    assert [j.id for j in store.unfinished_jobs()] == [second.id]
    # Another owner sees none of the project's jobs.
    assert store.last_job(YOU, project.id) is None
    assert store.unfinished_job(YOU, project.id) is None


def test_links(store: Store) -> None:
    earlier = now()
    store.link_message(ME, 10, 1, "scene", 100)
    store.link_message(ME, 10, 2, "scene", 100)
    store.link_message(ME, 10, 3, "ask_idea", 100)
    store.link_message(ME, 11, 1, "scene", 200)
    assert store.linked(ME, 10, 1) == MessageLink(10, 1, "scene", 100)
    assert store.linked(ME, 10, 9) is None
    store.link_message(ME, 10, 1, "panel", 300)  # the message now shows something else
    assert store.linked(ME, 10, 1) == MessageLink(10, 1, "panel", 300)
    assert [(k.chat_id, k.message_id) for k in store.links_to(ME, "scene", 100)] == [(10, 2)]
    latest = store.latest_link(ME, 10, "ask_idea", earlier)
    assert latest is not None and latest.message_id == 3
    assert store.latest_link(ME, 10, "ask_idea", "9999") is None
    assert store.latest_link(ME, 11, "ask_idea", earlier) is None
    store.unlink(ME, "scene", 100)
    assert store.links_to(ME, "scene", 100) == [] and store.linked(ME, 10, 2) is None
    assert store.linked(ME, 11, 1) is not None


def test_links_are_out_of_another_owners_reach(store: Store) -> None:
    store.link_message(ME, 10, 1, "scene", 100)
    assert store.linked(YOU, 10, 1) is None
    assert store.links_to(YOU, "scene", 100) == []
    assert store.latest_link(YOU, 10, "scene", "") is None
    store.unlink(YOU, "scene", 100)
    assert store.linked(ME, 10, 1) is not None


def test_spend(store: Store) -> None:
    first = store.create_project(ME, "A", "9:16", "cinematic")
    second = store.create_project(ME, "B", "9:16", "cinematic")
    theirs = store.create_project(YOU, "C", "9:16", "cinematic")
    assert store.spend(ME) == 0.0
    store.record_usage(ME, first.id, Usage("openai", "image", 1, 0.04))
    store.record_usage(ME, second.id, Usage("openai", "plan", 900, 0.01))
    store.record_usage(YOU, theirs.id, Usage("openai", "image", 1, 1.0))
    assert store.spend(ME) == pytest.approx(0.05)
    assert store.spend(ME, first.id) == pytest.approx(0.04)
    assert store.spend(ME, theirs.id) == 0.0
    assert store.spend(YOU) == pytest.approx(1.0)


def test_conversation(store: Store) -> None:
    mine = store.create_project(ME, "A", "9:16", "cinematic")
    for text in ("one", "two", "three"):
        store.log_message(mine.id, "user", text)
    assert store.conversation(ME, mine.id) == ["one", "two", "three"]
    assert store.conversation(ME, mine.id, limit=2) == ["two", "three"]  # the newest, in order
    assert store.conversation(YOU, mine.id) == []


def test_totals(store: Store) -> None:
    since = now()
    project = store.create_project(ME, "A", "9:16", "cinematic")
    store.add_scene(ME, project.id, "a", "a", Motion.ZOOM_IN, Transition.CUT)
    job = store.create_job(ME, project.id, 10, "render", "en")
    store.create_job(ME, project.id, 10, "render", "en")
    store.update_job(job.id, JobChanges(state=JobState.DONE))
    store.record_usage(ME, project.id, Usage("openai", "image", 1, 0.5))
    store.record_usage(YOU, project.id, Usage("openai", "image", 1, 0.25))
    totals = store.totals(since)
    assert (totals.users, totals.projects, totals.scenes) == (2, 1, 1)
    assert totals.recent_jobs == (("done", 1), ("queued", 1))
    assert totals.spend_usd == pytest.approx(0.75)
    assert totals.recent_spend_usd == pytest.approx(0.75)
    assert totals.top_spenders == ((ME, "Me", 0.5), (YOU, "You", 0.25))
    assert store.totals(since, top=1).top_spenders == ((ME, "Me", 0.5),)
    later = store.totals("9999")
    assert later.recent_jobs == () and later.recent_spend_usd == 0.0
    assert later.spend_usd == pytest.approx(0.75)
