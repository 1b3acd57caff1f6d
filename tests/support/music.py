"""Music-like test songs with known beats: General MIDI pieces rendered by FluidSynth.

A piece is a few bars of a chord progression played by General MIDI instruments (chords, bass,
a melody, drums or none) over a tempo map; its true beats are its quarter notes. The MIDI file
is written here byte by byte (a Standard MIDI File of one track) and rendered to WAV by Debian's
`fluidsynth` with the `fluid-soundfont-gm` soundfont, started as a command (`fluidsynth -ni`).
Nothing here skips: a missing FluidSynth or soundfont is an error that names the package.
"""

from __future__ import annotations

import itertools
import shutil
import struct
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "CORPUS",
    "Piece",
    "beat_times",
    "downbeat_times",
    "midi_bytes",
    "ramp",
    "render_piece",
    "soundfont_path",
]

TICKS_PER_BEAT = 480
LEAD_IN_SECONDS = 0.5  # silence before the first beat, as a song file usually has
SAMPLE_RATE = 22050
RENDER_TIMEOUT = 120.0
SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
)
DRUM_CHANNEL = 9
KICK, SNARE, CLOSED_HAT, OPEN_HAT, CRASH, RIDE = 36, 38, 42, 46, 49, 51

Groove = Literal["rock", "four", "halftime_hats", "funk", "shuffle"]
Texture = Literal["block", "arpeggio", "strum", "offbeat"]
# I-V-vi-IV in C, then a second progression for contrasting sections (semitones above C4).
VERSE_CHORDS = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))
CHORUS_CHORDS = ((5, 9, 12), (7, 11, 14), (4, 7, 11), (9, 12, 16))
MELODY_RHYTHMS = ((0.0, 1.0, 1.5, 2.0, 3.0), (0.0, 0.5, 1.0, 2.0, 2.5, 3.0), (0.0, 2.0, 3.0, 3.5))


@dataclass(frozen=True)
class Section:
    """Bars of a piece played one way: its chords, texture and drums."""

    bars: int
    chords: tuple[tuple[int, int, int], ...] = VERSE_CHORDS
    texture: Texture = "block"
    groove: Groove | None = "rock"
    chord_program: int = 0  # General MIDI programs (0-based): 0 piano
    bass_program: int = 33  # fingered bass
    lead_program: int | None = 73  # flute; None: no melody
    transpose: int = 0


