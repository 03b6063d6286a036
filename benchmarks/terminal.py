"""Benchmarks in a real terminal (tmux, 120x40): start to first paint, peak memory, and keystroke latency.

Every figure for the workbook is taken beside the bare Textual app (benchmarks/bare_app.py) in the same
run, the two started in turn, so the ratio of each pair cancels most of the machine's background noise.

- Start: the clock starts just before `tmux new-session` and stops when `capture-pane` first shows the
  home screen's introduction together with the first rows of the list of reviews (or, with no reviews,
  the note saying so), or for the bare app the first item of its list. The data folders are made by
  generate.py with the welcome page already marked as seen in the settings, so both show the home
  screen. A first run ever (the welcome page, detected by its "Begin (Enter)" button) is shown for context.
- Memory: VmHWM from /proc/<pid>/status, half a second after that first paint.
- Typing: one "~" (a character on neither screen) sent with `send-keys -l` at random gaps of 50-700 ms, then
  `capture-pane` polled until one more "~" shows. The workbook is started by launch_review.py in the large
  review, the harness presses Enter in the real "Who is writing?" dialog, the cursor waits at the end
  of that writer's answer to a long-text question, and the harness presses Enter once more to start a new
  line there (so at most 80 keys always fit on one line). The review's autosave (0.4 s after an edit) is on.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stats import Figure, goal_max, info, median, paired_ratios, percentile
from tmux import PaneError, Tmux, peak_rss_kib

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
WORKBOOK = str(Path(PYTHON).parent / "intervention-workbook")
INTRO = "Looking back at an intervention"
"""The home screen's introduction; with it, either a row of the list ("3 of 8 steps") or the empty-list note."""
WELCOME_TEXT = "Begin (Enter)"
BARE_TEXT = "Bare benchmark app: item 1"
MARK = "~"
SETTLE = 0.5
"""Seconds after first paint before peak memory is read (and before quitting)."""


def _shows(*texts: str) -> Callable[[str], bool]:
    return lambda screen: all(text in screen for text in texts)


def _home(screen: str) -> bool:
    return INTRO in screen and (" steps" in screen or "no reviews yet" in screen)


def bare_argv() -> list[str]:
    return [PYTHON, str(HERE / "bare_app.py")]


def workbook_argv(data: Path) -> list[str]:
    return [WORKBOOK, "--data-dir", str(data)]


def start_once(tmux: Tmux, argv: list[str], ready: Callable[[str], bool]) -> tuple[float, int]:
    """Start a program, wait for its first paint; returns (milliseconds to first paint, peak RSS in KiB)."""
    started = time.perf_counter()
    target = tmux.start(argv, cwd=HERE.parent)
    try:
        seen = tmux.wait_for(target, ready)
        time.sleep(SETTLE)
        peak = peak_rss_kib(tmux.pid(target))
    finally:
        tmux.stop(target)
    return (seen - started) * 1000, peak


Result = tuple[list[Figure], dict[str, Any]]


