"""CTX008 duplicated-paragraph."""

from __future__ import annotations

from collections.abc import Iterator

from rules.core.duplicates import copies, left_to_ctx008
from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.core.text import and_more, strip_comments


class DuplicatedParagraph(Rule):
    """The same paragraph (eight words or 60 characters or more) appears twice in the context.

    Paragraphs are compared with whitespace normalised; code blocks, headings and HTML comments
    are ignored. The repeat is reported, with the line of the first occurrence; a paragraph found
    three times or more is one finding at its second place, naming every place. A paragraph that
    DOC040 (duplicated-content) reports is left to it: one also copied into another file of the
    task, or part of a near copy. So a repeat is never reported twice.

    Why: duplicated text is usually a copy-paste left behind by an update; the two copies drift
    apart and the reader cannot tell which one is current.

    Bad:
        ## Current State
        Bool fields have no read-time fallback because their display follows the data type.
        ## Decisions
        Bool fields have no read-time fallback because their display follows the data type.

    Good:
        ## Decisions
        Bool fields have no read-time fallback because their display follows the data type.
    """

    code = "CTX008"
    name = "duplicated-paragraph"
    category = Category.CONTEXT
    severity = Severity.LOW
    rationale = "Duplicated paragraphs drift apart and leave the reader unsure which copy is current."
    fix = "Delete the repeat, or keep one copy and refer to it."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is None:
            return
        places: dict[str, list[int]] = {}
        doc040 = _reported_by_doc040(task, doc)
        for line, end, text in _paragraphs(doc):
            if len(text) < 60 and len(text.split()) < 8:
                continue
            if any(n in doc040 for n in range(line, end + 1)):
                continue
            places.setdefault(text, []).append(line)
        repeated = sorted((lines[1], text, lines) for text, lines in places.items() if len(lines) > 1)
        for line, text, lines in repeated:
            shown = text if len(text) <= 60 else text[:57] + "…"
            if len(lines) == 2:
                message = f"Paragraph {shown!r} repeats the one at line {lines[0]}."
            else:  # one problem, every place: scored once
                message = (f"Paragraph {shown!r} appears {len(lines)} times (lines {', '.join(map(str, lines[:6]))}"
                           f"{and_more(len(lines), 6)}).")
            yield self.finding(task, doc, line, message, key=f"{text[:80]}#1",
                               related=[(doc, n) for n in lines if n != line])


def _reported_by_doc040(task: TaskDocs, doc: Document) -> set[int]:
    """Lines of *doc* inside a block that DOC040 reports as copied."""
    lines: set[int] = set()
    for group in copies(task):
        if not left_to_ctx008(group):
            for place in group.places:
                if place.doc is doc:
                    lines.update(range(place.unit.line, place.unit.end_line + 1))
    return lines


def _paragraphs(doc: Document) -> Iterator[tuple[int, int, str]]:
    """(first line, last line, text with whitespace normalised) of each run of text lines."""
    skip = {n for block in doc.code_blocks for n in range(block.line, block.end_line + 1)}
    skip.update(s.line for s in doc.sections)
    start, parts = 0, list[str]()
    for number, text in enumerate((*doc.lines, ""), start=1):
        if number in skip or not text.strip() or text.lstrip().startswith("<!--"):
            if parts:
                yield start, number - 1, " ".join(" ".join(parts).split())
            start, parts = 0, list[str]()
        else:
            start = start or number
            parts.append(strip_comments(text))

