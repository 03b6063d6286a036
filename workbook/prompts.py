"""The workbook's questions and guidance, read from the Markdown files in prompts/.

The wording lives in Markdown so that a counselor can change it without touching Python. This
module parses those files with markdown-it-py into plain dataclasses. See docs/prompt-format.md
for the format. A file that does not follow it raises `PromptError`, which names the file and
line so the app can say exactly what to fix instead of showing a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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
    """When the number was last checked, as written in the prompts."""


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

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if there is one."""
        return next((s for s in self.steps if s.id == step_id), None)


def prompts_dir() -> Path:
    """Where the prompts are: inside the installed package, or the checkout's prompts/."""
    packaged = Path(__file__).parent / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "prompts"


REQUIRED_GUIDES = ("welcome", "safety", "approaches", "about-blame")
"""Guides the app opens by name; a prompts folder without them is reported as a problem."""
CAUSES = ("people", "plan", "narrative", "approach")
RESOURCE_COLUMNS = ("Name", "Contact", "What it is", "Last verified")

_ID = re.compile(r"[a-z0-9_-]+")
_TRAILING_ID = re.compile(r"\s*\{([^{}]*)\}\s*$")
_SETTING = re.compile(r"(type|kind|cause|placeholder)\s*:(.*)", re.IGNORECASE)
_WHY = re.compile(r"why we ask:\s*", re.IGNORECASE)
_STEP_FILE = re.compile(r"(\d+)-(.+)\.md")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_OTHER_BLOCKS = {
    "blockquote": 'a quote (a line starting with ">")',
    "hr": 'a dividing line ("---" or "***")',
    "html_block": "HTML",
    "ordered_list": 'a numbered list (choices use "- " bullets)',
    "bullet_list": "a list",
    "heading": "a heading",
}


def load_prompts(directory: Path | None = None) -> Prompts:
    """Read and check every prompt file.

    Args:
        directory: the prompts folder; by default the one shipped with the app (`prompts_dir()`).

    Returns:
        The steps in order, the guides by id, and the rows of the resources table.

    Raises:
        PromptError: naming the file and line of the first problem found.
    """
    root = Path(directory) if directory is not None else prompts_dir()
    steps_dir = root / "steps"
    if not steps_dir.is_dir():
        raise PromptError(steps_dir, None, "the folder of steps is missing; the workbook needs prompts/steps/ with one file per step")
    numbered: list[tuple[int, str, Path]] = []
    for path in steps_dir.iterdir():
        if path.suffix != ".md" or path.name.startswith("."):
            continue
        match = _STEP_FILE.fullmatch(path.name)
        if not match or not _ID.fullmatch(match[2]):
            raise PromptError(path, None, "a step file's name is a number, a dash and an id, like 01-what-happened.md (lowercase letters, digits, - and _)")
        numbered.append((int(match[1]), path.name, path))
    if not numbered:
        raise PromptError(steps_dir, None, "there are no step files; add at least one, like 01-what-happened.md")
    steps: list[Step] = []
    for _, _, path in sorted(numbered):
        step = _parse_step(path)
        other = next((s for s in steps if s.id == step.id), None)
        if other is not None:
            raise PromptError(path, None, f'two step files have the id "{step.id}" (the other is {other.source.name}); rename one of them')
        steps.append(step)

    guides: dict[str, Guide] = {}
    guides_dir = root / "guides"
    if guides_dir.is_dir():
        for path in sorted(guides_dir.glob("*.md")):
            guide = _parse_guide(path)
            guides[guide.id] = guide
    for name in REQUIRED_GUIDES:
        if name not in guides:
            raise PromptError(guides_dir / f"{name}.md", None, f'the guide "{name}" is missing; the workbook opens it by this file name')
    return Prompts(steps=tuple(steps), guides=guides, resources=_parse_resources(root / "resources.md"))


# ---------------------------------------------------------------- reading Markdown


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@dataclass
class _Block:
    """One top-level Markdown block: its type ("paragraph", "heading", ...), first line and tokens."""

    type: str
    line: int
    tokens: list[Token]

    @property
    def inline(self) -> Token | None:
        return next((t for t in self.tokens if t.type == "inline"), None)


