"""Write a project's export bundle as a zip file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bot.studio.export import ExportBundle

# Media is already compressed; deflating it again only costs time.
STORED_SUFFIXES = frozenset({".mp4", ".jpg", ".jpeg", ".png", ".mp3", ".m4a"})


def write_zip(bundle: ExportBundle, target: Path) -> Path:
    """Write `bundle` to `target` and return it."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(
            "storyboard.json", bundle.storyboard_json, compress_type=zipfile.ZIP_DEFLATED
        )
        if bundle.credits_text:
            archive.writestr("credits.txt", bundle.credits_text, compress_type=zipfile.ZIP_DEFLATED)
        for name, path in bundle.files:
            method = (
                zipfile.ZIP_STORED
                if path.suffix.lower() in STORED_SUFFIXES
                else zipfile.ZIP_DEFLATED
            )
            archive.write(path, name, compress_type=method)
    return target
