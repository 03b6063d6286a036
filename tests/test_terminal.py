"""The real app in a real terminal (tmux, 80x24), typed into at a person's pace.

These tests drive `python -m workbook` the way a family member does: each key on its own, 20-40 ms
apart, without waiting for the app to settle between keys; they only wait where a person would
look at the screen first (a dialog opening, a step appearing). What was written is then read
back from the exported bundle (`export --format json`), never from the app's insides.

They reproduce the numbered defects of the "typing at a person's pace" report: a second F4
crashing, new entries starting with the last entry's words, words moving between entries after a
removal, "Who is writing?" mixing name and relationship, a saved date replaced by the first key,
and a closed terminal leaving the app running with the folder locked.

The module is skipped when tmux is not installed. See tests/termkit.py for the harness.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

if shutil.which("tmux") is None:
    pytest.skip("tmux is not installed: real-terminal tests skipped", allow_module_level=True)

from .termkit import (
    Terminal,
    TerminalError,
    add_writer,
    go_to_step,
    new_review,
    open_review,
    process_gone,
    wait_for_step,
    wait_process_gone,
)

TITLE = "Danny"
WHAT_HAPPENED, TIMELINE, PEOPLE, LOVED_ONE, CAUSE_PEOPLE, CAUSE_PLAN, CAUSE_NARRATIVE, CAUSE_APPROACH, PLAN = range(9)
CAUSE_STEPS = {CAUSE_PEOPLE: "cause-people", CAUSE_PLAN: "cause-plan", CAUSE_NARRATIVE: "cause-narrative", CAUSE_APPROACH: "cause-approach"}
HANG_UP_LIMIT = 3.0
"""Seconds the app may take to save and exit after its terminal is closed."""
GRACE = 15.0
"""Seconds more to wait, past HANG_UP_LIMIT, to tell an app that exits late from one that never does."""


# -- helpers ----------------------------------------------------------------------------------------


def quit_cleanly(term: Terminal) -> None:
    """Ctrl+Q: the app must save, exit with 0, and never have shown a traceback."""
    assert term.running(), f"the app is not running any more before Ctrl+Q:\n{term.report()}"
    code = term.quit()
    assert not term.crashed(), f"the app crashed:\n{term.report()}"
    assert code == 0, f"exit code {code}:\n{term.report()}"


def member_id(review: dict[str, Any], name: str) -> str:
    found = [m["id"] for m in review["members"] if m["name"] == name]
    assert len(found) == 1, f"expected one writer called {name!r}: {review['members']}"
    return str(found[0])


def answer(review: dict[str, Any], step: str, question: str, writer: str) -> Any:
    return review["answers"].get(step, {}).get(question, {}).get(writer, {}).get("value")


def open_plan_tab(term: Terminal, rights: int) -> None:
    """In the revised plan: Shift+Tab from the proposals to the tabs, then Right `rights` times."""
    term.keys("BTab", *(["Right"] * rights))


def add_entries(term: Terminal, words: list[str], *, second: list[str] | None = None, tabs_to_second: int = 1) -> None:
    """F4 and the words for each record, without pauses; optionally Tab to a second field and type there too."""
    for number, text in enumerate(words):
        term.keys("F4")
        term.type(text)
        if second is not None:
            term.keys(*(["Tab"] * tabs_to_second))
            term.type(second[number])


def open_entry(term: Terminal, moves: list[str], what: str) -> None:
    """From the table: arrow keys to a timeline entry, Tab into its editor, and check it is the one meant
    (its title, or its words under "What happened?", whichever the editor shows on screen)."""
    term.keys(*moves, "Tab")
    term.wait_for_pane(f"Editing: {what}", f"and how people reacted. {what}")


def remove_open_entry(term: Terminal) -> None:
    """F8, wait for the question, Tab from the safe "No, keep it" to "Remove entry", Enter."""
    term.keys("F8")
    term.wait_for("Remove this entry?")
    term.keys("Tab", "Enter")
    term.wait_gone("Remove this entry?")


def cpu_use(pid: int) -> str:
    """The words ', using N% of a CPU' for a running process (read from /proc), or nothing where that cannot be read."""

    def ticks() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    try:
        first = ticks()
        time.sleep(1.0)
        return f", using {100 * (ticks() - first) / os.sysconf('SC_CLK_TCK'):.0f}% of a CPU"
    except (OSError, ValueError, IndexError):
        return ""


def slow_exit(term: Terminal, pid: int) -> str | None:
    """After the terminal closed: None if the app exited within HANG_UP_LIMIT seconds; otherwise what
    happened instead (it exited later, or it was still running GRACE seconds later and was stopped)."""
    took = wait_process_gone(pid, HANG_UP_LIMIT + GRACE)
    if took is not None:
        term.log(f"the app exited {took:.1f} s after its terminal was closed")
        return None if took <= HANG_UP_LIMIT else f"the app (pid {pid}) took {took:.1f} s to exit after its terminal was closed (SIGHUP)"
    usage = cpu_use(pid)
    term.stop_leftovers([pid])
    return (
        f"the app (pid {pid}) was still running {HANG_UP_LIMIT + GRACE:g} s after its terminal was closed (SIGHUP){usage}, "
        "keeping the data folder locked; the test stopped it"
    )


def hang_up_and_wait(term: Terminal, problems: list[str]) -> None:
    """Close the terminal (SIGHUP); note in `problems` if the app did not exit within HANG_UP_LIMIT
    seconds (and stop it if it still runs), so the test can go on and show what else happens."""
    if problem := slow_exit(term, term.hang_up()):
        problems.append(problem)


# -- 1. a second F4 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["timeline", "people", "options"])
def test_second_f4_does_not_crash(term: Terminal, where: str) -> None:
    """F4, a few words, F4, more words: the app keeps running and each record keeps its own words."""
    term.start()
    new_review(term, TITLE, "Linda", "mother")
    if where == "timeline":
        term.keys("C-n")
        wait_for_step(term, TIMELINE)
    elif where == "people":
        go_to_step(term, PEOPLE, now=WHAT_HAPPENED)
    else:
        go_to_step(term, PLAN, now=WHAT_HAPPENED)
        open_plan_tab(term, 2)
        term.wait_for_pane("Add option (F4)")
    first, second = "we met at noon", "he walked out"
    add_entries(term, [first, second])
    time.sleep(1.0)  # a person glances at the screen before quitting
    assert term.running(), f"the app stopped after the second F4:\n{term.report()}"
    quit_cleanly(term)

    review = term.export(TITLE)["review"]
    if where == "timeline":
        records, field = review["timeline"], "what"
    elif where == "people":
        records, field = review["people"], "name"
    else:
        records, field = review["plan"].get("options", []), "name"
    assert [r.get(field) for r in records] == [first, second], records


# -- 2. new entries start blank ----------------------------------------------------------------------


def test_new_entries_start_blank(term: Terminal) -> None:
    """A new timeline entry, person or option starts empty, never with the previous one's words."""
    term.start()
    new_review(term, TITLE, "Linda", "mother")

    term.keys("C-n")
    wait_for_step(term, TIMELINE)
    # F4 puts the cursor in "What happened?"; Tab goes on to "Who was involved?".
    add_entries(term, ["first moment", "second moment"], second=["Mum", "Dad"])
    term.keys("F4")  # a third entry, left as it starts

    go_to_step(term, PEOPLE, now=TIMELINE)
    add_entries(term, ["Ray", "Rose"], second=["uncle", "grandma"])
    term.keys("F4")

    go_to_step(term, PLAN, now=PEOPLE)
    open_plan_tab(term, 2)
    term.wait_for_pane("Add option (F4)")
    # Option name, then Tab past "What kind of help is it?" to "Who will look into it?".
    add_entries(term, ["Hope House", "Day clinic"], second=["Linda", "Tom"], tabs_to_second=2)
    term.keys("F4")
    time.sleep(1.0)
    quit_cleanly(term)

    review = term.export(TITLE)["review"]
    timeline = [(e["what"], e["who"]) for e in review["timeline"]]
    assert timeline == [("first moment", "Mum"), ("second moment", "Dad"), ("", "")], timeline
    people = [(p["name"], p["relationship"]) for p in review["people"]]
    assert people == [("Ray", "uncle"), ("Rose", "grandma"), ("", "")], people
    options = [(o.get("name", ""), o.get("who", "")) for o in review["plan"].get("options", [])]
    assert options == [("Hope House", "Linda"), ("Day clinic", "Tom"), ("", "")], options


