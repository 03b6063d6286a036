"""Crash-safe storage for the workbook's TinyDB files (see ``safe_json`` for the design).

``errors`` words every problem for the family; ``private`` opens files without following links;
``folder`` checks the data folder as a whole (links, permissions, read-only on purpose);
``index`` is the cache of summaries behind the list of reviews; ``trash`` holds deleted reviews.
"""

from .errors import FolderError, LinkRefusedError
from .safe_json import (
    CorruptDatabaseError,
    DatabaseLockedError,
    NewerSchemaError,
    SafeJSONStorage,
    StorageError,
    atomic_write_bytes,
    list_backups,
    open_database,
)

__all__ = [
    "CorruptDatabaseError",
    "DatabaseLockedError",
    "FolderError",
    "LinkRefusedError",
    "NewerSchemaError",
    "SafeJSONStorage",
    "StorageError",
    "atomic_write_bytes",
    "list_backups",
    "open_database",
]
