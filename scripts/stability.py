#!/usr/bin/env python3
"""Measures label stability and the re-estimation speed-up (docs/STABILITY.md).

Runs the real `app` binary on the shared test clips with the Haar + SSR-Net pipeline, once with
tracking off and once per `[tracking]` variant, reads the JSON Lines it writes and prints Markdown
tables: displayed-age standard deviations of the main track, track coverage and identity on
man_and_girl.mp4, and the FPS / estimate-stage time of reestimate_interval K = 5 against K = 1.

    cargo build --release -p app
    python3 scripts/stability.py                 # stability, coverage, FPS (5 repeats)
    python3 scripts/stability.py --sweep         # also the smoothing sweep used to pick defaults
    python3 scripts/stability.py --repeats 9 --binary target/release/app

Every variant config is config/ssrnet-stable.toml with its [tracking] section replaced, so
detection and estimation settings are the same in every run. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STABLE_CONFIG = ROOT / "config" / "ssrnet-stable.toml"
# The app's closing log line, e.g. "done: 70 frames, ... 10.5 FPS; mean ms per frame: ... estimate 6.20 ..."
DONE_LINE = re.compile(r"done: (\d+) frames.*?([\d.]+) FPS; mean ms per frame:(.*)")
STAGE_MS = re.compile(r"(\w+) ([\d.]+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")



def with_key(section: str, key: str, value: str) -> str:
    """A [tracking] section with `key = value` replacing the key's line (or appended)."""
    line = f"{key} = {value}\n"
    pattern = re.compile(rf"(?m)^{re.escape(key)}\s*=.*\n")
    return pattern.sub(lambda _: line, section) if pattern.search(section) else section + line


def per_frame(stable: str, age_smoothing: str = '{ mode = "none" }') -> str:
    """The stable section estimating every frame, with this age smoothing and no gender one."""
    section = with_key(stable, "reestimate_interval", "1")
    section = with_key(section, "gender_smoothing", '{ mode = "none" }')
    return with_key(section, "age_smoothing", age_smoothing)


