"""The soundtrack: the song trimmed to the video, faded, loudness-normalised, as AAC.

Loudness follows EBU R128 in two passes: ffmpeg's `ebur128` meter measures the faded excerpt's
integrated loudness and true peak, then one linear gain brings it to the target, with a limiter
holding the peaks under the ceiling, so the song's dynamics survive. (`loudnorm` does the same
but resamples to 192 kHz and costs ten times as much.) Without a song the track is silence, so
every video has a valid audio stream. With FootageSound.DUCK the footage's own sound is mixed
in, the song ducked beneath it (clip_sound.py), and the mix is what gets normalised.
"""

from __future__ import annotations

import logging
import math
import re
import subprocess
from pathlib import Path

from bot.media.clip_sound import clip_inputs, clip_sounds, ducked_graph, sounds_key
from bot.media.encoder import ffmpeg_exe, partial_of
from bot.media.segments import file_digest
from bot.studio.keys import content_key
from bot.studio.timeline import Timeline

logger = logging.getLogger(__name__)

SAMPLE_RATE = 44100
TRUE_PEAK = -1.5
_SUMMARY = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS.*?Peak:\s+(-?[\d.]+|-inf) dBFS", re.S)
SILENT_LUFS = -70.0  # quieter than this is silence: there is nothing to normalise
AUDIO_TIMEOUT = 600.0
_SILENCE = ["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]


def soundtrack_key(
    timeline: Timeline, seconds: float, loudness_lufs: float, audio_kbps: int
) -> str:
    """Hash of everything that shapes the soundtrack."""
    song = file_digest(Path(timeline.audio_path)) if timeline.audio_path else None
    payload = [
        song,
        round(timeline.audio_offset, 6),
        round(seconds, 6),
        timeline.fade_in_seconds,
        timeline.fade_out_seconds,
        loudness_lufs,
        audio_kbps,
        str(timeline.footage_sound),
        sounds_key(clip_sounds(timeline, seconds)),
    ]
    return content_key(payload, 40)


def make_soundtrack(
    timeline: Timeline,
    seconds: float,
    output: Path,
    *,
    loudness_lufs: float = -14.0,
    audio_kbps: int = 160,
) -> Path:
    """Write the video's AAC soundtrack (exactly `seconds` long) to `output` (.m4a)."""
    partial = partial_of(output)
    # The "fast" AAC coder sounds as good as "twoloop" from 128 kb/s up (FFmpeg's own finding
    # when it made it the default for a while) for half the CPU; below, twoloop is better.
    coder = "fast" if audio_kbps >= 128 else "twoloop"
    encode = [
        "-c:a",
        "aac",
        "-aac_coder",
        coder,
        "-b:a",
        f"{audio_kbps}k",
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "2",
        "-t",
        f"{seconds:.6f}",
        "-f",
        "mp4",
        str(partial),
    ]
    try:
        if _mix_clip_sounds(timeline, seconds, encode, loudness_lufs):
            pass
        elif timeline.audio_path is None:
            _ffmpeg([*_SILENCE, *encode])
        else:
            source = _song_input(timeline)
            shaped = _shape(timeline, seconds)
            measured = _measure(source, shaped)
            chain = shaped if measured is None else f"{shaped},{_gain(loudness_lufs, *measured)}"
            _ffmpeg([*source, "-af", chain, *encode])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    return output


def _mix_clip_sounds(
    timeline: Timeline, seconds: float, encode: list[str], loudness_lufs: float
) -> bool:
    """The song ducked under the footage's own sound; False when there is none to mix in.

    A clip whose sound fails to decode leaves the song alone rather than the video silent.
    """
    sounds = clip_sounds(timeline, seconds)
    if not sounds:
        return False
    if timeline.audio_path is None:  # the clips' sound alone
        song, shaped = _SILENCE, f"aformat=channel_layouts=stereo,atrim=0:{seconds:.6f}"
    else:
        song, shaped = _song_file(timeline), _shape(timeline, seconds)
    inputs = [*song, *clip_inputs(sounds)]
    graph = ducked_graph(shaped, sounds, seconds)
    try:
        meter = ["-filter_complex", f"{graph};[mix]ebur128=peak=true[meter]", "-map", "[meter]"]
        errors = _ffmpeg([*inputs, *meter, "-f", "null", "-"], level="info")
        measured = _summary(errors)
        gain = "anull" if measured is None else _gain(loudness_lufs, *measured)
        _ffmpeg([*inputs, "-filter_complex", f"{graph};[mix]{gain}[out]", "-map", "[out]", *encode])
    except RuntimeError:
        logger.warning("Mixing the footage's own sound failed; the song plays alone", exc_info=True)
        return False
    return True


def _song_file(timeline: Timeline) -> list[str]:
    assert timeline.audio_path is not None
    start = max(0.0, timeline.audio_offset)
    return ["-ss", f"{start:.6f}", "-i", timeline.audio_path]


def _song_input(timeline: Timeline) -> list[str]:
    return [*_song_file(timeline), "-map", "0:a:0", "-vn"]


def _shape(timeline: Timeline, seconds: float) -> str:
    """Filters that place the song on the video's clock, cut or padded to it, and fade it."""
    filters = [f"aresample={SAMPLE_RATE}", "aformat=channel_layouts=stereo"]
    if timeline.audio_offset < 0:  # the song starts after the video does
        filters.append(f"adelay={round(-timeline.audio_offset * 1000)}:all=1")
    filters += [f"apad=whole_dur={seconds:.6f}", f"atrim=0:{seconds:.6f}"]
    fade_in = min(timeline.fade_in_seconds, seconds / 2)
    fade_out = min(timeline.fade_out_seconds, seconds / 2)
    if fade_in > 0:
        filters.append(f"afade=t=in:st=0:d={fade_in:.3f}")
    if fade_out > 0:
        filters.append(f"afade=t=out:st={seconds - fade_out:.6f}:d={fade_out:.3f}")
    return ",".join(filters)


def _measure(source: list[str], shaped: str) -> tuple[float, float] | None:
    """First pass: integrated loudness (LUFS) and true peak (dBTP), or None when silent."""
    errors = _ffmpeg(
        [*source, "-af", f"{shaped},ebur128=peak=true", "-f", "null", "-"], level="info"
    )
    return _summary(errors)


def _summary(errors: str) -> tuple[float, float] | None:
    """Integrated loudness and true peak from ebur128's summary, or None when silent."""
    match = _SUMMARY.search(errors[errors.rfind("Summary:") :])
    if match is None:
        raise RuntimeError("the loudness meter printed no summary")
    loudness, peak = (float(value) for value in match.groups())
    if not math.isfinite(loudness) or loudness < SILENT_LUFS:
        logger.info("the song excerpt is silent; leaving its loudness alone")
        return None
    return loudness, peak


def _gain(target: float, loudness: float, peak: float) -> str:
    """Filters that bring the measured loudness to `target`, limiting peaks over the ceiling."""
    gain = target - loudness
    filters = [f"volume={gain:.2f}dB"]
    if math.isfinite(peak) and peak + gain > TRUE_PEAK:
        ceiling = 10 ** (TRUE_PEAK / 20)
        filters.append(f"alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false")
    return ",".join(filters)


def _ffmpeg(arguments: list[str], level: str = "error") -> str:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-v", level, "-y", *arguments]
    done = subprocess.run(command, capture_output=True, timeout=AUDIO_TIMEOUT, check=False)
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        raise RuntimeError(f"soundtrack failed: {errors[-400:]}")
    return errors
