"""A song's sections from its audio: novelty and self-similarity over chroma and MFCC, per bar.

Features are librosa's: chroma (the harmony) and MFCC (the timbre), averaged over each bar of
the beat grid, compared bar against bar in a self-similarity matrix (librosa's recurrence
matrix). Section boundaries are the peaks of its novelty along the diagonal (Foote's
checkerboard kernel); sections that sound alike get one label; the loudest repeated label is
the chorus, another repeated one a verse, a unique first or last section the intro or outro,
a unique one in between the bridge.
"""

from __future__ import annotations

import itertools
import logging

import librosa
import numpy as np
from numpy.typing import NDArray

from bot.media.spectra import HOP, SAMPLE_RATE, Spectra
from bot.studio.beats import BEATS_PER_BAR, SongAnalysis
from bot.studio.sections import SectionKind, SongSection

logger = logging.getLogger(__name__)

MIN_BARS = 8  # a song shorter than this many bars has one section: no structure to find
SECTION_MIN_BARS = 4
KERNEL_BARS = 4  # novelty compares this many bars before a bar line with as many after it
PEAK_SHARE = 0.35  # a novelty peak this fraction of the highest one is a boundary
# Standardised features make any song look varied; a boundary must also be heard: the bars
# after it this different (cosine distance) from those before it, unstandardised.
MIN_CONTRAST = 0.01
SAME_SECTION = 0.8  # cross-similarity (relative to within) at which two sections are alike

Matrix = NDArray[np.float64]


def find_sections(spectra: Spectra, analysis: SongAnalysis) -> tuple[SongSection, ...]:
    """The sections of a song (its spectra), on the bars of `analysis`'s beats."""
    bars = bar_grid(analysis)
    if len(bars) < MIN_BARS:
        return ()
    features, plain, energy = bar_features(spectra, [*bars, analysis.duration])
    similarity = librosa.segment.recurrence_matrix(
        features, mode="affinity", metric="cosine", sym=True, self=True, full=True
    )
    similarity = np.asarray(similarity, dtype=np.float64)
    found = [bar for bar in boundaries(novelty(similarity)) if contrast(plain, bar) >= MIN_CONTRAST]
    starts = [0, *found, len(bars)]
    labels = _labels(similarity, starts)
    kinds = _kinds(labels, [float(energy[a:b].mean()) for a, b in itertools.pairwise(starts)])
    sections: list[SongSection] = []
    for (first, last), kind in zip(itertools.pairwise(starts), kinds, strict=True):
        start = 0.0 if first == 0 else bars[first]
        end = analysis.duration if last == len(bars) else bars[last]
        if sections and sections[-1].kind == kind:
            sections[-1] = SongSection(kind, sections[-1].start, end)
        else:
            sections.append(SongSection(kind, start, end))
    return tuple(sections)


def bar_grid(analysis: SongAnalysis) -> list[float]:
    """Bar starts over the whole song: the tracked downbeats, continued at the tempo before the
    first beat and after the last (a quiet intro or outro has no tracked beats)."""
    bars = list(analysis.beats[analysis.downbeat :: BEATS_PER_BAR])
    if len(analysis.beats) < 2 or not bars:
        return bars
    length = BEATS_PER_BAR * (analysis.beats[-1] - analysis.beats[0]) / (len(analysis.beats) - 1)
    while bars[0] - length >= -length / 2:
        bars.insert(0, max(0.0, bars[0] - length))
    while bars[-1] + length <= analysis.duration - length / 2:
        bars.append(bars[-1] + length)
    return bars


def contrast(plain: Matrix, bar: int) -> float:
    """How different the bars after `bar` sound from those before it (cosine distance, 0..1)."""
    before = plain[:, max(0, bar - SECTION_MIN_BARS) : bar].mean(axis=1)
    after = plain[:, bar : bar + SECTION_MIN_BARS].mean(axis=1)
    norms = float(np.linalg.norm(before) * np.linalg.norm(after))
    return 1.0 - float(before @ after) / norms if norms > 0 else 0.0


