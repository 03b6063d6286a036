"""Mutated bundles: each is either refused cleanly, or accepted and then works everywhere.

Valid bundles (the sample reviews) are changed at random places: a key dropped, a value given
another type, a list entry duplicated, a value nested deeper, a piece of text resized to just
within or just past a limit, an id swapped for another entry's or for a hostile one. Then either
`from_bundle` raises `BundleError` with a plain sentence, or the review it gives round-trips,
derives its plan, counts its progress, exports as Markdown, HTML and a bundle, and merges into a
copy without an exception. A sample of them goes through the real `import` command, which must
leave the data folder byte for byte unchanged when it refuses; and a smaller sample of accepted
reviews is opened in the app, visiting every step.

The number of examples is set by MUTATION_EXAMPLES (default 300; the figure run for issue 8 was
2,500), and the number of reviews opened in the app by MUTATION_PILOT_REVIEWS (default 8). Counts
are printed at the end of the module (run with -s to see them).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import empty_review, large_review, planned_review, sample_review
from workbook.bundle import BundleError, from_bundle, merge, to_bundle
from workbook.export import render_html, render_markdown
from workbook.limits import ID_MAX, ITEMS_MAX, NAME_MAX, TEXT_MAX, TITLE_MAX
from workbook.model import Review
from workbook.plan import plan_items, ratings, ready_check
from workbook.progress import review_progress
from workbook.prompts import load_prompts
from workbook.validate import validate_review

PROMPTS = load_prompts()
EXAMPLES = int(os.environ.get("MUTATION_EXAMPLES", "300"))
HEX = "c0ffee00c0ffee00c0ffee00c0ffee00"
COUNTS: Counter[str] = Counter()
PYTHON_WORDS = ("Traceback", "Error", "dict", " str ", "NoneType", "attribute", "RecursionError", "sequence element")


def _base(make: Callable[[], Review]) -> str:
    review = make()
    review.id = HEX
    return to_bundle(review, exported="2024-06-02T19:30:00+00:00")


BASES = [_base(make) for make in (sample_review, planned_review, empty_review,
                                  lambda: large_review(people=4, timeline=12, writers=3, answer_kb=4, seed=3))]
ODD_VALUES: list[Any] = [None, 0, -1, 1.5, 10**30, True, False, "", "text", "not-sure", [], {}, ["x"], [1], {"a": "b"}, {"id": "x"},
                         float("nan"), float("inf"), -float("inf")]
HOSTILE_IDS = ["../../etc/passwd", "", "a" * (ID_MAX + 1), "a:b", "has space", "a.b", HEX.upper(), HEX[:15] + "0", HEX + "0", "é",
               "\x1b[31m"]
SIZES = [0, 1, ID_MAX, ID_MAX + 1, NAME_MAX, NAME_MAX + 1, TITLE_MAX, TITLE_MAX + 1, TEXT_MAX, TEXT_MAX + 1]
FILLERS = "xé\u202e\x1b \n\ud800"


# -- mutations --------------------------------------------------------------------------------


def _spots(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in the data, so any field can be picked."""
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else ()
        for key in keys:
            found.append((node, key))
            if isinstance(node[key], dict | list):
                stack.append(node[key])
    return found


def _containers(data: Any, kind: type) -> list[Any]:
    found = [data] if isinstance(data, kind) else []
    return found + [c[k] for c, k in _spots(data) if isinstance(c[k], kind)]


def _drop(data: Any, rng: random.Random) -> str:
    parent, key = rng.choice(_spots(data))
    del parent[key]
    return "drop"


def _retype(data: Any, rng: random.Random) -> str:
    parent, key = rng.choice(_spots(data))
    parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
    return "retype"


def _duplicate(data: Any, rng: random.Random) -> str:
    lists = [items for items in _containers(data, list) if items]
    if not lists:
        return "duplicate (nothing to duplicate)"
    items = rng.choice(lists)
    items.insert(rng.randrange(len(items) + 1), copy.deepcopy(rng.choice(items)))
    return "duplicate"