def _read(path: Path) -> str:
    """The file's text with line endings made uniform, or a PromptError saying why it can't be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PromptError(path, None, f"the file could not be opened ({error.strerror or error})") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PromptError(path, line, "the file is not saved as UTF-8 text, so a character on this line cannot be read; "
                          "save it again as UTF-8 in your editor") from error
    if not text.strip():
        raise PromptError(path, None, "the file is empty; it needs at least a # title")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(text: str) -> list[_Block]:
    """The file's top-level blocks, skipping HTML comments (which counselors may use for notes)."""
    tokens = _markdown().parse(text)
    blocks: list[_Block] = []
    i = 0
    while i < len(tokens):
        start = tokens[i]
        j = i
        if start.nesting == 1:
            depth = 1
            while depth:
                j += 1
                depth += tokens[j].nesting
        kind = start.type.removesuffix("_open")
        line = start.map[0] + 1 if start.map else 1
        if not (kind == "html_block" and start.content.lstrip().startswith("<!--")):
            blocks.append(_Block(kind, line, tokens[i : j + 1]))
        i = j + 1
    return blocks


def _plain(inline: Token | None) -> str:
    """The text of an inline token with its Markdown markup removed."""
    parts: list[str] = []
    for child in inline.children or [] if inline else []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n" if child.type == "hardbreak" else " ")
        elif child.children:
            parts.append(_plain(child))
    return "".join(parts).strip()


def _split_id(text: str, path: Path, line: int, what: str) -> tuple[str, str]:
    """Split 'Label {an-id}' into ("Label", "an-id"), or explain what is wrong."""
    match = _TRAILING_ID.search(text)
    if match is None:
        example = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24].strip("-") or "an-id"
        end = "end the heading" if what == "question" else "end the line"
        raise PromptError(path, line, f'the {what} "{text}" has no id: {end} with {{an-id}}, for example {{{example}}}')
    label, ident = text[: match.start()].strip(), match[1].strip()
    if not _ID.fullmatch(ident):
        raise PromptError(path, line, f'the id "{{{ident}}}" of the {what} "{label}" can only use lowercase letters, digits, - and _')
    if not label:
        raise PromptError(path, line, f'the {what} with id "{ident}" has no text before its {{{ident}}}')
    return label, ident


def _heading_level(block: _Block) -> int:
    return int(block.tokens[0].tag[1:])


def _title(blocks: list[_Block], path: Path, what: str) -> tuple[str, int]:
    """The text and index of the # title, which must come first."""
    if not blocks or blocks[0].type != "heading" or _heading_level(blocks[0]) != 1:
        line = blocks[0].line if blocks else 1
        raise PromptError(path, line, f'{what} must begin with a title on a line starting with "# ", like "# What happened"')
    title = _plain(blocks[0].inline)
    if not title:
        raise PromptError(path, blocks[0].line, "the # title has no text")
    return title, 0


# ---------------------------------------------------------------- steps


@dataclass
class _Draft:
    """A question being read; becomes a `Question` when the next heading or the file's end is reached."""

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
            problem = "has no list of choices under it" if not self.choices else "has only one choice"
            raise PromptError(path, self.line, f'the question "{self.text}" is a {self.kind} question but {problem}; '
                              'list at least two, one per line, like "- Yes {yes}"')
        if self.kind not in ("choice", "multi") and self.choices:
            raise PromptError(path, self.list_line, f'the question "{self.text}" has a list, but only choice and multi questions have choices; '
                              'add "Type: choice" (or "Type: multi") under its heading, or turn the list into a paragraph')
        return Question(self.id, self.text, self.kind, "\n\n".join(self.help), "\n\n".join(self.why), self.placeholder, tuple(self.choices))


