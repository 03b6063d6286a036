"""Size limits on what a family can write and what a bundle can bring in.

Each limit is far above anything a family writes by hand, and low enough that one oversized field
cannot make every start, list or export slow (a title is cached in the index and shown on every
start; before these limits a 50 MB title made every start take 5 s and 500 MB). The app stops
typing at the limit; a bundle past any limit is refused with a message that names the field.
docs/bundle-format.md lists the same numbers, and a test keeps the two in step.
"""

from __future__ import annotations

TITLE_MAX = 200
"""Characters in a review's title: a long sentence; the list of reviews shows about 60."""

NAME_MAX = 100
"""Characters in a name or a relationship (of a writer or of a person who was there)."""

TEXT_MAX = 50_000
"""Characters in one piece of writing: an answer, a letter, a timeline entry, a plan entry.
About 8,000 words, or 20 printed pages: more than the longest letter a family reads aloud."""

ITEMS_MAX = 2_000
"""Entries in any one list (timeline, people, each plan list) and writers in a review."""

ID_MAX = 64
"""Characters in an id; the app makes 32 (a UUID in hex)."""

BUNDLE_MAX_BYTES = 10_000_000
"""Bytes in one bundle file (10 MB). The largest review the limits above allow by typing is larger,
but no real review comes near: the benchmarks' very large review (6 writers, 20 people, 200
timeline entries) is about 0.2 MB as a bundle."""

DEPTH_MAX = 32
"""Nesting of JSON objects and lists in a bundle; a review needs 6."""
