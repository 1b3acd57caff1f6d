"""A song's spectra, computed once and shared by the beat tracker and the section finder."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import librosa
import numpy as np
from numpy.typing import NDArray

SAMPLE_RATE = 22050
HOP = 512  # librosa's default hop (23 ms): one frame of every feature below
N_FFT = 2048
BASS_MAX_HZ = 250.0
CHUNK_FRAMES = 2584  # about a minute of frames

Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class Spectra:
    """The power spectrogram of mono samples at SAMPLE_RATE, and features derived from it."""

    power: Matrix  # |STFT|^2, (1 + N_FFT/2) x frames

    @functools.cached_property
    def mel_db(self) -> Matrix:
        """Log-power mel spectrogram (128 bands), as librosa's onset strength uses it."""
        mel = librosa.feature.melspectrogram(S=self.power, sr=SAMPLE_RATE)
        return np.asarray(librosa.power_to_db(mel), dtype=np.float32)

    @functools.cached_property
    def bass_db(self) -> Matrix:
        """Log-power mel spectrogram of the bass and kick (16 bands below BASS_MAX_HZ)."""
        mel = librosa.feature.melspectrogram(
            S=self.power, sr=SAMPLE_RATE, n_mels=16, fmax=BASS_MAX_HZ
        )
        return np.asarray(librosa.power_to_db(mel), dtype=np.float32)

    @functools.cached_property
    def chroma(self) -> Matrix:
        """Energy per pitch class (12 x frames); tuning fixed at A440 (estimating it is slow)."""
        return np.asarray(
            librosa.feature.chroma_stft(S=self.power, sr=SAMPLE_RATE, tuning=0.0),
            dtype=np.float32,
        )

    @functools.cached_property
    def mfcc(self) -> Matrix:
        """MFCC 1-13 (the timbre; coefficient 0, the loudness, left out)."""
        return np.asarray(librosa.feature.mfcc(S=self.mel_db, n_mfcc=14)[1:], dtype=np.float32)

    @functools.cached_property
    def rms(self) -> Matrix:
        """Loudness per frame."""
        return np.asarray(librosa.feature.rms(S=np.sqrt(self.power), frame_length=N_FFT)[0])


def spectra_of(samples: NDArray[np.float32]) -> Spectra:
    """The spectra of mono samples at SAMPLE_RATE.

    The STFT runs a minute at a time: the complex spectrum of a whole 15-minute song would
    hold about 300 MB at once, its power a third of that.
    """
    audio = np.pad(samples.astype(np.float32), N_FFT // 2)  # centred frames, as librosa's
    count = 1 + max(0, (audio.size - N_FFT) // HOP)
    power = np.empty((1 + N_FFT // 2, count), dtype=np.float32)
    for first in range(0, count, CHUNK_FRAMES):
        last = min(count, first + CHUNK_FRAMES)
        piece = audio[first * HOP : (last - 1) * HOP + N_FFT]
        stft = librosa.stft(piece, n_fft=N_FFT, hop_length=HOP, center=False)
        power[:, first:last] = np.abs(stft[:, : last - first]) ** 2
    return Spectra(power)
