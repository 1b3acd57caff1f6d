"""Media files on disk, named by their SHA-256 so identical content is stored once.

The layout is defined here only: `<root>/<sha[:2]>/<sha>.<ext>`, work files in `<root>/tmp`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from bot.studio.models import MediaRef

_CHUNK = 1024 * 1024
SCRATCH_FOLDER = "tmp"
_MEDIA_NAME = re.compile(r"^([0-9a-f]{64})\.([A-Za-z0-9]{1,8})$")
_HASH_FOLDER = re.compile(r"^[0-9a-f]{2}$")


def sha256_of_file(path: Path) -> str:
    """Hash a file in chunks, so big songs do not sit in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_path(root: Path, ref: MediaRef) -> Path:
    """Where the file with this hash and extension lives under `root`."""
    if len(ref.sha) != 64 or not all(c in "0123456789abcdef" for c in ref.sha):
        raise ValueError("not a sha256 hex digest")
    return root / ref.sha[:2] / f"{ref.sha}.{ref.ext.lstrip('.')}"


def is_hash_folder(folder: Path) -> bool:
    """Whether a folder under the root is one of the layout's `<sha[:2]>` folders."""
    return folder.is_dir() and bool(_HASH_FOLDER.match(folder.name))


def media_ref_of(path: Path) -> MediaRef | None:
    """The reference a file of the layout stands for (None for anything else)."""
    match = _MEDIA_NAME.match(path.name)
    if match is None:
        return None
    return MediaRef(match.group(1), match.group(2))


class MediaFiles:
    """A folder of files named `<sha[:2]>/<sha>.<ext>`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.scratch = root / SCRATCH_FOLDER
        self.scratch.mkdir(exist_ok=True)

    def path_for(self, sha: str, ext: str) -> Path:
        """Where the file with this hash and extension lives."""
        return media_path(self.root, MediaRef(sha, ext))

    def path_of(self, ref: MediaRef) -> Path:
        """Where the referenced file lives."""
        return media_path(self.root, ref)

    def put_bytes(self, data: bytes, ext: str) -> str:
        """Store bytes; return their hash."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha, ext)
        if not target.exists():
            self._write_atomically(target, data)
        return sha

    def put_file(self, source: Path, ext: str) -> str:
        """Move a finished file into the store; return its hash."""
        sha = sha256_of_file(source)
        target = self.path_for(sha, ext)
        if target.exists():
            source.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), target)
        return sha

    def scratch_path(self, suffix: str) -> Path:
        """A fresh file name for work in progress, on the same disk as the store."""
        handle, name = tempfile.mkstemp(suffix=suffix, dir=self.scratch)
        os.close(handle)
        return Path(name)

    def _write_atomically(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = self.scratch_path(".part")
        partial.write_bytes(data)
        partial.replace(target)
