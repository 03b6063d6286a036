"""The data folder's edges: create and import are whole, backups keep history, messages tell the truth,
the index is only a cache, ids never collide, damaged reviews stay listed, the trash can be emptied.

Each test is something a family (or whoever helps them) would notice: a review that vanished, a backup
that holds today's file instead of yesterday's, a message saying there is no backup when there are three.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import workbook.storage.safe_json as safe_json
from tests.factories import saved_over_two_sittings
from workbook.__main__ import main
from workbook.bundle import to_bundle
from workbook.limits import TITLE_MAX
from workbook.model import Review
from workbook.storage import CorruptDatabaseError, StorageError
from workbook.store import ReviewStore

STUB = b'{"meta": {"1": {"schema": 1}}}'


@pytest.fixture
def store(data_dir: Path) -> Iterator[ReviewStore]:
    s = ReviewStore(data_dir)
    yield s
    s.close()


def review_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "reviews").iterdir() if p.name.endswith(".json") and not p.name.startswith("."))


def holds_a_review(path: Path) -> bool:
    data = json.loads(path.read_bytes())
    return bool(data.get("review", {}).get("1"))


def written_twice(store: ReviewStore, data_dir: Path) -> Review:
    """A review saved over two sittings, so backup 1 holds the first sitting's words."""
    store.close()  # the fixture's store: the sittings open their own
    return saved_over_two_sittings(data_dir, "Our March review")[0]


def cli(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Errno" not in err, err
    return code, out, err


# -- 1. create and import are one atomic write ---------------------------------------------------


@pytest.mark.parametrize("failing_write", [1, 2])
def test_a_full_disk_during_create_leaves_no_half_made_review(store: ReviewStore, data_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch, failing_write: int) -> None:
    real, calls = safe_json._write_temp, [0]

    def disk_fills(path: Path, payload: bytes, mode: int) -> str:
        calls[0] += 1
        if calls[0] == failing_write:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, payload, mode)

    monkeypatch.setattr(safe_json, "_write_temp", disk_fills)
    try:
        store.create("Full disk")
    except StorageError as error:
        assert "disk is full" in str(error) and "Errno" not in str(error)
    monkeypatch.undo()
    for path in review_files(data_dir):
        assert holds_a_review(path), f"{path.name} holds only its meta part"
    assert all(not s.damaged for s in store.summaries())


