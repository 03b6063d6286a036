"""The workbook's questions and guidance, read from the Markdown files in prompts/.

The wording lives in Markdown so that a counselor can change it without touching Python. This
module parses those files with markdown-it-py into plain dataclasses. See docs/prompt-format.md
for the format. A file that does not follow it raises `PromptError`, which names the file and
line so the app can say exactly what to fix instead of showing a traceback.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported only when files are parsed; a cached start never needs it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

QUESTION_KINDS = ("text", "line", "date", "choice", "multi")
STEP_KINDS = ("form", "timeline", "people", "plan")


class PromptError(Exception):
    """A prompt file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line else str(self.path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Choice:
    """One option of a choice or multi question."""

    id: str
    label: str


@dataclass(frozen=True)
class Question:
    """One question of a step."""

    id: str
    text: str
    kind: str = "text"
    help: str = ""
    why: str = ""
    """The "why we ask" note, shown beneath the question."""
    placeholder: str = ""
    choices: tuple[Choice, ...] = ()

    def choice_label(self, choice_id: str) -> str:
        """The label of a choice id, or the id itself if the prompts no longer have it."""
        return next((c.label for c in self.choices if c.id == choice_id), choice_id)


@dataclass(frozen=True)
class Step:
    """One step of the review, from one file in prompts/steps/."""

    id: str
    title: str
    kind: str = "form"
    cause: str = ""
    """For the four cause steps, which cause this step looks at ("people", "plan", ...)."""
    intro: str = ""
    why: str = ""
    questions: tuple[Question, ...] = ()
    source: Path = field(default=Path(), compare=False)

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the step has it."""
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Resource:
    """A crisis or support line shown on the safety screen."""

    name: str
    contact: str
    what: str
    verified: str
    """Where and when the number was checked ("Checked <date> against <page>"), or "Not yet verified: ..."."""

    @property
    def unverified(self) -> bool:
        """True when nobody could confirm the number against the service's own page."""
        return self.verified.casefold().startswith(NOT_VERIFIED.casefold())


@dataclass(frozen=True)
class Hint:
    """One row of gentle-words.md: phrases that can sound like blame, and a kinder way to look at them."""

    phrases: tuple[str, ...]
    """The phrases as written (spaces tidied, curly apostrophes made straight); matched ignoring case."""
    suggestion: str


@dataclass(frozen=True)
class Guide:
    """A page of guidance that is not a step (welcome, safety, about)."""

    id: str
    title: str
    body: str
    """The page as Markdown, ready to render."""


@dataclass(frozen=True)
class Prompts:
    """Everything read from prompts/."""

    steps: tuple[Step, ...]
    guides: dict[str, Guide]
    resources: tuple[Resource, ...]
    records: dict[str, Step] = field(default_factory=dict)
    """Fields of the plan's small records (options, commitments...), from prompts/plan/, by file name."""
    hints: tuple[Hint, ...] = ()
    """Gentler ways to look at blaming phrases, from prompts/gentle-words.md (empty if there is no such file)."""

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if there is one."""
        return next((s for s in self.steps if s.id == step_id), None)


def prompts_dir() -> Path:
    """Where the prompts are: $INTERVENTION_WORKBOOK_PROMPTS, inside the installed package, or the checkout's prompts/.

    The environment variable lets a counselor try edited wording without reinstalling the app.
    """
    override = os.environ.get("INTERVENTION_WORKBOOK_PROMPTS", "").strip()
    if override:
        return Path(override).expanduser()
    packaged = Path(__file__).parent / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "prompts"


REQUIRED_GUIDES = ("welcome", "safety", "approaches", "about-blame")
"""Guides the app opens by name; a prompts folder without them is reported as a problem."""
REQUIRED_RECORDS = ("options", "commitments", "answers_prepared", "tasks", "letter")
"""Field lists for the plan's records, in prompts/plan/."""
CAUSES = ("people", "plan", "narrative", "approach")
RESOURCE_COLUMNS = ("Name", "Contact", "What it is", "Checked")
HINT_COLUMNS = ("If someone writes", "A gentler way to look at it")

_ID = re.compile(r"[a-z0-9_-]+")
_TRAILING_ID = re.compile(r"\s*\{([^{}]*)\}\s*$")
_SETTING = re.compile(r"(type|kind|cause|placeholder)\s*:(.*)", re.IGNORECASE)
_WHY = re.compile(r"why we ask:\s*", re.IGNORECASE)
_STEP_FILE = re.compile(r"(\d+)-([a-z0-9_-]+)\.md")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_CHECKED = re.compile(r"checked \d{4}-\d{2}-\d{2} against \S", re.IGNORECASE)
NOT_VERIFIED = "Not yet verified"
"""How the resources file marks a number nobody could confirm against the service's own page."""
_MARKUP = re.compile(r"[*_`\\&\[<]|  \n")
_LINE_BREAK = re.compile(r" *\n *")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t].*)?$", re.MULTILINE)
_NAMES = {"blockquote": 'a quote (a line starting with ">")', "hr": 'a dividing line ("---")', "html_block": "HTML",
          "ordered_list": 'a numbered list (choices use "- " bullets)', "bullet_list": "a list", "heading": "a heading"}
