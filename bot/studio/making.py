"""Making one piece of media (a picture, a clip): within budget, stored by hash, its cost kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.studio.budget import Budget
from bot.studio.models import Asset, AssetKind, MediaRef
from bot.studio.ports import Usage
from bot.studio.roles import AssetStore, MediaStore, SpendStore

MakeFile = Callable[[Path], Awaitable[Usage]]


class MediaMaking:
    """The flow pictures and clips share: reserve the cost, make into scratch, store, record."""

    def __init__(
        self, media: MediaStore, assets: AssetStore, spend: SpendStore, budget: Budget
    ) -> None:
        self.media = media
        self.assets = assets
        self.spend = spend
        self.budget = budget

    async def within_budget(
        self,
        owner_id: int,
        project_id: int,
        cost_usd: float,
        make: MakeFile,
        kind: AssetKind,
        ext: str,
        size: tuple[int, int] | None = None,
    ) -> MediaRef | None:
        """Make and keep a piece the user pays for; None when it would break their budget."""
        if not self.budget.reserve(owner_id, cost_usd, project_id):
            return None
        try:
            return await self.make(make, kind, ext, size, charge_to=(owner_id, project_id))
        finally:
            self.budget.release(owner_id, cost_usd, project_id)

    async def make(
        self,
        make: MakeFile,
        kind: AssetKind,
        ext: str,
        size: tuple[int, int] | None = None,
        *,
        charge_to: tuple[int, int] | None = None,
    ) -> MediaRef:
        """Make a piece into a scratch file, store it by hash, record what it cost."""
        scratch = self.media.scratch_path(f".{ext}")
        try:
            usage = await make(scratch)
            file_size = scratch.stat().st_size
            sha = self.media.put_file(scratch, ext)
        finally:
            scratch.unlink(missing_ok=True)
        if charge_to is not None and usage.cost_usd > 0:
            self.spend.record_usage(*charge_to, usage)
        width, height = size if size is not None else (None, None)
        self.assets.save_asset(Asset(sha, kind, ext, file_size, width, height))
        return MediaRef(sha, ext)
