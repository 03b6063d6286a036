"""Where we differ: every writer's rating of every cause, side by side, never averaged."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from ... import plan as planning
from ...model import Review

LEVEL = {"not-at-all": 0, "a-little": 1, "a-lot": 2}
BAR_WIDTH = 3
"""Cells per level, so "a lot" is a visibly longer bar than "a little"."""


def differ_text(review: Review, prompts: Any) -> Text:
    """A small terminal chart: one row per writer per cause, labelled in words too."""
    chart = Text()
    ratings = planning.ratings(review, prompts)
    if not any(ratings.values()):
        chart.append('Nobody has rated the four contributing factors yet. Each of those steps starts with "How much did this contribute?"')
        return chart
    for step in prompts.steps:
        if not step.cause:
            continue
        by_member = ratings.get(step.cause, {})
        question = step.question("rating")
        chart.append(f"{step.title}\n", style="bold")
        if not by_member:
            chart.append("   nobody has rated this yet\n\n", style="dim")
            continue
        for member_id, rating in by_member.items():
            label = question.choice_label(rating) if question else rating
            level = LEVEL.get(rating)
            bar = "█" * (BAR_WIDTH * level + 1) if level is not None else "?"
            chart.append(f"   {review.member_name(member_id)[:22]:<22} ")
            chart.append(f"{bar:<8}", style="bold" if level == 2 else "")
            chart.append(f" {label}\n")
        known = {LEVEL[r] for r in by_member.values() if r in LEVEL}
        if len(known) > 1:
            chart.append("   ↔ you see this one differently: worth talking through\n", style="italic")
        chart.append("\n")
    return chart


class DifferChart(Static):
    """The chart, refreshed whenever it is shown."""

    def __init__(self, review: Review, prompts: Any) -> None:
        super().__init__(differ_text(review, prompts), classes="differ")
        self.review = review
        self.prompts = prompts

    def on_show(self) -> None:
        self.update(differ_text(self.review, self.prompts))
