"""Starting the app: problems a family can meet are explained in a sentence, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from workbook.prompts import prompts_dir
from workbook.store import ReviewStore


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args], capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})}
    )


def test_second_copy_is_refused_and_told_why(data_dir: Path) -> None:
    first = ReviewStore(data_dir)  # as if the app were open in another window
    try:
        result = run("--data-dir", str(data_dir))
    finally:
        first.close()
    assert result.returncode == 1
    assert "already open" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_prompt_names_file_and_line(tmp_path: Path, data_dir: Path) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), copy)
    step = copy / "steps" / "01-what-happened.md"
    lines = step.read_text().split("\n")
    broken_at = next(i for i, line in enumerate(lines) if line.startswith("## "))
    lines[broken_at] = "## A question someone reworded but forgot its id"
    step.write_text("\n".join(lines))
    result = run("--data-dir", str(data_dir), env={"INTERVENTION_WORKBOOK_PROMPTS": str(copy)})
    assert result.returncode == 1
    assert f"01-what-happened.md, line {broken_at + 1}" in result.stderr
    assert "Traceback" not in result.stderr


def test_unusable_data_folder_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = run("--data-dir", str(blocker / "inside"))
    assert result.returncode == 1
    assert "--data-dir" in result.stderr
    assert "Traceback" not in result.stderr


def test_environment_variable_chooses_the_folder(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    store = ReviewStore(home)
    store.create("Kept elsewhere")
    store.close()
    result = run("list", env={"INTERVENTION_WORKBOOK_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "Kept elsewhere" in result.stdout
    assert oct(home.stat().st_mode & 0o777) == "0o700"