_STEP_SHAPE = "steps use # for the title and ## for questions, with plain paragraphs and - lists of choices"


def load_prompts(directory: Path | None = None) -> Prompts:
    """Read and check every prompt file.

    Args:
        directory: the prompts folder; by default the one shipped with the app (`prompts_dir()`).

    Raises:
        PromptError: naming the file and line of the first problem found.
    """
    root = Path(directory) if directory is not None else prompts_dir()
    steps_dir = root / "steps"
    if not steps_dir.is_dir():
        raise PromptError(steps_dir, None, "the folder of steps is missing; the workbook needs prompts/steps/ with one file per step")
    numbered: list[tuple[int, str, Path]] = []
    for path in steps_dir.glob("*.md"):
        if not (match := _STEP_FILE.fullmatch(path.name)):
            raise PromptError(path, None, "a step file's name is a number, a dash and an id, like 01-what-happened.md "
                              "(the id uses lowercase letters, digits, - and _)")
        numbered.append((int(match[1]), path.name, path))
    if not numbered:
        raise PromptError(steps_dir, None, "there are no step files; add at least one, like 01-what-happened.md")
    steps: list[Step] = []
    for _, _, path in sorted(numbered):
        step = _parse_step(path)
        if other := next((s for s in steps if s.id == step.id), None):
            raise PromptError(path, None, f'this step has the same id, "{step.id}", as {other.source.name}; rename one of them')
        steps.append(step)
    guides_dir = root / "guides"
    guides = {path.stem: _parse_guide(path) for path in sorted(guides_dir.glob("*.md"))}
    for name in REQUIRED_GUIDES:
        if name not in guides:
            raise PromptError(guides_dir / f"{name}.md", None, f'the guide "{name}" is missing; the workbook opens it by this file name')
    records = {path.stem: _parse_step(path, path.stem) for path in sorted((root / "plan").glob("*.md"))}
    for name in REQUIRED_RECORDS:
        if name not in records:
            raise PromptError(root / "plan" / f"{name}.md", None, f'the plan fields file "{name}.md" is missing; the plan step needs it')
    return Prompts(steps=tuple(steps), guides=guides, resources=_parse_resources(root / "resources.md"), records=records,
                   hints=_parse_hints(root / "gentle-words.md"))


# ---------------------------------------------------------------- reading Markdown


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """A CommonMark parser with tables that stops at blocks; `_plain` parses inline text only when it has markup (for speed)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


@dataclass
class _Block:
    """One top-level Markdown block: its type ("paragraph", "heading", ...), first line (1-based) and tokens."""

    type: str
    line: int
    tokens: list[Token]

    @property
    def source(self) -> str:
        """The Markdown source of a heading's or paragraph's text."""
        return next((t.content for t in self.tokens if t.type == "inline"), "")

    @property
    def level(self) -> int:
        """For a heading, how many # it has."""
        return int(self.tokens[0].tag[1:]) if self.type == "heading" else 0


