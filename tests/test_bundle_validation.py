"""Importing a bundle checks every field first: a damaged one is refused in plain words, and nothing is written.

Each case from issue 8 is run through the real command line (`python -m workbook --data-dir D import F`):
exit code 1, one plain sentence that names the field, no traceback, and every file of the data folder
byte for byte as it was. The schema published for interventionists' tools is kept in step with the code.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.factories import MARIA, large_review, planned_review
from workbook import limits
from workbook.bundle import BundleError, from_bundle, to_bundle
from workbook.model import Answer, Member, Person, PersonView, Review, TimelineEntry
from workbook.prompts import load_prompts
from workbook.store import ReviewStore

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = load_prompts()
HEX = "5f0c2b1e9a8d4c7b6e3f2a1d0c9b8a7e"
HEAD = '{"format": "intervention-workbook-bundle", "version": 1, "review": '
PYTHON_WORDS = re.compile(r"Traceback|Error\b|KeyError|dict|\bstr\b|NoneType|object has no attribute|sequence element|Recursion")


def sample_bundle() -> dict[str, Any]:
    review = planned_review()
    review.id = HEX
    loaded: dict[str, Any] = json.loads(to_bundle(review))
    return loaded


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under the folder with a hash of its bytes (and every folder), to show nothing changed."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(folder.rglob("*"))}


def import_cli(data: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workbook", "--data-dir", str(data), "import", str(bundle)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder that already holds one review, as the family's would."""
    folder = tmp_path / "data"
    review = planned_review()
    review.id = "0123456789abcdef0123456789abcdef"
    store = ReviewStore(folder)
    try:
        store.release(review)
    finally:
        store.close()
    return folder


def _set(*path: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        node = bundle["review"]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _dup(key: str) -> Callable[[dict[str, Any]], None]:
    def change(bundle: dict[str, Any]) -> None:
        items = bundle["review"][key]
        items.append(copy.deepcopy(items[0]))

    return change


def _drop_option_id(bundle: dict[str, Any]) -> None:
    del bundle["review"]["plan"]["options"][0]["id"]


def _many_entries(bundle: dict[str, Any]) -> None:
    entry = bundle["review"]["timeline"][0]
    bundle["review"]["timeline"] = [{**entry, "id": f"event-{i}"} for i in range(limits.ITEMS_MAX + 1)]


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("person id ../../etc/passwd", _set("people", 0, "id", value="../../etc/passwd"), "a person's id is not a valid id"),
    ("timeline id ../../etc/passwd", _set("timeline", 0, "id", value="../../etc/passwd"), "a timeline entry's id is not a valid id"),
    ("plan id ../../etc/passwd", _set("plan", "tasks", 0, "id", value="../../etc/passwd"), "a task's id is not a valid id"),
    ("duplicate writers", _dup("members"), "two writers share the id"),
    ("duplicate people", _dup("people"), "two people share the id"),
    ("duplicate timeline entries", _dup("timeline"), "two timeline entries share the id"),
    ("timeline created a number", _set("timeline", 0, "created", value=1717356600),
     "a timeline entry's date of creation is a number, not a date"),
    ("plan options text", _set("plan", "options", value="Riverside"), "the list of treatment options is text, not a list"),
    ("option without id", _drop_option_id, "a treatment option's id is missing"),
    ("plan letters a list", _set("plan", "letters", value=[]), "the set of letters in the plan is a list"),
    ("members as text", _set("members", value="Maria, Tom"), "the list of writers is text, not a list"),
    ("plan as a list", _set("plan", value=[["options", []]]), "the plan is a list"),
    ("review id shares 15 hex digits", _set("id", value="0123456789abcde0"), "id this app does not use"),
    ("review id upper case", _set("id", value=HEX.upper()), "id this app does not use"),
    ("long title", _set("title", value="x" * (limits.TITLE_MAX + 1)),
     f"the review's title is 201 characters long, and the limit is {limits.TITLE_MAX}"),
    ("long name", _set("members", 0, "name", value="M" * (limits.NAME_MAX + 1)), "a writer's name is 101 characters long"),
    ("long answer", _set("answers", "what-happened", "since", MARIA, "value", value="w" * (limits.TEXT_MAX + 1)),
     "50,001 characters long"),
    ("too many entries", _many_entries, "the timeline has 2,001 entries, and the limit is 2,000"),
    ("unknown choice", _set("answers", "what-happened", "outcome", MARIA, "value", value="moon"),
     "is “moon”, which is not one of its choices"),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in CASES], ids=[name for name, _, _ in CASES])
