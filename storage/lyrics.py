"""Song transcripts (one per song hash) and each project's own lyric text."""

from __future__ import annotations

import json
from typing import Any

from bot.studio.lyrics import LyricsKind
from bot.studio.lyrics_timing import SongTranscript
from bot.studio.timeline import LyricLine, LyricWord
from storage.rows import Rows, now


class SqliteLyrics(Rows):
    """Implements the studio's LyricsStore."""

    def song_transcript(self, song_sha: str) -> SongTranscript | None:
        """The transcript kept for a song, if it was ever heard."""
        row = self._one("select * from song_transcripts where song_sha = ?", [song_sha])
        if row is None:
            return None
        words = tuple(_word(item) for item in json.loads(row["words_json"]))
        segments = tuple(
            LyricLine(item["text"], float(item["start"]), float(item["end"]))
            for item in json.loads(row["segments_json"])
        )
        return SongTranscript(row["text"], words, segments)

    def save_song_transcript(self, song_sha: str, model: str, transcript: SongTranscript) -> None:
        """Keep what a song was heard to say (a later call for the same song is never paid)."""
        words = [{"text": w.text, "start": w.start, "end": w.end} for w in transcript.words]
        segments = [{"text": s.text, "start": s.start, "end": s.end} for s in transcript.segments]
        self.db.execute(
            "insert or replace into song_transcripts (song_sha, model, text, words_json, "
            "segments_json, created_at) values (?, ?, ?, ?, ?, ?)",
            [song_sha, model, transcript.text, json.dumps(words), json.dumps(segments), now()],
        )

    def project_lyrics(self, owner_id: int, project_id: int) -> tuple[LyricsKind, str] | None:
        """The director's own lyric text for one of their projects, and its kind."""
        row = self._one(
            "select l.kind, l.text from project_lyrics l join projects p on p.id = l.project_id "
            "where l.project_id = ? and p.owner_id = ?",
            [project_id, owner_id],
        )
        return (LyricsKind(row["kind"]), row["text"]) if row else None

    def set_project_lyrics(
        self, owner_id: int, project_id: int, kind: LyricsKind, text: str
    ) -> None:
        """Replace the director's lyric text of one of their projects."""
        owned = self._one(
            "select 1 as n from projects where id = ? and owner_id = ?", [project_id, owner_id]
        )
        if owned is None:
            return
        self.db.execute(
            "insert or replace into project_lyrics (project_id, kind, text, updated_at) "
            "values (?, ?, ?, ?)",
            [project_id, kind.value, text, now()],
        )


def _word(item: dict[str, Any]) -> LyricWord:
    return LyricWord(str(item["text"]), float(item["start"]), float(item["end"]))
