"""Blocks of content a reader could copy from one place to another: paragraphs, lists, code.

Duplication rules (CTX008 within the context, DOC040 across a task folder) compare these units by a
*key*: the text with Markdown decoration, checkbox marks, whitespace and case normalised, so that a
re-wrapped or re-ticked copy is still the same unit. Each document's units are computed once
(``Document.derive``). Cost is linear in the document.

Units:

* ``paragraph``: a run of prose lines (not headings, list items, table rows, quotes of code).
* ``list``: a run of list items (bulleted, numbered or checkboxes) with their continuation lines;
  checkbox state is ignored, so a second tracker of the same items is the same list.
* ``code``: the content of a fenced or indented code block (commands, snippets, templates).

Headings, tables, HTML comments and front matter are never units. A unit is only worth comparing
when it is big enough (``big_enough``): short boilerplate such as "N/A", "See the plan" or a lone
``npm test`` is the same everywhere without being a copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rules.core.model import Document
from rules.core.text import fold, has_cue, strip_comments

Kind = Literal["paragraph", "list", "code"]

MIN_PROSE_WORDS = 12  # a paragraph or list shorter than this is boilerplate, not a copied block
MIN_PROSE_CHARS = 70
MIN_LIST_ITEMS = 2
MIN_CODE_LINES = 2  # a code block of one line is a command, not a copied block…
MIN_CODE_CHARS = 40
MIN_ONE_LINE_CODE_CHARS = 80  # …unless the one line is long

_LIST_RE = re.compile(r"^\s{0,12}(?:[-*+]|\d{1,3}[.)])\s+")
_CHECKBOX_RE = re.compile(r"^\[[ xX~\-/]\]\s*")
# A link's target ("](url)": it cannot hold a parenthesis, so no character is scanned twice), then
# emphasis, code marks, quote marks and the link's brackets: linear on any input.
_LINK_TARGET_RE = re.compile(r"\]\([^()\n]*\)")
_DECORATION_RE = re.compile(r"[*_`~>\[\]]+")
_END_PUNCTUATION = " \t.:;,!"
# Template text (a form to fill in, repeated on purpose): date and time masks, fill-in markers.
_TEMPLATE_RE = re.compile(r"yyyy|\bdd/mm|hh:mm|\bx{2,}\b|\btbd\b|lorem ipsum|<(?:your|insert|fill|describe)\b"
                          r"|\[(?:date|name|description|todo|tbd|fill|insert|your)\b")

# _TEMPLATE_RE branch by branch: the literal each starts with, and the branch from there (has_cue),
# so a long key is not searched with the whole alternation at every position.
_TEMPLATE_CUES: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    ("yyyy", None), ("dd/mm", re.compile(r"\bdd/mm")), ("hh:mm", None), ("xx", re.compile(r"\bx{2,}\b")),
    ("tbd", re.compile(r"\btbd\b")), ("lorem ipsum", None), ("<", re.compile(r"<(?:your|insert|fill|describe)\b")),
    ("[", re.compile(r"\[(?:date|name|description|todo|tbd|fill|insert|your)\b")),
)


_COMMENT_STARTS = ("#", "//", "--", "/*", "* ")  # comment lines: annotations, not what a copy shares
_FIELD_RE = re.compile(r"[^\W_][\w /()&.'-]{0,40}:(?:\s|$)")  # "expected: 302 redirect"


@dataclass(frozen=True, slots=True)
class Unit:
    kind: Kind
    line: int  # first line (for code: the opening fence)
    end_line: int
    key: str  # normalised text compared between places
    # Kept raw, normalised only when read (most units are never compared line by line nor shown):
    excerpt_of: str  # code: the line shown; prose: the text whose plain form is shown
    lines: tuple[str, ...] = ()  # code and list: ``items``; paragraph: its lines, not yet normalised

    @property
    def shown(self) -> str:
        """A short excerpt for messages."""
        return _excerpt(self.excerpt_of if self.kind == "code" else _plain(self.excerpt_of))

    @property
    def items(self) -> tuple[str, ...]:
        """Normalised lines (code: without comment lines) or list items, for near copies."""
        if self.kind == "paragraph":
            return tuple(n for n in _normalise_each(self.lines) if n)
        return self.lines

    @property
    def is_record(self) -> bool:
        """A paragraph of ``Label: value`` lines (a test result, a status block): a filled-in form."""
        return (self.kind == "paragraph" and len(self.items) > 1
                and all(_FIELD_RE.match(item) for item in self.items))

    @property
    def is_fields(self) -> bool:
        """A paragraph or list of ``Label: value`` lines only (settings, references, a filled-in form):
        its labels repeat wherever the same form is used, whatever the values."""
        return (self.kind != "code" and len(self.items) > 1
                and all(_FIELD_RE.match(item) for item in self.items))

    @property
    def big_enough(self) -> bool:
        """Worth comparing: long enough, and not a template to fill in (``Completed: YYYY-MM-DD``)."""
        if self.kind == "code":
            lines = self.key.count("\n") + 1
            long_enough = len(self.key) >= (MIN_ONE_LINE_CODE_CHARS if lines < MIN_CODE_LINES else MIN_CODE_CHARS)
        elif self.kind == "list" and self.key.count("\n") + 1 < MIN_LIST_ITEMS:
            long_enough = False
        else:
            # a prose key is words joined by single spaces (list items by newlines): count, not split
            words = self.key.count(" ") + self.key.count("\n") + 1
            long_enough = len(self.key) >= MIN_PROSE_CHARS and words >= MIN_PROSE_WORDS
        return long_enough and not _is_template(self.key if self.kind != "code" else fold(self.key))


def _is_template(folded: str) -> bool:
    """``_TEMPLATE_RE`` found in *folded*: each branch tried only where its literal is (C speed)."""
    return has_cue(folded, _TEMPLATE_CUES)


def units(doc: Document) -> tuple[Unit, ...]:
    """Every unit of *doc*, in line order (computed once per document)."""
    return doc.derive(_units)


def _units(doc: Document) -> tuple[Unit, ...]:
    found: list[Unit] = []
    for block in doc.code_blocks:
        lines = tuple(" ".join(line.split()) for line in block.content.splitlines() if line.strip())
        if lines:
            key = "\n".join(lines)
            shown = next((line for line in lines if sum(c.isalnum() for c in line) >= 3), lines[0])
            statements = tuple(line for line in lines if not line.startswith(_COMMENT_STARTS))
            found.append(Unit("code", block.line, block.end_line, key, shown, statements))
    found.extend(_prose_units(doc))
    found.sort(key=lambda u: u.line)
    return tuple(found)


def _prose_units(doc: Document) -> list[Unit]:
    """Paragraphs and lists: runs of non-blank lines outside code blocks, split where the kind changes."""
    skip = set(doc.code_lines)
    skip.update(s.line for s in doc.sections)
    skip.update(_front_matter(doc))
    for line, comment in doc.comments:  # a comment block (a template hint) is not content
        if 0 < line <= len(doc.lines) and doc.lines[line - 1].lstrip().startswith("<!--"):
            skip.update(range(line, line + comment.count("\n") + 1))
    found: list[Unit] = []
    kind: Kind | None = None
    start, parts, items = 0, list[str](), list[str]()  # items: a list's, each with its continuation lines

    def close() -> None:
        if kind is not None and parts:
            found.append(_prose_unit(kind, start, start + len(parts) - 1, parts, items))

    for number, raw in enumerate((*doc.lines, ""), start=1):
        text = strip_comments(raw) if "<!--" in raw else raw
        stripped = text.strip()
        if number in skip or not stripped or stripped[0] == "|":  # blank, or a table row
            close()
            kind, start, parts, items = None, 0, [], []
            continue
        item = _LIST_RE.match(text)
        this: Kind = "list" if item is not None or (kind == "list" and raw[:1].isspace()) else "paragraph"
        if this != kind:
            close()
            kind, start, parts, items = this, number, [], []
        parts.append(text)
        if item is not None:
            rest = text[item.end():]
            items.append(_CHECKBOX_RE.sub("", rest) if rest.startswith("[") else rest)
        elif items:
            items[-1] += " " + text
    return found


def _prose_unit(kind: Kind, start: int, end: int, parts: list[str], items: list[str]) -> Unit:
    if kind == "paragraph":
        whole = " ".join(parts)
        return Unit(kind, start, end, _normalise(whole), whole, tuple(parts))
    normalised = tuple(k for k in _normalise_each(items) if k)
    return Unit(kind, start, end, "\n".join(normalised), items[0] if items else "", normalised)


def _normalise(text: str) -> str:
    """The comparison key of *text*: folded to lower case, then :func:`_plain`."""
    return _plain(fold(text))


def _normalise_each(texts: Sequence[str]) -> list[str]:
    """``[_normalise(t) for t in texts]`` for texts without a newline: one fold and one substitution
    of each kind for them all, joined by newlines (no substitution crosses one; nor does case
    folding look past one)."""
    if not texts:
        return []
    return [_collapse(text) for text in _undecorated(fold("\n".join(texts))).split("\n")]


def _plain(text: str) -> str:
    """*text* without Markdown emphasis, code marks and link targets, whitespace collapsed, end punctuation cut."""
    return _collapse(_undecorated(text))


def _undecorated(text: str) -> str:
    if "](" in text:
        text = _LINK_TARGET_RE.sub("", text)
    return _DECORATION_RE.sub("", text)


def _collapse(text: str) -> str:
    return " ".join(text.split()).rstrip(_END_PUNCTUATION)


def _excerpt(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _front_matter(doc: Document) -> range:
    if not doc.lines or doc.lines[0].strip() != "---":
        return range(0)
    for number, line in enumerate(doc.lines[1:200], start=2):
        if line.strip() == "---":
            return range(1, number + 1)
    return range(0)