def test_damaged_bundles_are_refused_by_the_cli_and_change_nothing(data: Path, tmp_path: Path,
                                                                  change: Callable[[dict[str, Any]], None], expected: str) -> None:
    bundle = sample_bundle()
    change(bundle)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    before = fingerprint(data)
    found = import_cli(data, path)
    assert found.returncode == 1, found.stdout
    message = found.stderr.strip()
    assert len(message.splitlines()) == 1 and expected in message, message
    assert "was not imported" in message and "Nothing saved here was changed" in message
    assert not PYTHON_WORDS.search(message), message
    assert fingerprint(data) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(sample_bundle()).replace('"done": false', '"done": NaN'), "holds NaN, which is not a number"),
        (json.dumps(sample_bundle()).replace('"version": 1', '"version": 1, "size": Infinity'), "holds Infinity"),
        (HEAD + "[" * 10_000 + "]" * 10_000 + "}", "nested more than 32 levels"),
        (HEAD + "{\"a\": " * 40 + "1" + "}" * 41, "nested more than 32 levels"),
    ],
    ids=["NaN", "Infinity", "nested 10,000 deep", "nested 40 deep"],
)
def test_numbers_that_are_not_numbers_and_deep_nesting_are_refused(data: Path, tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(text)
    before = fingerprint(data)
    found = import_cli(data, path)
    message = found.stderr.strip()
    assert found.returncode == 1 and expected in message and len(message.splitlines()) == 1, message
    assert not PYTHON_WORDS.search(message), message
    assert fingerprint(data) == before


def test_a_50_mb_title_is_refused_quickly_without_reading_it_all(data: Path, tmp_path: Path) -> None:
    bundle = sample_bundle()
    bundle["review"]["title"] = "D" * 50_000_000
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(bundle))
    before = fingerprint(data)
    started = time.perf_counter()
    found = import_cli(data, path)
    took = time.perf_counter() - started
    message = found.stderr.strip()
    assert found.returncode == 1 and "too large to be a review" in message and "the limit is 10 MB" in message, message
    assert took < 10, f"refusing took {took:.1f} s"
    assert fingerprint(data) == before


