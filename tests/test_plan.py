"""The revised plan: decisions that survive re-deriving, the family's own items and lists, the ready check."""

from __future__ import annotations

import json

import pytest

from tests.factories import MARIA, TOM, answer, empty_review, planned_review, sample_review, two_writers
from workbook import plan
from workbook.model import Review
from workbook.prompts import Prompts
from workbook.rules import RULES


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    try:
        from workbook.prompts import PromptError, load_prompts
    except ImportError as error:
        pytest.skip(f"workbook.prompts.load_prompts is not available yet ({error})")
    try:
        return load_prompts()
    except PromptError as error:
        pytest.skip(f"the prompt files could not be read ({error})")


def items(review: Review, prompts: Prompts) -> dict[str, plan.PlanItem]:
    return {item.id: item for item in plan.plan_items(review, prompts)}


def reloaded(review: Review) -> Review:
    """The review after a trip through JSON, as storage would give it back."""
    return Review.from_dict(json.loads(json.dumps(review.to_dict())))


def test_sections_follow_the_contract() -> None:
    assert [s for s, _ in plan.SECTIONS] == [
        "safety", "team", "leader", "approach", "place", "rehearsal", "letters", "options", "consequences",
        "derailments", "after", "aftercare", "questions",
    ]  # fmt: skip
    assert dict(plan.SECTIONS)["derailments"] == "Prepared answers"


def test_items_start_proposed_in_section_order(prompts: Prompts) -> None:
    found = plan.plan_items(sample_review(), prompts)
    assert found and all(item.status == "proposed" and item.text == item.original for item in found)
    order = [s for s, _ in plan.SECTIONS]
    positions = [order.index(item.section) for item in found]
    assert positions == sorted(positions)
    assert len({item.id for item in found}) == len(found)


def test_an_edit_survives_re_deriving_and_reloading(prompts: Prompts) -> None:
    review = sample_review()
    plan.decide(review, "neutral-place", "edited", "  Meet at Aunt Linda's house.  ", by=TOM)
    answer(review, "what-happened", "place", TOM, "public")  # the review changes: the proposal's finding changes
    review = reloaded(review)
    item = items(review, prompts)["neutral-place"]
    assert (item.status, item.text) == ("edited", "Meet at Aunt Linda's house.")
    assert item.original != item.text and "neutral" in item.original
    assert "Tom (brother)" in item.because
    assert review.plan["decisions"]["neutral-place"]["by"] == TOM


def test_dropped_stays_listed_and_stays_dropped(prompts: Prompts) -> None:
    review = sample_review()
    plan.decide(review, "prepare:anger", "dropped", by=MARIA)
    answer(review, "cause-narrative", "derailments", TOM, ["anger", "bargaining"])
    review = reloaded(review)
    found = items(review, prompts)
    assert found["prepare:anger"].status == "dropped"
    assert found["prepare:bargaining"].status == "proposed"
    plan.decide(review, "prepare:anger", "proposed")
    assert items(review, prompts)["prepare:anger"].status == "proposed"


def test_dropping_an_edited_item_keeps_the_edit_for_restoring(prompts: Prompts) -> None:
    review = sample_review()
    plan.decide(review, "rehearsal", "edited", "Rehearse on Friday evening at Linda's.")
    plan.decide(review, "rehearsal", "dropped")
    assert items(review, prompts)["rehearsal"].status == "dropped"
    plan.restore(review, "rehearsal")
    item = items(review, prompts)["rehearsal"]
    assert (item.status, item.text) == ("edited", "Rehearse on Friday evening at Linda's.")


def test_accepting_shows_the_proposal_wording(prompts: Prompts) -> None:
    review = sample_review()
    plan.decide(review, "letters", "accepted", by=MARIA)
    item = items(review, prompts)["letters"]
    assert (item.status, item.text) == ("accepted", item.original)


def test_a_decision_waits_while_its_finding_is_gone(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "what-happened", "place", MARIA, "public")
    plan.decide(review, "neutral-place", "accepted")
    answer(review, "what-happened", "place", MARIA, "neutral")
    assert "neutral-place" not in items(review, prompts)
    answer(review, "what-happened", "place", MARIA, "family-home")
    assert items(review, prompts)["neutral-place"].status == "accepted"


def test_decide_touches_the_review_and_refuses_nonsense() -> None:
    review = sample_review()
    before = review.updated
    plan.decide(review, "letters", "accepted", by=MARIA)
    assert review.updated != before and review.plan["decisions"]["letters"]["updated"]
    with pytest.raises(ValueError):
        plan.decide(review, "letters", "maybe")
    with pytest.raises(ValueError):
        plan.decide(review, "letters", "edited", "   ")


def test_added_items_are_listed_in_their_section(prompts: Prompts) -> None:
    review = sample_review()
    item_id = plan.add_item(review, "aftercare", "Tom drives Danny to his first meetings.", by=TOM)
    found = plan.plan_items(reloaded(review), prompts)
    added = next(item for item in found if item.id == item_id)
    assert (added.status, added.section, added.original) == ("added", "aftercare", "")
    assert "Tom (brother)" in added.because
    aftercare = [item.id for item in found if item.section == "aftercare"]
    assert aftercare[-1] == item_id and "family-support" in aftercare
    plan.decide(review, item_id, "edited", "Tom and Jess drive Danny to his first meetings.")
    plan.decide(review, item_id, "dropped")
    item = items(review, prompts)[item_id]
    assert (item.status, item.text) == ("dropped", "Tom and Jess drive Danny to his first meetings.")
    plan.restore(review, item_id)
    assert items(review, prompts)[item_id].status == "added"
    assert plan.remove_entry(review, "added", item_id) and item_id not in items(review, prompts)


