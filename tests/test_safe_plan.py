"""The revised plan answers every outcome safely (issue 9): naloxone for every family, the dangerous
outcomes, consequences checked for safety, an answer that fits each reaction, and a ready check
that names what a family would otherwise miss."""

from __future__ import annotations

import pytest

from tests.factories import MARIA, TOM, answer, planned_review, two_writers
from workbook import plan
from workbook.model import Review
from workbook.prompts import Prompts, load_prompts
from workbook.rules import ANSWERS, RULES, TACTICS, risks


@pytest.fixture(scope="module")
def prompts() -> Prompts:
    return load_prompts()


def ids(review: Review, prompts: Prompts) -> dict[str, plan.PlanItem]:
    return {item.id: item for item in plan.plan_items(review, prompts)}


def test_every_family_is_offered_naloxone_and_safety_comes_first(prompts: Prompts) -> None:
    items = plan.plan_items(two_writers(), prompts)
    assert items[0].section == "safety" and items[0].id == "safety-overdose"
    assert "naloxone" in items[0].text.casefold() and "fentanyl" in items[0].text


def test_leaving_treatment_early_or_using_again_leads_to_safety_and_a_way_back(prompts: Prompts) -> None:
    for outcome in ("left-early", "used-again"):
        review = two_writers()
        answer(review, "what-happened", "outcome", TOM, outcome)
        found = ids(review, prompts)
        risk, leaving = found["after-treatment:risk"], found["after-treatment:leaving"]
        assert risk.section == "safety" and "naloxone" in risk.text and "Tolerance" in risk.text
        assert all(words in leaving.text for words in ("collects them", "get back in", "medication", "each of you"))
        assert "Tom (brother)" in risk.because


def test_aftercare_for_the_loved_one_is_proposed_not_only_family_support(prompts: Prompts) -> None:
    found = ids(two_writers(), prompts)
    text = found["loved-one-aftercare"].text
    assert all(words in text for words in ("continuing care", "medication", "where they will live", "checks in"))


def test_no_consequences_stated_leads_to_ones_each_person_can_hold(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "what-happened", "consequences_held", MARIA, "not-stated")
    assert "consequences" in ids(review, prompts)


@pytest.mark.parametrize(
    ("consequence", "kinds"),
    [
        ("He has to move out Friday and I will not answer his calls", ["housing", "phone"]),
        ("I will stop paying the phone bill", ["phone", "money"]),
        ("No more money from me", ["money"]),
        ("I will change the locks", ["housing"]),
        ("I will go to a family group every week", []),
    ],
)
def test_consequences_touching_housing_phone_or_money_are_recognised(consequence: str, kinds: list[str]) -> None:
    assert risks(consequence) == kinds


def test_a_consequence_that_cuts_off_home_and_calls_gets_a_safety_note(prompts: Prompts) -> None:
    review = two_writers()
    entry = plan.add_commitment(review, member=TOM, consequence="He has to move out Friday and I will not answer his calls", can_hold="yes")
    note = ids(review, prompts)[f"consequence-safety:{entry}"]
    assert note.section == "safety"
    assert "naloxone" in note.text and "never ends all contact" in note.text and "call for help" in note.text
    assert "Tom (brother)" in note.because


def test_the_step_one_example_consequence_keeps_contact() -> None:
    example = load_prompts().step("what-happened").question("consequences").placeholder  # type: ignore[union-attr]
    assert "phone" not in example.casefold() and "emergency" in example


def test_each_reaction_gets_its_own_prepared_answer(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "cause-narrative", "derailments", MARIA, list(TACTICS))
    prepared = [p.text for p in RULES["prepare"](review, prompts)]
    assert len(prepared) == len(TACTICS) == len(set(prepared))
    leaving = next(t for t in prepared if "gets up to leave" in t)
    assert "blocks the door" in leaving and "offer stands" in leaving
    assert sum("calmly restate" in t for t in prepared) == 0


