"""The farm's task message (timeline and content hashes only), its settings, and the default
without REDIS_URL (no farm imported at all)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.config import Settings
from bot.farm.messages import (
    PACKAGED_FONT,
    NotInStore,
    task_key,
    timeline_from_wire,
    timeline_to_wire,
)
from bot.studio.timeline import LyricLine, LyricWord, Shot, Timeline, Transition
from storage.media_files import MediaFiles

FONT = Path("/opt/fonts/caption.ttf")


def stored_timeline(media: MediaFiles) -> Timeline:
    still = media.path_for(media.put_bytes(b"still", "jpg"), "jpg")
    clip = media.path_for(media.put_bytes(b"clip", "mp4"), "mp4")
    song = media.path_for(media.put_bytes(b"song", "m4a"), "m4a")
    return Timeline(
        width=640,
        height=360,
        fps=24,
        shots=(
            Shot(str(still), 0.0, 2.0, caption="Hạ Long", focus=(0.25, 0.5)),
            Shot(
                str(still),
                2.0,
                2.0,
                clip_path=str(clip),
                clip_start=1.5,
                transition_in=Transition.CUT,
            ),
        ),
        title="Chuyến đi",
        audio_path=str(song),
        audio_offset=3.0,
        font_path=str(FONT),
        lyrics=(
            LyricLine("la la", 0.5, 1.5, (LyricWord("la", 0.5, 1.0), LyricWord("la", 1.0, 1.5))),
        ),
    )


def test_a_timeline_travels_as_hashes_and_resolves_in_the_worker_store(tmp_path: Path) -> None:
    bot_media, worker_root = MediaFiles(tmp_path / "bot"), tmp_path / "worker"
    timeline = stored_timeline(bot_media)
    wire = timeline_to_wire(timeline, bot_media.root, FONT)
    text = str(wire)
    assert str(tmp_path) not in text and wire["font_path"] == PACKAGED_FONT
    assert wire["shots"][0]["image_path"] == Path(timeline.shots[0].image_path).name
    worker_font = Path("/srv/venv/caption.ttf")
    again = timeline_from_wire(wire, worker_root, worker_font)

    def moved(path: str | None) -> str | None:
        return None if path is None else path.replace(str(bot_media.root), str(worker_root))

    expected = replace(
        timeline,
        shots=tuple(
            replace(shot, image_path=str(moved(shot.image_path)), clip_path=moved(shot.clip_path))
            for shot in timeline.shots
        ),
        audio_path=moved(timeline.audio_path),
        font_path=str(worker_font),
    )
    assert again == expected


def test_the_key_is_the_content_and_files_outside_the_store_are_refused(tmp_path: Path) -> None:
    media = MediaFiles(tmp_path / "media")
    timeline = stored_timeline(media)
    wire = timeline_to_wire(timeline, media.root, FONT)
    options = {"preset": "veryfast", "crf": 23}
    assert task_key(wire, options) == task_key(
        timeline_to_wire(timeline, media.root, FONT), options
    )
    assert task_key(wire, options) != task_key(wire, {**options, "crf": 24})
    stray = tmp_path / "elsewhere.jpg"
    stray.write_bytes(b"x")
    outside = Timeline(width=640, height=360, fps=24, shots=(Shot(str(stray), 0.0, 2.0),))
    with pytest.raises(NotInStore):
        timeline_to_wire(outside, media.root, FONT)
    wire["shots"][0]["image_path"] = "../../etc/passwd"
    with pytest.raises(NotInStore):
        timeline_from_wire(wire, media.root, FONT)


def test_a_redis_url_that_is_no_redis_address_stops_the_start_with_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="REDIS_URL"):
        Settings(_env_file=None, redis_url=SecretStr("http://localhost:6379"))  # type: ignore[call-arg]
    good = Settings(_env_file=None, redis_url=SecretStr("redis://:pw@host:6380/1"))  # type: ignore[call-arg]
    assert good.redis_url is not None


def test_without_redis_url_the_bot_renders_itself_and_imports_no_farm(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from bot.config import Settings\n"
        "from bot.wiring import build_studio\n"
        f"studio = build_studio(Settings(_env_file=None, data_dir={str(tmp_path)!r}))\n"
        "assert studio.farm is None, studio.farm\n"
        "assert type(studio.rendering.renderer).__name__ == 'WorkerRenderer'\n"
        "farm = ('celery', 'kombu', 'redis', 'bot.farm.client')\n"
        "loaded = [m for m in farm if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
