"""Tempo and beat tracking with numpy/scipy over audio decoded by the imageio-ffmpeg binary.

The song is decoded to mono at 22.05 kHz; its onset strength (spectral flux of a log mel
spectrum) is autocorrelated to find the tempo, and beats are tracked by dynamic programming
(Ellis 2007, as librosa does): each beat sits on a strong onset about one period after the last.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, signal

from bot.media.encoder import ffmpeg_exe
from bot.studio.beats import SongAnalysis

logger = logging.getLogger(__name__)

SAMPLE_RATE = 22050
N_FFT = 1024
HOP = 256
MEL_BANDS = 64
MIN_BPM, MAX_BPM, PRIOR_BPM = 50.0, 220.0, 120.0
TIGHTNESS = 100.0  # how strongly beats keep the tempo against onsets (librosa's default)
DECODE_TIMEOUT = 120.0
CHUNK_FRAMES = 2048
# Flux peaks when an attack crosses the steepest part of the window, a quarter window after
# the frame's centre, so frame times run early by this much.
ONSET_LAG = N_FFT / 4 / SAMPLE_RATE

Signal = NDArray[np.float64]


def analyse_song(path: Path) -> SongAnalysis:
    """Tempo (BPM), beat times and duration (s) of the song at `path`."""
    samples = decode_mono(path)
    duration = samples.size / SAMPLE_RATE
    envelope = onset_strength(samples)
    if envelope.size < 8 or not np.any(envelope > 0):
        return SongAnalysis(0.0, (), duration)
    rate = SAMPLE_RATE / HOP
    period = tempo_period(envelope, rate)
    frames = track_beats(envelope, period)
    seconds = _refine(envelope, frames) / rate + ONSET_LAG
    times = tuple(float(t) for t in seconds if 0.0 <= t < duration)
    return SongAnalysis(_tempo_from_beats(times, 60.0 * rate / period), times, duration)


def decode_mono(path: Path) -> NDArray[np.float32]:
    """The first audio stream as mono float32 samples at SAMPLE_RATE."""
    command = [
        ffmpeg_exe(),
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-f",
        "f32le",
        "pipe:1",
    ]
    done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ValueError(f"cannot decode audio: {done.stderr.decode(errors='replace')[-300:]}")
    return np.frombuffer(done.stdout, dtype=np.float32)


def onset_strength(samples: NDArray[np.float32]) -> Signal:
    """Half-wave rectified flux of the log mel spectrum, one value per hop (centred frames)."""
    padded = np.pad(samples.astype(np.float32), N_FFT // 2)
    count = 1 + max(0, (padded.size - N_FFT) // HOP)
    window = signal.get_window("hann", N_FFT).astype(np.float32)
    bank = _mel_bank()
    log_mel = np.empty((count, MEL_BANDS), dtype=np.float32)
    # Chunks keep memory flat: a 15-minute song would need ~600 MB of spectrum at once.
    for first in range(0, count, CHUNK_FRAMES):
        last = min(count, first + CHUNK_FRAMES)
        index = np.arange(first, last)[:, None] * HOP + np.arange(N_FFT)[None, :]
        power = np.abs(np.fft.rfft(padded[index] * window, axis=1)) ** 2
        log_mel[first:last] = 10.0 * np.log10(power @ bank.T + 1e-10)
    log_mel = np.maximum(log_mel, log_mel.max() - 80.0)
    floor = np.full((1, MEL_BANDS), log_mel.min(), dtype=np.float32)  # silence before the song
    flux = np.maximum(0.0, np.diff(log_mel, axis=0, prepend=floor)).mean(axis=1)
    flux = flux.astype(np.float64)
    # Remove the slow trend (a crescendo is not a beat).
    trend = ndimage.uniform_filter1d(flux, size=31, mode="nearest")
    return np.asarray(np.maximum(0.0, flux - trend), dtype=np.float64)


def tempo_period(envelope: Signal, rate: float) -> float:
    """Beat period in envelope frames: autocorrelation peak, weighted to prefer ~120 BPM."""
    centred = envelope - envelope.mean()
    size = 1 << int(np.ceil(np.log2(2 * centred.size)))
    spectrum = np.fft.rfft(centred, size)
    acf = np.fft.irfft(spectrum * np.conj(spectrum), size)[: centred.size]
    lags = np.arange(acf.size, dtype=np.float64)
    low, high = int(60.0 * rate / MAX_BPM), int(np.ceil(60.0 * rate / MIN_BPM))
    high = min(high, acf.size // 2 - 1)
    if high <= low + 2:
        return 60.0 * rate / PRIOR_BPM
    # A comb: a true period also shows at its multiples.
    comb = np.zeros_like(acf)
    for multiple in (1, 2, 3, 4):
        upto = acf.size // multiple
        comb[:upto] += acf[lags[:upto].astype(int) * multiple] / multiple
    bpm = 60.0 * rate / np.maximum(lags, 1.0)
    prior = np.exp(-0.5 * np.log2(bpm / PRIOR_BPM) ** 2)
    scored = comb * prior
    peak = low + int(np.argmax(scored[low:high]))
    return peak + _parabola_offset(scored, peak)


def track_beats(envelope: Signal, period: float) -> NDArray[np.int64]:
    """Envelope frames of the beats: the best-scoring chain of onsets about `period` apart."""
    local = ndimage.gaussian_filter1d(envelope / (envelope.std() or 1.0), period / 32.0)
    reach = np.arange(-round(2 * period), -round(period / 2) + 1)
    penalty = -TIGHTNESS * np.log(-reach / period) ** 2
    score = np.zeros_like(local)
    back = np.full(local.size, -1, dtype=np.int64)
    for frame in range(local.size):
        candidates = frame + reach
        valid = candidates >= 0
        if valid.any():
            options = score[candidates[valid]] + penalty[valid]
            best = int(np.argmax(options))
            if options[best] > 0:
                score[frame], back[frame] = local[frame] + options[best], candidates[valid][best]
                continue
        score[frame] = local[frame]
    beats = [_last_beat(score)]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    return _trim_weak(np.array(beats[::-1], dtype=np.int64), local)


def _last_beat(score: Signal) -> int:
    """The last local maximum of the cumulative score that is clearly a beat."""
    peaks = signal.argrelmax(score, order=1)[0]
    if peaks.size == 0:
        return int(np.argmax(score))
    threshold = 0.5 * float(np.median(score[peaks]))
    strong = peaks[score[peaks] >= threshold]
    return int(strong[-1]) if strong.size else int(np.argmax(score))


def _trim_weak(beats: NDArray[np.int64], local: Signal) -> NDArray[np.int64]:
    """Drop beats at the ends with no onset under them (a silent intro or a fading outro)."""
    if beats.size == 0:
        return beats
    strength = local[beats]
    threshold = 0.5 * float(np.sqrt(np.mean(strength**2)))
    strong = np.flatnonzero(strength >= threshold)
    if strong.size == 0:
        return beats[:0]
    return beats[strong[0] : strong[-1] + 1]


def _refine(envelope: Signal, frames: NDArray[np.int64]) -> Signal:
    """Sub-frame beat positions: each beat moves to the vertex of its onset's parabola."""
    refined = frames.astype(np.float64)
    for index, frame in enumerate(frames):
        lo, hi = max(0, frame - 2), min(envelope.size, frame + 3)
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


def _tempo_from_beats(beats: tuple[float, ...], fallback: float) -> float:
    """Tempo from the slope of beat times against beat number (steadier than one period)."""
    if len(beats) < 8:
        return fallback
    times = np.asarray(beats)
    slope = float(np.polyfit(np.arange(times.size), times, 1)[0])
    return 60.0 / slope if slope > 0 else fallback


def _mel_bank() -> NDArray[np.float32]:
    """Triangular mel filters (MEL_BANDS x N_FFT/2+1) from 30 Hz to 8 kHz."""

    def mel(hz: NDArray[np.float64]) -> NDArray[np.float64]:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def hz(m: NDArray[np.float64]) -> NDArray[np.float64]:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    edges = hz(
        np.linspace(mel(np.array(30.0)), mel(np.array(8000.0)), MEL_BANDS + 2, dtype=np.float64)
    )
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    bank = np.zeros((MEL_BANDS, freqs.size), dtype=np.float32)
    for band in range(MEL_BANDS):
        left, centre, right = edges[band : band + 3]
        rise = (freqs - left) / (centre - left)
        fall = (right - freqs) / (right - centre)
        bank[band] = np.maximum(0.0, np.minimum(rise, fall))
    return bank
