"""Limits and defaults the studio enforces, as plain values built from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.studio.encoding import longest_fitting_seconds


@dataclass(frozen=True)
class Limits:
    """What a project may hold and how videos are made by default."""

    max_scenes: int = 100
    max_idea_chars: int = 1000
    max_title_chars: int = 80
    max_song_seconds: float = 15 * 60
    download_limit: int = 20 * 1024 * 1024
    seconds_without_song: float = 4.0
    fps: int = 30
    short_side: int = 720
    default_aspect: str = "9:16"
    default_style: str = "cinematic"
    upload_limit: int | None = None

    @property
    def longest_song_seconds(self) -> float:
        """The longest song a project takes: its video must also fit the upload limit."""
        if self.upload_limit is None:
            return self.max_song_seconds
        return min(self.max_song_seconds, longest_fitting_seconds(self.upload_limit))
