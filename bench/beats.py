"""Beat trackers on the tempo test set: the bot's own against librosa's `beat_track`.

    python bench/beats.py                 # renders the set once into ./.bench-beats, then scores
    python bench/beats.py --folder /tmp/x
    python bench/beats.py --heldout       # pieces written after the tuning, never tuned on

The set is tests/support/music.py's CORPUS (General MIDI pieces rendered by FluidSynth: needs
Debian's fluidsynth and fluid-soundfont-gm). For each piece it prints the true tempo, each
tracker's tempo and relative error and its beat F-measure (70 ms); then per tracker the share
of pieces within 2% of the tempo, the octave errors on drum-driven pieces, the mean F-measure,
and the seconds per piece with the ratio to librosa's in this same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.media.beats import analyse_samples, decode_mono  # noqa: E402
from bot.media.spectra import SAMPLE_RATE  # noqa: E402
from tests.support.beat_scores import f_measure, is_octave_error, tempo_error  # noqa: E402
from tests.support.music import CORPUS, HELDOUT, Piece, beat_times, render_piece  # noqa: E402

Tracker = Callable[[np.ndarray], tuple[float, list[float]]]


def bot_tracker(samples: np.ndarray) -> tuple[float, list[float]]:
    """The tracker the bot runs on every song."""
    analysis = analyse_samples(samples.astype(np.float32))
    return analysis.tempo_bpm, list(analysis.beats)


def librosa_tracker(samples: np.ndarray) -> tuple[float, list[float]]:
    """librosa.beat.beat_track with its defaults."""
    import librosa

    tempo, beats = librosa.beat.beat_track(y=samples, sr=SAMPLE_RATE, units="time")
    return float(np.atleast_1d(tempo)[0]), [float(b) for b in beats]


TRACKERS: dict[str, Tracker] = {"bot": bot_tracker, "librosa": librosa_tracker}


@dataclass(frozen=True)
class Score:
    """One tracker on one piece."""

    bpm: float
    error: float
    f_measure: float
    octave: bool
    seconds: float


def score(piece: Piece, samples: np.ndarray, tracker: Tracker) -> Score:
    """Run a tracker on a piece and score it against the piece's true beats."""
    start = time.perf_counter()
    bpm, beats = tracker(samples)
    took = time.perf_counter() - start
    truth = piece.main_bpm
    return Score(
        bpm,
        tempo_error(truth, bpm),
        f_measure(beat_times(piece), beats),
        is_octave_error(truth, bpm),
        took,
    )


def main() -> None:
    """Print per-piece scores and the summary for both trackers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / ".bench-beats")
    parser.add_argument("--heldout", action="store_true", help="the held-out pieces instead")
    arguments = parser.parse_args()
    pieces = HELDOUT if arguments.heldout else CORPUS
    arguments.folder.mkdir(parents=True, exist_ok=True)
    songs = {piece.name: decode_mono(render_piece(piece, arguments.folder)) for piece in pieces}
    for tracker in TRACKERS.values():  # warm-up: imports and librosa's numba compilation
        tracker(songs[pieces[0].name][: SAMPLE_RATE * 8])
    results: dict[str, dict[str, Score]] = {name: {} for name in TRACKERS}
    header = f"{'piece':<24} {'true':>6}"
    for name in TRACKERS:
        header += f" | {name + ' bpm':>11} {'err':>7} {'F':>5}"
    print(header)
    for piece in pieces:
        line = f"{piece.name:<24} {piece.main_bpm:6.1f}"
        for name, tracker in TRACKERS.items():
            result = score(piece, songs[piece.name], tracker)
            results[name][piece.name] = result
            mark = "*" if result.octave else " "
            line += f" | {result.bpm:10.2f}{mark} {result.error:+7.1%} {result.f_measure:5.2f}"
        print(line)
    print("(* an octave error: x2, /2, x3, /3, x3/2 or x2/3)")
    drums = [piece.name for piece in pieces if piece.drums]
    seconds = {
        name: statistics.mean(s.seconds for s in scores.values())
        for name, scores in results.items()
    }
    for name, scores in results.items():
        within = sum(abs(s.error) <= 0.02 for s in scores.values()) / len(scores)
        octaves = sum(scores[piece].octave for piece in drums)
        mean_f = statistics.mean(s.f_measure for s in scores.values())
        low_f = min(s.f_measure for s in scores.values())
        print(
            f"{name}: tempo_within_2pct={within:.1%} drum_octave_errors={octaves}/{len(drums)} "
            f"mean_F={mean_f:.3f} min_F={low_f:.3f} seconds_per_piece={seconds[name]:.3f} "
            f"time_ratio_to_librosa={seconds[name] / seconds['librosa']:.2f}"
        )


if __name__ == "__main__":
    main()
