"""Use case: a project's lyrics: shown by /lyrics, set from the director's text, timed for a render.

The song is heard once (by its hash) when a render in a lyrics mode needs it and a transcriber
is configured; the cost is part of the render's estimate and is never paid twice. The director's
own words win over what was heard: an .lrc keeps its times, pasted lines are aligned to the
transcript, or laid a line per phrase of the beat grid without one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from bot.errors import InputRejected, ProviderError
from bot.studio.budget import Budget
from bot.studio.editing import Edits
from bot.studio.edits import SetCaptions
from bot.studio.lyrics import LyricsKind, looks_like_lrc, plain_lines, read_lrc
from bot.studio.lyrics_timing import (
    SongTranscript,
    align_lines,
    fit_to_song,
    lrc_lines,
    phrase_lines,
    transcript_lines,
)
from bot.studio.models import Asset, Project
from bot.studio.ownership import active_project, owned_project
from bot.studio.ports import SongTranscriber, VocalOnsets
from bot.studio.roles import (
    AssetStore,
    LinkStore,
    LyricsStore,
    MediaStore,
    ProjectStore,
    SpendStore,
)
from bot.studio.timeline import CaptionsMode, LyricLine

logger = logging.getLogger(__name__)

LYRICS_LINK = "lyrics"
QUESTION_MINUTES = 15
MIN_TYPED_LINES = 2
MAX_PLANNER_LINES = 120
LYRIC_MODES = (CaptionsMode.LYRICS, CaptionsMode.BOTH)


class LyricsSource(StrEnum):
    """Where the timed lines come from."""

    TRANSCRIPT = "transcript"  # as heard in the song
    TEXT = "text"  # the director's lines aligned to what was heard
    LRC = "lrc"  # the director's .lrc times
    PHRASES = "phrases"  # the director's lines, one per phrase of the beat grid


@dataclass(frozen=True)
class TimedSong:
    """A project's lyric lines on the song's clock, and what did not fit in it."""

    lines: tuple[LyricLine, ...] = ()
    source: LyricsSource | None = None
    overflow: tuple[str, ...] = ()


@dataclass(frozen=True)
class LyricsView:
    """What /lyrics shows."""

    project: Project
    song: Asset | None
    timed: TimedSong
    instrumental: bool
    pending_usd: float | None  # what hearing the song would cost; None when it cannot be heard


@dataclass(frozen=True)
class LyricsSaved:
    """The director's lyrics were kept: how many lines, which were bad, what runs past the end."""

    project: Project
    timed: TimedSong
    bad_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class RenderLyrics:
    """The lines a render shows (song time), or a catalog key saying why there are none."""

    lines: tuple[LyricLine, ...] = ()
    notice: str | None = None