def _read(path: Path, head_only: bool = False) -> tuple[str, list[_Block]]:
    """The file's text (with uniform line endings) and its blocks, or a PromptError saying why it can't be read.

    With `head_only`, only the blocks up to the first # heading are parsed, when that is enough to find the title.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PromptError(path, None, f"the file could not be opened ({error.strerror or error})") from error
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        raise PromptError(path, data.count(b"\n", 0, error.start) + 1, "the file is not saved as UTF-8 text, so a character on this "
                          "line cannot be read; save it again as UTF-8 in your editor") from error
    if not text.strip():
        raise PromptError(path, None, "the file is empty; it needs at least a # title")
    if head_only and (heading := _ATX.search(text)):
        blocks = _blocks(text[: heading.end()])
        if blocks and blocks[0].level == 1:
            return text, blocks
    return text, _blocks(text)


def _blocks(text: str) -> list[_Block]:
    tokens = _markdown().parse(text)
    blocks: list[_Block] = []
    i = 0
    while i < len(tokens):
        start, j, depth = tokens[i], i, int(tokens[i].nesting)
        while depth > 0:
            j += 1
            depth += tokens[j].nesting
        if not (start.type == "html_block" and start.content.lstrip().startswith("<!--")):  # comments are notes for editors
            blocks.append(_Block(start.type.removesuffix("_open"), start.map[0] + 1 if start.map else 1, tokens[i : j + 1]))
        i = j + 1
    return blocks


def _plain(content: str) -> str:
    """Inline Markdown source as plain text, with its markup (emphasis, code, links...) removed."""
    if not _MARKUP.search(content):
        return _LINE_BREAK.sub(" ", content).strip()
    md = _markdown()
    return _text(md.inline.parse(content, md, {}, [])).strip()


def _text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n" if token.type == "hardbreak" else " ")
        elif token.children:
            parts.append(_text(token.children))
    return "".join(parts)


def _split_id(source: str, path: Path, line: int, what: str) -> tuple[str, str]:
    """Split 'Label {an-id}' into ("Label", "an-id"), or explain what is wrong."""
    if not (match := _TRAILING_ID.search(source)):
        text = _plain(source)
        example = re.sub(r"[^a-z0-9]+", "-", text.lower())[:24].strip("-") or "an-id"
        where = "the heading" if what == "question" else "the line"
        raise PromptError(path, line, f'the {what} "{text}" has no id: end {where} with {{an-id}}, for example {{{example}}}')
    label, ident = _plain(source[: match.start()]), match[1].strip()
    if not _ID.fullmatch(ident):
        raise PromptError(path, line, f'the id {{{ident}}} of the {what} "{label}" can only use lowercase letters, digits, - and _')
    if not label:
        raise PromptError(path, line, f"the {what} with the id {{{ident}}} has no text before it")
    return label, ident


def _title(blocks: list[_Block], path: Path, what: str) -> str:
    """The text of the # title, which must come first."""
    if not blocks or blocks[0].level != 1:
        line = blocks[0].line if blocks else 1
        raise PromptError(path, line, f'{what} must begin with a title on a line starting with "# ", like "# What happened"')
    if not (title := _plain(blocks[0].source)):
        raise PromptError(path, blocks[0].line, "the # title has no text")
    return title


# ---------------------------------------------------------------- steps


@dataclass
class _Draft:
    """A question being read; becomes a `Question` at the next heading or the end of the file."""

    id: str
    text: str
    line: int
    kind: str = "text"
    placeholder: str = ""
    help: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    list_line: int = 0
    settings: set[str] = field(default_factory=set)

    def finish(self, path: Path) -> Question:
        if self.kind in ("choice", "multi") and len(self.choices) < 2:
            problem = "has only one choice" if self.choices else "has no list of choices under it"
            raise PromptError(path, self.line, f'the question "{self.text}" is a {self.kind} question but {problem}; '
                              'list at least two, one per line, like "- Yes {yes}"')
        if self.kind not in ("choice", "multi") and self.choices:
            raise PromptError(path, self.list_line, f'the question "{self.text}" has a list, but only choice and multi questions '
                              'have choices; add "Type: choice" (or multi) under its heading, or write the list as a paragraph')
        return Question(self.id, self.text, self.kind, "\n\n".join(self.help), "\n\n".join(self.why), self.placeholder, tuple(self.choices))


