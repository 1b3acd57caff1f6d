"""Limits and defaults the studio enforces, as plain values built from Settings."""

from __future__ import annotations

from dataclasses import dataclass


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