def test_an_accepted_prepared_answer_becomes_a_row_and_leaves_when_taken_back(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "cause-narrative", "derailments", MARIA, ["tears"])
    plan.decide(review, "prepare:tears", "accepted", by=MARIA)
    [row] = review.plan["answers_prepared"]
    assert row["tactic"] == "tears" and row["response"] == ANSWERS["tears"]
    plan.decide(review, "prepare:tears", "accepted", by=MARIA)
    assert len(review.plan["answers_prepared"]) == 1, "accepting twice adds no second row"
    plan.decide(review, "prepare:tears", "proposed")
    assert review.plan["answers_prepared"] == []


def test_a_prepared_answer_the_family_changed_is_never_removed(prompts: Prompts) -> None:
    review = two_writers()
    plan.decide(review, "prepare:denial", "edited", "We read our letters and ask again.", by=MARIA)
    [row] = review.plan["answers_prepared"]
    assert row["response"] == "We read our letters and ask again."
    plan.update_entry(review, "answers_prepared", row["id"], who=TOM)
    plan.decide(review, "prepare:denial", "dropped")
    assert review.plan["answers_prepared"] == [row]


def test_the_loved_ones_state_on_the_day_shapes_the_timing(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "what-happened", "state", MARIA, "withdrawal")
    timing = ids(review, prompts)["timing"]
    assert "withdrawal" in timing.text and "professional" in timing.text and "Maria (mother)" in timing.because


def test_a_worry_about_a_relative_is_a_question_and_stays_out_of_the_export(prompts: Prompts) -> None:
    from tests.factories import sample_review
    from workbook.export import render_markdown

    review = sample_review()
    items = ids(review, prompts)
    role = items["team-role:person-ray"]
    assert role.text.startswith("Ask the professional what role would suit")
    plan.decide(review, role.id, "accepted", by=MARIA)
    exported = render_markdown(review, prompts)
    revised = exported[exported.index("## The revised plan"):]
    assert "what role would suit Uncle Ray best next time" in revised
    assert "Because: Uncle Ray" not in revised, "the reason stays in the family's own record"
    keep = ids(review, prompts)["keep-person:person-linda"]
    plan.decide(review, keep.id, "accepted", by=MARIA)
    assert "Because: Aunt Linda" in render_markdown(review, prompts), "other reasons are still shown"


def test_after_a_no_the_craft_path_is_offered(prompts: Prompts) -> None:
    review = two_writers()
    answer(review, "what-happened", "outcome", MARIA, "refused")
    craft = ids(review, prompts)["after-the-answer:craft"]
    assert "CRAFT" in craft.text and "one of you can start it now" in craft.text


def test_ready_check_names_what_a_safe_plan_still_lacks(prompts: Prompts) -> None:
    review = planned_review()
    assert plan.ready_check(review, prompts) == []
    review.plan["options"][1]["kind"] = "outpatient"
    for option in review.plan["options"]:
        option["intake"] = "not-sure"
    del review.plan["letters"][TOM]
    answer(review, "cause-narrative", "derailments", MARIA, ["anger", "tears"])
    del review.answers["plan"]["after_no"]
    review.answers["plan"]["safety_plan"][MARIA].value = "Tom keeps his phone on at night."
    found = " | ".join(plan.ready_check(review, prompts))
    for expected in ("medication treatment", "intake arranged for the same day", "Tom has not written a letter",
                     "Tears", 'after a "no"', "naloxone"):
        assert expected.casefold() in found.casefold(), expected


def test_safety_page_gives_first_aid_in_a_safe_order_with_sources() -> None:
    safety = load_prompts().guides["safety"].body
    steps = safety[safety.index("## What to do"):safety.index("## About naloxone")]
    order = [steps.index(words) for words in ("Call emergency services", "Give naloxone", "Support their breathing",
                                               "Only if they are breathing", "Stay with them")]
    assert order == sorted(order)
    assert "wear off" in steps and "second dose" in steps
    assert all(source in safety for source in ("CDC", "SAMHSA", "FDA", "2023", "United States"))


