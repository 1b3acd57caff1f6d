"""Lyrics in SQLite (m014): transcripts by song hash, each project's own text, the mode."""

from pathlib import Path

from bot.studio.lyrics import LyricsKind
from bot.studio.lyrics_timing import SongTranscript
from bot.studio.timeline import CaptionsMode, LyricLine, LyricWord
from storage.database import open_database
from storage.store import Store

TRANSCRIPT = SongTranscript(
    "Một cô gái",
    (LyricWord("Một", 0.5, 0.8), LyricWord("cô", 0.8, 1.0), LyricWord("gái", 1.0, 1.4)),
    (LyricLine("Một cô gái", 0.5, 1.4),),
)


def test_transcripts_are_kept_by_song_hash_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = Store(open_database(path))
    assert store.song_transcript("abc") is None
    store.save_song_transcript("abc", "whisper-1", TRANSCRIPT)
    store.db.close()
    again = Store(open_database(path))
    assert again.song_transcript("abc") == TRANSCRIPT
    instrumental = SongTranscript("", (), ())
    again.save_song_transcript("def", "whisper-1", instrumental)
    assert again.song_transcript("def") == instrumental


def test_project_lyrics_are_the_owners_and_go_with_the_project(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.ensure_user(1, "A", "en")
    store.ensure_user(2, "B", "en")
    project = store.create_project(1, "Film", "9:16", "cinematic")
    assert project.captions is CaptionsMode.IDEAS
    store.set_project_lyrics(2, project.id, LyricsKind.TEXT, "not mine to set")
    assert store.project_lyrics(1, project.id) is None
    store.set_project_lyrics(1, project.id, LyricsKind.LRC, "[00:01]One")
    store.set_project_lyrics(1, project.id, LyricsKind.TEXT, "One\nTwo")
    assert store.project_lyrics(1, project.id) == (LyricsKind.TEXT, "One\nTwo")
    assert store.project_lyrics(2, project.id) is None
    assert store.delete_project(1, project.id)
    rows = list(store.db.query("select count(*) as n from project_lyrics"))
    assert rows == [{"n": 0}]
