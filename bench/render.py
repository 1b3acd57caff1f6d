"""Renderer benchmark: ours vs the naive moviepy recipe vs the encoder alone (not a test).

    python bench/render.py            # the full run (about 10 minutes on 2 cores)
    python bench/render.py --quick    # smaller projects, a couple of minutes
    python bench/render.py --skip-naive  # without the moviepy baseline (the bench extra)
    python bench/render.py --footage  # only the footage variant (1080p H.264 clips into 720p)

Each variant runs in a child process (`--variant`) while this process samples the resident
memory of the child and all its descendants (ffmpeg included) from /proc. Prints a table and,
last, one line of key=value pairs to track over time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.render_variants import MOVIEPY_MISSING, VARIANTS, moviepy_installed  # noqa: E402
from bot.media.beats import analyse_song  # noqa: E402
from bot.studio.timeline import Fit, Timeline  # noqa: E402
from bot.studio.timing import ShotSource, build_timeline, default_motion, default_transition  # noqa: E402
from tests.support.synthetic_media import make_clip, make_photo, make_song  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
CAPTIONS = ["Vịnh Hạ Long lúc bình minh", "Hội An về đêm, đèn lồng rực rỡ", "Sapa mùa lúa chín"]


def project(
    folder: Path, scenes: int, seconds: float, size: tuple[int, int], fps: int = 30
) -> Timeline:
    """A synthetic project: distinct stills (landscape and portrait), captions, a 120 BPM song."""
    folder.mkdir(parents=True, exist_ok=True)
    song = folder / "song.mp3"
    if not song.exists():
        make_song(song, seconds + 1.0, 120.0, "mp3")
    sources = []
    for index in range(scenes):
        still = folder / f"still{index}.jpg"
        if not still.exists():
            w, h = (1600, 1200) if index % 3 else (1200, 1600)
            still.write_bytes(make_photo(w, h, seed=index))
        sources.append(
            ShotSource(
                str(still),
                CAPTIONS[index % 3] if index % 2 else "",
                default_motion(index + 1),
                default_transition(index + 1),
                fit=Fit.CONTAIN if index % 7 == 3 else Fit.COVER,
            )
        )
    analysis = analyse_song(song)
    return build_timeline(
        sources,
        width=size[0],
        height=size[1],
        fps=fps,
        title="Việt Nam",
        audio_path=str(song),
        song_seconds=seconds,
        seconds_without_song=4.0,
        beats=analysis.beats,
    )


def footage_project(
    folder: Path, clips: int, scenes: int, scene_seconds: float, size: tuple[int, int]
) -> Timeline:
    """Footage scenes of 1080p H.264 clips (made here, 8 s each), reused in turn, on a song.

    The clips are encoded as phones do (High profile with B-frames, a key frame a second), each
    in its own colours; each scene starts its clip at a different second, so trims, seeks and
    slow-downs (a late start leaves less than the scene needs) all occur.
    """
    clip_folder = folder.parent / "clips"
    clip_folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(clips):
        clip = clip_folder / f"clip{index}.mp4"
        if not clip.exists():
            make_clip(
                clip, 8.0, 1920, 1080, 30, gop=30, preset="veryfast", filters=f"hue=h={36 * index}"
            )
        paths.append(clip)
    timeline = project(folder, scenes, scenes * scene_seconds, size)
    shots = tuple(
        dataclasses.replace(
            shot, clip_path=str(paths[index % clips]), clip_start=float((index * 3) % 7)
        )
        for index, shot in enumerate(timeline.shots)
    )
    return dataclasses.replace(timeline, shots=shots)


def run_variant(
    variant: str, timeline: Timeline, folder: Path, **options: object
) -> dict[str, float]:
    """Run one variant in a child process; its report plus the tree's peak RSS (MiB)."""
    spec = folder / f"{variant}-{time.monotonic_ns()}.pickle"
    spec.write_bytes(pickle.dumps((timeline, options)))
    child = subprocess.Popen(
        [sys.executable, __file__, "--variant", variant, str(spec)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(child.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"variant {variant} failed")
    report: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    report["rss_mib"] = peak[0] / 2**20
    return report


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller projects")
    parser.add_argument("--seconds", type=float, help="length of the speed project")
    parser.add_argument("--scenes", type=int, help="scenes of the speed project")
    parser.add_argument("--long-seconds", type=float, help="length of the long 1080p project")
    parser.add_argument("--skip-naive", action="store_true", help="skip the moviepy recipe")
    parser.add_argument("--footage", action="store_true", help="only the footage variant")
    parser.add_argument("--work", type=Path, help="folder for media (default: a temp folder)")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("spec", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        timeline, options = pickle.loads(args.spec.read_bytes())
        print(json.dumps(VARIANTS[args.variant](timeline, args.spec.parent, **options)))
        return
    if not (args.skip_naive or args.footage) and not moviepy_installed():
        raise SystemExit(MOVIEPY_MISSING)
    quick = args.quick
    seconds = args.seconds or (20.0 if quick else 60.0)
    scenes = args.scenes or (4 if quick else 12)
    long_seconds = args.long_seconds or (60.0 if quick else 180.0)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        if args.footage:
            rows, summary = footage_report(work, quick)
            print_table(rows)
            print("\ntargets: footage_vs_ceiling >= 0.5, footage_rss_ratio <= 1.2")
            print(" ".join(f"{key}={value:.3f}" for key, value in summary.items()))
            return
        report(work, args.quick, seconds, scenes, long_seconds, args.skip_naive)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def report(
    work: Path, quick: bool, seconds: float, scenes: int, long_seconds: float, skip_naive: bool
) -> None:
    """Render every project, print the table and the summary line."""
    rows: list[tuple[str, dict[str, float]]] = []

    speed = project(work / "speed", scenes, seconds, (1280, 720))
    ours = run_variant("ours", speed, work, cache=str(work / "cache-speed"))
    ceiling = run_variant("ceiling", speed, work)
    rows += [("ours 720p", ours), ("encoder ceiling", ceiling)]
    naive = None
    if not skip_naive:
        naive = run_variant("naive", speed, work)
        rows.append(("naive moviepy", naive))

    edit = project(work / "edit", 20, 40.0 if quick else 60.0, (1280, 720))
    full = run_variant("ours", edit, work, cache=str(work / "cache-edit"))
    changed = list(edit.shots)
    changed[10] = dataclasses.replace(changed[10], image_path=str(work / "speed" / "still0.jpg"))
    again = run_variant(
        "ours",
        dataclasses.replace(edit, shots=tuple(changed)),
        work,
        cache=str(work / "cache-edit"),
    )
    rows += [("20 scenes, full", full), ("20 scenes, 1 changed", again)]

    short_shots = 4 if not quick else 2
    small = project(work / "short", short_shots, 20.0 if not quick else 10.0, (1920, 1080))
    large = project(work / "long", 40 if not quick else 12, long_seconds, (1920, 1080))
    small_run = run_variant("ours", small, work, cache=str(work / "cache-short"))
    large_run = run_variant("ours", large, work, cache=str(work / "cache-long"))
    rows += [
        (f"1080p {small.duration:.0f} s", small_run),
        (f"1080p {large.duration:.0f} s", large_run),
    ]

    footage_rows, footage_summary = footage_report(work, quick)
    print_table(rows + footage_rows)
    fps = {name: row["frames"] / row["seconds"] for name, row in rows}
    nan = float("nan")
    ours_fps, ceiling_fps = fps["ours 720p"], fps["encoder ceiling"]
    naive_fps = fps["naive moviepy"] if naive else nan
    summary = {
        "ours_fps": ours_fps,
        "ceiling_fps": ceiling_fps,
        "naive_fps": naive_fps,
        "ours_vs_ceiling": ours_fps / ceiling_fps,
        "ours_vs_naive": ours_fps / naive_fps,
        "rerender_ratio": again["seconds"] / full["seconds"],
        "rss_ratio": large_run["rss_mib"] / small_run["rss_mib"],
        "ours_rss_mib": ours["rss_mib"],
        "naive_rss_mib": naive["rss_mib"] if naive else nan,
    }
    # The names for the same four ratios, so either can be tracked.
    summary |= {
        "ceiling_ratio": summary["ours_vs_ceiling"],
        "naive_speedup": summary["ours_vs_naive"],
        "incremental_ratio": summary["rerender_ratio"],
        "memory_growth": summary["rss_ratio"],
    }
    summary |= footage_summary
    print(
        "\ntargets: ours_vs_ceiling >= 0.6, ours_vs_naive >= 6, rerender_ratio <= 0.15, "
        "rss_ratio <= 1.2, footage_vs_ceiling >= 0.5, footage_rss_ratio <= 1.2"
    )
    print(" ".join(f"{key}={value:.3f}" for key, value in summary.items()))


def footage_report(
    work: Path, quick: bool
) -> tuple[list[tuple[str, dict[str, float]]], dict[str, float]]:
    """10 footage scenes of 1080p clips into 720p against the encoder alone; 5 vs 20 scenes."""
    scene_seconds = 3.0 if quick else 6.0
    speed = footage_project(work / "footage-speed", 10, 10, scene_seconds, (1280, 720))
    ours = run_variant("ours", speed, work, cache=str(work / "cache-footage-speed"))
    ceiling = run_variant("ceiling", speed, work)
    few = footage_project(work / "footage-few", 10, 5, 3.0, (1280, 720))
    many = footage_project(work / "footage-many", 10, 20, 3.0, (1280, 720))
    few_run = run_variant("ours", few, work, cache=str(work / "cache-footage-few"))
    many_run = run_variant("ours", many, work, cache=str(work / "cache-footage-many"))
    rows = [
        ("footage 10 x 1080p", ours),
        ("footage ceiling", ceiling),
        ("footage 5 scenes", few_run),
        ("footage 20 scenes", many_run),
    ]
    fps = {name: row["frames"] / row["seconds"] for name, row in rows}
    cpu = {name: row["frames"] / row["cpu_seconds"] for name, row in rows}
    summary = {
        "footage_fps": fps["footage 10 x 1080p"],
        "footage_ceiling_fps": fps["footage ceiling"],
        "footage_vs_ceiling": fps["footage 10 x 1080p"] / fps["footage ceiling"],
        # Frames per CPU second against the encoder's: the same ratio, free of the neighbours.
        "footage_cpu_vs_ceiling": cpu["footage 10 x 1080p"] / cpu["footage ceiling"],
        "footage_rss_ratio": many_run["rss_mib"] / few_run["rss_mib"],
        "footage_rss_mib": many_run["rss_mib"],
    }
    return rows, summary


def print_table(rows: list[tuple[str, dict[str, float]]]) -> None:
    """One line per run: wall time, frames, speed and the tree's peak memory."""
    print(
        f"\n{'variant':<22}{'wall s':>8}{'frames':>8}{'fps':>8}{'x realtime':>12}"
        f"{'peak RSS MiB':>14}{'encoded':>9}{'CPU s':>8}"
    )
    for name, row in rows:
        wall = row["seconds"]
        print(
            f"{name:<22}{wall:>8.1f}{row['frames']:>8.0f}{row['frames'] / wall:>8.1f}"
            f"{row['video_seconds'] / wall:>12.2f}{row['rss_mib']:>14.0f}"
            f"{row.get('encoded', '-'):>9}{row.get('cpu_seconds', float('nan')):>8.1f}"
        )


if __name__ == "__main__":
    main()
