"""The command line, run as a family would run it: `python -m workbook --data-dir DIR list|export|import`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import MARIA, planned_review
from workbook.bundle import to_bundle
from workbook.model import Review, new_id
from workbook.paths import ENV_HOME
from workbook.store import ReviewStore

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    env = {**os.environ, "HOME": str(home), "XDG_DOCUMENTS_DIR": str(home / "Documents"), "XDG_CONFIG_HOME": str(home / ".config")}

    def run(*args: str, data: Path | None = None) -> subprocess.CompletedProcess[str]:
        data = data or tmp_path / "data"
        env[ENV_HOME] = str(data)
        found = subprocess.run([sys.executable, "-m", "workbook", "--data-dir", str(data), *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=60, check=False)
        assert "Traceback" not in found.stderr, found.stderr
        return found

    return run


def saved(data: Path, review: Review | None = None) -> Review:
    """Save a review (with an id like the app's) into a data folder, as the app would have."""
    review = review or planned_review()
    review.id = new_id() if not review.id.isalnum() else review.id
    store = ReviewStore(data)
    try:
        store.release(review)
    finally:
        store.close()
    return review


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def test_list_when_empty_and_with_a_review(run: Run, tmp_path: Path) -> None:
    found = run("list")
    assert (found.returncode, found.stdout) == (0, "No reviews yet.\n")
    review = saved(tmp_path / "data")
    found = run("list")
    assert found.returncode == 0
    header, line = found.stdout.splitlines()
    assert header.split() == ["ID", "Title", "Intervention", "date", "Last", "edited"]
    assert line.startswith(review.id[:8]) and "Danny, March 2024" in line and "2024-03-09" in line


def test_export_markdown_to_documents_then_refuse_to_overwrite(run: Run, tmp_path: Path) -> None:
    saved(tmp_path / "data")
    found = run("export", "Danny, March 2024")
    assert found.returncode == 0, found.stderr
    target = tmp_path / "home" / "Documents" / "danny-march-2024-summary.md"
    assert f"Saved to {target}" in found.stdout
    assert target.read_text().startswith("# Review: Danny\\, March 2024")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    again = run("export", "danny")
    assert again.returncode == 1 and "already exists" in again.stderr and "--force" in again.stderr
    assert target.read_bytes() == before
    forced = run("export", "danny", "--force", "--initials")
    assert forced.returncode == 0
    anonymous = next(p for p in target.parent.iterdir() if p.name.startswith("review-"))
    assert "Maria" not in anonymous.read_text()


def test_export_html_and_json_to_a_chosen_file(run: Run, tmp_path: Path) -> None:
    review = saved(tmp_path / "data")
    page = tmp_path / "out" / "summary.html"
    page.parent.mkdir()
    found = run("export", review.id[:6], "--format", "html", "--output", str(page))
    assert found.returncode == 0 and str(page) in found.stdout
    assert page.read_text().startswith("<!DOCTYPE html>") and stat.S_IMODE(page.stat().st_mode) == 0o600
    bundle = tmp_path / "out" / "bundle.json"
    assert run("export", review.id, "--format", "json", "-o", str(bundle)).returncode == 0
    assert json.loads(bundle.read_text())["review"]["id"] == review.id


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("export", "nothing-like-this"), 1, "No review matches"),
        (("export", "danny", "--format", "pdf"), 2, "invalid choice"),
        (("export", "danny", "--format", "json", "--initials"), 2, "--initials works with markdown and html"),
        (("export",), 2, "REVIEW"),
        (("export", "danny", "-o", "/no/such/folder/x.md"), 1, "does not exist"),
        (("import",), 2, "FILE"),
        (("import", "/no/such/bundle.json"), 1, "could not be read"),
        (("frobnicate",), 2, "invalid choice"),
    ],
)
def test_mistakes_get_plain_messages(run: Run, tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    saved(tmp_path / "data")
    found = run(*args)
    assert found.returncode == code and message in found.stderr


def test_import_a_new_review_then_merge_changes(run: Run, tmp_path: Path) -> None:
    review = planned_review()
    review.id = new_id()
    bundle = tmp_path / "bundle.json"
    bundle.write_text(to_bundle(review))
    found = run("import", str(bundle))
    assert found.returncode == 0 and "as a new review" in found.stdout
    assert review.id[:8] in run("list").stdout
    again = run("import", str(bundle))
    assert again.returncode == 0 and "Nothing new" in again.stdout
    review.set_answer("what-happened", "since", MARIA, "We had lunch in June.")
    review.set_answer("plan", "next_time", "tom", "A weekday morning.")
    bundle.write_text(to_bundle(review))
    merged = run("import", str(bundle))
    assert merged.returncode == 0 and "1 new answer or entry" in merged.stdout and "1 conflict (nothing was lost)" in merged.stdout
    assert "both versions are kept" in merged.stdout
    text = run("export", review.id, "-o", str(tmp_path / "after.md")).returncode == 0 and (tmp_path / "after.md").read_text()
    assert text and "We had lunch in June\\." in text and "I paid the rent again in April\\." in text


def test_import_refused_while_the_app_is_open(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    review = saved(data)
    review.title = "Changed elsewhere"
    bundle = tmp_path / "bundle.json"
    bundle.write_text(to_bundle(review))
    before = files(data)
    app = ReviewStore(data)  # what the open app holds
    try:
        found = run("import", str(bundle))
    finally:
        app.close()
    assert found.returncode == 1 and "already open" in found.stderr and "nothing was imported" in found.stderr
    assert files(data) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not json", "not an Intervention Workbook bundle"),
        ('{"format": "intervention-workbook-bundle", "version": 1, "review": {"ti', "incomplete"),
        ('{"format": "something-else", "version": 1}', "not an Intervention Workbook bundle"),
        ('{"format": "intervention-workbook-bundle", "version": 7, "review": {}}',
         "newer version of Intervention Workbook (bundle version 7)"),
        ('{"format": "intervention-workbook-bundle", "version": 1, "review": {"title": "x", "id": "a/../b"}}', "damaged"),
    ],
)
def test_bad_bundles_change_nothing(run: Run, tmp_path: Path, content: str, message: str) -> None:
    data = tmp_path / "data"
    saved(data)
    before = files(data)
    bundle = tmp_path / "bad.json"
    bundle.write_text(content)
    found = run("import", str(bundle))
    assert found.returncode == 1 and message in found.stderr and "was not imported" in found.stderr
    assert files(data) == before
    fresh = tmp_path / "fresh"
    assert run("import", str(bundle), data=fresh).returncode == 1
    assert not fresh.exists()