def _parse_step(path: Path, step_id: str | None = None) -> Step:
    _, blocks = _read(path)
    title = _title(blocks, path, "a step")
    settings: dict[str, str] = {}
    intro: list[str] = []
    why: list[str] = []
    questions: list[Question] = []
    draft: _Draft | None = None
    for block in blocks[1:]:
        if block.type == "heading":
            if block.level == 1:
                raise PromptError(path, block.line, 'a step has only one # title; start a question with "## " instead')
            if block.level > 2:
                raise PromptError(path, block.line, f"{_STEP_SHAPE}; a {'#' * block.level} heading cannot be used here")
            if draft is not None:
                questions.append(draft.finish(path))
            label, ident = _split_id(block.source, path, block.line, "question")
            if any(q.id == ident for q in questions):
                raise PromptError(path, block.line, f'two questions in this step have the id {{{ident}}}; each needs its own')
            draft = _Draft(ident, label, block.line)
        elif block.type == "paragraph":
            lines = block.source.split("\n")
            if any(_SETTING.fullmatch(raw.strip()) for raw in lines):
                for offset, raw in enumerate(lines):
                    _apply_setting(raw.strip(), block.line + offset, path, draft, settings)
            elif _WHY.match(content := _plain(block.source)):
                if not (note := _WHY.sub("", content, count=1).strip()):
                    raise PromptError(path, block.line, 'the "Why we ask:" note is empty; write the reason after the colon')
                (draft.why if draft else why).append(note)
            else:
                (draft.help if draft else intro).append(content)
        elif block.type == "bullet_list" and draft is not None:
            if draft.choices:
                raise PromptError(path, block.line, f'the question "{draft.text}" already has a list of choices; keep them in one list')
            draft.list_line, draft.choices = block.line, _choices(block, path, draft.text)
        elif block.type == "bullet_list":
            raise PromptError(path, block.line, "a list of choices must come under a ## question")
        elif block.type in ("fence", "code_block", "table"):
            found = "a table" if block.type == "table" else "text indented by four spaces (or fenced with ```), shown as code"
            raise PromptError(path, block.line, f"{_STEP_SHAPE}; this is {found}")
        else:
            raise PromptError(path, block.line, f"{_STEP_SHAPE}; this is {_NAMES.get(block.type, block.type)}")
    if draft is not None:
        questions.append(draft.finish(path))
    if not questions:
        raise PromptError(path, None, 'the step has no questions; add at least one, like "## Where was it? {place}"')
    step_id = step_id or path.name.split("-", 1)[1].removesuffix(".md")
    return Step(step_id, title, settings.get("kind", "form"), settings.get("cause", ""), "\n\n".join(intro), "\n\n".join(why),
                tuple(questions), path)


def _apply_setting(raw: str, line: int, path: Path, draft: _Draft | None, step: dict[str, str]) -> None:
    """Record one "Key: value" line, for the question being read or (before the first ##) for the step."""
    if not (match := _SETTING.fullmatch(raw)):
        raise PromptError(path, line, f'"{raw}" is in the same paragraph as a setting such as "Type:"; settings go on lines '
                          "of their own, with a blank line before any other text")
    key, value = match[1].lower(), match[2].strip()
    name = key.capitalize()
    if allowed := {"type": QUESTION_KINDS, "kind": STEP_KINDS, "cause": CAUSES}.get(key):
        value = value.lower()
        if value not in allowed:
            raise PromptError(path, line, f'"{name}: {value}" is not one the workbook knows; use one of: {", ".join(allowed)}')
    elif not value:
        raise PromptError(path, line, "Placeholder: has no text after the colon")
    if key in ("type", "placeholder"):
        if draft is None:
            raise PromptError(path, line, f"{name}: belongs under a ## question heading (for the whole step, use Kind:)")
        if key in draft.settings:
            raise PromptError(path, line, f"{name}: is given twice for this question")
        draft.settings.add(key)
        draft.kind, draft.placeholder = (value, draft.placeholder) if key == "type" else (draft.kind, value)
    elif draft is not None:
        raise PromptError(path, line, f"{name}: describes the whole step, so it goes before the first ## question")
    elif key in step:
        raise PromptError(path, line, f"{name}: is given twice in this step")
    else:
        step[key] = value


def _choices(block: _Block, path: Path, question: str) -> list[Choice]:
    """The choices of one "- Label {id}" list."""
    items: list[tuple[int, list[Token]]] = []
    for token in block.tokens:
        if token.type == "list_item_open" and token.level == 1:
            items.append((token.map[0] + 1 if token.map else block.line, []))
        elif token.level >= 2 and items:
            items[-1][1].append(token)
    choices: list[Choice] = []
    for line, inner in items:
        if [t.type for t in inner] != ["paragraph_open", "inline", "paragraph_close"]:
            raise PromptError(path, line, f'each choice of "{question}" is one line, like "- Yes {{yes}}", with nothing under it')
        label, ident = _split_id(inner[1].content, path, line, "choice")
        if any(c.id == ident for c in choices):
            raise PromptError(path, line, f'two choices of "{question}" have the id {{{ident}}}; each needs its own')
        choices.append(Choice(ident, label))
    return choices


# ---------------------------------------------------------------- guides and resources


def _parse_guide(path: Path) -> Guide:
    if not _ID.fullmatch(path.stem):
        raise PromptError(path, None, "a guide's file name can only use lowercase letters, digits, - and _, like about-blame.md")
    text, blocks = _read(path, head_only=True)
    title = _title(blocks, path, "a guide")
    end = blocks[0].tokens[0].map[1] if blocks[0].tokens[0].map else 1
    return Guide(path.stem, title, "\n".join(text.split("\n")[end:]).strip())


