"""Build the benchmark data folders from the project's own model and store.

Every review is a `workbook.model.Review` saved through `workbook.store.ReviewStore`, exactly as the app
saves it, with sentence-level text from `tests.factories` (varied, not one repeated character).

Folders made under the target directory (default: benchmarks/results/data, git-ignored):

    fresh/         an empty workbook whose settings say the welcome page was already seen
    store-1000/    1,000 reviews: the large review plus 999 everyday reviews of varied size
    others-1/      the large review plus 1 other review
    others-100/    the large review plus 100 others
    others-1000/   the large review plus 1,000 others (a copy of store-1000 plus one more)

The large review is `tests.factories.large_review(people=20, timeline=200, writers=6, answer_kb=50)`,
given a hex id (the store only accepts those) and opened on a step of long-text questions.

Usage: python benchmarks/generate.py [--out DIR] [--force]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.factories import RELATIONSHIPS, answer, large_review  # noqa: E402
from workbook.model import Review  # noqa: E402
from workbook.progress import review_progress  # noqa: E402
from workbook.prompts import Prompts, load_prompts  # noqa: E402
from workbook.store import ReviewStore  # noqa: E402

VERSION = 2
"""Bump when the generated data changes, so cached folders are rebuilt."""
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "data"
LARGE_STEP = "cause-people"
"""The step the large review opens on: a choice question, then long-text answers (TextAreas)."""
LARGE_WRITER = "writer-0"
STAMP = "benchmark-data.json"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def the_large_review() -> Review:
    """The very large review: 20 people, 200 timeline entries, 6 writers, about 50 KB of answers."""
    review = large_review(people=20, timeline=200, writers=6, answer_kb=50, seed=0)
    review.title = "Looking back at the long weekend (large review)"
    answer(review, "what-happened", "date", LARGE_WRITER, "2024-03-09")
    review.last_step = LARGE_STEP
    review.last_writer = LARGE_WRITER
    return review


def everyday_review(seed: int) -> Review:
    """One of the many ordinary reviews: from a few answers to a fairly full review."""
    rng = random.Random(seed)
    review = large_review(people=rng.randint(0, 8), timeline=rng.randint(0, 40), writers=rng.randint(1, 4),
                          answer_kb=rng.randint(1, 15), seed=seed + 1)
    month, year = rng.randrange(12), rng.randint(2015, 2026)
    review.title = f"{MONTHS[month]} {year}: talking with my {rng.choice(RELATIONSHIPS)} (#{seed})"
    if rng.random() < 0.8:  # most families give the date; the list shows "not given yet" for the rest
        answer(review, "what-happened", "date", review.members[0].id, f"{year}-{month + 1:02d}-{rng.randint(1, 28):02d}")
    return review


def add(store: ReviewStore, review: Review) -> str:
    """Store a finished review as the app does (create, then save and record its summary, then close); returns its id."""
    review.id = store.create(review.title).id
    store.release(review)
    return review.id


def fill(folder: Path, count: int, prompts: Prompts, *, large: bool = True, first_seed: int = 0) -> str:
    """Put the large review (if asked) and `count` everyday reviews into a data folder; returns the large review's id."""
    store = ReviewStore(folder, progress=lambda r: review_progress(r, prompts))
    large_id = ""
    try:
        if large:
            large_id = add(store, the_large_review())
        for seed in range(first_seed, first_seed + count):
            add(store, everyday_review(seed))
        store.set_setting("welcome_seen", True)
    finally:
        store.close()
    return large_id


def read_stamp(folder: Path) -> dict[str, object] | None:
    """What generate() recorded about a folder, or None if it is missing or from another generator version."""
    try:
        stamp = json.loads((folder / STAMP).read_text())
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) and stamp.get("version") == VERSION else None


def write_stamp(folder: Path, seconds: float, large_id: str) -> None:
    (folder / STAMP).write_text(json.dumps({"version": VERSION, "seconds": round(seconds, 2), "large_id": large_id}))


def generate(out: Path = DEFAULT_OUT, *, force: bool = False, log: bool = True) -> dict[str, Path]:
    """Make (or reuse) every data folder; returns name -> folder."""
    prompts = load_prompts()
    folders = {name: out / name for name in ("fresh", "store-1000", "others-1", "others-100", "others-1000")}
    plans = {"fresh": (0, False), "others-1": (1, True), "others-100": (100, True), "store-1000": (999, True)}
    for name, (count, large) in plans.items():
        folder = folders[name]
        if read_stamp(folder) and not force:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        large_id = fill(folder, count, prompts, large=large)
        write_stamp(folder, time.perf_counter() - started, large_id)
        if log:
            print(f"  generated {name}: {count + large} reviews in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    target = folders["others-1000"]
    if force or not read_stamp(target):
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        shutil.copytree(folders["store-1000"], target)
        (target / "workbook.lock").unlink(missing_ok=True)
        fill(target, 1, prompts, large=False, first_seed=999)
        write_stamp(target, time.perf_counter() - started, large_id_of(folders["store-1000"]))
    return folders


def large_id_of(folder: Path) -> str:
    """The id of the large review in a generated folder."""
    stamp = read_stamp(folder)
    if not stamp or not stamp.get("large_id"):
        raise RuntimeError(f"{folder} holds no generated large review; run benchmarks/generate.py")
    return str(stamp["large_id"])


def data_size(folder: Path) -> tuple[int, int]:
    """(number of review files, total bytes of review files) in a data folder."""
    files = list((folder / "reviews").glob("*.json")) if (folder / "reviews").is_dir() else []
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to put the folders (default {DEFAULT_OUT})")
    parser.add_argument("--force", action="store_true", help="rebuild even if the folders are up to date")
    args = parser.parse_args()
    for name, folder in generate(args.out, force=args.force).items():
        count, size = data_size(folder)
        print(f"{name:12} {count:5} reviews  {size / 1e6:7.2f} MB  {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