@dataclass(frozen=True)
class Piece:
    """A test song: its sections and its tempo map ((first beat, BPM) pairs, beat 0 first)."""

    name: str
    tempi: tuple[tuple[int, float], ...]
    sections: tuple[Section, ...]
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def beats(self) -> int:
        """How many beats (quarter notes, four a bar) the piece lasts."""
        return 4 * sum(section.bars for section in self.sections)

    @property
    def drums(self) -> bool:
        """Whether the drums drive it (every section has a groove)."""
        return all(section.groove is not None for section in self.sections)

    @property
    def main_bpm(self) -> float:
        """The tempo it holds longest (the one a tracker that reads one tempo should report)."""
        spans: dict[float, int] = {}
        for beat in range(self.beats):
            bpm = self.bpm_at(beat)
            spans[bpm] = spans.get(bpm, 0) + 1
        steady = max(spans.values())
        if steady * 2 > self.beats:
            return max(spans, key=spans.__getitem__)
        times = beat_times(self)  # a ramp: the tempo of the median beat interval
        gaps = sorted(b - a for a, b in itertools.pairwise(times))
        return 60.0 / gaps[len(gaps) // 2]

    def bpm_at(self, beat: int) -> float:
        """The tempo in force from `beat` to the next one."""
        bpm = self.tempi[0][1]
        for first, value in self.tempi:
            if first <= beat:
                bpm = value
        return bpm

    def section_starts(self) -> list[float]:
        """Times (s) where each section begins (the first is the first beat)."""
        times = beat_times(self)
        starts: list[float] = []
        beat = 0
        for section in self.sections:
            starts.append(times[beat])
            beat += 4 * section.bars
        return starts


def ramp(
    first_beat: int, last_beat: int, start_bpm: float, end_bpm: float
) -> list[tuple[int, float]]:
    """A tempo map that changes the tempo smoothly, beat by beat, between two beats."""
    steps = max(1, last_beat - first_beat)
    return [
        (first_beat + k, round(start_bpm + (end_bpm - start_bpm) * k / steps, 3))
        for k in range(steps + 1)
    ]


def beat_times(piece: Piece) -> list[float]:
    """The true beat times (s): every quarter note of the piece, after the lead-in."""
    times: list[float] = []
    now = LEAD_IN_SECONDS
    for beat in range(piece.beats):
        times.append(round(now, 6))
        now += 60.0 / piece.bpm_at(beat)
    return times


def downbeat_times(piece: Piece) -> list[float]:
    """The true downbeats (first beat of each bar)."""
    return beat_times(piece)[::4]


def soundfont_path() -> Path:
    """The General MIDI soundfont of Debian's fluid-soundfont-gm package."""
    for path in SOUNDFONTS:
        if path.exists():
            return path
    raise RuntimeError("No GM soundfont: install Debian's fluid-soundfont-gm")


def render_piece(piece: Piece, folder: Path) -> Path:
    """Render the piece to a mono-mixed 22.05 kHz WAV in `folder` (once; reused after)."""
    target = folder / f"{piece.name}.wav"
    if target.exists():
        return target
    fluidsynth = shutil.which("fluidsynth")
    if fluidsynth is None:
        raise RuntimeError("No fluidsynth on PATH: install Debian's fluidsynth")
    midi = folder / f"{piece.name}.mid"
    midi.write_bytes(midi_bytes(piece))
    partial = folder / f"{piece.name}.partial.wav"
    command = [
        fluidsynth,
        "-ni",
        "-q",
        "-g",
        "0.5",
        "-r",
        str(SAMPLE_RATE),
        "-T",
        "wav",
        "-F",
        str(partial),
        str(soundfont_path()),
        str(midi),
    ]
    done = subprocess.run(command, capture_output=True, timeout=RENDER_TIMEOUT, check=False)
    if done.returncode != 0 or not partial.exists():
        raise RuntimeError(f"fluidsynth failed: {done.stderr.decode(errors='replace')[-300:]}")
    partial.rename(target)
    return target


# --------------------------------------------------------------------------------------------
# The Standard MIDI File
# --------------------------------------------------------------------------------------------

Event = tuple[int, int, bytes]  # (tick, order within the tick, bytes): note-offs sort first


def midi_bytes(piece: Piece) -> bytes:
    """A type-0 Standard MIDI File of the piece."""
    events = sorted([*_tempo_events(piece), *_setup_events(piece), *_note_events(piece)])
    track = bytearray()
    now = 0
    for tick, _, data in events:
        track += _varlen(tick - now) + data
        now = tick
    track += _varlen(0) + b"\xff\x2f\x00"
    header = struct.pack(">4sIHHH", b"MThd", 6, 0, 1, TICKS_PER_BEAT)
    return header + struct.pack(">4sI", b"MTrk", len(track)) + bytes(track)


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _tick(beat: float) -> int:
    return round((beat + _lead_in_beats()) * TICKS_PER_BEAT)


def _lead_in_beats() -> float:
    # The lead-in is played at 120 BPM (one beat is 0.5 s), before the piece's own tempo map.
    return LEAD_IN_SECONDS / 0.5


def _tempo_events(piece: Piece) -> Iterator[Event]:
    yield 0, 0, b"\xff\x51\x03" + (500_000).to_bytes(3, "big")
    yield 0, 0, b"\xff\x58\x04\x04\x02\x18\x08"  # 4/4
    for beat, bpm in piece.tempi:
        yield _tick(beat), 0, b"\xff\x51\x03" + round(60_000_000 / bpm).to_bytes(3, "big")


def _setup_events(piece: Piece) -> Iterator[Event]:
    beat = 0
    for section in piece.sections:
        tick = max(0, _tick(beat) - 1)
        yield tick, 1, bytes([0xC0, section.chord_program])
        yield tick, 1, bytes([0xC1, section.bass_program])
        if section.lead_program is not None:
            yield tick, 1, bytes([0xC2, section.lead_program])
        beat += 4 * section.bars


def _note(channel: int, key: int, velocity: int, beat: float, length: float) -> Iterator[Event]:
    yield _tick(beat), 2, bytes([0x90 | channel, key, velocity])
    yield _tick(beat + length), 0, bytes([0x80 | channel, key, 0])


def _note_events(piece: Piece) -> Iterator[Event]:
    beat = 0
    for number, section in enumerate(piece.sections):
        for bar in range(section.bars):
            start = beat + 4 * bar
            chord = section.chords[bar % len(section.chords)]
            chord = (
                chord[0] + section.transpose,
                chord[1] + section.transpose,
                chord[2] + section.transpose,
            )
            yield from _chords(section.texture, chord, start)
            yield from _bass(chord[0], start)
            if section.lead_program is not None:
                yield from _melody(chord, start, number + bar)
            if section.groove is not None:
                yield from _drums(section.groove, start, crash=bar % 4 == 0)
        beat += 4 * section.bars


def _chords(texture: Texture, chord: Sequence[int], bar: int) -> Iterator[Event]:
    keys = [60 + step for step in chord]
    if texture == "block":  # a chord on every beat, the downbeat accented
        for beat in range(4):
            for key in keys:
                yield from _note(0, key, 92 if beat == 0 else 72, bar + beat, 0.9)
    elif texture == "arpeggio":  # eighth notes through the chord
        pattern = [keys[0], keys[1], keys[2], keys[1] + 12, keys[2], keys[1], keys[0] + 12, keys[2]]
        for step, key in enumerate(pattern):
            yield from _note(0, key, 90 if step % 2 == 0 else 62, bar + step / 2, 0.45)
    elif texture == "strum":  # down-strums on the beats, an up-strum on the and of 2 and 4
        for at in (0.0, 1.0, 1.5, 2.0, 3.0, 3.5):
            for order, key in enumerate(keys):
                velocity = 95 if at == 0 else (55 if at % 1 else 78)
                yield from _note(0, key, velocity, bar + at + 0.012 * order, 0.45)
    else:  # offbeat: a reggae/ska skank on the and of every beat, the bass keeps the beat
        for beat in range(4):
            for key in keys:
                yield from _note(0, key, 80, bar + beat + 0.5, 0.3)


def _bass(root: int, bar: int) -> Iterator[Event]:
    key = 36 + root % 12
    for at, velocity in ((0.0, 100), (1.0, 70), (2.0, 90), (3.0, 70)):
        yield from _note(1, key if at != 3.0 else key + 7, velocity, bar + at, 0.8)


def _melody(chord: Sequence[int], bar: int, variation: int) -> Iterator[Event]:
    rhythm = MELODY_RHYTHMS[variation % len(MELODY_RHYTHMS)]
    tones = [72 + chord[0], 72 + chord[1], 72 + chord[2], 74 + chord[0]]
    for index, at in enumerate(rhythm):
        following = rhythm[index + 1] if index + 1 < len(rhythm) else 4.0
        key = tones[(index + variation) % len(tones)]
        yield from _note(2, key, 70, bar + at, max(0.25, following - at - 0.05))


def _drums(groove: Groove, bar: int, *, crash: bool) -> Iterator[Event]:
    hits: list[tuple[int, float, int]] = []
    if groove == "rock":
        hits += [(KICK, 0, 110), (KICK, 2, 100), (SNARE, 1, 100), (SNARE, 3, 100)]
        hits += [(CLOSED_HAT, k / 2, 80 if k % 2 == 0 else 55) for k in range(8)]
    elif groove == "four":
        hits += [(KICK, k, 110) for k in range(4)] + [(SNARE, 1, 90), (SNARE, 3, 90)]
        hits += [(OPEN_HAT, k + 0.5, 70) for k in range(4)]
    elif groove == "halftime_hats":  # a fast song: hats on the beats, not the eighths
        hits += [(KICK, 0, 110), (KICK, 2, 100), (SNARE, 1, 100), (SNARE, 3, 100)]
        hits += [(CLOSED_HAT, k, 70) for k in range(4)]
    elif groove == "funk":
        hits += [(KICK, 0, 110), (KICK, 1.5, 85), (KICK, 2, 100), (SNARE, 1, 100), (SNARE, 3, 100)]
        hits += [(CLOSED_HAT, k / 4, 70 if k % 2 == 0 else 45) for k in range(16)]
    else:  # shuffle: triplet-swung hats on a ride
        hits += [(KICK, 0, 110), (KICK, 2, 100), (SNARE, 1, 100), (SNARE, 3, 100)]
        hits += [
            (RIDE, k + swing, 75 if swing == 0 else 50) for k in range(4) for swing in (0, 2 / 3)
        ]
    if crash:
        hits.append((CRASH, 0, 90))
    for key, at, velocity in hits:
        yield from _note(DRUM_CHANNEL, key, velocity, bar + at, 0.1)


# --------------------------------------------------------------------------------------------
# The tempo test set
# --------------------------------------------------------------------------------------------


def _bars_for(bpm: float, seconds: float = 24.0) -> int:
    return max(6, round(seconds * bpm / 240.0))


def _steady(
    name: str,
    bpm: float,
    groove: Groove | None,
    texture: Texture = "block",
    chord_program: int = 0,
    lead_program: int | None = 73,
    bass_program: int = 33,
) -> Piece:
    section = Section(
        bars=_bars_for(bpm),
        texture=texture,
        groove=groove,
        chord_program=chord_program,
        bass_program=bass_program,
        lead_program=lead_program,
    )
    tags = {"drums" if groove else "no_drums", "steady"}
    return Piece(name, ((0, bpm),), (section,), frozenset(tags))


def _changing(
    name: str, tempi: Sequence[tuple[int, float]], groove: Groove | None, program: int
) -> Piece:
    beats = max(beat for beat, _ in tempi) + 16
    section = Section(
        bars=max(8, beats // 4), groove=groove, chord_program=program, texture="block"
    )
    tags = {"drums" if groove else "no_drums", "tempo_change"}
    return Piece(name, tuple(tempi), (section,), frozenset(tags))


CORPUS: tuple[Piece, ...] = (
    # Drum-driven: the tempo must never read at half or double.
    _steady("rock-060-piano", 60, "rock"),
    _steady("funk-072-epiano", 72, "funk", chord_program=4, lead_program=None),
    _steady("shuffle-088-organ", 88, "shuffle", chord_program=16),
    _steady("rock-100-guitar", 100, "rock", texture="strum", chord_program=25, lead_program=None),
    _steady("four-124-synth", 124, "four", texture="offbeat", chord_program=81, bass_program=38),
    _steady("rock-138-piano", 138, "rock", lead_program=65),
    _steady("rock-150-guitar", 150, "rock", texture="strum", chord_program=29, lead_program=None),
    _steady("four-162-synth", 162, "four", chord_program=90, bass_program=38),
    _steady("hats-175-piano", 175, "halftime_hats", lead_program=56),
    _steady("hats-188-organ", 188, "halftime_hats", chord_program=17, lead_program=None),
    _steady("hats-200-guitar", 200, "halftime_hats", texture="strum", chord_program=27),
    # No drums: chords, arpeggios, strums and a bass carry the beat.
    _steady("piano-064-block", 64, None),
    _steady("guitar-082-strum", 82, None, texture="strum", chord_program=24, lead_program=None),
    _steady("harp-096-arpeggio", 96, None, texture="arpeggio", chord_program=46, lead_program=None),
    _steady("piano-112-arpeggio", 112, None, texture="arpeggio", lead_program=None),
    _steady("marimba-132-block", 132, None, chord_program=12, lead_program=71),
    _steady("piano-156-block", 156, None, lead_program=None),
    _steady("guitar-184-strum", 184, None, texture="strum", chord_program=25),
    # Tempo changes: a step up, a slow push, a ritardando at the end.
    _changing("step-100-120-drums", [(0, 100.0), (32, 120.0)], "rock", 0),
    _changing("push-090-098-drums", ramp(0, 64, 90.0, 98.0), "rock", 25),
    _changing("ritard-140-120-drums", [(0, 140.0), *ramp(64, 80, 140.0, 120.0)], "rock", 0),
    _changing("step-120-108-piano", [(0, 120.0), (48, 108.0)], None, 0),
)

# Written after the tracker's checks were tuned on CORPUS and never tuned on: bench/beats.py
# --heldout scores them, so its figure is the honest one.
HELDOUT: tuple[Piece, ...] = (
    _steady("funk-068-clav", 68, "funk", chord_program=7, lead_program=None),
    _steady("shuffle-108-piano", 108, "shuffle", lead_program=66),
    _steady("four-145-synth", 145, "four", texture="arpeggio", chord_program=80, bass_program=39),
    _steady("rock-170-organ", 170, "rock", chord_program=18, lead_program=None),
    _steady("hats-196-guitar", 196, "halftime_hats", texture="strum", chord_program=30),
    _steady("harp-076-arpeggio", 76, None, texture="arpeggio", chord_program=46),
    _steady("guitar-142-strum", 142, None, texture="strum", chord_program=24, lead_program=None),
    _steady("skank-150-organ", 150, None, texture="offbeat", chord_program=16, lead_program=None),
    _changing("step-130-150-drums", [(0, 130.0), (40, 150.0)], "rock", 4),
)


def song_with_sections(bpm: float = 120.0) -> Piece:
    """Intro, verse, chorus, verse, chorus, outro: the verse and chorus differ in chords,
    instruments and drums, as a pop song's do. Its sections are `Piece.section_starts()`."""
    intro = Section(bars=4, groove=None, lead_program=None, chord_program=89)
    verse = Section(bars=8, chords=VERSE_CHORDS, texture="block", groove="rock", lead_program=73)
    chorus = Section(
        bars=8,
        chords=CHORUS_CHORDS,
        texture="strum",
        groove="four",
        chord_program=29,
        lead_program=56,
        transpose=2,
    )
    outro = Section(bars=4, groove=None, lead_program=None, chord_program=89, texture="arpeggio")
    return Piece(
        f"sections-{bpm:g}",
        ((0, bpm),),
        (intro, verse, chorus, verse, chorus, outro),
        frozenset({"sections"}),
    )
