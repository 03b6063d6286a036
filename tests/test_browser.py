"""The HTML summary in a real browser: no planted script runs, every section shows, and it prints to PDF."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "browser_check.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("browser_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


browser_check = load_script()


@pytest.mark.skipif(not browser_check.CHROMIUM.exists(), reason=f"{browser_check.CHROMIUM} is not installed (apt-get install chromium)")
def test_summary_is_safe_and_printable_in_chromium(tmp_path: Path) -> None:
    problems = browser_check.check(tmp_path)
    assert problems == []
    assert (tmp_path / "summary.pdf").read_bytes().startswith(b"%PDF")


def test_summary_page_plants_every_payload() -> None:
    html = browser_check.summary_html()
    assert "<title>Review summary</title>" in html
    for payload in browser_check.PAYLOADS:
        if payload.startswith("<"):
            assert payload not in html  # each is there, but only as escaped text
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in html
    assert "[click me](javascript:document.title='pwned')" in html and "href" not in html