def test_help_is_quick_to_import() -> None:
    found = subprocess.run([sys.executable, "-X", "importtime", "-c", "import workbook.cli"], capture_output=True, text=True, check=True)
    heavy = [line for line in found.stderr.splitlines() if any(m in line for m in ("markdown_it", "tinydb", "textual", "workbook.store"))]
    assert heavy == []


def test_export_works_while_the_app_is_open(run: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    review = saved(data)
    app = ReviewStore(data)
    try:
        found = run("export", review.id[:8], "-o", str(tmp_path / "open.md"))
        listed = run("list")
    finally:
        app.close()
    assert found.returncode == 0 and (tmp_path / "open.md").exists()
    assert listed.returncode == 0 and review.id[:8] in listed.stdout


def test_bundle_with_an_id_the_app_does_not_make_is_refused(run: Run, tmp_path: Path) -> None:
    bundle = tmp_path / "odd.json"
    bundle.write_text(to_bundle(planned_review()))  # the sample's id is "review-sample"
    found = run("import", str(bundle))
    assert found.returncode == 1 and "id this app does not use" in found.stderr
    assert not (tmp_path / "data").exists()


def test_titles_with_control_characters_are_listed_safely(run: Run, tmp_path: Path) -> None:
    review = planned_review()
    review.title = "Danny\x1b[31m red\nnext line"
    saved(tmp_path / "data", review)
    found = run("list")
    assert found.returncode == 0 and "\x1b" not in found.stdout and "Danny\u241b[31m red next line" in found.stdout


def test_an_unforeseen_error_is_a_sentence_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from workbook.cli import guarded

    def broken(args: argparse.Namespace) -> int:
        raise ValueError("something odd")

    assert guarded(broken)(argparse.Namespace()) == 1
    err = capsys.readouterr().err
    assert "something unexpected stopped this command (ValueError: something odd)" in err and "Traceback" not in err