class SongLyrics:
    """A project's lyrics, from the song or from the director."""

    def __init__(
        self,
        projects: ProjectStore,
        assets: AssetStore,
        media: MediaStore,
        lyrics: LyricsStore,
        links: LinkStore,
        spend: SpendStore,
        budget: Budget,
        edits: Edits,
        transcriber: SongTranscriber | None,
        onsets: VocalOnsets,
        max_chars: int,
    ) -> None:
        self.projects = projects
        self.assets = assets
        self.media = media
        self.lyrics = lyrics
        self.links = links
        self.spend = spend
        self.budget = budget
        self.edits = edits
        self.transcriber = transcriber
        self.onsets = onsets
        self.max_chars = max_chars

    async def show(self, user_id: int) -> LyricsView:
        """The active project's lyrics as they stand (nothing is paid for here)."""
        project = active_project(self.projects, user_id)
        song = self._song(project)
        transcript = self.lyrics.song_transcript(song.sha) if song else None
        timed = await self._timed(project, song, transcript) if song else TimedSong()
        pending = None
        if song is not None and transcript is None and self.transcriber is not None:
            pending = round(self.transcriber.estimate_cost(song.duration or 0.0), 4)
        instrumental = transcript is not None and transcript.instrumental
        return LyricsView(project, song, timed, instrumental, pending)

    def ask(self, user_id: int, chat_id: int, message_id: int) -> None:
        """The bot asked for the active project's lyrics: a reply, or the next message, answers."""
        project = active_project(self.projects, user_id)
        self.links.link_message(user_id, chat_id, message_id, LYRICS_LINK, project.id)

    def is_answer(self, user_id: int, chat_id: int, reply_to: int | None, text: str) -> bool:
        """Whether a message answers the lyrics question: a reply to it, or lines typed soon
        after it (a one-line message is a scene idea or an instruction, as anywhere else)."""
        project = self.projects.active_project(user_id)
        if project is None:
            return False
        if reply_to is not None:
            link = self.links.linked(user_id, chat_id, reply_to)
            if link is not None:
                return link.kind == LYRICS_LINK and link.target_id == project.id
        since = (datetime.now(UTC) - timedelta(minutes=QUESTION_MINUTES)).isoformat(
            timespec="seconds"
        )
        if len(plain_lines(text)) < MIN_TYPED_LINES:
            return False
        link = self.links.latest_link(user_id, chat_id, LYRICS_LINK, since)
        return link is not None and link.target_id == project.id

    async def set_text(self, user_id: int, text: str, file_name: str | None = None) -> LyricsSaved:
        """Keep the director's lyrics for the active project; captions turn to lyrics."""
        project = active_project(self.projects, user_id)
        if len(text) > self.max_chars:
            raise InputRejected("lyrics.too_long", limit=self.max_chars)
        is_lrc = (file_name or "").lower().endswith(".lrc") or looks_like_lrc(text)
        bad: tuple[int, ...] = ()
        if is_lrc:
            reading = read_lrc(text)
            if not any(line.text for line in reading.lines):
                raise InputRejected("lyrics.empty")
            bad = reading.bad_lines
        elif not plain_lines(text):
            raise InputRejected("lyrics.empty")
        kind = LyricsKind.LRC if is_lrc else LyricsKind.TEXT
        self.lyrics.set_project_lyrics(user_id, project.id, kind, text)
        self.links.unlink(user_id, LYRICS_LINK, project.id)
        if project.captions is CaptionsMode.IDEAS:
            self.edits.apply_if_changed(
                user_id, project.id, [SetCaptions(CaptionsMode.LYRICS)], source="lyrics"
            )
            project = owned_project(self.projects, user_id, project.id)
        song = self._song(project)
        transcript = self.lyrics.song_transcript(song.sha) if song else None
        timed = await self._timed(project, song, transcript) if song else TimedSong()
        return LyricsSaved(project, timed, bad)

    async def lines_for_planner(self, project: Project) -> tuple[str, ...]:
        """The project's timed lines as "m:ss text" for the planner (never pays to hear)."""
        song = self._song(project)
        if song is None:
            return ()
        timed = await self._timed(project, song, self.lyrics.song_transcript(song.sha))
        return tuple(
            f"{int(line.start // 60)}:{line.start % 60:04.1f} {line.text}"
            for line in timed.lines[:MAX_PLANNER_LINES]
        )

    def check_file_size(self, size: int | None) -> None:
        """Refuse a lyrics file bigger than the longest text we take (UTF-8: 4 bytes a letter)."""
        if size is not None and size > 4 * self.max_chars:
            raise InputRejected("lyrics.too_long", limit=self.max_chars)

    async def set_file(self, user_id: int, path: Path, file_name: str | None) -> LyricsSaved:
        """Keep the lyrics of a .txt or .lrc file (UTF-8, or UTF-16 with its byte-order mark)."""
        try:
            data = await asyncio.to_thread(path.read_bytes)
        finally:
            path.unlink(missing_ok=True)
        self.check_file_size(len(data))
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        try:
            text = data.decode("utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputRejected("lyrics.bad_file") from error
        if "\x00" in text:
            raise InputRejected("lyrics.bad_file")
        return await self.set_text(user_id, text, file_name)

    def pending_cost(self, user_id: int, project: Project) -> float:
        """What the next render pays to hear the song (0 when it need not or cannot)."""
        song = self._song(project)
        if (
            song is None
            or self.transcriber is None
            or project.captions not in LYRIC_MODES
            or self.lyrics.song_transcript(song.sha) is not None
        ):
            return 0.0
        own = self.lyrics.project_lyrics(user_id, project.id)
        if own is not None and own[0] is LyricsKind.LRC:
            return 0.0  # an .lrc has its own times
        return self.transcriber.estimate_cost(song.duration or 0.0)

    async def for_render(self, owner_id: int, project: Project) -> RenderLyrics:
        """The lines a render of the project shows, hearing the song first if it must."""
        song = self._song(project)
        if project.captions not in LYRIC_MODES or song is None:
            return RenderLyrics()
        transcript = self.lyrics.song_transcript(song.sha)
        notice = None
        if transcript is None and self.pending_cost(owner_id, project) > 0:
            try:
                transcript = await self._hear(owner_id, project, song)
            except ProviderError as error:
                logger.warning("Song transcription failed (%s): rendering without it", error.key)
                notice = "lyrics.failed"
        timed = await self._timed(project, song, transcript)
        if timed.lines:
            # Not heard, the director's own lines are laid on the beat instead.
            return RenderLyrics(timed.lines, "lyrics.failed_on_beat" if notice else None)
        if transcript is not None and transcript.instrumental:
            return RenderLyrics(notice="lyrics.instrumental")
        return RenderLyrics(notice=notice or "lyrics.missing")

    async def _hear(self, owner_id: int, project: Project, song: Asset) -> SongTranscript:
        assert self.transcriber is not None
        cost = self.transcriber.estimate_cost(song.duration or 0.0)
        if not self.budget.reserve(owner_id, cost, project.id):
            raise ProviderError("provider.budget")
        try:
            heard = await self.transcriber.transcribe_song(
                self.media.path_of(song.ref), song.duration
            )
        finally:
            self.budget.release(owner_id, cost, project.id)
        if heard.usage.cost_usd > 0:
            self.spend.record_usage(owner_id, project.id, heard.usage)
        self.lyrics.save_song_transcript(song.sha, self.transcriber.model, heard.transcript)
        return heard.transcript

    async def _timed(
        self, project: Project, song: Asset | None, transcript: SongTranscript | None
    ) -> TimedSong:
        own = self.lyrics.project_lyrics(project.owner_id, project.id)
        lines: tuple[LyricLine, ...] = ()
        source = None
        if own is not None and own[0] is LyricsKind.LRC:
            lines, source = lrc_lines(read_lrc(own[1]).lines), LyricsSource.LRC
        elif own is not None:
            pasted = plain_lines(own[1])
            aligned = align_lines(pasted, transcript.words) if transcript else None
            if aligned:
                lines, source = aligned, LyricsSource.TEXT
            elif song is not None:
                onset = await self.onsets.first_vocal_onset(self._song_path(song))
                lines, source = phrase_lines(pasted, song.beats, onset), LyricsSource.PHRASES
        elif transcript is not None and not transcript.instrumental:
            lines, source = transcript_lines(transcript), LyricsSource.TRANSCRIPT
        fitted = fit_to_song(lines, song.duration if song else None)
        return TimedSong(fitted.lines, source if fitted.lines else None, fitted.overflow)

    def _song(self, project: Project) -> Asset | None:
        return self.assets.get_asset(project.song_sha) if project.song_sha else None

    def _song_path(self, song: Asset) -> Path:
        return self.media.path_of(song.ref)