def _parse_step(path: Path) -> Step:
    text = _read(path)
    blocks = _blocks(text)
    title, _ = _title(blocks, path, "a step")
    step_id = _STEP_FILE.fullmatch(path.name)[2]  # type: ignore[index]  # checked by load_prompts
    settings: dict[str, str] = {}
    intro: list[str] = []
    why: list[str] = []
    questions: list[Question] = []
    draft: _Draft | None = None
    for block in blocks[1:]:
        if block.type == "heading":
            level = _heading_level(block)
            if level == 1:
                raise PromptError(path, block.line, 'a step has only one # title; start a question with "## " instead')
            if level > 2:
                raise PromptError(path, block.line, f'steps use # for the title and ## for questions, so a {"#" * level} heading cannot be used; '
                                  "make it a ## question or a plain paragraph")
            if draft is not None:
                questions.append(draft.finish(path))
            label, ident = _split_id(_plain(block.inline), path, block.line, "question")
            if any(q.id == ident for q in questions):
                raise PromptError(path, block.line, f'two questions in this step have the id "{ident}"; each needs its own')
            draft = _Draft(ident, label, block.line)
        elif block.type == "paragraph":
            inline = block.inline
            lines = inline.content.split("\n") if inline else []
            if any(_SETTING.fullmatch(raw.strip()) for raw in lines):
                for offset, raw in enumerate(lines):
                    _apply_setting(raw.strip(), block.line + offset, path, draft, settings)
            elif _WHY.match(content := _plain(inline)):
                note = _WHY.sub("", content, count=1).strip()
                if not note:
                    raise PromptError(path, block.line, 'the "Why we ask:" note is empty; write the reason after the colon')
                (draft.why if draft else why).append(note)
            else:
                (draft.help if draft else intro).append(content)
        elif block.type == "bullet_list":
            if draft is None:
                raise PromptError(path, block.line, "a list of choices must come under a ## question")
            if draft.choices:
                raise PromptError(path, block.line, f'the question "{draft.text}" already has a list of choices; keep all its choices in one list')
            draft.list_line = block.line
            draft.choices = _choices(block, path, draft.text)
        elif block.type in ("fence", "code_block", "table"):
            shown = "a table" if block.type == "table" else "text indented by four spaces (or fenced with ```), which Markdown shows as code"
            raise PromptError(path, block.line, f"steps use # for the title and ## for questions, with plain paragraphs and - lists of choices; "
                              f"this is {shown}")
        else:
            found = _OTHER_BLOCKS.get(block.type, block.type)
            raise PromptError(path, block.line, f"only paragraphs, ## questions and - lists of choices can be used in a step; this is {found}")
    if draft is not None:
        questions.append(draft.finish(path))
    if not questions:
        raise PromptError(path, None, 'the step has no questions; add at least one, like "## Where was it? {place}"')
    return Step(step_id, title, settings.get("kind", "form"), settings.get("cause", ""), "\n\n".join(intro), "\n\n".join(why),
                tuple(questions), path)


def _apply_setting(raw: str, line: int, path: Path, draft: _Draft | None, step: dict[str, str]) -> None:
    """Record one "Key: value" line, for the question being read or (before the first ##) the step."""
    match = _SETTING.fullmatch(raw)
    if match is None:
        raise PromptError(path, line, f'"{raw}" is in the same paragraph as a setting such as "Type:"; settings go on lines of their own, '
                          "with a blank line before any other text")
    key, value = match[1].lower(), match[2].strip()
    name = key.capitalize()
    allowed = {"type": QUESTION_KINDS, "kind": STEP_KINDS, "cause": CAUSES}.get(key)
    if allowed is not None:
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
        if key == "type":
            draft.kind = value
        else:
            draft.placeholder = value
        return
    if draft is not None:
        raise PromptError(path, line, f"{name}: describes the whole step, so it goes before the first ## question")
    if key in step:
        raise PromptError(path, line, f"{name}: is given twice in this step")
    step[key] = value


