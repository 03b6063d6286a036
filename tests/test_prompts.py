"""The prompt files: the shipped ones load and have every id the app relies on, and broken ones
are reported with the file and line a counselor needs to fix them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.prompts import PromptError, Prompts, Question, load_prompts, prompts_dir

PROMPTS = prompts_dir()

YES_NO_UNSURE = ("yes", "no", "not-sure")
RATING = ("not-at-all", "a-little", "a-lot", "not-sure")
AAR = (("rating", "choice", RATING), ("supposed", "text", None), ("happened", "text", None), ("differ", "text", None),
       ("went_well", "text", None), ("keep", "text", None), ("change", "text", None))

# step id -> (kind, cause, [(question id, question kind, choice ids or None)]); the order of
# steps and of questions is checked too.
REQUIRED: dict[str, tuple[str, str, tuple[tuple[str, str, tuple[str, ...] | None], ...]]] = {
    "what-happened": ("form", "", (
        ("date", "date", None),
        ("place", "choice", ("loved-ones-home", "family-home", "neutral", "public", "other")),
        ("place_detail", "line", None),
        ("leader", "choice", ("nobody", "family-member", "counselor", "professional", "other")),
        ("approach", "choice", ("surprise", "invitational", "informal", "craft", "not-sure")),
        ("pre_meeting", "choice", YES_NO_UNSURE),
        ("letters", "choice", ("yes", "some", "no", "not-sure")),
        ("options_ready", "choice", YES_NO_UNSURE),
        ("options_detail", "text", None),
        ("consequences", "text", None),
        ("consequences_held", "choice", ("all", "some", "none", "not-sure", "not-stated")),
        ("outcome", "choice", ("refused", "walked-out", "agreed-not-gone", "left-early", "used-again", "other")),
        ("outcome_detail", "text", None),
        ("since", "text", None),
        ("safety_events", "multi",
         ("overdose", "detox", "treatment-ended", "jail", "arrest", "threats-violence", "suicide-concern", "none")),
        ("safety_detail", "text", None),
    )),
    "timeline": ("timeline", "", (
        ("phase", "choice", ("before", "during", "after")),
        ("what", "text", None),
        ("who", "line", None),
        ("cause", "choice", ("none", "people", "plan", "narrative", "approach")),
    )),
    "people": ("people", "", (
        ("name", "line", None),
        ("relationship", "line", None),
        ("present", "choice", ("there", "invited", "not-invited")),
        ("role", "choice", ("led", "spoke", "letter", "support", "watched", "other")),
        ("helped", "choice", ("yes", "no", "mixed", "not-sure")),
        ("next_time", "choice", ("yes", "no", "letter-only", "not-sure")),
        ("concerns", "multi", ("active-use", "mental-health", "conflict", "off-script", "young", "not-close", "none")),
        ("why", "text", None),
    )),
    "cause-people": ("form", "people", (*AAR, ("missing", "text", None))),
    "cause-plan": ("form", "plan", (
        *AAR,
        ("rehearsal", "choice", YES_NO_UNSURE),
        ("kept_to_letters", "choice", ("yes", "mostly", "no", "no-letters", "not-sure")),
        ("who_decided", "text", None),
    )),
    "cause-narrative": ("form", "narrative", (
        *AAR,
        ("derailments", "multi", ("anger", "leaving", "bargaining", "blame", "old-grievances", "tears", "denial", "promises", "other")),
        ("pulled_off", "text", None),
    )),
    "cause-approach": ("form", "approach", (*AAR, ("fit", "text", None), ("tried_before", "text", None))),
    "plan": ("plan", "", (
        ("next_leader", "choice", ("professional", "counselor", "family-member", "not-sure")),
        ("next_approach", "choice", ("confrontational", "invitational", "craft", "systemic", "not-sure")),
        ("next_place", "line", None),
        ("next_time", "line", None),
        ("after_yes", "text", None),
        ("after_no", "text", None),
        ("aftercare", "text", None),
        ("family_support", "text", None),
        ("safety_plan", "text", None),
        ("questions_for_pro", "text", None),
    )),
}
QUESTION_ROWS = [(step, *row) for step, (_, _, rows) in REQUIRED.items() for row in rows]

BANNED = re.compile(r"\b(addicts?|junkies?|enablers?|enabling|codependent|codependency|clean and sober|guaranteed?|success rates?)\b", re.I)
PHONE = re.compile(r"\b(911|988)\b|\b1-8\d\d-|\(\d{3}\)\s*\d{3}|\b\d{3}[-. ]\d{3}[-. ]\d{4}\b")


def prompt_files() -> list[Path]:
    return sorted(PROMPTS.rglob("*.md"))


@pytest.fixture(scope="module")
def shipped() -> Prompts:
    return load_prompts()


def question(prompts: Prompts, step_id: str, question_id: str) -> Question:
    step = prompts.step(step_id)
    assert step is not None, f"no step {step_id!r}"
    found = step.question(question_id)
    assert found is not None, f"step {step_id!r} has no question {question_id!r}"
    return found


# ---------------------------------------------------------------- the shipped prompts


def test_default_directory_loads(shipped: Prompts) -> None:
    assert load_prompts(PROMPTS) == shipped
    assert [s.source.name for s in shipped.steps] == sorted(p.name for p in (PROMPTS / "steps").glob("*.md"))


def test_steps_are_the_required_ones_in_order(shipped: Prompts) -> None:
    assert [s.id for s in shipped.steps if s.id in REQUIRED] == list(REQUIRED)


@pytest.mark.parametrize("step_id", list(REQUIRED))
def test_step_kind_cause_and_question_order(shipped: Prompts, step_id: str) -> None:
    kind, cause, rows = REQUIRED[step_id]
    step = shipped.step(step_id)
    assert step is not None
    assert (step.kind, step.cause) == (kind, cause)
    wanted = [r[0] for r in rows]
    assert [q.id for q in step.questions if q.id in wanted] == wanted
    assert step.title and step.intro and step.why, "every step needs a title, an introduction and a why-we-ask note"


@pytest.mark.parametrize(("step_id", "question_id", "kind", "choices"), QUESTION_ROWS)
def test_required_question(shipped: Prompts, step_id: str, question_id: str, kind: str, choices: tuple[str, ...] | None) -> None:
    q = question(shipped, step_id, question_id)
    assert q.kind == kind
    assert tuple(c.id for c in q.choices) == (choices or ())


def test_cause_steps_cover_each_cause_once(shipped: Prompts) -> None:
    assert sorted(s.cause for s in shipped.steps if s.cause) == ["approach", "narrative", "people", "plan"]


def test_labels_named_in_the_brief(shipped: Prompts) -> None:
    approach = question(shipped, "what-happened", "approach")
    assert approach.choice_label("surprise") == "A surprise, confrontational meeting"
    assert approach.choice_label("invitational") == "An invitational meeting (they knew it was coming)"
    assert approach.choice_label("craft") == "CRAFT-style (gradual, through one family member)"
    assert question(shipped, "timeline", "cause").choice_label("none") == "No particular cause"
    assert question(shipped, "people", "present").choice_label("invited") == "Invited but not there"
    assert question(shipped, "people", "present").choice_label("not-invited") == "Not invited (for next time)"
    assert question(shipped, "people", "next_time").choice_label("letter-only") == "Yes, but by letter only"
    plan = shipped.step("plan")
    assert plan is not None and plan.title == "Revised plan"


def test_every_question_has_a_why_note_and_no_visible_ids(shipped: Prompts) -> None:
    for step in shipped.steps:
        for q in step.questions:
            assert q.why, f"{step.id}/{q.id} has no 'Why we ask:' note"
            assert not q.why.lower().startswith("why we ask"), "the prefix is added by the app"
            for text in (q.text, q.help, q.why, *(c.label for c in q.choices)):
                assert "{" not in text and "}" not in text, f"{step.id}/{q.id}: an id is showing in {text!r}"


def test_guides(shipped: Prompts) -> None:
    assert set(shipped.guides) >= {"welcome", "safety", "approaches", "about-blame"}
    for guide in shipped.guides.values():
        assert guide.title and guide.body
        assert not guide.body.startswith("# "), "the title is not repeated in the body"
    welcome = shipped.guides["welcome"].body.lower()
    assert "not a crisis service" in welcome and "this computer" in welcome
    safety = shipped.guides["safety"].body.lower()
    for needed in ("naloxone", "recovery position", "fentanyl", "xylazine", "give naloxone anyway", "after detox", "jail", "suicide"):
        assert needed in safety
    approaches = shipped.guides["approaches"].body
    for needed in ("Johnson", "ARISE", "CRAFT", "Love First", "treatment entry", "Miller, Meyers and Tonigan", "Roozen"):
        assert needed in approaches
    assert "not your fault" in shipped.guides["about-blame"].body


def test_resources(shipped: Prompts) -> None:
    assert len(shipped.resources) >= 4
    for resource in shipped.resources:
        assert resource.name and resource.contact and resource.what
        assert resource.unverified or re.match(r"Checked \d{4}-\d{2}-\d{2} against ", resource.verified), resource
    checked = {r.name: r for r in shipped.resources}
    assert not checked["SAMHSA National Helpline"].unverified and "English only" in checked["SAMHSA National Helpline"].what
    assert all(r.unverified for name, r in checked.items() if name.startswith("Never Use Alone")), "known only from news articles"
    assert "Last checked" not in (PROMPTS / "resources.md").read_text(encoding="utf-8")
    contacts = " ".join(r.contact for r in shipped.resources)
    for number in ("911", "988", "1-800-662-4357", "1-800-487-4889"):
        assert number in contacts
    assert "1-800-484-3731" not in contacts, "the brief says the national Never Use Alone number is unverified"


def banned_words(text: str) -> list[str]:
    return [m.group(0) for m in BANNED.finditer(text)]


def test_banned_word_check_can_fail() -> None:
    assert banned_words("An Addict, addicts, enabling, Success rate, CLEAN AND SOBER") == [
        "Addict", "addicts", "enabling", "Success rate", "CLEAN AND SOBER"]
    assert banned_words("addiction, unable, guarded, enables") == []


@pytest.mark.parametrize("path", prompt_files(), ids=lambda p: p.name)
def test_no_banned_words(path: Path) -> None:
    assert banned_words(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", [p for p in prompt_files() if p.name != "resources.md"], ids=lambda p: p.name)
def test_phone_numbers_live_only_in_resources(path: Path) -> None:
    assert PHONE.findall(path.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- broken files


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped prompts to break."""
    return Path(shutil.copytree(PROMPTS, tmp_path / "prompts"))


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` (which must be there) and return its 1-based line."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = line_of(path, old.split("\n")[0])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def broken(root: Path, path: Path, line: int | None, *words: str) -> PromptError:
    with pytest.raises(PromptError) as caught:
        load_prompts(root)
    error = caught.value
    assert (error.path, error.line) == (path, line), str(error)
    message = str(error)
    assert message.startswith(f"{path}, line {line}: " if line else f"{path}: ")
    for word in words:
        assert word in message
    return error


STEP = "# A step\n\n## First question {first}\n\nWhy we ask: because.\n"


def test_missing_question_id(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    line = edit(path, "## Where did it take place? {place}", "## Where did it take place?")
    broken(root, path, line, 'the question "Where did it take place?" has no id', "{where-did-it-take-place}")


def test_bad_question_id(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    line = edit(path, "{place}", "{Place here}")
    broken(root, path, line, "lowercase letters, digits, - and _")


def test_duplicate_question_id(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    line = edit(path, "{place_detail}", "{place}")
    broken(root, path, line, "two questions", "{place}")


def test_unknown_type(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    line = edit(path, "Type: date", "Type: calendar")
    broken(root, path, line, '"Type: calendar"', "text, line, date, choice, multi")


@pytest.mark.parametrize(("old", "new", "allowed"), [
    ("Kind: form", "Kind: survey", "form, timeline, people, plan"),
    ("Cause: people", "Cause: weather", "people, plan, narrative, approach"),
])
def test_unknown_step_setting(root: Path, old: str, new: str, allowed: str) -> None:
    path = root / "steps" / "05-cause-people.md"
    broken(root, path, edit(path, old, new), allowed)


def test_setting_in_the_wrong_place(root: Path) -> None:
    path = root / "steps" / "05-cause-people.md"
    broken(root, path, edit(path, "Cause: people", "Type: text"), "belongs under a ## question")
    path.write_text(STEP + "\nKind: form\n", encoding="utf-8")
    broken(root, path, 7, "before the first ## question")


def test_choice_without_list(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    path.write_text("# Title\n\n## Pick one {pick}\n\nType: choice\n\nWhy we ask: because.\n", encoding="utf-8")
    broken(root, path, 3, '"Pick one"', "no list of choices")


def test_choice_with_one_option(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    path.write_text("# Title\n\n## Pick one {pick}\n\nType: multi\n\n- Only {only}\n", encoding="utf-8")
    broken(root, path, 3, "only one choice")


def test_list_on_a_text_question(root: Path) -> None:
    path = root / "steps" / "01-what-happened.md"
    line = edit(path, "## Anything more about how it ended? {outcome_detail}\n",
                "## Anything more about how it ended? {outcome_detail}\n\n- One {one}\n- Two {two}\n")
    broken(root, path, line + 2, '"Anything more about how it ended?"', "only choice and multi questions")


def test_choice_problems(root: Path) -> None:
    path = root / "steps" / "02-timeline.md"
    line = edit(path, "- During the intervention {during}", "- During the intervention")
    broken(root, path, line, 'the choice "During the intervention" has no id')
    shutil.copy(PROMPTS / "steps" / "02-timeline.md", path)
    broken(root, path, edit(path, "{during}", "{before}"), "two choices", "{before}")


def test_missing_title(root: Path) -> None:
    path = root / "steps" / "03-people.md"
    path.write_text("## Name {name}\n\nType: line\n", encoding="utf-8")
    broken(root, path, 1, 'begin with a title on a line starting with "# "')
    path.write_text("<!-- a note -->\n\nSome introduction.\n\n# Title\n\n## Name {name}\n", encoding="utf-8")
    broken(root, path, 3, "begin with a title")


def test_second_title(root: Path) -> None:
    path = root / "steps" / "03-people.md"
    path.write_text(STEP + "\n# Another title\n", encoding="utf-8")
    broken(root, path, 7, "only one # title")


def test_deeper_heading(root: Path) -> None:
    path = root / "steps" / "06-cause-plan.md"
    line = edit(path, "## What actually happened? {happened}", "### What actually happened? {happened}")
    broken(root, path, line, "steps use # for the title and ## for questions", "###")


@pytest.mark.parametrize(("block", "words"), [
    ("```\ncode\n```\n", "shown as code"),
    ("    indented by four spaces\n", "shown as code"),
    ("| a | b |\n|---|---|\n| 1 | 2 |\n", "a table"),
    ("> a quote\n", "a quote"),
    ("1. first\n2. second\n", "a numbered list"),
])
def test_blocks_a_step_cannot_hold(root: Path, block: str, words: str) -> None:
    path = root / "steps" / "07-cause-narrative.md"
    path.write_text(STEP + "\n" + block, encoding="utf-8")
    broken(root, path, 7, "steps use # for the title and ## for questions", words)


def test_bad_utf8(root: Path) -> None:
    path = root / "steps" / "08-cause-approach.md"
    path.write_bytes(b"# Title\n\n## Question {q}\n\nSome caf\xe9 help.\n")
    broken(root, path, 5, "UTF-8")


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_empty_file(root: Path, content: bytes) -> None:
    path = root / "guides" / "about-blame.md"
    path.write_bytes(content)
    broken(root, path, None, "empty")


def test_unreadable_file(root: Path) -> None:
    path = root / "steps" / "09-extra.md"
    path.mkdir()  # a folder where a file should be cannot be read, even by root
    broken(root, path, None, "could not be opened")


def test_step_without_questions(root: Path) -> None:
    path = root / "steps" / "09-plan.md"
    path.write_text("# Revised plan\n\nJust an introduction.\n", encoding="utf-8")
    broken(root, path, None, "no questions")


def test_bad_step_file_name_and_duplicate_step(root: Path) -> None:
    bad = root / "steps" / "what-happened.md"
    bad.write_text(STEP, encoding="utf-8")
    broken(root, bad, None, "01-what-happened.md")
    bad.unlink()
    again = root / "steps" / "09-timeline.md"
    again.write_text(STEP, encoding="utf-8")
    broken(root, again, None, '"timeline"', "02-timeline.md")


def test_missing_guide_and_resources(root: Path) -> None:
    (root / "guides" / "safety.md").unlink()
    broken(root, root / "guides" / "safety.md", None, '"safety"')
    shutil.copy(PROMPTS / "guides" / "safety.md", root / "guides" / "safety.md")
    (root / "resources.md").unlink()
    broken(root, root / "resources.md", None, "missing")


def test_guide_without_title(root: Path) -> None:
    path = root / "guides" / "welcome.md"
    path.write_text("Welcome to the workbook.\n\n# Welcome\n", encoding="utf-8")
    broken(root, path, 1, "begin with a title")


def test_resources_table_missing_a_column(root: Path) -> None:
    path = root / "resources.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines, 1) if line.startswith("| Name |"))
    cut = [line.rsplit("|", 2)[0] + "|" if line.startswith("|") else line for line in lines]  # drop the last column
    path.write_text("\n".join(cut), encoding="utf-8")
    broken(root, path, header, 'no "Checked" column', "Name | Contact | What it is | Checked")


def test_resources_table_that_is_not_a_table(root: Path) -> None:
    path = root / "resources.md"
    line = edit(path, "| Name | Contact | What it is | Checked |", "| Name | Contact | What it is |")
    broken(root, path, line, "same number of | columns")


def test_resources_row_problems(root: Path) -> None:
    path = root / "resources.md"
    line = edit(path, "| FindTreatment.gov | findtreatment.gov |", "| FindTreatment.gov | |")
    broken(root, path, line, 'nothing in the "Contact" column')
    shutil.copy(PROMPTS / "resources.md", path)
    text = path.read_text(encoding="utf-8")
    last = text.rstrip("\n").split("\n")[-1]
    line = edit(path, last, last.rsplit("|", 2)[0] + "| soon |")
    broken(root, path, line, '"Checked" cell', "Not yet verified")


# ---------------------------------------------------------------- details of the format


def test_format_details(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS / "guides", root / "guides")
    shutil.copy(PROMPTS / "resources.md", root / "resources.md")
    shutil.copytree(PROMPTS / "plan", root / "plan")
    (root / "steps").mkdir()
    (root / "steps" / "10-later.md").write_text("# Later\n\n## Q {q}\n", encoding="utf-8")
    (root / "steps" / "2-first.md").write_bytes(
        b"\xef\xbb\xbf<!-- a note for editors -->\r\n# The *first* step\r\n\r\nKind: people\r\ncause: Plan\r\n\r\n"
        b"An intro\r\non two lines.\r\n\r\nWhy we ask: *because* it `matters`.\r\n\r\n"
        b"## Pick **one** {pick_1}\r\n\r\nType: Choice\r\nPlaceholder: hint\r\n\r\nSome help.\r\n\r\n"
        b"- Yes, *really* {yes}\r\n- No \\{literal\\} {no}\r\n"
    )
    prompts = load_prompts(root)
    assert [s.id for s in prompts.steps] == ["first", "later"]
    step = prompts.steps[0]
    assert (step.title, step.kind, step.cause) == ("The first step", "people", "plan")
    assert (step.intro, step.why) == ("An intro on two lines.", "because it matters.")
    q = step.questions[0]
    assert (q.id, q.text, q.kind, q.placeholder, q.help) == ("pick_1", "Pick one", "choice", "hint", "Some help.")
    assert [(c.id, c.label) for c in q.choices] == [("yes", "Yes, really"), ("no", "No {literal}")]
    assert step.source == root / "steps" / "2-first.md"
    assert prompts.steps[1].questions[0].kind == "text"
    guide = prompts.guides["safety"]
    assert guide.body == (PROMPTS / "guides" / "safety.md").read_text(encoding="utf-8").split("\n", 1)[1].strip()


LABEL = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" ?,.'()-"), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "" and s.strip()[0].isalpha())
IDENT = st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LABEL, IDENT), min_size=2, max_size=5, unique_by=lambda t: t[1]))
def test_labels_and_ids_round_trip(tmp_path_factory: pytest.TempPathFactory, choices: list[tuple[str, str]]) -> None:
    root = tmp_path_factory.mktemp("prompts")
    shutil.copytree(PROMPTS / "guides", root / "guides")
    shutil.copy(PROMPTS / "resources.md", root / "resources.md")
    shutil.copytree(PROMPTS / "plan", root / "plan")
    (root / "steps").mkdir()
    items = "".join(f"- {label} {{{ident}}}\n" for label, ident in choices)
    heading = choices[0][0]
    (root / "steps" / "01-s.md").write_text(f"# S\n\n## {heading} {{q}}\n\nType: multi\n\n{items}", encoding="utf-8")
    q = load_prompts(root).steps[0].questions[0]
    assert q.text == heading.strip()
    assert [(c.label, c.id) for c in q.choices] == [(label.strip(), ident) for label, ident in choices]


def test_plan_record_fields_are_read_from_prompts() -> None:
    prompts = load_prompts()
    fields = {name: [q.id for q in step.questions] for name, step in prompts.records.items()}
    assert fields["options"][:1] == ["name"] and "intake" in fields["options"] and "who" in fields["options"]
    assert {"member", "consequence", "can_hold", "last_time"} <= set(fields["commitments"])
    assert {"tactic", "response", "who"} <= set(fields["answers_prepared"])
    assert {"what", "owner", "due"} <= set(fields["tasks"])
    assert fields["letter"] == ["text"]


def test_missing_plan_fields_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS, root)
    (root / "plan" / "options.md").unlink()
    with pytest.raises(PromptError) as raised:
        load_prompts(root)
    assert "options.md" in str(raised.value)
