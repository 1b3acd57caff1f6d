"""Tempo, beats and downbeats of a song: librosa's beat tracker, checked where it goes wrong.

The song is decoded to mono at 22.05 kHz by the imageio-ffmpeg binary. librosa finds the onset
strength, the tempo and the beats (Ellis 2007 dynamic programming). Its slips are corrected on
the onsets it found, as measured on the tempo test set (bench/beats.py):
- half tempo on fast songs: when the midpoints between beats are about as strong as the beats,
  the beat is twice as fast (hats on the quarters of a 200 BPM song, a strummed 184 BPM song);
- the off-beat: when the bass and kick land between the beats rather than on them (a
  four-on-the-floor with loud off-beat hats), the beats move by half a beat;
- a tempo read from a coarse grid: the tempo is the slope of the beat times over the longest
  steady run (a tempo change or a ritardando does not drag it);
- the downbeat: the beat of the bar (of four) where the bass and the harmony change most.
"""

from __future__ import annotations

import functools
import itertools
import logging
from dataclasses import replace
from pathlib import Path

import librosa
import numpy as np
from numpy.typing import NDArray

from bot.media import audio
from bot.media.sections import find_sections
from bot.media.spectra import HOP, SAMPLE_RATE, Spectra, spectra_of
from bot.studio.beats import BEATS_PER_BAR, SongAnalysis

logger = logging.getLogger(__name__)

# The tempo is read from the middle of a long song (its tempogram grows with the length).
TEMPO_SECONDS = 240.0
MAX_BPM = 210.0
SILENCE = 1e-4  # peak amplitude below which a file is silence
# Midpoints at least this strong (relative to the beats) are beats too: the tempo is double.
DOUBLE_WHEN_MIDPOINTS = 0.55
# Bass onsets this much stronger between the beats than on them: the beats are off-beats.
SHIFT_WHEN_BASS_BETWEEN = 2.0
STEADY_GAP = 0.04  # a beat interval within 4% of the median one belongs to a steady run
MIN_STEADY_BEATS = 8
# librosa's centred frames and one-frame flux put a kick's onset peak this late (measured on
# synthetic kicks: tests/unit/test_beats.py).
ONSET_DELAY = 0.026

Signal = NDArray[np.float64]


@functools.cache
def warm_up() -> None:
    """Pay, once per process, what a first song would: librosa's lazy imports and numba's
    compiling (15-35 s on 2 cores), on eight seconds of clicks, so the director's first song
    is analysed as fast as the next ones."""
    seconds = np.arange(8 * SAMPLE_RATE) / SAMPLE_RATE
    clicks = (0.5 * np.sin(2 * np.pi * 880 * seconds) * np.exp(-40 * (seconds % 0.5))).astype(
        np.float32
    )
    try:
        spectra = spectra_of(clicks)
        find_sections(spectra, analyse_samples(clicks, spectra))
    except Exception:  # a failed warm-up costs only the first song's speed
        logger.warning("Warming up the song analysis failed", exc_info=True)


def analyse_song(path: Path) -> SongAnalysis:
    """Tempo (BPM), beat times, downbeat, sections and duration (s) of the song at `path`."""
    samples = decode_mono(path)
    spectra = spectra_of(samples)
    analysis = analyse_samples(samples, spectra)
    return replace(analysis, sections=find_sections(spectra, analysis))


def analyse_samples(samples: NDArray[np.float32], spectra: Spectra | None = None) -> SongAnalysis:
    """Tempo, beats, downbeat and duration of mono samples at SAMPLE_RATE."""
    duration = samples.size / SAMPLE_RATE
    if samples.size < SAMPLE_RATE or float(np.max(np.abs(samples))) < SILENCE:
        return SongAnalysis(0.0, (), duration)
    audio = samples.astype(np.float32)
    song = spectra or spectra_of(audio)
    # librosa's own hop (23 ms): its tempo reading is steadiest there; each beat then moves
    # to the vertex of its onset's peak, between frames.
    envelope = librosa.onset.onset_strength(S=song.mel_db, sr=SAMPLE_RATE, hop_length=HOP)
    bass = librosa.onset.onset_strength(S=song.bass_db, sr=SAMPLE_RATE, hop_length=HOP)
    middle = _middle(envelope)
    tempo = float(librosa.feature.tempo(onset_envelope=middle, sr=SAMPLE_RATE, hop_length=HOP)[0])
    _, tracked = librosa.beat.beat_track(
        onset_envelope=envelope, sr=SAMPLE_RATE, hop_length=HOP, bpm=tempo
    )
    frames = np.asarray(tracked, dtype=np.float64)
    if frames.size < 2:
        return SongAnalysis(0.0, (), duration)
    if _midpoints_are_beats(envelope, frames, tempo):
        frames = _with_midpoints(frames)
        tempo *= 2
    if _bass_lands_between(bass, frames):
        frames = _midpoints(frames)
    seconds = _refine(envelope, frames) * HOP / SAMPLE_RATE - ONSET_DELAY
    kept = (seconds >= 0.0) & (seconds < duration)
    times = tuple(float(t) for t in seconds[kept])
    chroma = song.chroma
    dropped = int(np.argmax(kept)) if kept.any() else 0
    downbeat = (downbeat_phase(bass, chroma, frames) - dropped) % BEATS_PER_BAR
    return SongAnalysis(steady_tempo(times, tempo), times, duration, downbeat)