# -- 3. removing entries -----------------------------------------------------------------------------


def test_removing_entries_keeps_every_other_entrys_words(term: Terminal) -> None:
    """Six entries, two removed (F8, confirmed): the other four keep exactly their words, and typing
    afterwards changes only the entry being edited."""
    words = ["alpha one", "bravo two", "charlie three", "delta four", "echo five", "foxtrot six"]
    term.start()
    new_review(term, TITLE, "Linda", "mother")
    term.keys("C-n")
    wait_for_step(term, TIMELINE)
    add_entries(term, words)

    # Esc leaves the field for the table; up to the second entry, into it (the person checks it), remove it.
    term.keys("Escape")
    open_entry(term, [*(["Up"] * 6), "Down"], "bravo two")
    remove_open_entry(term)
    # The cursor is now on "charlie three"; down twice to "echo five" and remove that one too.
    term.keys("Escape")
    open_entry(term, ["Down", "Down"], "echo five")
    remove_open_entry(term)

    # Now edit "delta four": up to it, into its words (Tab past "When was it?"), to the end, and type.
    term.keys("Escape")
    open_entry(term, ["Up"], "delta four")
    term.keys("Tab", "End")
    term.type(" and more")
    time.sleep(1.0)
    assert term.running(), f"the app stopped:\n{term.report()}"
    quit_cleanly(term)

    review = term.export(TITLE)["review"]
    kept = [e["what"] for e in review["timeline"]]
    assert kept == ["alpha one", "charlie three", "delta four and more", "foxtrot six"], kept