def _choices(block: _Block, path: Path, question: str) -> list[Choice]:
    """The choices of one "- Label {id}" list."""
    choices: list[Choice] = []
    items: list[tuple[int, list[Token]]] = []
    for token in block.tokens:
        if token.type == "list_item_open" and token.level == 1:
            items.append(((token.map[0] + 1) if token.map else block.line, []))
        elif token.level >= 2 and items:
            items[-1][1].append(token)
    for line, inner in items:
        kinds = [t.type for t in inner]
        if kinds != ["paragraph_open", "inline", "paragraph_close"]:
            raise PromptError(path, line, f'each choice of "{question}" is a single line, like "- Yes {{yes}}", with nothing nested under it')
        label, ident = _split_id(_plain(inner[1]), path, line, "choice")
        if any(c.id == ident for c in choices):
            raise PromptError(path, line, f'two choices of "{question}" have the id "{ident}"; each needs its own')
        choices.append(Choice(ident, label))
    return choices


# ---------------------------------------------------------------- guides and resources


def _parse_guide(path: Path) -> Guide:
    if not _ID.fullmatch(path.stem):
        raise PromptError(path, None, "a guide's file name can only use lowercase letters, digits, - and _, like about-blame.md")
    text = _read(path)
    blocks = _blocks(text)
    title, _ = _title(blocks, path, "a guide")
    end = blocks[0].tokens[0].map[1] if blocks[0].tokens[0].map else 1
    body = "\n".join(text.split("\n")[end:]).strip()
    return Guide(path.stem, title, body)


def _parse_resources(path: Path) -> tuple[Resource, ...]:
    if not path.is_file():
        raise PromptError(path, None, "the list of crisis and support lines is missing; the safety page (F1) needs it")
    blocks = _blocks(_read(path))
    _title(blocks, path, "the resources file")
    tables = [b for b in blocks[1:] if b.type == "table"]
    for block in blocks[1:]:
        if block.type == "paragraph" and "|" in (block.inline.content if block.inline else ""):
            raise PromptError(path, block.line, "this looks like a table, but Markdown cannot read it as one: the header row, the "
                              "|---| row and every other row need the same number of | columns")
        if block.type not in ("paragraph", "table"):
            raise PromptError(path, block.line, "resources.md holds a # title, an optional paragraph and one table; "
                              f"this is {_OTHER_BLOCKS.get(block.type, block.type)}")
    if len(tables) != 1:
        line = tables[1].line if tables else None
        raise PromptError(path, line, f"resources.md needs exactly one table with the columns {' | '.join(RESOURCE_COLUMNS)}")
    rows = _table_rows(tables[0])
    header_line, header = rows[0]
    names = [" ".join(cell.split()).casefold() for cell in header]
    wanted = [c.casefold() for c in RESOURCE_COLUMNS]
    for column, key in zip(RESOURCE_COLUMNS, wanted, strict=True):
        if key not in names:
            raise PromptError(path, header_line, f'the table has no "{column}" column; its columns must be: {" | ".join(RESOURCE_COLUMNS)}')
    extra = next((cell for cell, key in zip(header, names, strict=True) if key not in wanted), None)
    if extra is not None:
        raise PromptError(path, header_line, f'the table has a column "{extra}" the workbook does not use; its columns must be: '
                          f"{' | '.join(RESOURCE_COLUMNS)}")
    resources: list[Resource] = []
    for line, cells in rows[1:]:
        name, contact, what, verified = (cells[names.index(key)] for key in wanted)
        for column, value in (("Name", name), ("Contact", contact), ("What it is", what)):
            if not value:
                raise PromptError(path, line, f'this row has nothing in the "{column}" column')
        if not _DATE.search(verified):
            raise PromptError(path, line, f'the "Last verified" cell of "{name}" needs the date the details were last checked, like 2026-11-24')
        resources.append(Resource(name, contact, what, verified))
    if not resources:
        raise PromptError(path, tables[0].line, "the table has no rows; add one row per line or service")
    return tuple(resources)


def _table_rows(block: _Block) -> list[tuple[int, list[str]]]:
    """Each row of a table (the header first) as its line and the plain text of its cells."""
    rows: list[tuple[int, list[str]]] = []
    for token in block.tokens:
        if token.type == "tr_open":
            rows.append(((token.map[0] + 1) if token.map else block.line, []))
        elif token.type == "inline" and rows:
            rows[-1][1].append(_plain(token))
    return rows
