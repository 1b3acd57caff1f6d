"""Media garbage collector: remove media that no row points to, never anything in flight.

What counts as a reference is read from the schema: every `*_sha` column of every table but
`assets` itself (songs, scene pictures and clips, references, render results and thumbnails).
A new migration that adds such a column is protected without touching this module.

Uploads and renders write the file first, then the asset row, then the row that points to it,
so everything younger than the grace period is left alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.studio.models import MediaRef
from storage.media_files import SCRATCH_FOLDER, is_hash_folder, media_path, media_ref_of

logger = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(minutes=60)


@dataclass(frozen=True)
class GcReport:
    """What one collection removed (or, in a dry run, would remove)."""

    asset_rows: int
    files: int
    bytes_freed: int
    scratch_files: int

    def summary(self) -> str:
        """One line for the command line and the log."""
        return (
            f"removed {self.asset_rows} unreferenced asset rows, {self.files} media files "
            f"({self.bytes_freed / 1024 / 1024:.1f} MB) and {self.scratch_files} "
            "stale scratch files"
        )


def reference_columns(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(table, column) of every column that holds an asset's hash."""
    found = []
    for table in db.table_names():
        if table == "assets" or table.startswith(("_", "sqlite_")):
            continue
        for column in db.table(table).columns:
            if column.name.endswith("_sha"):
                found.append((table, column.name))
    return found


def _referenced_sql(columns: list[tuple[str, str]]) -> str:
    parts = [
        f"select {column} from {table} where {column} is not null"  # noqa: S608
        for table, column in columns
    ]
    return " union ".join(parts) if parts else "select null where 0"


def collect_garbage(
    db: sqlite_utils.Database,
    media_root: Path,
    grace: timedelta = DEFAULT_GRACE,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> GcReport:
    """Delete unreferenced asset rows and their files, orphan files and stale scratch files."""
    now = now or datetime.now(UTC)
    cutoff = (now - grace).isoformat(timespec="seconds")
    rows = _drop_unreferenced_rows(db, cutoff, dry_run)
    files, freed = 0, 0
    for sha, ext in rows:
        path = media_path(media_root, MediaRef(sha, ext))
        # The same content may have been stored again since: then its new row owns the file.
        if not dry_run and _asset_exists(db, sha):
            continue
        size = _remove(path, dry_run)
        if size is not None:
            files, freed = files + 1, freed + size
    oldest = now.timestamp() - grace.total_seconds()
    orphans, orphan_bytes = _remove_orphan_files(db, media_root, oldest, dry_run)
    scratch = _remove_stale_scratch(media_root / SCRATCH_FOLDER, oldest, dry_run)
    report = GcReport(len(rows), files + orphans, freed + orphan_bytes, scratch)
    logger.info("Media gc%s: %s", " (dry run)" if dry_run else "", report.summary())
    return report


def _drop_unreferenced_rows(
    db: sqlite_utils.Database, cutoff: str, dry_run: bool
) -> list[tuple[str, str]]:
    """Delete old asset rows nothing points to, in one write transaction; return (sha, ext)."""
    referenced = _referenced_sql(reference_columns(db))
    condition = f"created_at < ? and sha not in ({referenced})"
    connection = db.conn
    # IMMEDIATE takes the write lock first, so no reference can appear between the read and
    # the delete (a deferred transaction would fail to upgrade after another writer).
    connection.execute("BEGIN IMMEDIATE")
    try:
        rows = [
            (str(sha), str(ext or ""))
            for sha, ext in connection.execute(
                f"select sha, ext from assets where {condition}",  # noqa: S608
                [cutoff],
            )
        ]
        if not dry_run:
            connection.execute(f"delete from assets where {condition}", [cutoff])  # noqa: S608
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return rows


def _asset_exists(db: sqlite_utils.Database, sha: str) -> bool:
    return bool(db.conn.execute("select 1 from assets where sha = ?", [sha]).fetchone())


def _remove(path: Path, dry_run: bool) -> int | None:
    """Remove a file; its size, or None when it was not there."""
    try:
        size = path.stat().st_size
        if not dry_run:
            path.unlink()
    except FileNotFoundError:
        return None
    return size


def _known_shas(db: sqlite_utils.Database) -> set[str]:
    return {str(row[0]) for row in db.conn.execute("select sha from assets")}


def _remove_orphan_files(
    db: sqlite_utils.Database, media_root: Path, oldest: float, dry_run: bool
) -> tuple[int, int]:
    """Files named by a hash no asset row knows, older than the grace period."""
    if not media_root.is_dir():
        return 0, 0
    known = _known_shas(db)
    count, freed = 0, 0
    for folder in media_root.iterdir():
        if not is_hash_folder(folder):
            continue
        for path in folder.iterdir():
            ref = media_ref_of(path)
            if ref is None or ref.sha in known or not _older_than(path, oldest):
                continue
            # Read the rows again: an upload may have recorded this file since the first read.
            if _asset_exists(db, ref.sha):
                continue
            size = _remove(path, dry_run)
            if size is not None:
                count, freed = count + 1, freed + size
    return count, freed


def _remove_stale_scratch(scratch: Path, oldest: float, dry_run: bool) -> int:
    """Work files a crash left behind (live ones are younger than the grace period)."""
    if not scratch.is_dir():
        return 0
    removed = 0
    for path in scratch.iterdir():
        if path.is_file() and _older_than(path, oldest) and _remove(path, dry_run) is not None:
            removed += 1
    return removed


def _older_than(path: Path, oldest: float) -> bool:
    try:
        return path.stat().st_mtime < oldest
    except FileNotFoundError:
        return False
