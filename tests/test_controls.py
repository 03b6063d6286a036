"""Control characters coming in from outside (a bundle, a file on disk, an old index) are shown on
every screen, never passed to the terminal: the edges apply workbook/controls.py once."""

from __future__ import annotations

import json
from pathlib import Path

from workbook.bundle import from_bundle, to_bundle
from workbook.controls import show_controls, show_controls_in
from workbook.model import Review
from workbook.store import ReviewStore

HOSTILE = "Danny \x1b]0;pwned\x07 \u202eevil"
SHOWN = "Danny \u241b]0;pwned\u2407 [U+202E]evil"


def test_every_string_in_nested_data_is_shown_and_clean_data_is_not_copied() -> None:
    data = {"title": HOSTILE, "list": [HOSTILE, 3, None, {"k\x1b": "v"}], "ok": "fine"}
    assert show_controls_in(data) == {"title": SHOWN, "list": [SHOWN, 3, None, {"k\u241b": "v"}], "ok": "fine"}
    clean = {"title": "Danny", "answers": {"a": ["x", "y"]}, "n": 1}
    assert show_controls_in(clean) is clean
    assert show_controls(SHOWN) == SHOWN, "applying it twice changes nothing more"


def test_a_bundle_brings_control_characters_in_shown() -> None:
    review = Review(title=HOSTILE)
    review.add_member("Maria \x1b[2J", "mother")
    incoming = from_bundle(to_bundle(review))
    assert incoming.title == SHOWN
    assert incoming.members[0].name == "Maria \u241b[2J"


def test_a_file_on_disk_with_control_characters_opens_shown(data_dir: Path) -> None:
    store = ReviewStore(data_dir)
    review = store.create("Danny")
    store.release(review)
    path = data_dir / "reviews" / f"{review.id}.json"
    data = json.loads(path.read_text())
    data["review"]["1"]["title"] = HOSTILE
    path.write_text(json.dumps(data))
    assert store.load(review.id).title == SHOWN
    assert [s.title for s in store.summaries()] == [SHOWN]
    store.close()


def test_what_a_bundle_brings_in_fits_the_limits_once_shown() -> None:
    """Found by the mutation test: 64 C1 controls in a title fit 200 characters, but shown as "[U+0085]" they
    would make a 512-character title that no other computer could import. Shown first, then checked."""
    import pytest

    from workbook.bundle import BundleError

    review = Review(title="\x85" * 64)
    review.id = "a" * 32
    with pytest.raises(BundleError, match="title"):
        from_bundle(to_bundle(review))
    review.title = "\x85" * 20
    assert len(from_bundle(to_bundle(review)).title) == 160