# -- 4. "Who is writing?" ------------------------------------------------------------------------------


def test_writer_name_and_relationship_typed_without_pauses(term: Terminal) -> None:
    """`Linda`, Tab, `mother`, Enter typed straight through: name Linda, relationship mother (also for a second writer via F2)."""
    term.start()
    term.wait_for("Begin (Enter)")
    term.keys("Enter")
    term.wait_for("Your reviews")
    term.type("n")
    term.wait_for("Start a new review")
    term.type(TITLE)
    term.keys("Enter")
    term.wait_for("Who is writing?")
    term.type("Linda")
    term.keys("Tab")
    term.type("mother")
    term.keys("Enter")
    first = term.wait_for("Writing as ")
    term.keys("F2")
    term.wait_for("Or add someone new")
    term.keys("Tab")  # from the list of writers to "First name"
    term.type("Tom")
    term.keys("Tab")
    term.type("brother")
    term.keys("Enter")
    term.wait_gone("Or add someone new")
    second = term.wait_for("Writing as ")
    quit_cleanly(term)

    members = [(m["name"], m["relationship"]) for m in term.export(TITLE)["review"]["members"]]
    status = [line.strip() for shown in (first, second) for line in shown.splitlines() if "Writing as" in line]
    assert members == [("Linda", "mother"), ("Tom", "brother")], f"saved writers {members}; the status lines read {status}"


# -- 5. a saved date -----------------------------------------------------------------------------------


