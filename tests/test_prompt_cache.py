"""The parsed-prompts cache: same result as parsing, rebuilt on any edit, never hides a mistake."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.prompt_cache import cache_dir, cached_prompts
from workbook.prompts import PromptError, load_prompts, prompts_dir


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), target)
    return target


def test_cached_equals_parsed_and_is_written(copy: Path) -> None:
    first = cached_prompts(copy)
    assert list(cache_dir().glob("prompts-*.json"))
    second = cached_prompts(copy)  # from the cache this time
    assert first == second == load_prompts(copy)
    assert second.records.keys() == first.records.keys() and second.hints == first.hints


def test_an_edit_is_seen_at_once(copy: Path) -> None:
    cached_prompts(copy)
    step = copy / "steps" / "01-what-happened.md"
    step.write_text(step.read_text().replace("# What happened", "# What happened that day", 1))
    assert cached_prompts(copy).steps[0].title == "What happened that day"


def test_a_broken_edit_still_stops_start_up(copy: Path) -> None:
    cached_prompts(copy)
    step = copy / "steps" / "01-what-happened.md"
    step.write_text(step.read_text().replace("{date}", "", 1))
    with pytest.raises(PromptError):
        cached_prompts(copy)


def test_a_damaged_cache_is_rebuilt(copy: Path) -> None:
    cached_prompts(copy)
    for path in cache_dir().glob("prompts-*.json"):
        path.write_text('{"steps": [')
    assert cached_prompts(copy) == load_prompts(copy)


def test_a_cached_start_does_not_import_markdown_it(copy: Path) -> None:
    cached_prompts(copy)
    code = (
        "import sys; from pathlib import Path; from workbook.prompt_cache import cached_prompts; "
        f"cached_prompts(Path({str(copy)!r})); print('markdown_it' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_cache_file_is_private(copy: Path) -> None:
    cached_prompts(copy)
    (path,) = cache_dir().glob("prompts-*.json")
    assert path.stat().st_mode & 0o777 == 0o600
