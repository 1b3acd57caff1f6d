"""An iPhone photo sent as a file (HEIC) through the Bot API emulator."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from bot.config import Settings
from bot.studio.models import MediaRef
from storage.media_files import media_path
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import new_project, snapshot
from tests.support.database import query
from tests.support.telegram_emulator import BotApiEmulator

ORIENTATION = 0x0112


def iphone_heic(width: int, height: int, orientation: int = 1) -> bytes:
    """A HEIC as a phone writes it: upright it is `width` x `height`, red at the top."""
    upright = np.full((height, width, 3), 40, dtype=np.uint8)
    upright[: height // 4] = (230, 20, 20)
    # Orientation 6: the sensor's pixels are the upright picture turned a quarter to the left.
    stored = np.ascontiguousarray(np.rot90(upright)) if orientation == 6 else upright
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    Image.fromarray(stored).save(buffer, "HEIF", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def scene_photos(settings: Settings, owner_id: int) -> list[tuple[int, str, str, int, int]]:
    """(scene position, sha, ext, width, height) of every scene photo of the owner."""
    return [
        (row[0], row[1], row[2], row[3], row[4])
        for row in query(
            settings.database_path,
            "select s.position, a.sha, a.ext, a.width, a.height from scene_refs r "
            "join scenes s on s.id = r.scene_id join projects p on p.id = s.project_id "
            "join assets a on a.sha = r.asset_sha where p.owner_id = ? order by s.position, "
            "r.position",
            (owner_id,),
        )
    ]


async def test_a_heic_document_becomes_scene_ones_reference_photo(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2101, "Lan")
    async with running_bot(settings):
        await new_project(user, "Phone photos")
        mark = user.mark()
        await user.send_document(
            iphone_heic(600, 800, orientation=6),
            "IMG_4032.HEIC",
            "image/heic",
            caption="The old quarter at night",
        )
        await user.wait_for_text("Scene 1 starts with this photo", after=mark)
        # Some clients send it as a plain file: the name is enough.
        mark = user.mark()
        await user.send_document(iphone_heic(320, 240), "IMG_4033.heic", "application/octet-stream")
        await user.wait_for_text("added to scene 1", after=mark)
    photos = scene_photos(settings, 2101)
    assert [(p[0], p[2], p[3], p[4]) for p in photos] == [
        (1, "jpg", 600, 800),
        (1, "jpg", 320, 240),
    ]
    stored = media_path(settings.media_dir, MediaRef(photos[0][1], "jpg"))
    with Image.open(stored) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (600, 800)
        assert ORIENTATION not in jpeg.getexif()
        pixels = np.asarray(jpeg.convert("RGB")).astype(int)
    assert pixels[:150, :, 0].mean() > 200 and pixels[:150, :, 1].mean() < 60
    assert pixels[-300:, :, 0].mean() < 80


async def test_a_corrupt_heic_is_refused_and_changes_nothing(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2102, "Khoa")
    good = iphone_heic(320, 240)
    async with running_bot(settings):
        await new_project(user, "Keep me", "A first idea")
        before = snapshot(settings, 2102)
        mark = user.mark()
        await user.send_document(good[: len(good) // 2], "IMG_0001.HEIC", "image/heic")
        await user.wait_for_text("couldn't open that image", after=mark)
        assert snapshot(settings, 2102) == before
