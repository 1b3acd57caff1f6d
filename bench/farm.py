"""Render farm benchmark: the same render through the queue vs in the bot's own worker process,
and how long a dead worker's render takes to run again elsewhere (not a test).

    python bench/farm.py                  # 3 rounds of a 24 s 720p render, lost after 10 s
    python bench/farm.py --rounds 1 --lost-after 30

Starts its own redis-server (Debian's) on a free port and real `python -m bot worker`
processes. Every render starts cold (no cached segments), so both sides do the same work.
Prints one line per round, then key=value pairs to track over time.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.farm.client import connect_farm  # noqa: E402
from bot.media.fonts import caption_font_path  # noqa: E402
from bot.media.video_renderer import WorkerRenderer  # noqa: E402
from bot.studio.timeline import Motion, Shot, Timeline  # noqa: E402
from storage.media_files import MediaFiles  # noqa: E402
from tests.media.helpers import make_still  # noqa: E402
from tests.support.redis_server import (  # noqa: E402
    RedisServer,
    WorkerProcess,
    farm_environment,
    wait_for_workers,
)

OPTIONS = {
    "preset": "veryfast",
    "crf": 23,
    "max_bitrate_kbps": None,
    "max_bytes": None,
    "loudness_lufs": -14.0,
}
COLOURS = [
    (200, 40, 40),
    (40, 160, 60),
    (40, 60, 200),
    (200, 180, 40),
    (120, 40, 160),
    (30, 30, 30),
]


def make_timeline(media: MediaFiles, folder: Path, seconds: float) -> Timeline:
    """Six stored stills with Ken Burns moves over `seconds` at 720p."""
    paths = []
    for index, colour in enumerate(COLOURS):
        still = folder / f"still{index}.jpg"
        make_still(still, colour, (1600, 1200))
        paths.append(media.path_for(media.put_file(still, "jpg"), "jpg"))
    each = seconds / len(paths)
    motions = list(Motion)
    return Timeline(
        width=1280,
        height=720,
        fps=30,
        shots=tuple(
            Shot(str(p), i * each, each, caption=f"Cảnh {i + 1}", motion=motions[i % 6])
            for i, p in enumerate(paths)
        ),
        title="Bench",
        font_path=str(caption_font_path()),
    )


async def _ignore(fraction: float) -> None:
    return None


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=24.0)
    parser.add_argument("--lost-after", type=float, default=10.0)
    arguments = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-farm-"))
    data = base / "data"
    media = MediaFiles(data / "media")
    server = RedisServer(base / "redis")
    server.start()
    workers = [
        WorkerProcess(farm_environment(server.url, data), base / f"worker{n}.log") for n in (1, 2)
    ]
    try:
        await wait_for_workers(server, 2)
        timeline = make_timeline(media, base, arguments.seconds)
        here = WorkerRenderer("veryfast", 23, segment_dir=base / "segments-here")
        farm, watch = connect_farm(
            server.url, media.root, caption_font_path(), OPTIONS, arguments.lost_after
        )
        ratios = []
        for round_number in range(1, arguments.rounds + 1):
            shutil.rmtree(base / "segments-here", ignore_errors=True)
            started = time.monotonic()
            await here.render(timeline, media.scratch_path(".mp4"), _ignore, asyncio.Event())
            local = time.monotonic() - started
            shutil.rmtree(media.root / "segments", ignore_errors=True)
            await server_forget(server)
            started = time.monotonic()
            await farm.render(timeline, media.scratch_path(".mp4"), _ignore, asyncio.Event())
            queued = time.monotonic() - started
            ratios.append(queued / local)
            print(
                f"round {round_number}: in-process {local:.2f} s, through the farm {queued:.2f} s, "
                f"ratio {queued / local:.3f}"
            )
        takeover = await worker_death(server, farm, media, timeline, workers)
        await watch.stop()
        ratio = statistics.median(ratios)
        print(
            f"farm/in-process wall time: {ratio:.3f} (target <= 1.1); a dead worker's render "
            f"ran again elsewhere {takeover:.1f} s after the SIGKILL "
            f"(FARM_LOST_AFTER_SECONDS={arguments.lost_after:g})"
        )
        print(
            f"farm_ratio={ratio:.3f} takeover_seconds={takeover:.1f} "
            f"lost_after={arguments.lost_after:g} video_seconds={arguments.seconds:g}"
        )
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


async def server_forget(server: RedisServer) -> None:
    """Drop the board's records, so the same timeline renders afresh instead of being reused."""
    client = server.client()
    for key in client.scan_iter("pocket-director:render:*"):
        client.delete(key)
    client.close()


async def worker_death(
    server: RedisServer,
    farm: object,
    media: MediaFiles,
    timeline: Timeline,
    workers: list[WorkerProcess],
) -> float:
    """Kill the worker of a running render; seconds until another worker has it running."""
    from bot.farm.client import FarmRenderer

    assert isinstance(farm, FarmRenderer)
    shutil.rmtree(media.root / "segments", ignore_errors=True)
    await server_forget(server)
    render = asyncio.create_task(
        farm.render(timeline, media.scratch_path(".mp4"), _ignore, asyncio.Event())
    )
    client = server.client()
    try:
        while True:
            found = [client.hgetall(k) for k in client.scan_iter("pocket-director:render:*")]
            running = [r for r in found if r.get("state") == "running"]
            if running and float(running[0].get("progress", 0)) > 0.1:
                break
            await asyncio.sleep(0.02)
        victim_name = str(running[0]["worker"])
        victim = next(w for w in workers if victim_name.endswith(f".{w.pid}"))
        victim.kill()
        killed = time.monotonic()
        while True:
            found = [client.hgetall(k) for k in client.scan_iter("pocket-director:render:*")]
            if any(r.get("state") == "running" and r.get("worker") != victim_name for r in found):
                takeover = time.monotonic() - killed
                break
            await asyncio.sleep(0.02)
        await render
        return takeover
    finally:
        client.close()


if __name__ == "__main__":
    asyncio.run(main())
