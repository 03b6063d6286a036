"""Benchmarks of the disk paths: one autosave (in-process) and the export command (whole process).

- Saving: `ReviewStore.save` of the large review, which is exactly what the review screen's autosave
  calls, in three data folders holding 1, 100 and 1,000 other reviews. Before each save one answer is
  changed (not timed), so every save writes a real change. The three folders take turns, save by save.
- Export: `intervention-workbook --data-dir <1,000 reviews> export <large review id> --format markdown|html
  --output FILE --force`, timed from outside the process (start to exit), the two formats in turn.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stats import Figure, goal_max, info, median, paired_ratios, percentile

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.factories import paragraph  # noqa: E402
from workbook.progress import review_progress  # noqa: E402
from workbook.prompts import load_prompts  # noqa: E402
from workbook.store import ReviewStore  # noqa: E402

WORKBOOK = str(Path(sys.executable).parent / "intervention-workbook")


Result = tuple[list[Figure], dict[str, Any]]


def saving(folders: dict[int, tuple[Path, str]], rounds: int, warmup: int, log: Callable[[str], None]) -> Result:
    """Time `ReviewStore.save` of the large review with `n` other reviews stored; `folders` maps n to (folder, review id)."""
    prompts = load_prompts()
    rng = random.Random(7)
    stores = {n: ReviewStore(folder, progress=lambda review: review_progress(review, prompts)) for n, (folder, _) in folders.items()}
    times: dict[int, list[float]] = {n: [] for n in folders}
    try:
        reviews = {n: store.load(folders[n][1]) for n, store in stores.items()}
        writer = reviews[min(folders)].members[0].id
        texts = [paragraph(rng, rng.randint(150, 400)) for _ in range(16)]
        order = sorted(folders)
        for number in range(warmup + rounds):
            turn = order[number % len(order):] + order[: number % len(order)]
            for n in turn:
                review = reviews[n]
                review.set_answer("cause-people", "supposed", writer, texts[number % len(texts)] + f" ({number})")
                started = time.perf_counter()
                stores[n].save(review)
                elapsed = (time.perf_counter() - started) * 1000
                if number >= warmup:
                    times[n].append(elapsed)
        for n, store in stores.items():
            store.release(reviews[n])
    finally:
        for store in stores.values():
            store.close()
    low, high = min(folders), max(folders)
    ratios = paired_ratios(times[high], times[low])
    size = (folders[low][0] / "reviews" / f"{folders[low][1]}.json").stat().st_size
    log("  saving: " + ", ".join(f"{n} others median {median(t):.2f} ms p95 {percentile(t, 95):.2f} ms" for n, t in times.items()))
    figures: list[Figure] = []
    for n in sorted(folders):
        detail = {"p95": percentile(times[n], 95), "max": max(times[n]), "saves": len(times[n]), "review_bytes": size}
        figures.append(info(f"save.{n}.ms", f"Autosave, {n:,} other review{'s' if n != 1 else ''}: median", median(times[n]), "ms", detail))
    label = f"Autosave: {high:,} others / {low} other (paired, median)"
    figures.append(goal_max("save.ratio", label, median(ratios), "x", 1.2, {"pairs": ratios}))
    figures.append(goal_max("save.p95", f"Autosave, {high:,} others: p95", percentile(times[high], 95), "ms", 20, strict=True))
    return figures, {"save_ms": {str(n): t for n, t in times.items()}}


def run_export(data: Path, review_id: str, fmt: str, output: Path, env: dict[str, str]) -> float:
    """One whole export command; returns seconds from start to exit."""
    argv = [WORKBOOK, "--data-dir", str(data), "export", review_id, "--format", fmt, "--output", str(output), "--force"]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"export failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def exporting(data: Path, review_id: str, runs: int, warmup: int, log: Callable[[str], None], env: dict[str, str]) -> Result:
    """Markdown and HTML export of the large review through the command line, the formats in turn."""
    times: dict[str, list[float]] = {"markdown": [], "html": []}
    floor: list[float] = []
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="wb-export-") as scratch:
        for number in range(warmup + runs):
            for fmt in ("markdown", "html") if number % 2 == 0 else ("html", "markdown"):
                output = Path(scratch) / f"summary.{fmt}"
                elapsed = run_export(data, review_id, fmt, output, env)
                sizes[fmt] = output.stat().st_size
                if number >= warmup:
                    times[fmt].append(elapsed)
            started = time.perf_counter()
            subprocess.run([WORKBOOK, "--version"], check=True, capture_output=True, env=env)
            if number >= warmup:
                floor.append(time.perf_counter() - started)
    log("  export: " + ", ".join(f"{fmt} median {median(t):.3f} s" for fmt, t in times.items()))
    figures = [
        goal_max(f"export.{fmt}.s", f"Export {label} of the large review (whole CLI process)", median(times[fmt]), "s", 0.5,
                 {"runs": times[fmt], "output_bytes": sizes[fmt]}, strict=True)
        for fmt, label in (("markdown", "Markdown"), ("html", "HTML"))
    ]
    figures.append(info("export.floor.s", "For scale: intervention-workbook --version", median(floor), "s", {"runs": floor}))
    return figures, {"export_s": times, "version_s": floor}
