"""Crash-safe storage for the workbook's TinyDB files (see ``safe_json`` for the design)."""

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
    "NewerSchemaError",
    "SafeJSONStorage",
    "StorageError",
    "atomic_write_bytes",
    "list_backups",
    "open_database",
]
