"""The stretch sent to a video-to-video model goes through the render's own filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.media.footage_cut import cut_stretch
from bot.media.footage_probe import probe_footage
from tests.support.synthetic_media import make_clip


def test_a_tag_rotated_hdr_stretch_is_cut_upright_sdr_and_short(tmp_path: Path) -> None:
    source = make_clip(
        tmp_path / "phone.mkv",
        3.0,
        320,
        240,
        codec="hevc",
        hdr="hlg",
        rotation=90,
        rotation_tag_only=True,
    )
    output = tmp_path / "stretch.mp4"
    cut_stretch(source, 1.0, 1.5, 120, 30, output)

    facts = probe_footage(output, max_seconds=60, max_pixel_rate=1e9)
    assert (facts.width, facts.height) == (120, 160)  # upright portrait, short side 120
    assert facts.rotation == 0 and not facts.hdr and not facts.has_audio
    assert facts.duration == pytest.approx(1.5, abs=0.1)
    assert facts.fps == pytest.approx(30, abs=0.5)