def _nest(data: Any, rng: random.Random) -> str:
    parent, key = rng.choice(_spots(data))
    value = parent[key]
    for level in range(rng.choice([1, 2, 3, 30, 40])):
        value = [value] if level % 2 else {"n": value}
    parent[key] = value
    return "nest"


def _resize(data: Any, rng: random.Random) -> str:
    texts = [(c, k) for c, k in _spots(data) if isinstance(c[k], str)]
    if not texts:
        return "resize (no text)"
    parent, key = rng.choice(texts)
    parent[key] = rng.choice(FILLERS) * rng.choice(SIZES)
    return "resize"


def _swap_id(data: Any, rng: random.Random) -> str:
    ids = [(c, k) for c, k in _spots(data) if k == "id" and isinstance(c, dict)]
    if not ids:
        return "swap id (no ids)"
    parent, key = rng.choice(ids)
    others = [c[k] for c, k in ids if c[k] != parent[key]]
    parent[key] = rng.choice(others) if others and rng.random() < 0.6 else rng.choice(HOSTILE_IDS)
    return "swap id"


def _rename_key(data: Any, rng: random.Random) -> str:
    dicts = [d for d in _containers(data, dict) if d]
    target = rng.choice(dicts)
    old = rng.choice(list(target))
    target[rng.choice(["zz-unknown", "../x", "a.b", "", old.upper(), "maria"])] = target.pop(old)
    return "rename key"


def _grow(data: Any, rng: random.Random) -> str:
    lists = [items for items in _containers(data, list) if items]
    if not lists:
        return "grow (no list)"
    items = rng.choice(lists)
    items.extend(copy.deepcopy(items[0]) for _ in range(rng.choice([ITEMS_MAX - len(items), ITEMS_MAX + 1 - len(items)])))
    return "grow"


MUTATIONS = [_drop, _retype, _duplicate, _nest, _resize, _swap_id, _rename_key, _retype, _swap_id, _drop, _grow]


def mutated(rng: random.Random) -> str:
    """One valid bundle with one to three random changes, as bundle text."""
    data = json.loads(rng.choice(BASES))
    for _ in range(rng.choice([1, 1, 2, 3])):
        if not _spots(data):
            break
        target = data["review"] if isinstance(data.get("review"), dict) and _spots(data["review"]) and rng.random() < 0.9 else data
        COUNTS[rng.choice(MUTATIONS)(target, rng)] += 1
    return json.dumps(data, indent=1)


# -- what an accepted review must survive -----------------------------------------------------


def exercise(review: Review) -> None:
    """Everything the app does with a review, none of which may raise."""
    data = review.to_dict()
    validate_review(data, PROMPTS)
    assert Review.from_dict(copy.deepcopy(data)).to_dict() == data
    assert from_bundle(to_bundle(review), PROMPTS).to_dict() == data
    plan_items(review, PROMPTS)
    ready_check(review, PROMPTS)
    ratings(review, PROMPTS)
    review_progress(review, PROMPTS)
    render_html(render_markdown(review, PROMPTS), f"Review: {review.title}")
    render_markdown(review, PROMPTS, initials=True)
    base = from_bundle(BASES[1], PROMPTS)
    base.id = review.id
    merge(base, review, PROMPTS)
    copy_here = Review.from_dict(copy.deepcopy(data))
    merge(copy_here, base, PROMPTS)
    merge(copy_here, Review.from_dict(copy.deepcopy(data)), PROMPTS)


def judge(text: str) -> Review | None:
    """The accepted review, or None when it was refused with a plain sentence."""
    try:
        review = from_bundle(text, PROMPTS)
    except BundleError as error:
        message = str(error)
        assert message.startswith("This ") and "\n" not in message, message
        assert not any(word in message for word in PYTHON_WORDS), message
        COUNTS["refused"] += 1
        return None
    COUNTS["accepted"] += 1
    exercise(review)
    return review


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    print(f"\nmutated bundles: {dict(sorted(COUNTS.items()))}")