def test_a_new_review_is_saved_in_one_write(store: ReviewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    payloads: list[bytes] = []
    real = safe_json._write_temp

    def counted(path: Path, payload: bytes, mode: int) -> str:
        if path.parent.name == "reviews":
            payloads.append(payload)
        return real(path, payload, mode)

    monkeypatch.setattr(safe_json, "_write_temp", counted)
    store.release(Review(title="Imported"))  # what import does with a review that is new here
    store.create("Created")
    assert len(payloads) == 2 and all(b'"review"' in p and b'"meta"' in p for p in payloads)


def test_a_leftover_stub_is_removed_and_never_blocks_an_import(store: ReviewStore, data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    review = Review(title="From the other computer")
    stub = data_dir / "reviews" / f"{review.id}.json"
    stub.write_bytes(STUB)
    assert store.summaries() == [], "a stub holds nothing, so nothing is listed"
    assert not stub.exists()
    store.close()
    stub.write_bytes(STUB)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(to_bundle(review))
    code, out, _ = cli(capsys, data_dir, "import", str(bundle))
    assert code == 0 and "new review" in out
    reader = ReviewStore(data_dir, read_only=True)
    assert reader.load(review.id).title == "From the other computer"
    assert [s.title for s in reader.summaries()] == ["From the other computer"]


# -- 2. backups keep history ----------------------------------------------------------------------


def test_opening_and_closing_without_a_change_keeps_the_backups(store: ReviewStore, data_dir: Path) -> None:
    review = written_twice(store, data_dir)
    path = data_dir / "reviews" / f"{review.id}.json"
    backups = {p.name: p.read_bytes() for p in path.parent.glob(f"{path.name}.bak*")}
    assert backups and backups[f"{path.name}.bak1"] != path.read_bytes(), "backup 1 holds the first sitting"
    for _ in range(3):  # opened and closed, nothing typed
        again = ReviewStore(data_dir)
        again.release(again.load(review.id))
        again.close()
    assert {p.name: p.read_bytes() for p in path.parent.glob(f"{path.name}.bak*")} == backups
    assert b"He called twice\"" in path.with_name(f"{path.name}.bak1").read_bytes()


# -- 3. messages tell the truth ------------------------------------------------------------------


def hand_edited(path: Path) -> None:
    """Valid JSON, but not a review the app can trust (writers given as text)."""
    data = json.loads(path.read_bytes())
    data["review"]["1"]["members"] = "Maria and Tom"
    path.write_text(json.dumps(data))


def test_a_file_that_decodes_but_fails_the_checks_offers_its_backups(store: ReviewStore, data_dir: Path) -> None:
    review = written_twice(store, data_dir)
    path = data_dir / "reviews" / f"{review.id}.json"
    hand_edited(path)
    again = ReviewStore(data_dir)
    with pytest.raises(CorruptDatabaseError) as raised:
        again.load(review.id)
    assert raised.value.backups, "restore is offered"
    assert "No backup copy was found" not in str(raised.value)
    [listed] = again.summaries()
    assert listed.damaged and listed.backups >= 1 and listed.title == "Our March review"
    restored = again.restore_backup(review.id, 1)  # the failed open must not keep the file locked
    assert restored.members[0].name == "Maria"
    assert not again.summaries()[0].damaged
    again.close()


def test_export_of_a_damaged_review_says_a_backup_exists(store: ReviewStore, data_dir: Path,
                                                         capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    review = written_twice(store, data_dir)
    (data_dir / "reviews" / f"{review.id}.json").write_bytes(b'{"meta": {"1": {"schema": 1}}, "review": {"1": {"ti')
    code, _, err = cli(capsys, data_dir, "export", review.id, "--output", str(tmp_path / "out.md"))
    assert code == 1 and "No backup copy was found" not in err and "restore" in err


# -- 4. the index is only a cache ------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["empty", "garbage", "folder"])
def test_a_damaged_index_breaks_neither_list_nor_export(store: ReviewStore, data_dir: Path, damage: str,
                                                        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    written_twice(store, data_dir)
    index = data_dir / "index.json"
    index.unlink()
    if damage == "folder":
        index.mkdir()
    else:
        index.write_bytes(b"" if damage == "empty" else b"{garbage")
    code, out, _ = cli(capsys, data_dir, "list")
    assert code == 0 and "Our March review" in out
    code, out, _ = cli(capsys, data_dir, "export", "March", "--output", str(tmp_path / "out.md"))
    assert code == 0 and "then not at all" in (tmp_path / "out.md").read_text()
    app_store = ReviewStore(data_dir)  # as the app opens it
    assert [s.title for s in app_store.summaries()] == ["Our March review"]
    app_store.set_setting("welcome_seen", True)
    assert app_store.setting("welcome_seen") is True
    told = any("list of reviews" in notice for notice in app_store.notices)
    assert (damage == "folder") == told, "told when the list cannot be kept between sessions"
    app_store.close()


# -- 5. ids never collide -----------------------------------------------------------------------


def test_reviews_whose_ids_share_15_hex_digits_are_both_listed(store: ReviewStore, data_dir: Path) -> None:
    first = Review(title="First", id="0123456789abcde" + "0" * 17)
    second = Review(title="Second", id="0123456789abcde" + "f" * 17)
    store.release(first)
    store.release(second)
    assert sorted(s.title for s in store.summaries()) == ["First", "Second"]
    store.close()
    again = ReviewStore(data_dir)  # and on the next start, from the index
    assert sorted(s.title for s in again.summaries()) == ["First", "Second"]
    again.close()


def test_files_not_named_like_a_review_are_left_alone(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Real")
    copy = (data_dir / "reviews" / f"{review.id}.json").read_bytes()
    (data_dir / "reviews" / "my copy.json").write_bytes(copy)
    (data_dir / "reviews" / "zz-copy.json").write_bytes(copy)
    (data_dir / "reviews" / "Ünïcode.json").write_bytes(b"{}")
    assert [s.title for s in store.summaries()] == ["Real"]
    assert (data_dir / "reviews" / "zz-copy.json").read_bytes() == copy, "not ours to change"


def test_an_old_index_is_migrated_by_dropping_its_summaries(store: ReviewStore, data_dir: Path) -> None:
    store.create("Kept")
    store.set_setting("welcome_seen", True)
    store.close()
    old = {"reviews": {"1": {"id": "nothing-like-this", "title": "Ghost"}}, "settings": {"1": {"welcome_seen": True}}}
    (data_dir / "index.json").write_text(json.dumps(old))
    again = ReviewStore(data_dir)
    assert [s.title for s in again.summaries()] == ["Kept"] and again.setting("welcome_seen") is True
    assert "reviews" not in json.loads((data_dir / "index.json").read_text())
    again.close()


# -- 10. damaged reviews stay listed; 11. titles are cut in the index ---------------------------------


def test_a_damaged_review_stays_listed_until_restored(store: ReviewStore, data_dir: Path) -> None:
    review = written_twice(store, data_dir)
    path = data_dir / "reviews" / f"{review.id}.json"
    path.write_bytes(b'{"meta": {"1": {"schema": 1}}, "review": {"1": {"ti')
    again = ReviewStore(data_dir)
    [listed] = again.summaries()
    assert (listed.title, listed.damaged, listed.backups) == ("Our March review", "its file is damaged", 2)
    with pytest.raises(CorruptDatabaseError):
        again.load(review.id)  # moves the damaged file aside
    [listed] = again.summaries()
    assert listed.damaged and listed.backups == 2, "moved aside, still listed, still restorable"
    with pytest.raises(CorruptDatabaseError) as raised:
        again.load(review.id)
    assert raised.value.backups
    again.restore_backup(review.id, 1)
    [listed] = again.summaries()
    assert not listed.damaged and listed.title == "Our March review"
    again.close()


def test_a_review_from_a_newer_app_is_listed_and_left_alone(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("From the future")
    path = data_dir / "reviews" / f"{review.id}.json"
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    [listed] = store.summaries()
    assert listed.damaged == "it was made by a newer version of the app" and listed.backups == 0
    assert path.read_bytes() == before


def test_a_huge_title_from_an_old_file_is_cut_in_the_index(store: ReviewStore, data_dir: Path) -> None:
    review = store.create("Short")
    path = data_dir / "reviews" / f"{review.id}.json"
    data = json.loads(path.read_text())
    data["review"]["1"]["title"] = "x" * 1_000_000
    path.write_text(json.dumps(data))
    [listed] = store.summaries()
    assert len(listed.title) == TITLE_MAX
    assert (data_dir / "index.json").stat().st_size < 10_000


# -- 9. the trash ------------------------------------------------------------------------------------


def test_trash_is_counted_listed_and_emptied(store: ReviewStore, data_dir: Path) -> None:
    from workbook.store import TRASH_KEPT

    assert "trash" in TRASH_KEPT
    for title in ("One", "Two"):
        review = written_twice(store, data_dir)
        store = ReviewStore(data_dir)
        store.rename(review.id, title)
        store.delete(review.id)
    assert store.trash_count() == 2
    assert sorted(item.title for item in store.trash_items()) == ["One", "Two"]
    assert store.summaries() == []
    assert store.empty_trash() == 2
    assert store.trash_count() == 0 and list((data_dir / "trash").iterdir()) == []
    store.close()


def test_an_old_index_keeps_serving_after_the_upgrade(store: ReviewStore, data_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    review = store.create("Old list")
    store.close()
    mtime = (data_dir / "reviews" / f"{review.id}.json").stat().st_mtime_ns
    old = {"id": review.id, "title": "Old list", "intervention_date": "", "updated": review.updated, "started": 0,
           "steps": 0, "mtime_ns": mtime}
    (data_dir / "index.json").write_text(json.dumps({"reviews": {"7": old}}))
    again = ReviewStore(data_dir)
    monkeypatch.setattr("workbook.storage.reviews.read_private", lambda path: pytest.fail("a review was read again"))
    assert [s.title for s in again.summaries()] == ["Old list"]
    monkeypatch.undo()
    again.close()


def test_a_file_with_two_writers_sharing_an_id_is_refused_not_opened(store: ReviewStore, data_dir: Path) -> None:
    review = written_twice(store, data_dir)
    path = data_dir / "reviews" / f"{review.id}.json"
    data = json.loads(path.read_text())
    members = data["review"]["1"]["members"]
    members.append(dict(members[0], name="Someone else"))
    path.write_text(json.dumps(data))
    again = ReviewStore(data_dir)
    with pytest.raises(CorruptDatabaseError) as raised:
        again.load(review.id)
    assert "share" in str(raised.value) or "same id" in str(raised.value), str(raised.value)
    assert raised.value.backups, "restore is offered"
    again.close()
