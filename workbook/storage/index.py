"""index.json: the cache behind the list of reviews, plus a few small app settings.

The index only repeats what the review files hold (title, dates, progress, and the file's time, to know
when an entry is stale), so losing it loses nothing: an empty, garbled or missing index is rebuilt from
the files, and one that cannot be written (a folder in its place, a full disk) is kept in memory for this
session. A read-only store never writes it at all.

Summaries are keyed by the review's whole id, in one document. (Older versions keyed a TinyDB table by a
number made from the first 15 hex digits of the id, so two reviews sharing those crashed every start;
that table is dropped on first open, its entries moved under their whole ids.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import LinkRefusedError, StorageError
from .safe_json import CorruptDatabaseError, SafeJSONStorage

SUMMARIES = "summaries"
SETTINGS = "settings"
OLD_SUMMARIES = "reviews"

Data = dict[str, dict[str, Any]]


class SummaryIndex:
    """The summaries cache and settings of one data folder, read once and written whole."""

    def __init__(self, path: Path, *, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._storage: SafeJSONStorage | None = None
        self._data: Data | None = None
        self.problem: str | None = None
        """Why the index is kept in memory only this session (None when it is written as usual)."""

    def _load(self) -> Data:
        if self._data is not None:
            return self._data
        found: dict[str, Any] = {}
        try:
            storage = SafeJSONStorage(self.path, read_only=self.read_only, backups=0)
        except LinkRefusedError:
            raise  # a planted link is refused, never worked around
        except (StorageError, OSError) as error:
            storage, self.problem = None, str(error)
        if storage is not None:
            try:
                found = storage.read() or {}
            except CorruptDatabaseError:
                if not self.read_only:
                    storage.start_fresh()  # it was moved aside, never overwritten; a cache is simply rebuilt
            except LinkRefusedError:
                storage.close()
                raise
            except (StorageError, OSError) as error:  # a folder in its place, unreadable: work from memory
                storage.close()
                storage, self.problem = None, str(error)
        if storage is not None and self.read_only:
            storage.close()  # read once; a reader never writes
            storage = None
        self._storage = storage
        # Only the parts this version writes. An old "reviews" table (keyed by a number made from part of the id)
        # is dropped; its entries, which hold the whole id, are kept under it, so the upgrade reads no review again.
        self._data = {name: found[name] for name in (SUMMARIES, SETTINGS) if isinstance(found.get(name), dict)}
        if SUMMARIES not in self._data and isinstance(found.get(OLD_SUMMARIES), dict):
            self._data[SUMMARIES] = {"1": {doc["id"]: {k: v for k, v in doc.items() if k != "id"}
                                           for doc in found[OLD_SUMMARIES].values()
                                           if isinstance(doc, dict) and isinstance(doc.get("id"), str)}}
        if set(found) - set(self._data):
            self._flush()
        return self._data

    def _part(self, name: str) -> dict[str, Any]:
        data = self._load()
        table = data.setdefault(name, {})
        doc = table.get("1")
        if not isinstance(doc, dict):
            doc = table["1"] = {}
        return doc

    def _flush(self) -> None:
        if self._storage is None or self._data is None:
            return  # read-only, or in memory only this session
        try:
            self._storage.write(self._data)
        except (StorageError, OSError) as error:
            # A cache that cannot be written is still right in memory; the next start rebuilds it.
            self.problem = str(error)
            self._storage.close()
            self._storage = None

    def cached(self) -> dict[str, Any]:
        """Summaries by review id, as last written (entries may be stale or odd: the caller checks)."""
        return self._part(SUMMARIES)

    def update(self, fresh: dict[str, dict[str, Any]], gone: list[str] | tuple[str, ...] = ()) -> None:
        """Store new summaries and forget reviews that are no longer there, in one write."""
        summaries = self._part(SUMMARIES)
        changed = False
        for review_id, doc in fresh.items():
            if summaries.get(review_id) != doc:
                summaries[review_id] = doc
                changed = True
        for review_id in gone:
            changed = summaries.pop(review_id, None) is not None or changed
        if changed:
            self._flush()

    def setting(self, key: str, default: Any = None) -> Any:
        return self._part(SETTINGS).get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        settings = self._part(SETTINGS)
        if settings.get(key, object()) != value:
            settings[key] = value
            self._flush()

    def close(self) -> None:
        if self._storage is not None:
            self._storage.close()
            self._storage = None
        self._data = None
