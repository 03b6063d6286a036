"""Run the workbook's performance benchmark: print a table and write the figures to benchmarks/results/latest.json.

    python benchmarks/run.py            # the full run (about 7 minutes on a 2-core machine)
    python benchmarks/run.py --quick    # fewer rounds and keys (about 2 minutes)
    python benchmarks/run.py --only startup,typing

Needs tmux on PATH and the package installed in the running Python (`pip install -e .`). The data folders
are made by benchmarks/generate.py on first use and reused after (benchmarks/results/data, git-ignored).
This is not part of the test suite: its figures depend on the machine. See docs/performance.md.
Exit code: 0 when every goal is met, 1 when any is missed, 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import io_bench  # noqa: E402
import terminal  # noqa: E402
from stats import Figure, table  # noqa: E402
from tmux import PaneError, Tmux  # noqa: E402

PARTS = ("startup", "typing", "save", "export")
"""Peak memory is measured during the start-up runs, so "startup" also gives the memory figures."""
RESULTS = HERE / "results"
SIZES = {
    # part: (quick, full)
    "start_rounds": (5, 11),
    "start_warmup": (1, 2),
    "typing_pairs": (1, 5),
    "typing_keys": (40, 50),
    "save_rounds": (40, 150),
    "export_runs": (5, 11),
}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    def first(path: str, prefix: str) -> str:
        try:
            return next(line.split(":", 1)[1].strip() for line in Path(path).read_text().splitlines() if line.startswith(prefix))
        except (OSError, StopIteration):
            return "unknown"

    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "ram_gib": round(int(mem_kib) / 1024**2, 1) if mem_kib.isdigit() else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "textual": version("textual"),
        "tinydb": version("tinydb"),
        "tmux": shutil.which("tmux") and os.popen("tmux -V").read().strip(),
        "load_average_at_start": os.getloadavg(),
    }


def child_env() -> dict[str, str]:
    """The environment for every program the benchmark starts: like an installed app, with Python's bytecode cache on.

    pip compiles .pyc files at install time. An environment with PYTHONDONTWRITEBYTECODE set (as some CI and
    sandboxes do) would make every start recompile the workbook's modules, which is not what a family runs,
    so the caches are kept under benchmarks/results/pycache (git-ignored) instead of beside the sources.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(RESULTS / "pycache")
    env["COLORTERM"] = "truecolor"
    return env


def run(parts: tuple[str, ...], quick: bool, regenerate: bool, log: Callable[[str], None]) -> tuple[list[Figure], dict[str, Any]]:
    pick = 0 if quick else 1
    size = {name: values[pick] for name, values in SIZES.items()}
    started = time.perf_counter()
    folders = generate.generate(force=regenerate)
    log(f"data ready in {time.perf_counter() - started:.1f} s")
    review_id = generate.large_id_of(folders["store-1000"])
    figures: list[Figure] = []
    raw: dict[str, Any] = {"sizes": size}
    tmux = Tmux(child_env()) if {"startup", "typing"} & set(parts) else None
    try:
        if "startup" in parts and tmux:
            log("start to first paint and peak memory ...")
            found, raw["startup"] = terminal.startup(
                tmux, folders["fresh"], folders["store-1000"], size["start_rounds"], size["start_warmup"], log)
            figures += found
        if "typing" in parts and tmux:
            log("typing ...")
            found, raw["typing"] = terminal.typing(
                tmux, folders["others-1000"], review_id, size["typing_pairs"], size["typing_keys"], log)
            figures += found
    finally:
        if tmux:
            tmux.close()
    if "save" in parts:
        log("saving ...")
        save_folders = {n: (folders[f"others-{n}"], generate.large_id_of(folders[f"others-{n}"])) for n in (1, 100, 1000)}
        found, raw["save"] = io_bench.saving(save_folders, size["save_rounds"], 5, log)
        figures += found
    if "export" in parts:
        log("export ...")
        found, raw["export"] = io_bench.exporting(folders["store-1000"], review_id, size["export_runs"], 1, log, child_env())
        figures += found
    return figures, raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and keys: a faster, rougher run")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts to run (default all: {','.join(PARTS)})")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data folders first")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="where to write the JSON (default %(default)s)")
    args = parser.parse_args()
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if ({"startup", "typing"} & set(parts)) and not shutil.which("tmux"):
        print("run.py: tmux is needed for the terminal benchmarks (apt-get install tmux).", file=sys.stderr)
        return 2

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    began = time.perf_counter()
    about = machine()
    log(f"{'quick' if args.quick else 'full'} run on {about['nproc']} x {about['cpu']}, load {about['load_average_at_start']}")
    try:
        figures, raw = run(parts, args.quick, args.regenerate, log)
    except (PaneError, RuntimeError, OSError) as error:
        print(f"run.py: the benchmark could not finish: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    about["load_average_at_end"] = os.getloadavg()
    print(table(figures))
    missed = [f for f in figures if f.passed is False]
    print(f"\n{len(figures) - len(missed) - sum(f.passed is None for f in figures)} goals met, {len(missed)} missed; "
          f"{'quick' if args.quick else 'full'} run took {seconds:.0f} s")
    record = {
        "when": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "mode": "quick" if args.quick else "full",
        "parts": parts,
        "seconds": round(seconds, 1),
        "machine": about,
        "figures": [f.to_json() for f in figures],
        "raw": raw,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(record, indent=2) + "\n")
    print(f"Figures written to {args.output}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