def test_first_key_does_not_replace_a_saved_date(term: Terminal) -> None:
    """Reopening a review with a saved date and typing `9` first must not replace the date with "9"."""
    term.start()
    new_review(term, TITLE, "Linda", "mother")
    term.wait_for_pane("When was the intervention?")
    term.type("2026-03-14")
    term.wait_for("2026-03-14")
    quit_cleanly(term)

    term.start()
    open_review(term, TITLE, writer="Linda")
    term.wait_for_pane("When was the intervention? 2026-03-14")  # the person sees the date, in its field
    term.type("9")
    time.sleep(1.0)
    shown = term.screen()
    quit_cleanly(term)

    review = term.export(TITLE)["review"]
    date = answer(review, "what-happened", "date", member_id(review, "Linda"))
    assert isinstance(date, str) and "2026-03-14" in date, f"the saved date became {date!r}; the screen showed:\n{shown}"


# -- 6. closing the terminal ---------------------------------------------------------------------------


def test_closing_the_terminal_mid_typing_saves_and_exits(term: Terminal) -> None:
    """Kill the window while keys are still coming: the app exits within seconds, the next start opens
    normally, and the words typed before the window closed are saved."""
    before, during = "we talked in the kitchen", " and then he left without a word"
    term.start()
    new_review(term, TITLE, "Linda", "mother")
    # From the date (where the cursor starts), Tab past "Where did it take place?" to the place details.
    term.wait_for_pane("When was the intervention?")
    term.keys("Tab", "Tab")
    term.type(before)
    term.wait_for(before)  # the person sees the sentence, goes on typing, and closes the window mid-word

    problems: list[str] = []
    typing = term.type_in_background(during)
    time.sleep(0.4)
    pid = term.hang_up()
    closed = time.monotonic()
    typing.join(10)
    if (took := wait_process_gone(pid, HANG_UP_LIMIT - (time.monotonic() - closed))) is not None:
        term.log(f"the app exited {time.monotonic() - closed:.1f} s after its terminal was closed")
    else:
        problems.append(f"the app (pid {pid}) was still running {HANG_UP_LIMIT:g} s after its terminal was closed (SIGHUP){cpu_use(pid)}")

    term.start()  # the person opens the workbook again
    try:
        term.wait_for("Your reviews", timeout=10)
    except TerminalError:
        shown = " / ".join(line.strip() for line in term.history().splitlines() if line.strip() and "Pane is dead" not in line)
        problems.append(f"a fresh start on the same folder did not open (exit code {term.exited(2)}); it said: {shown[:400]}")
    if took is None and not process_gone(pid):
        if wait_process_gone(pid, GRACE) is not None:
            problems.append(f"the first app exited only {time.monotonic() - closed:.1f} s after its terminal was closed")
        else:
            term.stop_leftovers([pid])  # so the folder can be read; the test fails anyway
            problems.append(f"the first app was still running {time.monotonic() - closed:.0f} s after its terminal was closed; stopped")
    if term.running():
        quit_cleanly(term)
    if logs := term.crash_logs():
        problems.append(f"the app crashed:\n{logs}")

    review = term.export(TITLE)["review"]
    saved = answer(review, "what-happened", "place_detail", member_id(review, "Linda"))
    if not isinstance(saved, str) or not saved.startswith(before) or not (before + during).startswith(saved):
        problems.append(f"saved {saved!r}: expected {before!r} and perhaps the start of {during.strip()!r}")
    assert not problems, "\n".join(problems)


# -- 7. the whole workbook, two writers, two abrupt closes ---------------------------------------------