def startup(tmux: Tmux, fresh: Path, store: Path, rounds: int, warmup: int, log: Callable[[str], None]) -> Result:
    """Start-to-first-paint and peak memory: the workbook (fresh folder, 1,000 reviews, first run) against the bare app."""
    runs: dict[str, list[float]] = {k: [] for k in ("bare_a", "fresh", "bare_b", "store", "welcome")}
    memory: dict[str, list[float]] = {k: [] for k in runs}
    home, bare = _home, _shows(BARE_TEXT)
    for number in range(warmup + rounds):
        with tempfile.TemporaryDirectory(prefix="wb-first-run-") as first_run:
            plan = [("bare_a", bare_argv(), bare), ("fresh", workbook_argv(fresh), home),
                    ("bare_b", bare_argv(), bare), ("store", workbook_argv(store), home),
                    ("welcome", workbook_argv(Path(first_run) / "data"), _shows(WELCOME_TEXT))]
            if number % 2:  # every other round the bare app goes second in each pair
                plan = [plan[1], plan[0], plan[3], plan[2], plan[4]]
            measured = {name: start_once(tmux, argv, ready) for name, argv, ready in plan}
        if number < warmup:
            continue
        for name, (ms, peak) in measured.items():
            runs[name].append(ms)
            memory[name].append(peak / 1024)
        log(f"  start round {number - warmup + 1}/{rounds}: " + ", ".join(f"{k} {v[0]:.0f} ms" for k, v in measured.items()))
    fresh_ratio = paired_ratios(runs["fresh"], runs["bare_a"])
    store_ratio = paired_ratios(runs["store"], runs["bare_b"])
    welcome_ratio = paired_ratios(runs["welcome"], runs["bare_a"])
    memory_ratio = paired_ratios(memory["store"], memory["bare_b"])
    bare_all = runs["bare_a"] + runs["bare_b"]
    figures = [
        info("startup.bare.ms", "Start: bare Textual app, median", median(bare_all), "ms", {"runs": bare_all}),
        info("startup.fresh.ms", "Start: workbook, fresh folder, median", median(runs["fresh"]), "ms", {"runs": runs["fresh"]}),
        goal_max("startup.fresh.ratio", "Start: fresh folder / bare (paired, median)", median(fresh_ratio), "x", 1.25,
                 {"pairs": fresh_ratio}),
        info("startup.store.ms", "Start: workbook, 1,000 reviews, median", median(runs["store"]), "ms", {"runs": runs["store"]}),
        goal_max("startup.store.ratio", "Start: 1,000 reviews / bare (paired, median)", median(store_ratio), "x", 1.25,
                 {"pairs": store_ratio}),
        info("startup.welcome.ms", "Start: very first run (welcome page), median", median(runs["welcome"]), "ms",
             {"runs": runs["welcome"], "ratio_to_bare": median(welcome_ratio)}),
        info("memory.bare.mib", "Peak memory: bare app, median", median(memory["bare_b"]), "MiB", {"runs": memory["bare_b"]}),
        info("memory.store.mib", "Peak memory: workbook, 1,000 reviews, median", median(memory["store"]), "MiB", {"runs": memory["store"]}),
        goal_max("memory.store.ratio", "Peak memory: 1,000 reviews / bare (paired)", median(memory_ratio), "x", 1.3,
                 {"pairs": memory_ratio}),
        info("memory.fresh.mib", "Peak memory: workbook, fresh folder, median", median(memory["fresh"]), "MiB", {"runs": memory["fresh"]}),
    ]
    return figures, {"start_ms": runs, "peak_mib": memory}


def type_keys(tmux: Tmux, target: str, gaps: list[float]) -> list[float]:
    """Send one MARK per gap and time each until it shows; returns milliseconds per key."""
    before = tmux.capture(target).count(MARK)
    latencies: list[float] = []

    def typed(want: int) -> Callable[[str], bool]:
        return lambda screen: screen.count(MARK) >= want

    for number, gap in enumerate(gaps, start=1):
        time.sleep(gap)
        sent = time.perf_counter()
        tmux.send(target, MARK, literal=True)
        seen = tmux.wait_for(target, typed(before + number), timeout=10, poll=0.001)
        latencies.append((seen - sent) * 1000)
    return latencies


def typing_workbook(tmux: Tmux, data: Path, review_id: str, gaps: list[float]) -> list[float]:
    """Latencies typing into the large review's answer field, with the app's autosave on."""
    with tempfile.TemporaryDirectory(prefix="wb-typing-") as scratch:
        ready = Path(scratch) / "ready"
        argv = [PYTHON, str(HERE / "launch_review.py"), "--data-dir", str(data), "--review", review_id, "--ready-file", str(ready)]
        target = tmux.start(argv, cwd=HERE.parent)
        try:
            tmux.wait_for(target, _shows("Who is writing?"))
            tmux.send(target, "Enter")  # the large review's last writer is highlighted
            deadline = time.perf_counter() + 30
            while not ready.exists():
                if time.perf_counter() > deadline or tmux.dead(target):
                    raise PaneError("the workbook never put the cursor in the answer:\n" + tmux.capture(target))
                time.sleep(0.02)
            tmux.send(target, "Enter")  # start a new line, so the keys typed stay on one line however long the answer was
            time.sleep(1.0)
            return type_keys(tmux, target, gaps)
        finally:
            tmux.stop(target)