def bar_features(spectra: Spectra, edges: list[float]) -> tuple[Matrix, Matrix, Matrix]:
    """Per bar (one column a bar): chroma and MFCC standardised across the song's bars, the
    same features unstandardised (each L2-normalised: how a bar sounds on its own), and the
    bar's loudness (RMS)."""
    chroma, mfcc, rms = spectra.chroma, spectra.mfcc, spectra.rms[None, :]
    frames = librosa.time_to_frames(np.asarray(edges), sr=SAMPLE_RATE, hop_length=HOP)
    frames = np.clip(frames, 0, chroma.shape[1])
    frames = np.maximum.accumulate(frames)
    per_bar = librosa.util.sync(np.vstack([chroma, mfcc, rms]), [int(f) for f in frames], pad=False)
    bar_chroma = librosa.util.normalize(per_bar[:12], axis=0)
    bar_mfcc = per_bar[12:-1]
    spread = bar_mfcc.std(axis=1, keepdims=True)
    bar_mfcc = (bar_mfcc - bar_mfcc.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
    stacked = np.vstack([bar_chroma, bar_mfcc / np.sqrt(bar_mfcc.shape[0])])
    plain = np.vstack([bar_chroma, librosa.util.normalize(per_bar[12:-1], axis=0)]) / np.sqrt(2)
    return (
        np.asarray(stacked, dtype=np.float64),
        np.asarray(plain, dtype=np.float64),
        np.asarray(per_bar[-1], dtype=np.float64),
    )


def novelty(similarity: Matrix) -> Matrix:
    """Foote novelty: a tapered checkerboard kernel slid along the matrix's diagonal.

    Value i scores a boundary at the start of bar i (0 at the edges, where there is no before).
    """
    size = similarity.shape[0]
    half = KERNEL_BARS
    offsets = np.arange(-half, half) + 0.5
    taper = np.exp(-0.5 * (offsets / (half / 2)) ** 2)
    kernel = np.outer(np.sign(offsets), np.sign(offsets)) * np.outer(taper, taper)
    padded = np.pad(similarity, half, mode="edge")
    scores = np.zeros(size)
    for bar in range(1, size):
        window = padded[bar : bar + 2 * half, bar : bar + 2 * half]
        scores[bar] = float(np.sum(kernel * window))
    return np.maximum(scores, 0.0)


def boundaries(scores: Matrix) -> list[int]:
    """Bars that start a section: strong novelty peaks at least SECTION_MIN_BARS apart."""
    size = scores.size
    if size == 0 or float(scores.max()) <= 0:
        return []
    peaks = [
        bar
        for bar in range(SECTION_MIN_BARS, size - SECTION_MIN_BARS + 1)
        if scores[bar] >= scores[max(0, bar - 1)]
        and scores[bar] >= scores[min(size - 1, bar + 1)]
        and scores[bar] >= PEAK_SHARE * float(scores.max())
    ]
    chosen: list[int] = []
    for bar in sorted(peaks, key=lambda b: -scores[b]):
        if all(abs(bar - other) >= SECTION_MIN_BARS for other in chosen):
            chosen.append(bar)
    return sorted(chosen)


def _labels(similarity: Matrix, starts: list[int]) -> list[int]:
    """One label per section: a section takes an earlier one's label when they sound alike."""
    spans = list(itertools.pairwise(starts))
    within = [float(similarity[a:b, a:b].mean()) for a, b in spans]
    labels: list[int] = []
    for index, (a, b) in enumerate(spans):
        label = max(labels, default=-1) + 1
        best = SAME_SECTION
        for earlier, (c, d) in enumerate(spans[:index]):
            cross = float(similarity[a:b, c:d].mean())
            alike = cross / max(1e-9, float(np.sqrt(within[index] * within[earlier])))
            if alike >= best:
                best, label = alike, labels[earlier]
        labels.append(label)
    return labels


def _kinds(labels: list[int], energy: list[float]) -> list[SectionKind]:
    """Section kinds from labels: the loudest repeated label is the chorus."""
    counts = {label: labels.count(label) for label in labels}
    repeated = [label for label, count in counts.items() if count >= 2]
    loudness = {
        label: float(np.mean([e for lab, e in zip(labels, energy, strict=True) if lab == label]))
        for label in counts
    }
    chorus = max(repeated, key=loudness.__getitem__) if repeated else None
    kinds: list[SectionKind] = []
    last = len(labels) - 1
    for index, label in enumerate(labels):
        if label == chorus:
            kinds.append(SectionKind.CHORUS)
        elif label in repeated:
            kinds.append(SectionKind.VERSE)
        elif index == 0 and last > 0:
            kinds.append(SectionKind.INTRO)
        elif index == last and last > 1:
            kinds.append(SectionKind.OUTRO)
        elif repeated:
            kinds.append(SectionKind.BRIDGE)
        else:
            kinds.append(SectionKind.VERSE)
    return kinds
