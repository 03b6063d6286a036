"""Bundles: a review carried between computers comes back whole, and merging loses nobody's words."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import MARIA, TOM, WHEN, answer, large_review, planned_review, sample_review
from workbook.bundle import FORMAT, BundleError, from_bundle, merge, to_bundle
from workbook.controls import show_controls_in
from workbook.limits import NAME_MAX, TITLE_MAX
from workbook.model import Member, Person, PersonView, Review, TimelineEntry
from workbook.prompts import load_prompts

PROMPTS = load_prompts()
LATER = "2024-06-05T10:00:00+00:00"
LATEST = "2024-06-07T08:00:00+00:00"


def hexed(review: Review) -> Review:
    """The review with an id shaped like the app's (32 hex digits): bundles with any other id are refused."""
    review.id = "0123456789abcdef0123456789abcdef"
    return review


def twin(review: Review) -> Review:
    """The same review as a copy on another computer."""
    return Review.from_dict(copy.deepcopy(review.to_dict()))


@pytest.mark.parametrize("make", [sample_review, planned_review, large_review, lambda: Review(title="")])
def test_round_trip_keeps_everything(make: object) -> None:
    review = hexed(make())  # type: ignore[operator]
    text = to_bundle(review)
    data = json.loads(text)
    assert data["format"] == FORMAT and data["version"] == 1 and data["app_version"] and data["exported"]
    assert from_bundle(text).to_dict() == review.to_dict()
    assert from_bundle(text.encode()).to_dict() == review.to_dict()


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=TITLE_MAX), st.text(), st.lists(st.text(max_size=NAME_MAX), max_size=3))
def test_round_trip_of_any_text(title: str, words: str, choices: list[str]) -> None:
    review = hexed(sample_review())
    review.title = title
    answer(review, "what-happened", "since", MARIA, words + "\ud800")  # a lone surrogate comes back as U+FFFD
    answer(review, "what-happened", "safety_events", TOM, choices)
    # Every character comes back, except that control characters come back shown ("␛"), never raw (workbook/controls.py).
    assert from_bundle(to_bundle(review)).to_dict() == show_controls_in(review.to_dict())


def test_merge_of_two_computers_keeps_both_writers_answers() -> None:
    base = sample_review()
    here, there = twin(base), twin(base)
    answer(here, "cause-people", "keep", MARIA, "Linda's letter, read first.", LATER)
    answer(there, "cause-people", "keep", TOM, "Telling him we love him.", LATER)
    there.members.append(Member("Jess", "partner", id="jess", created=LATER))
    answer(there, "cause-people", "supposed", "jess", "Only people he trusts.", LATER)
    there.timeline.append(TimelineEntry(phase="after", what="Jess called me.", author="jess", id="event-new", created=LATER, updated=LATER))
    there.people[0].views["jess"] = PersonView(helped="no", why="He and Danny argue.", updated=LATER)
    report = merge(here, there, PROMPTS)
    assert here.answer("cause-people", "keep", MARIA) == "Linda's letter, read first."
    assert here.answer("cause-people", "keep", TOM) == "Telling him we love him."
    assert here.answer("cause-people", "supposed", "jess") == "Only people he trusts."
    assert [m.id for m in here.members] == [MARIA, TOM, "jess"]
    assert here.timeline_entry("event-new") is not None and "jess" in here.people[0].views
    assert report.members_added == 1 and report.answers_added == 3 and report.entries_added == 1 and not report.conflicts
    assert not merge(here, twin(there), PROMPTS).changed  # merging the same bundle again changes nothing


def test_conflicting_edits_by_the_same_writer_keep_both_texts() -> None:
    base = sample_review()
    here, there = twin(base), twin(base)
    answer(here, "what-happened", "since", MARIA, "He called on my birthday.", LATER)
    answer(there, "what-happened", "since", MARIA, "We had lunch in June.", LATEST)
    report = merge(here, there, PROMPTS)
    merged = here.answer("what-happened", "since", MARIA)
    assert merged == "We had lunch in June.\n\n[Earlier version from this computer, 2024-06-05]:\nHe called on my birthday."
    assert len(report.conflicts) == 1 and report.conflicts[0].both_kept and report.conflicts[0].member == MARIA
    # The other computer then takes the merged copy: it already holds its own text, so nothing is stacked twice.
    assert merge(there, twin(here), PROMPTS).conflicts == []
    assert there.answer("what-happened", "since", MARIA) == merged


def test_text_the_other_computer_only_added_to_is_not_a_conflict() -> None:
    here = sample_review()
    there = twin(here)
    answer(there, "what-happened", "since", TOM, "He texts me sometimes, mostly late at night. Last week he asked about a clinic.", LATER)
    report = merge(here, there, PROMPTS)
    assert report.conflicts == [] and report.answers_updated == 1
    assert here.answer("what-happened", "since", TOM) == "He texts me sometimes, mostly late at night. Last week he asked about a clinic."