def typing_bare(tmux: Tmux, gaps: list[float]) -> list[float]:
    target = tmux.start(bare_argv(), cwd=HERE.parent)
    try:
        tmux.wait_for(target, _shows(BARE_TEXT))
        time.sleep(1.0)
        return type_keys(tmux, target, gaps)
    finally:
        tmux.stop(target)


def typing_floor(tmux: Tmux, gaps: list[float]) -> list[float]:
    """The harness's own share: the same keys echoed by the terminal itself (`cat`), with no app in the way."""
    target = tmux.start(["cat"], cwd=HERE.parent)
    try:
        time.sleep(0.3)
        return type_keys(tmux, target, gaps)
    finally:
        tmux.stop(target, keys=("C-c",))


def typing(tmux: Tmux, data: Path, review_id: str, pairs: int, keys: int, log: Callable[[str], None], seed: int = 1) -> Result:
    """Keystroke-to-screen latency, workbook against a bare TextArea, in alternating runs with the same key gaps."""
    review_file = data / "reviews" / f"{review_id}.json"
    pristine = review_file.read_bytes()
    if keys > 80:
        raise ValueError("at most 80 keys per run: they must fit on one line of the answer field")
    rng = random.Random(seed)
    app_runs: list[list[float]] = []
    bare_runs: list[list[float]] = []
    for number in range(pairs):
        gaps = [rng.uniform(0.05, 0.7) for _ in range(keys)]
        review_file.write_bytes(pristine)  # every run starts from the same answer text
        order = ("app", "bare") if number % 2 == 0 else ("bare", "app")
        for which in order:
            if which == "app":
                app_runs.append(typing_workbook(tmux, data, review_id, gaps))
            else:
                bare_runs.append(typing_bare(tmux, gaps))
        log(f"  typing pair {number + 1}/{pairs}: workbook median {median(app_runs[-1]):.1f} ms (max {max(app_runs[-1]):.0f}), "
            f"bare median {median(bare_runs[-1]):.1f} ms (max {max(bare_runs[-1]):.0f})")
    review_file.write_bytes(pristine)
    floor = typing_floor(tmux, [rng.uniform(0.05, 0.7) for _ in range(20)])
    app_all = [x for run in app_runs for x in run]
    bare_all = [x for run in bare_runs for x in run]
    ratios = paired_ratios([median(r) for r in app_runs], [median(r) for r in bare_runs])
    figures = [
        info("typing.bare.ms", "Typing: bare TextArea, median", median(bare_all), "ms",
             {"p90": percentile(bare_all, 90), "max": max(bare_all), "run_medians": [median(r) for r in bare_runs]}),
        info("typing.app.ms", "Typing: workbook answer field, median", median(app_all), "ms",
             {"p90": percentile(app_all, 90), "max": max(app_all), "run_medians": [median(r) for r in app_runs]}),
        goal_max("typing.ratio", "Typing: workbook / bare (paired run medians)", median(ratios), "x", 1.2, {"pairs": ratios}),
        goal_max("typing.app.max", "Typing: workbook, slowest key", max(app_all), "ms", 50,
                 {"over_50": sum(x > 50 for x in app_all), "keys": len(app_all), "p90": percentile(app_all, 90)}),
        info("typing.bare.max", "Typing: bare TextArea, slowest key", max(bare_all), "ms",
             {"over_50": sum(x > 50 for x in bare_all), "keys": len(bare_all)}),
        info("typing.floor.ms", "Typing: harness floor (terminal echo, no app)", median(floor), "ms", {"max": max(floor)}),
    ]
    return figures, {"workbook_ms": app_runs, "bare_ms": bare_runs, "floor_ms": floor}
