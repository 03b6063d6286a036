"""The review store: one file per review, an index that can always be rebuilt, one copy at a time."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbook.model import SCHEMA_VERSION, Review
from workbook.storage import CorruptDatabaseError, NewerSchemaError
from workbook.store import ReviewNotFoundError, ReviewStore, WorkbookInUseError


@pytest.fixture
def store(data_dir: Path) -> Iterator[ReviewStore]:
    s = ReviewStore(data_dir)
    yield s
    s.close()


def test_create_save_close_reopen_keeps_everything(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Looking back at March")
    maria = review.add_member("Maria", "mother")
    review.set_answer("what-happened", "place", maria.id, "loved-ones-home")
    review.set_answer("cause-plan", "happened", maria.id, "We had no plan at all; we just")
    store.save(review)
    store.close()

    again = ReviewStore(data_dir)
    loaded = again.load(review.id)
    assert loaded.to_dict() == review.to_dict()
    assert loaded.answer("cause-plan", "happened", maria.id) == "We had no plan at all; we just"
    again.close()


def test_each_review_has_its_own_file(store: ReviewStore) -> None:
    first = store.create("First")
    second = store.create("Second")
    assert store.path_for(first.id) != store.path_for(second.id)
    before = store.path_for(second.id).read_bytes()
    first.add_member("Ana", "sister")
    store.save(first)
    assert store.path_for(second.id).read_bytes() == before


def test_folder_and_files_are_private(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Private")
    store.release(review)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in [store.path_for(review.id), data_dir / "index.json", data_dir / "workbook.lock"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_second_copy_is_refused_with_a_clear_message(store: ReviewStore, data_dir: Path) -> None:
    with pytest.raises(WorkbookInUseError) as raised:
        ReviewStore(data_dir)
    assert "already open" in str(raised.value)
    store.close()
    ReviewStore(data_dir).close()  # once the first copy closes, the next one may open


def test_read_only_store_works_beside_the_app(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Read me")
    review.add_member("Tom", "brother")
    store.save(review)
    reader = ReviewStore(data_dir, read_only=True)
    assert reader.load(review.id).members[0].name == "Tom"
    assert [s.title for s in reader.summaries()] == ["Read me"]


def test_list_shows_title_date_progress_and_is_newest_first(store: ReviewStore) -> None:
    older = store.create("Older")
    newer = store.create("Newer")
    member = newer.add_member("Maria", "mother")
    newer.set_answer("what-happened", "date", member.id, "2026-03-14")
    newer.updated = "2999-01-01T00:00:00+00:00"
    store.release(newer)
    titles = [(s.title, s.intervention_date) for s in store.summaries()]
    assert titles == [("Newer", "2026-03-14"), ("Older", "")]
    assert older.id in {s.id for s in store.summaries()}


def test_stale_index_is_rebuilt_from_the_files(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Before")
    review.title = "After a crash"
    store.save(review)  # autosave does not touch the index; the list must still be right
    assert [s.title for s in store.summaries()] == ["After a crash"]
    store.close()
    (data_dir / "index.json").write_text("{broken")
    again = ReviewStore(data_dir)
    assert [s.title for s in again.summaries()] == ["After a crash"]
    again.close()


def test_rename_and_delete_moves_to_trash(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Old name")
    store.rename(review.id, "New name")
    assert store.summaries()[0].title == "New name"
    where = store.delete(review.id)
    assert store.summaries() == []
    assert (where / f"{review.id}.json").exists()
    assert where.parent == data_dir / "trash"


def test_find_by_title_or_id(store: ReviewStore) -> None:
    review = store.create("March")
    assert store.find("march").id == review.id
    assert store.find(review.id[:6]).id == review.id
    with pytest.raises(ReviewNotFoundError):
        store.find("nothing like this")


def test_newer_schema_is_refused_not_mangled(store: ReviewStore) -> None:
    review = store.create("From the future")
    store.release(review)
    path = store.path_for(review.id)
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError):
        store.load(review.id)
    assert path.read_bytes() == before


def test_corrupt_review_is_moved_aside_and_reported(store: ReviewStore) -> None:
    review = store.create("Damaged")
    store.release(review)
    path = store.path_for(review.id)
    path.write_text('{"review": {"1": {"title": "Dam')
    with pytest.raises(CorruptDatabaseError) as raised:
        store.load(review.id)
    assert raised.value.quarantined_to is not None and raised.value.quarantined_to.exists()
    assert "moved" in str(raised.value).lower()


def test_unusable_folder_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(Exception) as raised:
        ReviewStore(blocker / "data")
    assert "--data-dir" in str(raised.value)


def test_review_round_trips_through_dict() -> None:
    review = Review(title="Round trip")
    member = review.add_member("Maria", "mother")
    review.set_answer("cause-narrative", "derailments", member.id, ["anger", "leaving"])
    assert Review.from_dict(review.to_dict()) == review
    assert os.sep not in review.id


def test_fast_to_dict_matches_asdict_and_shares_nothing_mutable() -> None:
    from dataclasses import asdict

    from .factories import large_review, sample_review

    for review in (sample_review(), large_review(people=3, timeline=10, writers=3, answer_kb=5)):
        data = review.to_dict()
        assert data == asdict(review)
        data["plan"].setdefault("options", []).append({"id": "x"})
        data["people"][0]["views"][next(iter(data["people"][0]["views"]))]["concerns"].append("x")
        assert review.to_dict() == asdict(review) and review.to_dict() != data
