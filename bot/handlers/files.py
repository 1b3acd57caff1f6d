"""What an uploaded file is, judged from what Telegram tells us before downloading it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

# heic/heif: the iPhone's photos, which some clients send as application/octet-stream.
IMAGE_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif"}
)
AUDIO_EXTENSIONS = frozenset({"mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac"})
AUDIO_MIME_EXTENSIONS = {
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "aac",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}


VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "m4v", "webm"})
VIDEO_MIME_EXTENSIONS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/x-m4v": "m4v",
    "video/webm": "webm",
}
LYRICS_EXTENSIONS = frozenset({"txt", "lrc"})


class FileKind(StrEnum):
    """How we treat an uploaded document."""

    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    LYRICS = "lyrics"
    OTHER = "other"


def extension_of(file_name: str | None) -> str:
    """The lower-case extension of a client-given file name ('' if none); never a path."""
    if not file_name:
        return ""
    suffix = PurePosixPath(file_name.replace("\\", "/")).suffix
    return suffix.lstrip(".").lower()[:8]


def classify_document(mime_type: str | None, file_name: str | None) -> FileKind:
    """Image, audio or something we cannot use, by MIME type first, then extension."""
    mime = (mime_type or "").lower()
    extension = extension_of(file_name)
    if mime.startswith("image/") or extension in IMAGE_EXTENSIONS:
        return FileKind.IMAGE
    if mime.startswith("audio/") or extension in AUDIO_EXTENSIONS:
        return FileKind.AUDIO
    if mime in VIDEO_MIME_EXTENSIONS or extension in VIDEO_EXTENSIONS:
        return FileKind.VIDEO
    if extension in LYRICS_EXTENSIONS or mime == "text/plain":
        return FileKind.LYRICS
    return FileKind.OTHER


def audio_extension(mime_type: str | None, file_name: str | None) -> str:
    """A safe extension to store a song under."""
    extension = extension_of(file_name)
    if extension in AUDIO_EXTENSIONS:
        return extension
    return AUDIO_MIME_EXTENSIONS.get((mime_type or "").lower(), "audio")


def video_extension(mime_type: str | None, file_name: str | None) -> str:
    """A safe extension to store a clip under (what Telegram sends as video is MP4)."""
    extension = extension_of(file_name)
    if extension in VIDEO_EXTENSIONS:
        return extension
    return VIDEO_MIME_EXTENSIONS.get((mime_type or "").lower(), "mp4")
