"""Credits in SQLite (m018): per attachment, owner-scoped, backfilled for what came before."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.studio.models import Asset, AssetKind, CreditRole, CreditSource, Sender
from bot.studio.timeline import Motion, Transition
from storage.database import open_database
from storage.store import Store

PHOTO = Asset(sha="a" * 64, kind=AssetKind.PHOTO, ext="jpg", size=10, width=4, height=3)
CLIP = Asset(sha="c" * 64, kind=AssetKind.FOOTAGE, ext="mp4", size=10, duration=2.0)
SONG = Asset(sha="e" * 64, kind=AssetKind.SONG, ext="mp3", size=10, duration=30.0)


def test_m018_runs_on_a_database_made_by_the_migrations_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    store = Store(open_database(path))
    store.ensure_user(1, "An", "en")
    for asset in (PHOTO, CLIP, SONG):
        store.save_asset(asset)
    project = store.create_project(1, "Before", "9:16", "cinematic")
    scene = store.add_scene(1, project.id, "market", "market", Motion.ZOOM_IN, Transition.CUT)
    store.add_scene_reference(1, scene.id, PHOTO.sha)
    store.db.execute("update scenes set footage_sha = ? where id = ?", [CLIP.sha, scene.id])
    store.set_song(1, project.id, SONG.sha)
    # As m016 left it: no credits table, no card switch, m018 not run.
    store.db.execute("drop table credits")
    store.db.execute("alter table projects drop column credits_card")
    store.db.execute("delete from _sqlite_migrations where name = 'm018_credits'")
    store.db.conn.commit()
    store.db.conn.close()

    reopened = Store(open_database(path))
    [before] = reopened.list_projects(1)
    assert before.credits_card is None  # not chosen: off until someone else is credited
    credits = {(c.role, c.sha): c for c in reopened.credits(1, project.id)}
    assert set(credits) == {
        (CreditRole.PHOTO, PHOTO.sha),
        (CreditRole.FOOTAGE, CLIP.sha),
        (CreditRole.MUSIC, SONG.sha),
    }
    photo = credits[(CreditRole.PHOTO, PHOTO.sha)]
    assert (photo.name, photo.source, photo.sender) == ("An", CreditSource.SENDER, Sender(1, "An"))
    assert credits[(CreditRole.MUSIC, SONG.sha)].name == ""  # a song is not its sender's work
    names = [r["name"] for r in reopened.db.query("select name from _sqlite_migrations")]
    assert names.count("m018_credits") == 1


def test_credits_are_kept_per_project_and_scoped_to_the_owner(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.ensure_user(1, "An", "en")
    store.ensure_user(2, "Bình", "vi")
    store.save_asset(PHOTO)
    first = store.create_project(1, "One", "9:16", "cinematic")
    second = store.create_project(1, "Two", "9:16", "cinematic")
    crew = Sender(3, "Lan Phạm", "lanpham")
    store.record_credit(
        1, first.id, PHOTO.sha, CreditRole.PHOTO, "Anna Lee", CreditSource.CAPTION, crew, "A1"
    )
    store.record_credit(1, second.id, PHOTO.sha, CreditRole.PHOTO, "An", CreditSource.SENDER)
    [one] = store.credits(1, first.id)
    [two] = store.credits(1, second.id)
    assert (one.name, one.sender, one.album) == ("Anna Lee", crew, "A1")
    assert two.name == "An" and two.sender is None
    assert store.credits(2, first.id) == []
    assert store.credit_project(2, one.id) is None
    assert store.credit_project(1, one.id) == first.id
    with pytest.raises(LookupError):
        store.record_credit(2, first.id, PHOTO.sha, CreditRole.PHOTO, "X", CreditSource.SENDER)
    # A project's credits go with it.
    assert store.delete_project(1, first.id)
    assert store.credits(1, first.id) == []


def test_an_albums_caption_credits_the_items_without_a_credit_of_their_own(
    tmp_path: Path,
) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.ensure_user(1, "An", "en")
    project = store.create_project(1, "Album", "9:16", "cinematic")
    shas = ["1" * 64, "2" * 64, "3" * 64]
    for sha in shas:
        store.save_asset(Asset(sha=sha, kind=AssetKind.PHOTO, ext="jpg", size=1))
    me = Sender(1, "An")
    store.record_credit(
        1, project.id, shas[0], CreditRole.PHOTO, "An", CreditSource.SENDER, me, "G"
    )
    store.record_credit(
        1, project.id, shas[1], CreditRole.PHOTO, "Bo", CreditSource.FORWARD, me, "G"
    )
    store.record_credit(1, project.id, shas[2], CreditRole.PHOTO, "An", CreditSource.SENDER, me)
    assert store.album_credit(1, project.id, "G") is None
    store.credit_album(1, project.id, "G", "Anna Lee")
    names = {c.sha: (c.name, c.source) for c in store.credits(1, project.id)}
    assert names[shas[0]] == names[shas[1]] == ("Anna Lee", CreditSource.CAPTION)
    assert names[shas[2]] == ("An", CreditSource.SENDER)  # not in the album
    assert store.album_credit(1, project.id, "G") == "Anna Lee"
