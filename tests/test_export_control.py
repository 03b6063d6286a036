"""Control characters a family's text may carry are shown in every export, never run by a terminal.

A summary is often looked at with `cat`: an ESC sequence in an answer would retitle the window or
clear the screen, and a bidirectional override would reorder what the professional reads. Each
test writes such text into every field a family can type into and checks what lands in the file.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests.factories import planned_review
from tests.test_export import _fill
from workbook.__main__ import main
from workbook.bundle import to_bundle
from workbook.export import render_html, render_markdown
from workbook.model import Review, new_id
from workbook.prompts import load_prompts
from workbook.store import ReviewStore

PROMPTS = load_prompts()
HOSTILE = [
    "Danny\x1b]0;pwned\x07 said",
    "cleared\x1b[2J\x1b[H the screen",
    "bell\x07 back\x08space del\x7f",
    "csi\x9b31m and osc\x9d0;x\x9c",
    "flip \u202eevil\u202c and \u2066isolate\u2069 \u202a\u202b\u202d\u2067\u2068",
    "form\x0cfeed vertical\x0btab nul\x00 unit\x1f",
]
REAL = "Zoë é ñ 👨\u200d👩\u200d👧 Ja\u0301 \u05e9\u05dc\u05d5\u05dd \u200f \u0645\u0631\u062d\u0628\u0627 \u200e line\twith tab"
"""Real text that must come through untouched: accents (also combining), an emoji family, Hebrew, Arabic and their marks."""

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a file or a terminal: tab and line feed are fine; CR becomes LF in Markdown."""


def hostile_review() -> Review:
    review = _fill(planned_review(), [*HOSTILE, REAL])
    review.title = "Danny\x1b]0;pwned\x07 \u202e4202 hcraM"
    return review


def shown(text: str) -> str:
    """What a reader sees, with Markdown's backslash escapes taken away."""
    return text.replace("\\", "")


@pytest.mark.parametrize("initials", [False, True])
def test_markdown_and_html_show_controls_instead_of_running_them(initials: bool) -> None:
    review = hostile_review()
    markdown = render_markdown(review, PROMPTS, initials=initials)
    html = render_html(markdown, review.title)
    for text in (markdown, html):
        assert not BAD.findall(text), sorted(set(BAD.findall(text)))
    assert "␛]0;pwned␇" in shown(markdown) and "␛[2J␛[H" in shown(markdown)
    assert "[U+202E]evil[U+202C]" in shown(markdown) and "[U+2066]isolate[U+2069]" in shown(markdown)
    assert "[U+009B]31m" in shown(markdown) and "del␡" in shown(markdown) and "back␈space" in shown(markdown)
    assert "form␌feed vertical␋tab nul\ufffd unit␟" in shown(markdown)
    assert "␛]0;pwned␇" in html and "[U+202E]evil[U+202C]" in html
    assert "<title>Danny␛]0;pwned␇ [U+202E]4202 hcraM</title>" in html
    # The family's own words survive whole, marks and joiners included (tabs in a table cell become spaces).
    assert REAL.replace("\t", " ") in shown(markdown) and REAL.replace("\t", " ") in html


def test_real_text_in_every_field_is_unchanged() -> None:
    review = _fill(planned_review(), [REAL])
    markdown = render_markdown(review, PROMPTS)
    assert not BAD.findall(markdown)
    assert "[U+" not in markdown and not any(0x2400 <= ord(c) <= 0x2421 for c in markdown)
    assert REAL.replace("\t", " ") in shown(markdown)


def free_text_review() -> Review:
    """The sample review with hostile text in the fields a family types freely (choices stay valid, so it can be saved)."""
    review = planned_review()
    review.title = "Danny\x1b]0;pwned\x07 \u202e4202 hcraM"
    review.members[0].name = "Maria\x1b[2J"
    review.timeline[0].what = HOSTILE[1] + " " + REAL
    review.people[0].relationship = HOSTILE[4]
    for by_member in review.answers["what-happened"].values():
        for given in by_member.values():
            if isinstance(given.value, str) and " " in given.value:
                given.value = " ".join(HOSTILE) + given.value
    return review


def stored(data: Path, review: Review) -> Review:
    review.id = new_id()
    store = ReviewStore(data)
    try:
        store.release(review)
    finally:
        store.close()
    return review


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_command_line_export_files_and_listing_are_safe(fmt: str, data_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    review = stored(data_dir, free_text_review())
    target = tmp_path / f"summary.{fmt}"
    assert main(["--data-dir", str(data_dir), "export", review.id[:8], "--format", fmt, "--output", str(target)]) == 0
    written = target.read_text(encoding="utf-8")
    assert not BAD.findall(written) and "␛]0;pwned␇" in shown(written)
    assert main(["--data-dir", str(data_dir), "list"]) == 0
    out = capsys.readouterr().out
    assert not BAD.findall(out)
    assert "Danny␛]0;pwned␇ [U+202E]4202 hcraM" in out


def test_command_line_keeps_emoji_and_right_to_left_text_in_titles(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = "👨\u200d👩\u200d👧 \u05e9\u05dc\u05d5\u05dd \u200f"
    stored(data_dir, Review(title=title))
    assert main(["--data-dir", str(data_dir), "list"]) == 0
    assert title.strip() in capsys.readouterr().out  # the joiners and the mark are text, not controls


def test_bundle_is_plain_ascii_so_controls_travel_as_escapes() -> None:
    bundle = to_bundle(hostile_review())
    assert bundle.isascii()
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in bundle)
    assert "\\u001b]0;pwned\\u0007" in bundle and "\\u202e" in bundle