def decode_mono(path: Path) -> NDArray[np.float32]:
    """The first audio stream as mono float32 samples at SAMPLE_RATE."""
    return audio.decode_mono(path, SAMPLE_RATE)


def steady_tempo(beats: tuple[float, ...], fallback: float) -> float:
    """Tempo from the slope of beat times over the longest run of steady beat intervals."""
    if len(beats) < MIN_STEADY_BEATS:
        return fallback
    times = np.asarray(beats)
    gaps = np.diff(times)
    median = float(np.median(gaps))
    steady = np.abs(gaps / median - 1.0) <= STEADY_GAP
    best_start, best_length, start = 0, 0, 0
    for index, ok in enumerate([*steady.tolist(), False]):
        if not ok:
            if index - start > best_length:
                best_start, best_length = start, index - start
            start = index + 1
    if best_length + 1 < MIN_STEADY_BEATS:
        return 60.0 / median
    run = times[best_start : best_start + best_length + 1]
    slope = float(np.polyfit(np.arange(run.size), run, 1)[0])
    return 60.0 / slope if slope > 0 else fallback


def downbeat_phase(bass: Signal, chroma: NDArray[np.float32], frames: Signal) -> int:
    """Which of the first BEATS_PER_BAR beats starts a bar: where bass and chords change most."""
    if frames.size < 2 * BEATS_PER_BAR:
        return 0
    at = np.clip(np.round(frames).astype(int), 0, chroma.shape[1] - 1)
    beat_chroma = np.stack(
        [chroma[:, a:b].mean(axis=1) if b > a else chroma[:, a] for a, b in itertools.pairwise(at)],
        axis=1,
    )
    change = np.concatenate([[0.0], np.abs(np.diff(beat_chroma, axis=1)).sum(axis=0)])
    strength = _strength_at(bass, frames[:-1])
    scores = [
        float(change[phase::BEATS_PER_BAR].mean() / (change.mean() or 1.0))
        + float(strength[phase::BEATS_PER_BAR].mean() / (strength.mean() or 1.0))
        for phase in range(BEATS_PER_BAR)
    ]
    return int(np.argmax(scores))


def _middle(envelope: Signal) -> Signal:
    """At most TEMPO_SECONDS of the envelope, from the middle of the song."""
    keep = int(TEMPO_SECONDS * SAMPLE_RATE / HOP)
    if envelope.size <= keep:
        return envelope
    start = (envelope.size - keep) // 2
    return envelope[start : start + keep]


def _midpoints(frames: Signal) -> Signal:
    return np.asarray((frames[:-1] + frames[1:]) / 2, dtype=np.float64)


def _with_midpoints(frames: Signal) -> Signal:
    both = np.empty(2 * frames.size - 1, dtype=np.float64)
    both[0::2], both[1::2] = frames, _midpoints(frames)
    return both


def _strength_at(envelope: Signal, positions: Signal) -> Signal:
    """The envelope's peak within a frame of each position."""
    at = np.round(positions).astype(int)
    return np.array([envelope[max(0, p - 1) : p + 2].max(initial=0.0) for p in at])


def _midpoints_are_beats(envelope: Signal, frames: Signal, tempo: float) -> bool:
    if 2 * tempo > MAX_BPM or frames.size < 4:
        return False
    on = float(_strength_at(envelope, frames).mean())
    between = float(_strength_at(envelope, _midpoints(frames)).mean())
    return on > 0 and between / on >= DOUBLE_WHEN_MIDPOINTS


def _bass_lands_between(bass: Signal, frames: Signal) -> bool:
    if frames.size < 4:
        return False
    on = float(_strength_at(bass, frames).mean())
    between = float(_strength_at(bass, _midpoints(frames)).mean())
    return between > SHIFT_WHEN_BASS_BETWEEN * max(on, 1e-9)


def _refine(envelope: Signal, frames: Signal) -> Signal:
    """Sub-frame beat positions: each beat moves to the vertex of its onset's parabola."""
    refined = frames.astype(np.float64)
    for index, frame in enumerate(np.round(frames).astype(int)):
        lo, hi = max(0, frame - 2), min(envelope.size, frame + 3)
        if hi <= lo:
            continue
        peak = lo + int(np.argmax(envelope[lo:hi]))
        refined[index] = peak + _parabola_offset(envelope, peak)
    return refined


def _parabola_offset(values: Signal, peak: int) -> float:
    """Offset (-0.5..0.5) of the vertex of the parabola through a peak and its neighbours."""
    if peak <= 0 or peak >= values.size - 1:
        return 0.0
    left, middle, right = values[peak - 1], values[peak], values[peak + 1]
    curvature = left - 2 * middle + right
    if curvature >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / curvature, -0.5, 0.5))
