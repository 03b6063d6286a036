"""Small statistics and the result record shared by the benchmarks (medians, percentiles, paired ratios)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank on the sorted values: the figure a reader can find in the data."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def paired_ratios(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """a[i] / b[i] for each pair of runs taken in turn."""
    return [x / y for x, y in zip(a, b, strict=True) if y]


@dataclass
class Figure:
    """One line of the results table."""

    key: str
    """Stable id, e.g. "startup.1000.ratio"."""
    label: str
    value: float
    unit: str
    goal: str = ""
    """The goal in words ("<= 1.25"), empty for a figure shown for context only."""
    passed: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "MISS")

    def shown(self) -> str:
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "ms":
            return f"{self.value:.1f} ms" if self.value < 100 else f"{self.value:.0f} ms"
        if self.unit == "s":
            return f"{self.value:.3f} s"
        if self.unit == "MiB":
            return f"{self.value:.1f} MiB"
        return f"{self.value:g} {self.unit}".strip()

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["verdict"] = self.verdict
        return record


def goal_max(key: str, label: str, value: float, unit: str, limit: float, detail: dict[str, Any] | None = None, *,
             strict: bool = False) -> Figure:
    """A figure whose goal is to stay at or under (or, with strict, under) `limit`."""
    passed = value < limit if strict else value <= limit
    shown = f"{'<' if strict else '<='} {limit:g}{'x' if unit == 'x' else ' ' + unit}"
    return Figure(key, label, value, unit, shown, passed, detail or {})


def info(key: str, label: str, value: float, unit: str, detail: dict[str, Any] | None = None) -> Figure:
    """A figure shown for context, with no goal."""
    return Figure(key, label, value, unit, "", None, detail or {})


def table(figures: Sequence[Figure]) -> str:
    """The results as a fixed-width text table."""
    rows = [("figure", "value", "goal", "result")] + [(f.label, f.shown(), f.goal or "(context)", f.verdict) for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