def _table(path: Path, what: str, columns: tuple[str, ...]) -> tuple[int, list[tuple[int, list[str]]]]:
    """Read a file that holds a # title, paragraphs and one table with exactly these columns (in any order).

    Returns the table's first line and its body rows, each as (line, cells in the order of `columns`), with markup removed.
    """
    _, blocks = _read(path)
    _title(blocks, path, what)
    wanted = " | ".join(columns)
    for block in blocks[1:]:
        if block.type == "paragraph" and "|" in block.source:
            raise PromptError(path, block.line, "this looks like a table, but Markdown cannot read it as one: the header row, the "
                              "|---| row and every other row need the same number of | columns")
        if block.type not in ("paragraph", "table"):
            found = _NAMES.get(block.type, block.type)
            raise PromptError(path, block.line, f"{path.name} holds a # title, a paragraph and one table; this is {found}")
    tables = [b for b in blocks if b.type == "table"]
    if len(tables) != 1:
        raise PromptError(path, tables[1].line if tables else None, f"{path.name} needs exactly one table, with the columns {wanted}")
    rows: list[tuple[int, list[str]]] = []
    for token in tables[0].tokens:
        if token.type == "tr_open":
            rows.append((token.map[0] + 1 if token.map else tables[0].line, []))
        elif token.type == "inline" and rows:
            rows[-1][1].append(_plain(token.content))
    (header_line, header), body = rows[0], rows[1:]
    names = [" ".join(cell.split()).casefold() for cell in header]
    for column in columns:
        if column.casefold() not in names:
            raise PromptError(path, header_line, f'the table has no "{column}" column; its columns must be: {wanted}')
    if len(names) != len(columns) or len(set(names)) != len(names):
        raise PromptError(path, header_line, f"the table has a column the workbook does not use; its columns must be: {wanted}")
    order = [names.index(column.casefold()) for column in columns]
    return tables[0].line, [(line, [cells[i] for i in order]) for line, cells in body]


def _parse_resources(path: Path) -> tuple[Resource, ...]:
    if not path.is_file():
        raise PromptError(path, None, "the list of crisis and support lines is missing; the safety page needs it")
    table_line, body = _table(path, "the resources file", RESOURCE_COLUMNS)
    resources: list[Resource] = []
    for line, (name, contact, what, verified) in body:
        if empty := next((c for c, v in zip(RESOURCE_COLUMNS, (name, contact, what), strict=False) if not v), None):
            raise PromptError(path, line, f'this row has nothing in the "{empty}" column')
        if not (_CHECKED.match(verified) or verified.casefold().startswith(NOT_VERIFIED.casefold())):
            raise PromptError(path, line, f'the "Checked" cell of "{name}" must say either "Checked 2026-11-24 against <the page it was'
                              f' checked on>" or "{NOT_VERIFIED}: <where it was found>"')
        resources.append(Resource(name, contact, what, verified))
    if not resources:
        raise PromptError(path, table_line, "the table has no rows; add one row per line or service")
    return tuple(resources)


_PHRASE_SPLIT = re.compile(r"(?<!\S)/(?!\S)")
"""A slash with a space (or the edge of the cell) on both sides; "and/or" stays one phrase."""
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _parse_hints(path: Path) -> tuple[Hint, ...]:
    """The rows of gentle-words.md; the file is optional, so a missing one gives no hints."""
    if not path.is_file():
        return ()
    table_line, body = _table(path, "the gentle words file", HINT_COLUMNS)
    hints: list[Hint] = []
    seen: dict[str, int] = {}
    for line, (written, suggestion) in body:
        if empty := next((c for c, v in zip(HINT_COLUMNS, (written, suggestion), strict=True) if not v), None):
            raise PromptError(path, line, f'this row has nothing in the "{empty}" column')
        phrases: list[str] = []
        for raw in _PHRASE_SPLIT.split(written):
            phrase = " ".join(raw.translate(_CURLY).strip().strip('"\u201c\u201d').split())
            if not any(c.isalnum() for c in phrase):
                raise PromptError(path, line, f'"{written}" has an empty phrase; separate phrases with " / ", like "his fault / her fault"')
            key = phrase.casefold()
            if key in seen:
                raise PromptError(path, line, f'the phrase "{phrase}" is already in the row on line {seen[key]}; keep only one')
            seen[key] = line
            phrases.append(phrase)
        hints.append(Hint(tuple(phrases), suggestion))
    if not hints:
        raise PromptError(path, table_line, "the table has no rows; add one row per phrase, or delete the file to turn the hints off")
    return tuple(hints)