class Family:
    """What each writer typed where, so the bundle can be checked word by word."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str, str], str] = {}
        """(step id, question id, writer name) -> words."""
        self.timeline: list[tuple[str, str, str]] = []
        """(what, who, author name) in the order written."""
        self.people: list[tuple[str, str, str, str]] = []
        """(name, relationship, added by, that writer's "why")."""
        self.options: list[tuple[str, str]] = []
        """(option name, who will look into it)."""


def write_what_happened(term: Terminal, family: Family, writer: str, tag: str, *, date: str | None) -> None:
    """The date (first field, where the cursor starts), then Tab Tab past "Where" to the place details."""
    if date is not None:
        term.type(date)
        family.answers[("what-happened", "date", writer)] = date
    term.keys("Tab", "Tab")
    detail = f"{tag} yard"
    term.type(detail)
    family.answers[("what-happened", "place_detail", writer)] = detail


def write_timeline(term: Terminal, family: Family, writer: str, tag: str) -> None:
    for n in range(1, 5):
        what, who = f"{tag}{n} seen", f"{tag}w{n}"
        term.keys("F4")
        term.type(what)
        term.keys("Tab")
        term.type(who)
        family.timeline.append((what, who, writer))
    term.wait_for(family.timeline[-1][1], timeout=60)


def write_people(term: Terminal, family: Family, writer: str, tag: str) -> None:
    # Name, relationship, then Tab past was-there, part, helped, next time and concerns to "why".
    for n in range(1, 5):
        name, relationship, why = f"{tag}P{n}", f"r{n}", f"{tag}y{n}"
        term.keys("F4")
        term.type(name)
        term.keys("Tab")
        term.type(relationship)
        term.keys(*(["Tab"] * 6))
        term.type(why)
        family.people.append((name, relationship, writer, why))
    term.wait_for(family.people[-1][3], timeout=60)  # the person sees their last words before moving on


def write_cause_step(term: Terminal, family: Family, writer: str, tag: str, step: str) -> None:
    """The cursor starts on the rating: Tab to the first question for words ("supposed"), and type."""
    term.keys("Tab")
    words = f"{tag} {step.split('-')[1]}"
    term.type(words)
    family.answers[(step, "supposed", writer)] = words


def write_plan_details(term: Terminal, family: Family, writer: str, tag: str) -> None:
    """From the proposals: to the tabs, Right to Details, Tab past two choices to "Where could it take
    place?", type, and Shift+Tab back up to the tabs."""
    open_plan_tab(term, 1)
    term.wait_for_pane("Who should lead next time?")
    term.keys("Tab", "Tab", "Tab")
    words = f"{tag} park"
    term.type(words)
    family.answers[("plan", "next_place", writer)] = words
    term.keys("BTab", "BTab", "BTab")


def write_options(term: Terminal, family: Family, tag: str) -> None:
    for n in range(1, 4):
        name, who = f"{tag}O{n}", f"{tag}W{n}"
        term.keys("F4")
        term.type(name)
        term.keys("Tab", "Tab")  # past "What kind of help is it?" to "Who will look into it?"
        term.type(who)
        family.options.append((name, who))


def write_everything(term: Terminal, family: Family, writer: str, tag: str, *, now: int, date: str | None) -> None:
    """Every step, in order, from the step open now; ends on the plan's Options tab."""
    term.log(f"{writer} starts")
    go_to_step(term, WHAT_HAPPENED, now=now)
    write_what_happened(term, family, writer, tag, date=date)
    term.keys("C-n")
    wait_for_step(term, TIMELINE)
    write_timeline(term, family, writer, tag)
    term.log(f"{writer}: timeline written")
    term.keys("C-n")
    wait_for_step(term, PEOPLE)
    write_people(term, family, writer, tag)
    term.log(f"{writer}: people written")
    term.keys("C-n")
    wait_for_step(term, LOVED_ONE)
    term.type(f"{tag}Danny")  # the name the family uses: the first field of the step
    family.answers[("loved-one", "name", writer)] = f"{tag}Danny"
    for number, step in CAUSE_STEPS.items():
        term.keys("C-n")
        wait_for_step(term, number)
        write_cause_step(term, family, writer, tag, step)
    term.keys("C-n")
    wait_for_step(term, PLAN)
    term.log(f"{writer}: cause steps written")
    write_plan_details(term, family, writer, tag)
    term.keys("Right")  # from the tabs, to Options
    term.wait_for_pane("Add option (F4)")
    write_options(term, family, tag)
    term.log(f"{writer}: options written")


@pytest.mark.timeout(600)  # the app falls well behind the keys on some steps; see WAIT in termkit.py
def test_two_writers_fill_every_step_through_two_abrupt_closes(term: Terminal) -> None:
    """The "done when" scenario: two family members fill every step, entries are removed and edited,
    the window is closed abruptly twice; every word ends up where it was typed, under its writer."""
    family = Family()
    problems: list[str] = []

    # Linda writes everything, then closes the window without quitting.
    term.start()
    new_review(term, TITLE, "Linda", "mother")
    write_everything(term, family, "Linda", "li", now=WHAT_HAPPENED, date="2026-03-14")
    term.wait_for(family.options[-1][1])  # she sees her last words, then closes the window
    hang_up_and_wait(term, problems)

    # Linda comes back (the review opens on the plan), hands over to Tom, who writes everything, and closes too.
    term.start()
    open_review(term, TITLE, writer="Linda")
    wait_for_step(term, PLAN)
    add_writer(term, "Tom", "brother")
    write_everything(term, family, "Tom", "to", now=PLAN, date=None)
    term.wait_for(family.options[-1][1])
    hang_up_and_wait(term, problems)

    term.log("second close done")
    # Tom again: remove one of Linda's entries and one of his own, then add to every other entry.
    term.start()
    open_review(term, TITLE, writer="Tom")
    go_to_step(term, TIMELINE, now=PLAN)
    removed = [family.timeline[1][0], family.timeline[6][0]]  # Linda's second entry and Tom's third
    open_entry(term, ["Down"], removed[0])  # the table starts on the first entry
    remove_open_entry(term)
    term.keys("Escape")
    open_entry(term, ["Down"] * 4, removed[1])  # past Linda's third and fourth, Tom's first and second
    remove_open_entry(term)
    remaining = [entry for entry in family.timeline if entry[0] not in removed]
    term.keys("Escape")
    for number, (what, _, _) in enumerate(remaining):
        open_entry(term, ["Up"] * 8 if number == 0 else ["Down"], what)
        term.keys("Tab", "End")  # past "When was it?" into "What happened?", to the end of the words
        term.type(" ed")
        term.keys("Escape")  # back to the table
    time.sleep(1.0)
    if not term.running():
        problems.append(f"the app stopped while entries were being edited:\n{term.report()}")
    else:
        code = term.quit()
        if code != 0 or term.crashed():
            problems.append(f"Ctrl+Q: exit code {code}:\n{term.report()}")

    term.log("quit")
    # Everything, from the exported bundle.
    review = term.export(TITLE)["review"]
    members = [(m["name"], m["relationship"]) for m in review["members"]]
    assert members == [("Linda", "mother"), ("Tom", "brother")], "\n".join([*problems, f"writers: {members}"])
    ids = {name: member_id(review, name) for name in ("Linda", "Tom")}
    names = {mid: name for name, mid in ids.items()}

    for (step, question, writer), words in family.answers.items():
        saved = answer(review, step, question, ids[writer])
        if saved != words:
            problems.append(f"{writer}'s answer to {step}/{question}: typed {words!r}, saved {saved!r}")

    expected_timeline = [(what + " ed", who, writer) for what, who, writer in remaining]
    saved_timeline = [(e["what"], e["who"], names.get(e["author"], e["author"])) for e in review["timeline"]]
    if saved_timeline != expected_timeline:
        problems.append(f"timeline (what, who, author):\n  saved    {saved_timeline}\n  expected {expected_timeline}")

    saved_people = [
        (p["name"], p["relationship"], names.get(p["added_by"], p["added_by"]), {names.get(k, k): v["why"] for k, v in p["views"].items()})
        for p in review["people"]
    ]
    expected_people = [(name, relationship, writer, {writer: why}) for name, relationship, writer, why in family.people]
    if saved_people != expected_people:
        problems.append(f"people (name, relationship, added by, why by writer):\n  saved    {saved_people}\n  expected {expected_people}")

    saved_options = [(o.get("name", ""), o.get("who", "")) for o in review["plan"].get("options", [])]
    if saved_options != family.options:
        problems.append(f"options (name, who):\n  saved    {saved_options}\n  expected {family.options}")
    assert not problems, "\n".join(problems)