def test_approaches_are_described_honestly() -> None:
    approaches = load_prompts().guides["approaches"].body
    assert "alcohol problems (Miller, Meyers and Tonigan, 1999)" in approaches
    assert "no comparison group" in approaches
    love_first = approaches[approaches.index("## Love First"):]
    assert "descendant of the Johnson model" in love_first[:400]
    systemic = approaches[approaches.index("## Systemic"):approaches.index("## Love First")]
    assert "Love First" not in systemic
    assert "Invitation to Change" in approaches and "Beyond Addiction" in approaches


def test_medication_treatment_is_raised_where_options_are_chosen() -> None:
    kind = load_prompts().records["options"].question("kind")  # type: ignore[union-attr]
    assert "methadone" in kind.help and "half the risk of dying" in kind.help


def test_undecided_suggestions_are_exported_apart_unless_left_out(prompts: Prompts) -> None:
    from tests.factories import sample_review
    from workbook.export import render_markdown

    review = sample_review()
    exported = render_markdown(review, prompts)
    plan_part = exported[exported.index("## The revised plan"):exported.index("## Questions for the professional")]
    assert "### Suggested by the workbook, not yet discussed" in plan_part
    assert "Choose a neutral" in plan_part, "an undecided suggestion is shown, not silently dropped"
    assert "left out of this copy" not in plan_part
    without = render_markdown(review, prompts, suggestions=False)
    plan_part = without[without.index("## The revised plan"):without.index("## Questions for the professional")]
    assert "Suggested by the workbook" not in plan_part and "left out of this copy" in plan_part
    assert "Keep naloxone" in plan_part, "safety suggestions are always shown"


def test_each_question_for_the_professional_appears_once(prompts: Prompts) -> None:
    from tests.factories import sample_review
    from workbook.export import render_markdown
    from workbook.rules import QUESTIONS

    review = sample_review()
    exported = render_markdown(review, prompts)
    assert len(QUESTIONS) == 5 and "Questions many families ask" in exported
    independence = "take referral fees"
    assert exported.count(independence) == 1, "one place for each question, not three"
    plan.decide(review, "questions:independence", "accepted", by=MARIA)
    exported = render_markdown(review, prompts)
    assert exported.count(independence) == 1
    plan.decide(review, "questions:independence", "dropped", by=MARIA)
    assert render_markdown(review, prompts).count(independence) == 0


def test_the_safety_screen_says_briefly_which_numbers_were_checked() -> None:
    from workbook.ui.app import safety_markdown

    page = safety_markdown(load_prompts())
    table = page[page.index("## Who to contact"):]
    assert "| Checked 2026-12-02 |" in table and "| Not yet verified |" in table
    assert "Last checked" not in page


def test_about_your_loved_one_asks_what_a_professional_asks_at_intake() -> None:
    step = load_prompts().step("loved-one")
    assert step is not None and step.title == "About your loved one"
    ids = [q.id for q in step.questions]
    for needed in ("name", "age", "substances", "route", "how_long", "past_treatment", "overdoses", "health",
                   "insurance", "housing", "legal", "children"):
        assert needed in ids, needed
    assert all(q.why for q in step.questions), "every question says why we ask"
    route = step.question("route")
    assert route is not None and "injecting" in [c.id for c in route.choices]


def test_the_profile_is_exported_and_initials_cover_the_loved_ones_name(prompts: Prompts) -> None:
    from workbook.export import render_markdown

    review = two_writers()
    answer(review, "loved-one", "name", MARIA, "Danny Alvarez")
    answer(review, "loved-one", "overdoses", MARIA, "Danny Alvarez overdosed in May; Tom found him.")
    exported = render_markdown(review, prompts)
    assert "## About the loved one" in exported and "Danny Alvarez" in exported
    private = render_markdown(review, prompts, initials=True)
    assert "Danny" not in private and "Alvarez" not in private
    assert "D\\. A\\. overdosed in May" in private