@pytest.mark.timeout(max(300, EXAMPLES))  # about a quarter of a second per example; some exports are long
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_a_mutated_bundle_is_refused_cleanly_or_works_everywhere(rng: random.Random) -> None:
    COUNTS["tried"] += 1
    judge(mutated(rng))


# -- through the real import command ----------------------------------------------------------


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


def _import(folder: Path, bundle: Path) -> tuple[int, str]:
    from workbook.__main__ import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--data-dir", str(folder), "import", str(bundle)])
    return code, err.getvalue()


@settings(max_examples=max(20, EXAMPLES // 10), deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_import_of_a_mutated_bundle_writes_all_or_nothing(rng: random.Random) -> None:
    COUNTS["tried through import"] += 1
    text = mutated(rng)
    with tempfile.TemporaryDirectory() as scratch:
        folder, bundle = Path(scratch) / "data", Path(scratch) / "bundle.json"
        bundle.write_text(text)
        assert _import(folder, Path(scratch) / "seed.json")[0] == 1  # a missing file: nothing made, not even the folder
        assert not folder.exists()
        seed = Path(scratch) / "seed.json"
        seed.write_text(BASES[1])
        assert _import(folder, seed)[0] == 0
        before = _fingerprint(folder)
        code, err = _import(folder, bundle)
        if code != 0:
            COUNTS["refused by import"] += 1
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
            assert _fingerprint(folder) == before
        else:
            COUNTS["accepted by import"] += 1


# -- in the app -------------------------------------------------------------------------------

PILOT_REVIEWS = int(os.environ.get("MUTATION_PILOT_REVIEWS", "8"))
"""Each review takes 10-50 seconds (every step and every tab of the plan is drawn, and each step change saves the
review as the app always does), so the suite opens 8; the figure run for issue 8 was 30 (MUTATION_PILOT_REVIEWS=30)."""


def accepted_reviews(count: int) -> list[Review]:
    """`count` mutated reviews that were accepted, each with its own id (found by trying seeds in order)."""
    found: list[Review] = []
    seed = 0
    while len(found) < count:
        seed += 1
        try:
            review = from_bundle(mutated(random.Random(seed)), PROMPTS)
        except BundleError:
            continue
        review.id = f"{seed:032x}"
        found.append(review)
    return found


@pytest.mark.timeout(1800)
async def test_accepted_mutated_reviews_open_on_every_step_in_the_app(data_dir: Path) -> None:
    from textual.widgets import TabbedContent, TabPane

    from tests.appkit import add_writer, make_app
    from workbook.store import ReviewStore
    from workbook.ui.screens.review import ReviewScreen
    from workbook.ui.screens.writer import WriterPicker

    reviews = accepted_reviews(PILOT_REVIEWS)
    store = ReviewStore(data_dir)
    for review in reviews:
        store.release(review)
    store.close()
    app = make_app(data_dir)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        for review in reviews:
            app.open_review(review.id)
            for _ in range(20):
                await pilot.pause()
                if isinstance(app.screen, WriterPicker):
                    break
            assert isinstance(app.screen, WriterPicker), f"review {review.id} did not open: {app.screen}"
            if review.members:
                await pilot.press("enter")
            else:
                await add_writer(pilot, "Ana", "sister")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            for step in PROMPTS.steps:
                await screen.show_step(step)
                await pilot.pause()
                for tabs in screen.query(TabbedContent):  # the plan step: every tab, so each list and letter is drawn
                    for pane in tabs.query(TabPane):
                        tabs.active = pane.id or ""
                        await pilot.pause()
            COUNTS["opened in the app"] += 1
            screen.action_leave()
            await pilot.pause()
        assert app.return_code is None
    app.store.close()
