"""The assets table: what each media file is, once per content hash."""

from __future__ import annotations

import json

from bot.studio.beats import SongAnalysis
from bot.studio.models import Asset
from bot.studio.sections import sections_to_json
from storage.rows import Rows, asset_of, now


class SqliteAssets(Rows):
    """Implements the studio's AssetStore."""

    def save_asset(self, asset: Asset) -> None:
        """Record a media file (once per hash)."""
        self.db.execute(
            "insert or ignore into assets (sha, kind, ext, size, width, height, duration, "
            "original_name, rotation, fps, hdr, liveliness_json, created_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                asset.sha,
                asset.kind.value,
                asset.ext,
                asset.size,
                asset.width,
                asset.height,
                asset.duration,
                asset.original_name,
                asset.rotation,
                asset.fps,
                int(asset.hdr),
                json.dumps([round(v, 4) for v in asset.liveliness]) if asset.liveliness else None,
                now(),
            ],
        )

    def get_asset(self, sha: str) -> Asset | None:
        """The asset with this hash."""
        row = self._one("select * from assets where sha = ?", [sha])
        return asset_of(row) if row else None

    def save_song_analysis(self, sha: str, analysis: SongAnalysis) -> None:
        """Keep a song's tempo, beat times, downbeat and sections with it."""
        self.db.execute(
            "update assets set tempo_bpm = ?, beats_json = ?, downbeat = ?, sections_json = ? "
            "where sha = ?",
            [
                analysis.tempo_bpm,
                json.dumps([round(b, 4) for b in analysis.beats]),
                analysis.downbeat,
                sections_to_json(analysis.sections),
                sha,
            ],
        )
