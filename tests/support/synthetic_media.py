"""Deterministic synthetic media for tests: photos, songs, videos, voice notes and bad inputs.

Everything here is pure (no emulator, no network).  Audio/video encoding uses the ffmpeg
binary shipped with ``imageio-ffmpeg``; formats that need a seekable output (MP4/M4A) go
through a temporary file, everything else is piped through stdin/stdout.
"""

from __future__ import annotations

import functools
import io
import struct
import subprocess
import tempfile
import wave
import zipfile
import zlib
from pathlib import Path
from typing import Literal

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

AudioFormat = Literal["mp3", "wav", "m4a", "ogg", "flac"]

__all__ = [
    "AudioFormat",
    "ClipCodec",
    "HdrTransfer",
    "beat_times",
    "corrupt_jpeg",
    "cut_short",
    "decompression_bomb_png",
    "ffmpeg_exe",
    "make_clip",
    "make_gif",
    "make_photo",
    "make_song",
    "make_vfr_clip",
    "make_video",
    "make_voice_ogg",
    "not_an_image",
    "not_audio",
    "write_clip",
    "zip_disguised_as_png",
]

# ffmpeg arguments per output format: (codec/muxer args, needs a seekable output file).
_AUDIO_ENCODERS: dict[str, tuple[list[str], bool]] = {
    "mp3": (["-c:a", "libmp3lame", "-b:a", "192k", "-f", "mp3"], False),
    "ogg": (["-c:a", "libvorbis", "-q:a", "4", "-f", "ogg"], False),
    "flac": (["-c:a", "flac", "-f", "flac"], True),
    "m4a": (["-c:a", "aac", "-b:a", "160k", "-f", "ipod", "-movflags", "+faststart"], True),
}


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with imageio-ffmpeg."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run_ffmpeg(args: list[str], stdin: bytes | None, output_suffix: str | None) -> bytes:
    """Run ffmpeg reading ``stdin`` (``-i pipe:0`` must be in ``args``).

    If ``output_suffix`` is given the output goes to a temporary file with that suffix (for
    muxers that must seek); otherwise it is read from stdout.
    """
    base = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    if output_suffix is None:
        proc = subprocess.run(
            [*base, *args, "pipe:1"], input=stdin, capture_output=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out{output_suffix}"
        proc = subprocess.run(
            [*base, *args, str(out)], input=stdin, capture_output=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"ffmpeg failed: {proc.stderr.decode(errors='replace')}")
        return out.read_bytes()


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------


def make_photo(
    width: int = 1600,
    height: int = 1200,
    seed: int = 0,
    fmt: str = "JPEG",
    *,
    quality: int = 90,
    exif_orientation: int | None = None,
) -> bytes:
    """Return an encoded picture with gradients, a horizon, a sun and random shapes.

    The content is fully determined by ``seed``.  ``fmt`` is any Pillow format name
    ("JPEG", "PNG", "WEBP", ...).  ``exif_orientation`` (1..8) embeds an EXIF Orientation tag
    so tests can check that the bot honours it.
    """
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    top, bottom = rng.uniform(40, 230, 3), rng.uniform(20, 200, 3)
    sky = np.empty((height, width, 3), dtype=np.float32)
    for c in range(3):
        sky[:, :, c] = top[c] * (1 - ys) + bottom[c] * ys + 25.0 * np.sin(6.0 * xs + c)
    horizon = int(height * rng.uniform(0.55, 0.7))
    ground = rng.uniform(30, 120, 3)
    sky[horizon:, :, :] = ground * (0.7 + 0.3 * ys[horizon:, :, None])
    noise = rng.normal(0.0, 6.0, (height, width, 1)).astype(np.float32)
    pixels = np.clip(sky + noise, 0, 255).astype(np.uint8)
    img = Image.fromarray(pixels)

    draw = ImageDraw.Draw(img)
    unit = min(width, height)
    sun_r = int(unit * 0.08)
    sun_x, sun_y = int(width * rng.uniform(0.2, 0.8)), int(horizon * rng.uniform(0.25, 0.6))
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=(255, 236, 150))
    for _ in range(12):
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(unit * rng.uniform(0.03, 0.2)), int(unit * rng.uniform(0.03, 0.2))
        shape = int(rng.integers(0, 3))
        if shape == 0:
            draw.rectangle((x0, y0, x0 + w, y0 + h), fill=colour, outline=(0, 0, 0), width=2)
        elif shape == 1:
            draw.ellipse((x0, y0, x0 + w, y0 + h), fill=colour)
        else:
            draw.polygon([(x0, y0 + h), (x0 + w // 2, y0), (x0 + w, y0 + h)], fill=colour)
    img = img.filter(ImageFilter.SMOOTH)

    out = io.BytesIO()
    save_kwargs: dict[str, object] = {}
    if fmt.upper() in ("JPEG", "JPG", "WEBP"):
        save_kwargs["quality"] = quality
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        save_kwargs["exif"] = exif.tobytes()
    img.save(out, format="JPEG" if fmt.upper() == "JPG" else fmt.upper(), **save_kwargs)
    return out.getvalue()


def corrupt_jpeg() -> bytes:
    """A JPEG truncated in the middle of its entropy-coded data (no EOI marker)."""
    data = make_photo(640, 480, seed=7)
    return data[: len(data) // 3]


def not_an_image() -> bytes:
    """A small PDF-like document: definitely not decodable as an image."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def zip_disguised_as_png() -> bytes:
    """Real ZIP archive bytes (meant to be sent with a ``.png`` file name / image MIME type)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "This is a zip archive, not a PNG.\n" * 20)
        zf.writestr("payload/data.bin", bytes(range(256)) * 8)
    return buf.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


@functools.lru_cache(maxsize=4)
def decompression_bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit greyscale PNG of ``width`` x ``height`` pixels that is tiny on disk.

    30000x30000 (900 Mpx) needs ~112 MB decoded as 1-bit, ~900 MB as 8-bit greyscale and
    ~2.7 GB as RGB, while the file is ~110 kB.  Pillow refuses to open it by default
    (``PIL.Image.DecompressionBombError``).  Cached: building it takes ~0.3 s.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    chunks: list[bytes] = []
    block_rows = max(1, (1 << 20) // len(row))
    block = row * block_rows
    remaining = height
    while remaining > 0:
        n = min(block_rows, remaining)
        chunks.append(compressor.compress(block if n == block_rows else row * n))
        remaining -= n
    chunks.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------
# Audio
# --------------------------------------------------------------------------------------------


def beat_times(seconds: float = 20.0, bpm: float = 120.0, silent_intro: float = 0.0) -> list[float]:
    """Onset times (s) of the kicks that :func:`make_song` places with the same arguments."""
    period = 60.0 / bpm
    times: list[float] = []
    t = silent_intro
    while t < seconds - 1e-9:
        times.append(round(t, 6))
        t += period
    return times


def _song_samples(
    seconds: float, bpm: float, silent_intro: float, sample_rate: int, channels: int
) -> npt.NDArray[np.int16]:
    """Render the song as interleaved int16 samples with shape (frames, channels)."""
    n = round(seconds * sample_rate)
    t = np.arange(n, dtype=np.float64) / sample_rate
    mix = np.zeros((n, channels), dtype=np.float64)

    # Quiet pad: an A-minor triad with a slow swell, slightly detuned per channel.
    music = t >= silent_intro
    swell = 0.5 + 0.5 * np.sin(2 * np.pi * 0.25 * t)
    for ch in range(channels):
        detune = 1.0 + 0.002 * ch
        pad = sum(np.sin(2 * np.pi * f * detune * t) for f in (220.0, 261.63, 329.63))
        mix[:, ch] += 0.05 * pad * (0.6 + 0.4 * swell) * music

    # Kick: 0.25 s sine burst with a pitch drop 150 -> 50 Hz and exponential decay.
    kick_len = int(0.25 * sample_rate)
    kt = np.arange(kick_len, dtype=np.float64) / sample_rate
    freq = 50.0 + 100.0 * np.exp(-kt * 30.0)
    phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    kick = np.sin(phase) * np.exp(-kt * 14.0)
    for i, onset in enumerate(beat_times(seconds, bpm, silent_intro)):
        start = round(onset * sample_rate)
        end = min(n, start + kick_len)
        gain = 0.9 if i % 4 == 0 else 0.7  # accent the downbeat of every bar
        mix[start:end, :] += gain * kick[: end - start, None]

    peak = float(np.max(np.abs(mix))) or 1.0
    mix *= 0.95 / peak if peak > 0.95 else 1.0
    return (np.clip(mix, -1.0, 1.0) * 32767.0).astype(np.int16)


def _wav_bytes(samples: npt.NDArray[np.int16], sample_rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(int(samples.shape[1]))
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.tobytes())
    return buf.getvalue()


def make_song(
    path: str | Path | None = None,
    seconds: float = 20.0,
    bpm: float = 120.0,
    fmt: AudioFormat = "mp3",
    silent_intro: float = 0.0,
    sample_rate: int = 44100,
    *,
    channels: int = 2,
) -> bytes:
    """Synthesise a song with a clear kick on every beat at ``bpm`` plus a quiet pad.

    Beats start after ``silent_intro`` seconds (see :func:`beat_times`).  The total duration
    is ``seconds``.  Returns the encoded bytes and, if ``path`` is given, writes them there.
    """
    wav = _wav_bytes(_song_samples(seconds, bpm, silent_intro, sample_rate, channels), sample_rate)
    if fmt == "wav":
        data = wav
    else:
        codec_args, seekable = _AUDIO_ENCODERS[fmt]
        data = _run_ffmpeg(
            ["-f", "wav", "-i", "pipe:0", "-vn", *codec_args],
            stdin=wav,
            output_suffix=f".{fmt}" if seekable else None,
        )
    if path is not None:
        Path(path).write_bytes(data)
    return data


def make_voice_ogg(seconds: float = 2.0, frequency: float = 440.0) -> bytes:
    """An Opus-in-Ogg voice note (48 kHz mono tone with a gentle tremolo)."""
    rate = 48000
    t = np.arange(int(seconds * rate), dtype=np.float64) / rate
    tone = 0.4 * np.sin(2 * np.pi * frequency * t) * (0.75 + 0.25 * np.sin(2 * np.pi * 3 * t))
    samples = (tone * 32767.0).astype(np.int16)[:, None]
    return _run_ffmpeg(
        ["-f", "wav", "-i", "pipe:0", "-c:a", "libopus", "-b:a", "32k", "-ac", "1", "-f", "ogg"],
        stdin=_wav_bytes(samples, rate),
        output_suffix=None,
    )


def not_audio() -> bytes:
    """Bytes that no audio demuxer accepts (a plain-text note with a binary tail)."""
    text = b"Definitely not audio. Just a shopping list: eggs, rice, fish sauce.\n" * 40
    return text + bytes(range(0, 256, 3))


# --------------------------------------------------------------------------------------------
# Video
# --------------------------------------------------------------------------------------------


def make_video(
    seconds: float = 2.0,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    *,
    with_audio: bool = True,
) -> bytes:
    """A small H.264/AAC MP4 (``+faststart``) with a moving test pattern and a tone."""
    args = ["-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate={fps}:duration={seconds}"]
    if with_audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    args += [
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-t", str(seconds), "-f", "mp4",
    ]  # fmt: skip
    return _run_ffmpeg(args, stdin=None, output_suffix=".mp4")


# --------------------------------------------------------------------------------------------
# Footage: phone-like clips and broken ones, written to files
# --------------------------------------------------------------------------------------------

ClipCodec = Literal["h264", "hevc", "vp9"]
HdrTransfer = Literal["pq", "hlg"]

_CLIP_ENCODERS: dict[str, list[str]] = {
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
    "vp9": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"],
}
_TRANSFERS = {"pq": "smpte2084", "hlg": "arib-std-b67"}


def _clip_args(
    codec: ClipCodec,
    hdr: HdrTransfer | None,
    fps: float,
    gop: int | None,
    filters: str = "",
    preset: str = "ultrafast",
) -> list[str]:
    args = list(_CLIP_ENCODERS[codec])
    if "-preset" in args:
        args[args.index("-preset") + 1] = preset
    chain = [filters] if filters else []
    if hdr is not None:
        tags = f"color_primaries=bt2020:color_trc={_TRANSFERS[hdr]}:colorspace=bt2020nc"
        chain.append(f"format=yuv420p10le,setparams={tags}:range=tv")
    if chain:
        args += ["-vf", ",".join(chain)]
    if hdr is not None:
        if codec == "hevc":
            args += ["-tag:v", "hvc1"]  # what iPhones write
    elif codec == "hevc":
        args += ["-pix_fmt", "yuv420p"]
    args += ["-g", str(gop or max(1, round(fps)))]
    return args


def _with_rotation(path: Path, rotation: int, *, tag_only: bool = False) -> None:
    """Give a file a display matrix (or only an old `rotate` tag): clockwise degrees."""
    if rotation == 0:
        return
    staged = path.with_name(f"unrotated-{path.name}")
    path.replace(staged)
    base = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    if tag_only:
        command = [*base, "-i", str(staged), "-c", "copy", "-metadata:s:v:0", f"rotate={rotation}"]
    else:
        # ffmpeg's display rotation is counter-clockwise: a portrait iPhone clip reads -90.
        command = [*base, "-display_rotation", str(-rotation), "-i", str(staged), "-c", "copy"]
    done = subprocess.run([*command, str(path)], capture_output=True, check=False)
    staged.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')}")


def make_clip(
    path: Path,
    seconds: float = 2.0,
    width: int = 320,
    height: int = 240,
    fps: float = 25,
    *,
    codec: ClipCodec = "h264",
    audio: bool = False,
    rotation: int = 0,
    rotation_tag_only: bool = False,
    hdr: HdrTransfer | None = None,
    source: str = "testsrc2",
    gop: int | None = None,
    filters: str = "",
    preset: str = "ultrafast",
) -> Path:
    """A clip of lavfi's `source` (moving by default); the container follows the suffix.

    `rotation` (clockwise degrees) is written as a display matrix, as phones do, or only as a
    `rotate` tag; `hdr` tags 10-bit BT.2020 with PQ or HLG (the pixels stay a test pattern);
    `filters` (an ffmpeg chain) shape the picture before it is encoded.
    """
    joint = ":" if "=" in source else "="
    lavfi = f"{source}{joint}size={width}x{height}:rate={fps}:duration={seconds}"
    args = ["-f", "lavfi", "-i", lavfi]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=660:duration={seconds}"]
        args += ["-c:a", "libopus" if path.suffix == ".webm" else "aac", "-ac", "2"]
    args += [*_clip_args(codec, hdr, fps, gop, filters, preset), "-t", str(seconds)]
    if path.suffix in (".mp4", ".mov", ".m4v"):
        args += ["-movflags", "+faststart"]
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')}")
    _with_rotation(path, rotation, tag_only=rotation_tag_only)
    return path


def write_clip(
    path: Path,
    frames: list[npt.NDArray[np.uint8]],
    fps: float,
    *,
    codec: ClipCodec = "h264",
    hdr: HdrTransfer | None = None,
    rotation: int = 0,
    rotation_tag_only: bool = False,
) -> Path:
    """A clip of the given RGB frames (all one size) at `fps`."""
    height, width = frames[0].shape[:2]
    raw = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps)]
    args = [*raw, "-i", "pipe:0", *_clip_args(codec, hdr, fps, None)]
    if path.suffix in (".mp4", ".mov", ".m4v"):
        args += ["-movflags", "+faststart"]
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)]
    data = b"".join(frame.tobytes() for frame in frames)
    done = subprocess.run(command, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')}")
    _with_rotation(path, rotation, tag_only=rotation_tag_only)
    return path


def make_vfr_clip(path: Path, width: int = 320, height: int = 240) -> Path:
    """An H.264 MP4 whose frames come 30 a second for one second, then 15 a second for two."""
    timing = "settb=1/1000,setpts='if(lt(N,30),N*1000/30,1000+(N-30)*1000/15)'"
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30", "-frames:v", "60"]
    args += ["-vf", timing, "-fps_mode", "passthrough", *_CLIP_ENCODERS["h264"]]
    args += ["-video_track_timescale", "1000", "-movflags", "+faststart"]
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')}")
    return path


def make_gif(path: Path, seconds: float = 1.5, width: int = 160, height: int = 120) -> Path:
    """An animated GIF (10 frames a second) of a moving test pattern."""
    source = f"testsrc2=size={width}x{height}:rate=10:duration={seconds}"
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
    done = subprocess.run([*command, "-i", source, str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.decode(errors='replace')}")
    return path


def cut_short(source: Path, target: Path, keep: float = 1 / 3) -> Path:
    """A copy of `source` with only its first `keep` of bytes: a download that stopped early."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
