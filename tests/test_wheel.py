"""The built wheel carries prompts/ and starts from a fresh virtual environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMOKE = r"""
import sys
from pathlib import Path
import workbook
from workbook.prompts import load_prompts, prompts_dir
from workbook.store import ReviewStore
from workbook.ui.app import WorkbookApp

where = prompts_dir()
assert "site-packages" in str(where), where
prompts = load_prompts()
store = ReviewStore(Path(sys.argv[1]))
app = WorkbookApp(store, prompts)

async def look(pilot):
    await pilot.pause()
    await pilot.press("enter")  # past the welcome
    await pilot.pause()
    print("SCREEN:", type(app.screen).__name__, len(prompts.steps))

async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        await look(pilot)

import asyncio
asyncio.run(main())
store.close()
"""


@pytest.mark.timeout(600)
def test_wheel_installs_and_starts(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("workbook/prompts/steps/") and n.endswith(".md") for n in names)
    assert "workbook/prompts/resources.md" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    result = subprocess.run(
        [str(python), "-c", SMOKE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # away from the checkout, so its prompts/ cannot be found by accident
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "SCREEN: HomeScreen 9" in result.stdout
    version = subprocess.run([str(env_dir / "bin" / "intervention-workbook"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "intervention-workbook" in version.stdout