def test_add_item_refuses_unknown_sections_and_blank_text() -> None:
    review = empty_review()
    with pytest.raises(ValueError):
        plan.add_item(review, "snacks", "Bring sandwiches.", by=MARIA)
    with pytest.raises(ValueError):
        plan.add_item(review, "team", "  ", by=MARIA)
    assert "added" not in review.plan


def test_list_helpers_add_update_and_remove_entries() -> None:
    review = empty_review()
    before = review.updated
    option = plan.add_option(review, name="Riverside program", kind="residential", who=MARIA, intake="yes")
    commitment = plan.add_commitment(review, member=MARIA, consequence="No more rent.", can_hold="yes")
    prepared = plan.add_prepared_answer(review, tactic="leaving", response="We love you; our plans stay the same.", who=TOM)
    task = plan.add_task(review, what="Call three interventionists", owner=MARIA, due="2024-06-10")
    plan.set_letter(review, MARIA, "Danny, I love you.")
    assert review.updated != before
    for kind, entry_id in (("options", option), ("commitments", commitment), ("answers_prepared", prepared), ("tasks", task)):
        [entry] = review.plan[kind]
        assert entry["id"] == entry_id and entry["updated"]
    assert review.plan["options"][0]["intake"] == "yes" and review.plan["tasks"][0]["done"] is False
    assert review.plan["letters"][MARIA]["text"] == "Danny, I love you."
    assert plan.update_entry(review, "tasks", task, done=True) and review.plan["tasks"][0]["done"] is True
    assert Review.from_dict(json.loads(json.dumps(review.to_dict()))).plan == review.plan
    assert plan.remove_entry(review, "options", option) and review.plan["options"] == []
    assert not plan.remove_entry(review, "options", option)
    with pytest.raises(ValueError):
        plan.remove_entry(review, "letters", MARIA)
    with pytest.raises(ValueError):
        plan.update_entry(review, "tasks", task, colour="red")
    with pytest.raises(ValueError):
        plan.add_option(review, name="Somewhere", intake="probably")


def test_ready_check_is_empty_when_the_plan_is_complete(prompts: Prompts) -> None:
    assert plan.ready_check(planned_review(), prompts) == []


def gap(review: Review, prompts: Prompts) -> list[str]:
    found = plan.ready_check(review, prompts)
    assert len(found) == 1, found
    return found


def test_ready_check_counts_treatment_options(prompts: Prompts) -> None:
    review = planned_review()
    plan.remove_entry(review, "options", "option-2")
    assert "Only 2 treatment options" in gap(review, prompts)[0]
    review.plan["options"] = []
    assert "No treatment options" in gap(review, prompts)[0]


@pytest.mark.parametrize("leaders", [{}, {MARIA: "not-sure"}, {MARIA: "not-sure", TOM: "not-sure"}])
def test_ready_check_wants_a_leader(leaders: dict[str, str], prompts: Prompts) -> None:
    review = planned_review()
    del review.answers["plan"]["next_leader"]
    for who, value in leaders.items():
        answer(review, "plan", "next_leader", who, value)
    assert "lead" in gap(review, prompts)[0]


@pytest.mark.parametrize("can_hold", ["no", "not-sure"])
def test_ready_check_names_unsure_commitments(can_hold: str, prompts: Prompts) -> None:
    review = planned_review()
    plan.add_commitment(review, member=TOM, consequence="I will not lend him the car.", can_hold=can_hold)
    assert gap(review, prompts) == ["Tom is not sure they can hold: I will not lend him the car."]


def test_ready_check_wants_owners_and_researchers(prompts: Prompts) -> None:
    review = planned_review()
    plan.add_task(review, what="Book the room")
    assert "Book the room" in gap(review, prompts)[0]
    review = planned_review()
    plan.add_option(review, name="Hillside clinic")
    assert "Hillside clinic" in gap(review, prompts)[0]


def test_ready_check_wants_a_safety_plan_only_after_safety_events(prompts: Prompts) -> None:
    review = planned_review()
    del review.answers["plan"]["safety_plan"]
    plan.add_task(review, what="Buy naloxone for the house and the car", owner=TOM)
    assert "safety plan" in gap(review, prompts)[0]
    for who in (MARIA, TOM):
        answer(review, "what-happened", "safety_events", who, ["none"])
    assert plan.ready_check(review, prompts) == []


def test_ready_check_lists_every_gap_of_an_empty_review(prompts: Prompts) -> None:
    found = plan.ready_check(empty_review(), prompts)
    assert len(found) == 4 and all(line.endswith(".") for line in found)
    assert any("naloxone" in line for line in found) and any('after a "no"' in line for line in found)


def test_ratings_keep_every_writer_separate(prompts: Prompts) -> None:
    assert plan.ratings(sample_review(), prompts) == {
        "people": {MARIA: "a-lot", TOM: "a-little"},
        "plan": {MARIA: "a-lot", TOM: "a-lot"},
        "narrative": {MARIA: "a-little", TOM: "a-lot"},
        "approach": {MARIA: "not-sure", TOM: "a-lot"},
    }


def test_ratings_leave_out_writers_who_did_not_rate(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "cause-plan", "rating", TOM, "a-lot")
    assert plan.ratings(review, prompts) == {"people": {}, "plan": {TOM: "a-lot"}, "narrative": {}, "approach": {}}


def test_derive_runs_every_rule_once(prompts: Prompts) -> None:
    review = sample_review()
    proposals = plan.derive(review, prompts)
    assert len({p.id for p in proposals}) == len(proposals)
    assert {p.rule for p in proposals} <= set(RULES)
    assert proposals == plan.derive(review, prompts)
