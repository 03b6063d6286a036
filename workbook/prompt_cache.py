"""A cache of the parsed prompts, so an unchanged prompts/ folder starts the app without parsing.

Parsing the Markdown (and importing markdown-it to do it) is a noticeable share of start-up. The
parsed result is kept as JSON in the user's cache folder, keyed by the app version and the name,
size and modification time of every prompt file: editing any file changes the key, so the next
start parses again and reports any mistake exactly as before. JSON, not pickle, so a cache file
can never run code. A missing or damaged cache is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import platformdirs

from . import __version__
from .paths import APP_NAME
from .prompts import Choice, Guide, Hint, Prompts, Question, Resource, Step, load_prompts, prompts_dir
from .storage import atomic_write_bytes

CACHE_FORMAT = 1


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def _fingerprint(root: Path) -> str:
    digest = hashlib.sha256(f"{__version__}|{CACHE_FORMAT}|{root.resolve()}".encode())
    for path in sorted(root.rglob("*.md")):
        info = path.stat()
        digest.update(f"|{path.relative_to(root)}|{info.st_size}|{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _step(data: dict[str, Any]) -> Step:
    questions = tuple(
        Question(**{**q, "choices": tuple(Choice(**c) for c in q["choices"])}) for q in data["questions"]
    )
    return Step(**{**data, "questions": questions, "source": Path(data["source"])})


def _to_json(prompts: Prompts) -> str:
    def steps(items: Any) -> list[dict[str, Any]]:
        return [{**asdict(s), "source": str(s.source)} for s in items]

    return json.dumps(
        {
            "steps": steps(prompts.steps),
            "guides": {k: asdict(g) for k, g in prompts.guides.items()},
            "resources": [asdict(r) for r in prompts.resources],
            "records": dict(zip(prompts.records, steps(prompts.records.values()), strict=True)),
            "hints": [asdict(h) for h in prompts.hints],
        }
    )


def _from_json(text: str) -> Prompts:
    data = json.loads(text)
    return Prompts(
        steps=tuple(_step(s) for s in data["steps"]),
        guides={k: Guide(**g) for k, g in data["guides"].items()},
        resources=tuple(Resource(**r) for r in data["resources"]),
        records={k: _step(s) for k, s in data["records"].items()},
        hints=tuple(Hint(phrases=tuple(h["phrases"]), suggestion=h["suggestion"]) for h in data["hints"]),
    )


def cached_prompts(directory: Path | None = None) -> Prompts:
    """The prompts, from the cache when the files are unchanged, else parsed (and cached).

    Raises:
        PromptError: as `load_prompts` does; a broken folder is never cached.
    """
    root = Path(directory) if directory is not None else prompts_dir()
    try:
        path = cache_dir() / f"prompts-{_fingerprint(root)}.json"
    except OSError:
        return load_prompts(root)
    try:
        return _from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or one we cannot use: parse the files
    prompts = load_prompts(root)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in path.parent.glob("prompts-*.json"):
            old.unlink()
        atomic_write_bytes(path, _to_json(prompts).encode("utf-8"))  # 0600, like everything the app writes
    except OSError:
        pass  # a cache we cannot write only costs a little start-up time
    return prompts