def test_conflicting_choices_keep_the_newer_and_report_the_older() -> None:
    here = sample_review()
    there = twin(here)
    answer(there, "what-happened", "outcome", MARIA, "refused", LATER)
    report = merge(here, there)  # no prompts: a value without spaces is treated as a choice
    assert here.answer("what-happened", "outcome", MARIA) == "refused"
    assert len(report.conflicts) == 1 and not report.conflicts[0].both_kept and report.conflicts[0].earlier == "walked-out"
    older = twin(sample_review())
    answer(older, "what-happened", "outcome", MARIA, "left-early", "2024-01-01T00:00:00+00:00")
    assert [c.earlier for c in merge(here, older, PROMPTS).conflicts] == ["left-early"]  # reported; the newer choice stays
    assert here.answer("what-happened", "outcome", MARIA) == "refused"


def test_timeline_people_and_plan_merge_by_id() -> None:
    base = planned_review()
    here, there = twin(base), twin(base)
    here.timeline[0].what, here.timeline[0].updated = "Maria and Tom agreed on the phone.", LATER
    there.timeline[0].what, there.timeline[0].updated, there.timeline[0].phase = "We met at the diner.", LATEST, "during"
    there.people.append(Person(name="Dr. Patel", relationship="doctor", id="person-patel", updated=LATER))
    there.people[1].views[MARIA] = PersonView(helped="yes", why="Linda listened more than she spoke.", updated=LATEST)
    there.plan["options"].append({"id": "option-9", "name": "Telehealth program", "updated": LATER})
    there.plan["letters"][MARIA] = {"text": "Danny, I am proud of how hard you tried.", "updated": LATEST}
    there.plan["decisions"]["neutral-place"] = {"status": "dropped", "text": "", "by": TOM, "updated": LATEST}
    here.plan["tasks"][0].update({"what": "Call three interventionists this week", "updated": LATER})
    report = merge(here, there, PROMPTS)
    entry = here.timeline[0]
    assert entry.phase == "during" and entry.what.startswith("We met at the diner.") and "agreed on the phone" in entry.what
    assert here.person("person-patel") is not None
    assert here.people[1].views[MARIA].why.startswith("Linda listened") and "stayed calm" in here.people[1].views[MARIA].why
    assert [o["id"] for o in here.plan["options"]][-1] == "option-9"
    letter = here.plan["letters"][MARIA]["text"]
    assert letter.startswith("Danny, I am proud") and "I love you" in letter
    assert here.plan["decisions"]["neutral-place"]["status"] == "dropped"
    assert here.plan["tasks"][0]["what"] == "Call three interventionists this week"
    assert len(report.conflicts) == 3 and report.entries_added == 2


def test_merging_a_different_review_is_refused() -> None:
    with pytest.raises(BundleError, match="different review"):
        merge(sample_review(), Review(title="Other", id="other"))


def _bundle(**changes: object) -> str:
    data = json.loads(to_bundle(hexed(sample_review())))
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("hello", "not an Intervention Workbook bundle"),
        ("[1, 2]", "not an Intervention Workbook bundle"),
        (to_bundle(sample_review())[:-40], "incomplete"),
        (to_bundle(sample_review())[:200], "incomplete"),
        (_bundle(format="something-else"), "not an Intervention Workbook bundle"),
        (_bundle(version=2), "made by a newer version of Intervention Workbook (bundle version 2); please update"),
        (_bundle(version="1"), "version number"),
        (_bundle(version=0), "version number"),
        (_bundle(review=None), "damaged"),
        (_bundle(review={"title": 5}), "damaged"),
        (_bundle(review={**sample_review().to_dict(), "id": "../../etc/passwd"}), "id this app does not use"),
        (_bundle(review={**sample_review().to_dict(), "members": [{"name": None}]}), "damaged"),
        (_bundle(review={**sample_review().to_dict(), "answers": {"plan": {"next_place": {MARIA: {"value": 5, "updated": WHEN}}}}}),
         "damaged"),
        (_bundle(review={**sample_review().to_dict(), "timeline": [{"what": ["x"]}]}), "damaged"),
        (_bundle(review={**sample_review().to_dict(), "people": [{"views": {"m": {"concerns": "x"}}}]}), "damaged"),
    ],
    ids=lambda value: value[:30] if isinstance(value, str) and len(value) < 40 else None,
)
def test_bad_bundles_are_refused_plainly(text: str, message: str) -> None:
    with pytest.raises(BundleError) as caught:
        from_bundle(text)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_bytes_that_are_not_text_are_refused() -> None:
    with pytest.raises(BundleError, match="not text"):
        from_bundle(b"\xff\xfe\x00garbage")