def test_the_file_size_is_checked_before_it_is_read(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "sparse.json"
    with path.open("wb") as handle:  # 200 MB that take no disk space: reading them would take time and memory
        handle.truncate(200_000_000)
    found = import_cli(data, path)
    assert found.returncode == 1 and "200.0 MB, and the limit is 10 MB" in found.stderr


def test_an_import_saved_before_a_later_step_failed_says_it_was_saved(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from workbook.__main__ import main

    review = planned_review()
    review.id = HEX
    path = tmp_path / "bundle.json"
    path.write_text(to_bundle(review))

    def release_then_fail(self: ReviewStore, review: Review) -> None:
        self.save(review)  # the review is written whole; then refreshing the list fails (a full disk, say)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ReviewStore, "release", release_then_fail)
    code = main(["--data-dir", str(data), "import", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and "the review was saved" in err and "nothing was imported" not in err.lower(), err
    monkeypatch.undo()
    store = ReviewStore(data, read_only=True)
    try:
        assert store.load(HEX).title == review.title
    finally:
        store.close()


# -- validate_review, as the store and the app use it -------------------------------------------


def test_every_sample_review_passes_and_from_dict_gives_the_same_review() -> None:
    from workbook.validate import validate_review

    for review in (planned_review(), large_review(people=5, timeline=20, writers=3, answer_kb=5)):
        review.id = HEX
        data = review.to_dict()
        validate_review(data, PROMPTS)
        assert Review.from_dict(data).to_dict() == data


def test_choices_are_only_compared_with_the_questions_when_they_are_given() -> None:
    from workbook.validate import ReviewDataError, validate_review

    data = planned_review().to_dict()
    data["id"] = HEX
    data["answers"]["what-happened"]["outcome"][MARIA]["value"] = "a-choice-the-questions-lost"
    data["answers"]["a-step-from-elsewhere"] = {"anything": {MARIA: {"value": ["kept", "as written"], "updated": ""}}}
    validate_review(data)  # the store's own files stay readable after the questions are edited
    with pytest.raises(ReviewDataError, match="“a-choice-the-questions-lost”, which is not one of its choices"):
        validate_review(data, PROMPTS)
    data["answers"]["what-happened"]["outcome"][MARIA]["value"] = ["refused"]
    with pytest.raises(ReviewDataError, match="is a list of choices, but that question takes only one"):
        validate_review(data, PROMPTS)


def test_suggestion_ids_may_name_what_they_are_about() -> None:
    from workbook.validate import ReviewDataError, validate_review

    data = planned_review().to_dict()
    data["id"] = HEX
    data["plan"]["decisions"]["team-role:person-ray"] = {"status": "dropped", "text": "", "by": MARIA, "updated": ""}
    validate_review(data, PROMPTS)
    data["plan"]["decisions"]["../../x"] = {"status": "dropped"}
    with pytest.raises(ReviewDataError, match="not a valid id"):
        validate_review(data)


def test_checking_the_largest_benchmark_review_is_fast() -> None:
    from workbook.validate import validate_review

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import the_large_review  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    review = the_large_review()
    review.id = HEX
    data = review.to_dict()
    validate_review(data, PROMPTS)  # the first call compiles the schema
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        validate_review(data, PROMPTS)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.020, f"best of 7: {min(timings) * 1000:.1f} ms"  # the best run: other tests may share the machine


# -- the published schema stays in step with the code -------------------------------------------


def _definitions() -> dict[str, Any]:
    from workbook.validate import load_schema

    found: dict[str, Any] = load_schema()["definitions"]
    return found


@pytest.mark.parametrize(("kind", "definition"), [(Member, "member"), (Answer, "answer"), (TimelineEntry, "timeline_entry"),
                                                  (Person, "person"), (PersonView, "person_view"), (Review, "review")])
def test_every_field_of_the_model_is_in_the_schema(kind: type, definition: str) -> None:
    fields = {f.name for f in dataclasses.fields(kind)}
    assert set(_definitions()[definition]["properties"]) == fields


def test_every_plan_record_field_is_in_the_schema() -> None:
    plan = _definitions()["plan"]["properties"]
    doc = (ROOT / "docs" / "plan-api.md").read_text()
    for kind in ("options", "commitments", "answers_prepared", "tasks", "added"):
        line = next(line for line in doc.splitlines() if line.strip().startswith(f'"{kind}":'))
        documented = set(re.findall(r'"(\w+)"', line.split("[", 1)[1]))
        assert documented <= set(plan[kind]["items"]["properties"]), kind
    for kind in ("options", "commitments", "answers_prepared", "tasks"):  # the fields the app's forms write
        asked = {q.id for q in PROMPTS.records[kind].questions}
        assert asked <= set(plan[kind]["items"]["properties"]), kind
    assert set(plan) == {"decisions", "added", "options", "commitments", "letters", "answers_prepared", "tasks"}
    from workbook.plan import CHOICES, DECISIONS, SECTIONS

    assert set(plan["added"]["items"]["properties"]["section"]["enum"]) == {s for s, _ in SECTIONS}
    assert tuple(_definitions()["decision"]["properties"]["status"]["enum"]) == DECISIONS
    assert tuple(_definitions()["yes_no_not_sure"]["enum"]) == CHOICES


def _limits_in(node: object, key: str) -> set[int]:
    if isinstance(node, dict):
        found = {node[key]} if key in node else set()
        return found.union(*(_limits_in(v, key) for v in node.values()))
    return set().union(*(_limits_in(v, key) for v in node)) if isinstance(node, list) else set()


def test_the_limits_in_the_schema_and_the_documentation_are_those_of_the_code() -> None:
    from workbook.validate import load_schema

    schema = load_schema()
    defs = schema["definitions"]
    assert defs["review"]["properties"]["title"]["maxLength"] == limits.TITLE_MAX
    assert defs["name"]["maxLength"] == limits.NAME_MAX
    assert defs["text"]["maxLength"] == limits.TEXT_MAX
    assert _limits_in(schema, "maxItems") == _limits_in(schema, "maxProperties") == {limits.ITEMS_MAX}
    assert _limits_in(schema, "maxLength") == {limits.TITLE_MAX, limits.NAME_MAX, limits.TEXT_MAX, 64}
    assert f"{{1,{limits.ID_MAX}}}" in defs["id"]["pattern"]
    doc = (ROOT / "docs" / "bundle-format.md").read_text()
    for name in ("TITLE_MAX", "NAME_MAX", "TEXT_MAX", "ITEMS_MAX", "ID_MAX", "BUNDLE_MAX_BYTES", "DEPTH_MAX"):
        row = next((line for line in doc.splitlines() if f"`{name}`" in line and line.startswith("|")), "")
        assert f"{getattr(limits, name):,}" in row, f"docs/bundle-format.md has no table row giving {name} = {getattr(limits, name):,}"


def test_the_schema_is_a_valid_draft_07_schema_that_a_real_bundle_passes() -> None:
    import jsonschema

    from workbook.validate import schema_path

    schema = json.loads(schema_path().read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    assert list(validator.iter_errors(sample_bundle())) == []
    broken = sample_bundle()
    broken["review"]["people"][0]["id"] = "../../etc/passwd"
    assert [e.json_path for e in validator.iter_errors(broken)] == ["$.review.people[0].id"]


def test_a_bundle_exported_by_the_app_passes_and_reads_back_the_same() -> None:
    review = planned_review()
    review.id = HEX
    assert from_bundle(to_bundle(review), PROMPTS).to_dict() == review.to_dict()
    with pytest.raises(BundleError, match=r"^This bundle is damaged: two writers share the id “maria”"):
        bundle = sample_bundle()
        bundle["review"]["members"].append(bundle["review"]["members"][0])
        from_bundle(json.dumps(bundle))


def test_a_file_from_before_the_limits_can_be_checked_for_everything_but_its_sizes() -> None:
    from workbook.validate import ReviewDataError, validate_review

    data = planned_review().to_dict()
    data["id"] = HEX
    data["title"] = "A title written before there was a limit " * 10
    with pytest.raises(ReviewDataError, match="the review's title is 410 characters long, and the limit is 200"):
        validate_review(data)
    validate_review(data, sizes=False)  # what the store can fall back on, so old words stay readable
    data["people"].append(data["people"][0])
    with pytest.raises(ReviewDataError, match="two people share the id"):
        validate_review(data, sizes=False)


def test_a_list_of_choices_holding_null_is_refused_in_plain_words() -> None:
    """Found by a 6,000-example mutation run: a null inside a list of choices crashed the message itself."""
    from workbook.bundle import BundleError, from_bundle, to_bundle
    from workbook.model import Answer, Review

    review = Review(title="Danny")
    review.id = "b" * 32
    member = review.add_member("Maria", "mother")
    review.answers["what-happened"] = {"safety_events": {member.id: Answer(["overdose", None])}}  # type: ignore[list-item]
    with pytest.raises(BundleError) as refused:
        from_bundle(to_bundle(review))
    assert "null" in str(refused.value) or "nothing" in str(refused.value) or "list holding" in str(refused.value)
    assert "NoneType" not in str(refused.value)
