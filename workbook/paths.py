"""Where the workbook keeps its files.

One function decides the data folder, in this order: the `--data-dir` option, then the
`INTERVENTION_WORKBOOK_HOME` environment variable, then platformdirs' user data folder. Tests and
scripts use the first two so they never touch a real family's data.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "intervention-workbook"
ENV_HOME = "INTERVENTION_WORKBOOK_HOME"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the family's reviews (not created here)."""
    if override:
        return Path(override).expanduser().resolve()
    from_env = os.environ.get(ENV_HOME, "").strip()
    if from_env:
        return Path(from_env).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def documents_dir() -> Path:
    """Where exports are offered by default: the user's documents folder, or home."""
    try:
        documents = Path(platformdirs.user_documents_dir())
    except Exception:  # platformdirs can fail on unusual systems; home always exists
        documents = Path.home()
    return documents if documents.is_dir() else Path.home()
