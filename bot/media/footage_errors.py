"""Why a video is refused as footage: one problem per refusal, a message without paths."""

from __future__ import annotations

from enum import StrEnum


class FootageProblem(StrEnum):
    """Why a video is refused as footage."""

    NO_VIDEO = "no_video"  # an audio file, a song with cover art, a subtitle file
    UNREADABLE = "unreadable"  # not a media file, or one ffmpeg cannot decode
    TRUNCATED = "truncated"  # the data stops before the length the header promises
    ONE_FRAME = "one_frame"  # a picture in a video container: send it as a photo
    TOO_DEMANDING = "too_demanding"  # width x height x fps beyond what we decode in time
    TOO_LONG = "too_long"  # longer than the footage limit


class FootageError(ValueError):
    """A video refused as footage; the message names no path, so it may be logged anywhere."""

    def __init__(self, problem: FootageProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
