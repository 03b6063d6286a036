"""Faults from outside, seen in a real terminal at 80x24 (issue 8): a hostile title from a bundle is
shown, never run by the terminal, and a damaged review stays in the list with its backup one key away."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .termkit import TMUX, Terminal

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

REVIEW_ID = "5" * 32
STAMP = "2026-01-01T00:00:00+00:00"


def bundle(title: str, answer: str = "") -> dict[str, object]:
    review = {
        "title": title, "id": REVIEW_ID, "created": STAMP, "updated": STAMP,
        "members": [{"name": "Maria", "relationship": "mother", "id": "maria", "created": STAMP}],
        "answers": {"what-happened": {"since": {"maria": {"value": answer, "updated": STAMP}}}} if answer else {},
        "timeline": [], "people": [], "plan": {}, "last_step": "", "last_writer": "",
    }  # fmt: skip
    return {"format": "intervention-workbook-bundle", "version": 1, "exported": STAMP, "app_version": "0.1.0", "review": review}


def cli(term: Terminal, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbook", "--data-dir", str(term.data_dir), *args],
                          capture_output=True, text=True, env=term.env, cwd=term.app_root, timeout=60)


def import_bundle(term: Terminal, data: dict[str, object], name: str) -> None:
    path = term.tmp / name
    path.write_text(json.dumps(data))
    result = cli(term, "import", str(path))
    assert result.returncode == 0, result.stderr


def test_a_hostile_title_is_shown_not_run(term: Terminal) -> None:
    """ESC ] 0 ; ... BEL would set the window title and swallow the rest of the line; U+202E would reverse it."""
    import_bundle(term, bundle("Danny \x1b]0;pwned\x07 and \u202eevil words"), "hostile.json")
    term.start()
    term.wait_for("Begin (Enter)")
    term.keys("Enter")
    screen = term.wait_for_pane("and [U+202E]evil words")
    assert "\u241b]0;pwned\u2407" in screen, screen
    assert term.running()


def test_a_damaged_review_stays_listed_and_b_restores_it(term: Terminal) -> None:
    import_bundle(term, bundle("Danny"), "first.json")
    import_bundle(term, bundle("Danny", "He calls on Sundays."), "second.json")  # a change: the first copy becomes a backup
    path = term.data_dir / "reviews" / f"{REVIEW_ID}.json"
    assert (term.data_dir / "reviews" / f"{REVIEW_ID}.json.bak1").exists()
    path.write_text('{"meta": {"1": {"schema": 1}}, "review": {"1": {"title": "Danny", "members": "garbage')
    term.start()
    term.wait_for("Begin (Enter)")
    term.keys("Enter")
    term.wait_for_pane("damaged, press B")
    term.keys("Enter")  # opening it explains, and offers the backup
    term.wait_for_pane("Restore the backup")
    term.keys("Escape")  # not now: it stays in the list, marked
    term.wait_for_pane("damaged, press B")
    term.type("b")
    term.wait_for_pane("Who is writing?")
    term.keys("Escape")
    term.wait_for_pane("Your reviews")
    assert "damaged, press B" not in term.pane()
    assert term.quit() == 0
    listed = cli(term, "list")
    assert listed.returncode == 0 and "Danny" in listed.stdout and "damaged" not in listed.stdout, listed.stdout
    kept = [p.name for p in path.parent.iterdir() if "corrupt" in p.name or "before-restore" in p.name]
    assert kept, "the damaged file is kept beside the review, never overwritten"