def shared_dir() -> Path:
    env = os.environ.get("AGENDER_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def video(name: str) -> Path:
    return shared_dir() / "testdata" / "videos" / name


def tracking_section_of(config_text: str) -> str:
    """The [tracking] section of the stable config (everything after its header)."""
    head, sep, tail = config_text.partition("\n[tracking]\n")
    if not sep:
        sys.exit(f"{STABLE_CONFIG} has no [tracking] section")
    return tail


def config_with_tracking(tracking: str | None) -> str:
    """The stable config with its [tracking] section replaced (None: tracking off)."""
    text = STABLE_CONFIG.read_text()
    head, _, _ = text.partition("\n[tracking]\n")
    body = "enabled = false\n" if tracking is None else tracking
    return f"{head}\n[tracking]\n{body}"


@dataclass
class Run:
    frames: list[dict]
    fps: float
    stage_ms: dict[str, float]


def run_app(binary: Path, tracking: str | None, clip: Path) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(config_with_tracking(tracking))
        out = Path(tmp) / "frames.jsonl"
        result = subprocess.run(
            [str(binary), "--config", str(config), "--input", str(clip), "--headless",
             "--no-output", "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "RUST_LOG": "info"},
        )
        if result.returncode != 0:
            sys.exit(f"app failed on {clip}:\n{result.stderr}")
        frames = [json.loads(line) for line in out.read_text().splitlines()]
    done = DONE_LINE.search(ANSI.sub("", result.stderr))
    if not done:
        sys.exit(f"no summary line in the app's log:\n{result.stderr}")
    stage_ms = {name: float(ms) for name, ms in STAGE_MS.findall(done.group(3))}
    return Run(frames, float(done.group(2)), stage_ms)


def displayed_age(face: dict) -> int:
    """The age in the label (`Male,32`): SSR-Net's years truncated, as the original's int()."""
    return int(face["label"].split(",")[1])


def gender_changes(faces: list[dict]) -> int:
    """How often the shown gender flips between consecutive appearances."""
    return sum(1 for a, b in zip(faces, faces[1:]) if a["gender"] != b["gender"])


def track_frames(frames: list[dict]) -> dict[int, list[tuple[int, dict]]]:
    tracks: dict[int, list[tuple[int, dict]]] = {}
    for frame in frames:
        for face in frame["faces"]:
            tracks.setdefault(face["track_id"], []).append((frame["frame"], face))
    return tracks


def main_track(frames: list[dict]) -> list[tuple[int, dict]]:
    """The faces of the track present in the most frames."""
    return max(track_frames(frames).values(), key=len)


def same_faces_untracked(untracked: list[dict], track: list[tuple[int, dict]]) -> list[dict]:
    """The tracking-off faces with the same boxes as `track` (detection does not depend on
    tracking, so each frame's boxes are identical)."""
    by_frame = {frame["frame"]: frame["faces"] for frame in untracked}
    matched = []
    for index, face in track:
        candidates = [f for f in by_frame.get(index, []) if f["box"] == face["box"]]
        if len(candidates) != 1:
            sys.exit(f"frame {index}: box {face['box']} not found once without tracking")
        matched.append(candidates[0])
    return matched


@dataclass
class Spread:
    consecutive: float  # population std of the differences between consecutive shown ages
    around_mean: float  # population std of the shown ages around their mean
    mean: float


def spread(ages: list[float]) -> Spread:
    diffs = [b - a for a, b in zip(ages, ages[1:])]
    return Spread(statistics.pstdev(diffs), statistics.pstdev(ages), statistics.fmean(ages))


def stability_table(binary: Path, variants: dict[str, str], clips: list[str]) -> None:
    print("| clip | variant | frames of main track | std of consecutive differences (years) "
          "| std around the mean (years) | mean displayed age | gender changes |")
    print("|---|---|---|---|---|---|---|")
    for clip in clips:
        untracked = run_app(binary, None, video(clip)).frames
        reference = None
        for name, tracking in variants.items():
            track = main_track(run_app(binary, tracking, video(clip)).frames)
            if reference is None:
                reference = track
                raw_faces = same_faces_untracked(untracked, track)
                raw = spread([displayed_age(f) for f in raw_faces])
                print(f"| {clip} | tracking off (raw) | {len(track)} | {raw.consecutive:.2f} "
                      f"| {raw.around_mean:.2f} | {raw.mean:.1f} | {gender_changes(raw_faces)} |")
            faces = [face for _, face in track]
            s = spread([displayed_age(face) for face in faces])
            print(f"| {clip} | {name} | {len(track)} | {s.consecutive:.2f} | {s.around_mean:.2f} "
                  f"| {s.mean:.1f} | {gender_changes(faces)} |")


def coverage_input1(binary: Path, tracking: str) -> None:
    frames = run_app(binary, tracking, video("input1.mp4")).frames
    face_frames = sum(1 for frame in frames if frame["faces"])
    tracks = track_frames(frames)
    main = max(tracks.values(), key=len)
    print(f"input1.mp4: {face_frames} frames with a face, {len(tracks)} track(s), the main one in "
          f"{len(main)} of them = {100 * len(main) / face_frames:.1f}%")


def centre_y(face: dict) -> float:
    return (face["box"][1] + face["box"][3]) / 2


def man_and_girl(binary: Path, tracking: str) -> None:
    print_people(people_of(run_app(binary, tracking, video("man_and_girl.mp4")).frames))


def people_of(frames: list[dict]) -> dict[str, list[dict]]:
    """Who is who by position: the girl sits in front of the man, lower in the picture. The
    split is halfway between the two people's mean centres over the two-face frames."""
    pairs = [sorted(f["faces"], key=centre_y) for f in frames if len(f["faces"]) == 2]
    man_y = statistics.fmean(centre_y(p[0]) for p in pairs)
    girl_y = statistics.fmean(centre_y(p[1]) for p in pairs)
    split = (man_y + girl_y) / 2
    people: dict[str, list[dict]] = {"girl": [], "man": []}
    for frame in frames:
        for face in frame["faces"]:
            people["girl" if centre_y(face) > split else "man"].append(face)
    return people


def main_ids(people: dict[str, list[dict]]) -> dict[str, int]:
    ids = {}
    for person, faces in people.items():
        tracks = [f["track_id"] for f in faces]
        ids[person] = max(set(tracks), key=tracks.count)
    return ids


def print_people(people: dict[str, list[dict]]) -> None:
    print("| person | frames | main track | frames on it | coverage | faces on the other "
          "person's track | mean displayed age of the track |")
    print("|---|---|---|---|---|---|---|")
    ids = main_ids(people)
    for person, faces in people.items():
        other = "man" if person == "girl" else "girl"
        own = [f for f in faces if f["track_id"] == ids[person]]
        swapped = sum(1 for f in people[other] if f["track_id"] == ids[person])
        mean_age = statistics.fmean(displayed_age(f) for f in own)
        print(f"| {person} | {len(faces)} | {ids[person]} | {len(own)} "
              f"| {100 * len(own) / len(faces):.1f}% | {swapped} | {mean_age:.1f} |")


def gap_sweep(binary: Path, stable: str) -> None:
    print("| max_missed_frames | input1.mp4: tracks, main track's share | man_and_girl.mp4: "
          "tracks, girl's main track's share | man's main track's share |")
    print("|---|---|---|---|")
    for frames in (15, 30, 60, 75, 90):
        section = with_key(stable, "max_missed_frames", str(frames))
        input1 = run_app(binary, section, video("input1.mp4")).frames
        main = main_track(input1)
        face_frames = sum(1 for frame in input1 if frame["faces"])
        pair = run_app(binary, section, video("man_and_girl.mp4")).frames
        people = people_of(pair)
        ids = main_ids(people)
        shares = {p: sum(1 for f in faces if f["track_id"] == ids[p]) / len(faces)
                  for p, faces in people.items()}
        print(f"| {frames} | {len(track_frames(input1))}, {100 * len(main) / face_frames:.1f}% "
              f"| {len(track_frames(pair))}, {100 * shares['girl']:.1f}% "
              f"| {100 * shares['man']:.1f}% |")


def gender_sweep(binary: Path, stable: str) -> None:
    print("| gender_smoothing (K = 1) | young_woman_closeup.mp4: gender changes of the main track "
          "| shown Female | man_and_girl.mp4: gender changes, both tracks |")
    print("|---|---|---|---|")
    for window in (0, 5, 15, 30):
        mode = f'{{ mode = "mean_score", window = {window} }}' if window else '{ mode = "none" }'
        section = with_key(per_frame(stable), "gender_smoothing", mode)
        woman = [f for _, f in main_track(run_app(binary, section,
                                                  video("young_woman_closeup.mp4")).frames)]
        female = sum(1 for f in woman if f["gender"] == "Female")
        pair = track_frames(run_app(binary, section, video("man_and_girl.mp4")).frames)
        pair_changes = sum(gender_changes([f for _, f in t]) for t in pair.values())
        print(f"| {mode} | {gender_changes(woman)} | {female} of {len(woman)} "
              f"| {pair_changes} |")


def fps_table(binary: Path, tracking: str, repeats: int) -> None:
    print("| clip | K | runs | median FPS | median estimate ms/frame | median detect ms/frame "
          "| estimated faces (of all) |")
    print("|---|---|---|---|---|---|---|")
    for clip in ["young_woman_closeup.mp4", "man_and_girl.mp4"]:
        for k in (1, 5):
            section = with_key(tracking, "reestimate_interval", str(k))
            runs = [run_app(binary, section, video(clip))
                    for _ in range(repeats)]
            faces = [f for frame in runs[0].frames for f in frame["faces"]]
            estimated = sum(1 for f in faces if not f["reused"])
            print(f"| {clip} | {k} | {repeats} | {statistics.median(r.fps for r in runs):.1f} "
                  f"| {statistics.median(r.stage_ms['estimate'] for r in runs):.2f} "
                  f"| {statistics.median(r.stage_ms['detect'] for r in runs):.2f} "
                  f"| {estimated} ({len(faces)}) |")


SWEEP = {
    "none": '{ mode = "none" }',
    "ema 0.1": '{ mode = "ema", alpha = 0.1 }',
    "ema 0.2": '{ mode = "ema", alpha = 0.2 }',
    "ema 0.3": '{ mode = "ema", alpha = 0.3 }',
    "ema 0.5": '{ mode = "ema", alpha = 0.5 }',
    "median 5": '{ mode = "median", window = 5 }',
    "median 9": '{ mode = "median", window = 9 }',
    "median 15": '{ mode = "median", window = 15 }',
    "median 25": '{ mode = "median", window = 25 }',
    "winsorised 15/0.2": '{ mode = "winsorised_mean", window = 15, trim = 0.2 }',
    "winsorised 25/0.2": '{ mode = "winsorised_mean", window = 25, trim = 0.2 }',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "app")
    parser.add_argument("--repeats", type=int, default=5, help="runs per FPS measurement")
    parser.add_argument("--sweep", action="store_true", help="also sweep the age smoothing")
    parser.add_argument("--skip-fps", action="store_true")
    args = parser.parse_args()
    if not args.binary.is_file():
        sys.exit(f"{args.binary} not found: run `cargo build --release -p app`")
    stable = tracking_section_of(STABLE_CONFIG.read_text())
    clips = ["input1.mp4", "young_woman_closeup.mp4"]

    print("## Displayed age of the main track\n")
    stability_table(args.binary, {"tracking, K = 1, smoothing none": per_frame(stable),
                                  "ssrnet-stable.toml": stable}, clips)
    if args.sweep:
        print("\n## Age smoothing sweep (tracking, K = 1, only age_smoothing changed)\n")
        stability_table(args.binary, {name: per_frame(stable, mode) for name, mode in SWEEP.items()},
                        clips)
        print("\n## Gender smoothing sweep\n")
        gender_sweep(args.binary, stable)
        print("\n## Detection-gap sweep (ssrnet-stable.toml, only max_missed_frames changed)\n")
        gap_sweep(args.binary, stable)
    print("\n## Track coverage (ssrnet-stable.toml)\n")
    coverage_input1(args.binary, stable)
    print()
    man_and_girl(args.binary, stable)
    if not args.skip_fps:
        print("\n## Re-estimation interval (ssrnet-stable.toml with reestimate_interval = K)\n")
        fps_table(args.binary, stable, args.repeats)


if __name__ == "__main__":
    main()
