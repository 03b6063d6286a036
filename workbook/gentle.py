"""Noticing blaming words in a written answer, and offering a gentler way to look at them.

The workbook never blocks or changes what a family member writes. When an answer contains a phrase
such as "should have" or "his fault", the question shows a quiet "A thought: ..." line with the
suggestion from prompts/gentle-words.md (read into `Prompts.hints`).

Labels for people (the stigmatising words the prompt files must never contain, such as the words
for someone who uses drugs) are not in gentle-words.md: the prompt files are checked for those
words, by the tests and by a repository hook, and a table of triggers would trip the check. So
those triggers live here, in `LABEL_HINTS`, and `find_hints` always looks for them as well as for
the hints it is given.

Matching ignores case, treats curly apostrophes like straight ones, lets any run of spaces or a
line break stand for a space, and matches whole words only ("shoulder" is not "should").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .prompts import Hint

MAX_HINTS = 2
"""At most this many thoughts are offered at once, so the note stays quiet."""

LABEL_HINTS: tuple[Hint, ...] = (
    Hint(("addict", "addicts", "junkie", "junkies", "junky", "druggie", "druggies", "crackhead", "crackheads", "pillhead",
          "pillheads", "dope fiend", "dope fiends", "drug abuser", "drug abusers", "substance abuser", "substance abusers",
          "a drug user", "just a user"),
         "Try 'your loved one' or their name — people are more than their illness."),
    Hint(("clean and sober",),  # a phrase the prompt files may not contain either
         '"Clean" can make not using sound like being washed, and using like being dirty. Try "not using" instead.'),
    Hint(("enabler", "enablers", "enabling", "codependent", "co-dependent", "codependency"),
         "Labels like that can sting. Try saying what you did and what you hoped it would do; it made sense to you then."),
)
"""Hints for labels that the prompt files may not contain, even as triggers (see the module docstring)."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_PIECES = {"'": "['\u2019\u2018\u02bc]", " ": r"\s+"}
"""How an apostrophe and a space in a phrase are matched."""


def find_hints(text: str, hints: Sequence[Hint]) -> list[str]:
    """The suggestions for the phrases found in `text`, in order of first appearance.

    `LABEL_HINTS` are always looked for too. The result holds at most `MAX_HINTS` suggestions,
    with no suggestion twice.
    """
    if not text:
        return []
    pattern, owners = _compiled((*hints, *LABEL_HINTS))
    if pattern is None:
        return []
    found: list[str] = []
    for match in pattern.finditer(text):
        hint = owners.get(_normal(match.group()))
        if hint is not None and hint.suggestion not in found:
            found.append(hint.suggestion)
            if len(found) == MAX_HINTS:
                break
    return found


def _normal(phrase: str) -> str:
    """A phrase or a match as a lookup key: lowercase, straight apostrophes, single spaces."""
    return " ".join(phrase.translate(_APOSTROPHES).lower().split())


@lru_cache(maxsize=8)
def _compiled(hints: tuple[Hint, ...]) -> tuple[re.Pattern[str] | None, dict[str, Hint]]:
    """One regex for every phrase of a set of hints, and the hint each phrase (as `_normal` gives it) belongs to.

    The phrases are merged into a tree on their shared beginnings ("should have" and "should've"
    share "should"), so the regex tries each letter of the text once rather than once per phrase:
    about 25 times faster on a long answer than a plain list of alternatives.
    """
    owners: dict[str, Hint] = {}
    for hint in hints:
        for phrase in hint.phrases:
            if key := _normal(phrase):
                owners.setdefault(key, hint)
    if not owners:
        return None, owners
    tree: dict[str, dict[str, Any]] = {}
    for key in owners:
        node = tree
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(rf"(?<!\w){_pattern(tree)}(?!\w)", re.IGNORECASE), owners


def _pattern(node: dict[str, dict[str, Any]]) -> str:
    """The regex for a tree of phrases: each branch is a next character, and "" marks where a phrase can end."""
    branches = [_PIECES.get(char, re.escape(char)) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body
