"""Footage's own sound under the song (FootageSound.DUCK): each clip's stretch, the song ducked.

Each clip shot with a sound track contributes the sound of its stretch, slowed with the picture
(pitch kept: atempo) and placed at the shot's time, with short fades at its edges so cuts do
not click. While a clip speaks the song drops by DUCK_DB, ramping over DUCK_RAMP seconds. The
ducking follows the shots, not the clip's level: a director hears the same mix every render,
and a quiet clip still gets room.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.media.clips import stretch_timing
from bot.media.media_header import read_header
from bot.media.segments import file_digest
from bot.studio.timeline import FootageSound, Timeline

DUCK_DB = -14.0
DUCK_RAMP = 0.15  # seconds
EDGE_FADE = 0.04  # seconds
SAMPLE_RATE = 44100


@dataclass(frozen=True)
class ClipSound:
    """One clip's sound on the video's clock."""

    path: Path
    stream: int  # the clip's audio stream index
    clip_start: float  # where the stretch begins in the clip
    clip_seconds: float  # how much of the clip plays
    slow: float  # how much it is slowed (the picture's slowdown)
    at: float  # when it starts in the video
    seconds: float  # how long it lasts in the video


def clip_sounds(timeline: Timeline, video_seconds: float) -> list[ClipSound]:
    """The clip sounds a ducked soundtrack mixes in (none unless the timeline asks for them)."""
    if timeline.footage_sound is not FootageSound.DUCK:
        return []
    sounds = []
    for shot in timeline.shots:
        if not shot.clip_path or shot.start >= video_seconds:
            continue
        header = read_header(Path(shot.clip_path))
        if header is None or header.audio_index is None or not header.duration:
            continue
        start, slow = stretch_timing(header.duration, shot.clip_start, shot.duration)
        played = min(header.duration - start, shot.duration / slow)
        seconds = min(played * slow, shot.duration, video_seconds - shot.start)
        if seconds > 2 * EDGE_FADE:
            sounds.append(
                ClipSound(
                    Path(shot.clip_path),
                    header.audio_index,
                    start,
                    played,
                    slow,
                    shot.start,
                    seconds,
                )
            )
    return sounds


def sounds_key(sounds: list[ClipSound]) -> list[object]:
    """What of the clip sounds shapes the soundtrack, for its cache key."""
    return [
        [file_digest(s.path), round(s.clip_start, 6), round(s.at, 6), round(s.seconds, 6)]
        for s in sounds
    ]


def clip_inputs(sounds: list[ClipSound]) -> list[str]:
    """ffmpeg input arguments for the clips' stretches, to follow the song's input (input 0)."""
    arguments: list[str] = []
    for sound in sounds:
        arguments += ["-ss", f"{sound.clip_start:.6f}", "-t", f"{sound.clip_seconds + 0.1:.6f}"]
        arguments += ["-i", str(sound.path)]
    return arguments


def ducked_graph(song_chain: str, sounds: list[ClipSound], video_seconds: float) -> str:
    """A filter graph from input 0 (the song) and inputs 1.. (the clips) to the label [mix]."""
    parts = [f"[0:a:0]{song_chain},{_duck(sounds)}[song]"]
    labels = []
    for number, sound in enumerate(sounds, start=1):
        filters = [
            f"aresample={SAMPLE_RATE}",
            "aformat=channel_layouts=stereo",
            f"atrim=0:{sound.clip_seconds:.6f}",
            "asetpts=PTS-STARTPTS",
        ]
        if sound.slow > 1.0:
            filters.append(f"atempo={1.0 / sound.slow:.6f}")
        filters += [
            f"atrim=0:{sound.seconds:.6f}",
            f"afade=t=in:d={EDGE_FADE}",
            f"afade=t=out:st={max(0.0, sound.seconds - EDGE_FADE):.6f}:d={EDGE_FADE}",
            f"adelay={round(sound.at * 1000)}:all=1",
            f"apad=whole_dur={video_seconds:.6f}",
        ]
        parts.append(f"[{number}:{sound.stream}]{','.join(filters)}[clip{number}]")
        labels.append(f"[clip{number}]")
    count = len(labels) + 1
    parts.append(
        f"[song]{''.join(labels)}amix=inputs={count}:normalize=0:duration=first,"
        f"atrim=0:{video_seconds:.6f}[mix]"
    )
    return ";".join(parts)


def _duck(sounds: list[ClipSound]) -> str:
    """A volume envelope: the song's gain dips by DUCK_DB while each clip sound plays."""
    ramp = DUCK_RAMP
    windows = [
        f"clip(min((t-{s.at - ramp:.4f})/{ramp},({s.at + s.seconds:.4f}-t)/{ramp}),0,1)"
        for s in sounds
    ]
    depth = 1.0 - 10 ** (DUCK_DB / 20)
    inside = "+".join(windows) if windows else "0"
    return f"volume='1-{depth:.4f}*min(1,{inside})':eval=frame"
