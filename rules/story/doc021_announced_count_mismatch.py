"""DOC021 announced-count-mismatch."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.numbers import Kind, NumberClaim, claims, find_numbers, prose
from rules.core.rule import Rule, RuleContext
from rules.core.sections import heading_lines
from rules.core.vocabulary import NUMBER_WORDS
from rules.story._lists import ITEM_RE, item_body, list_after, list_block

# The count ends the line: "the following 9 files:", "**Files to fix (7):**", "All 12 endpoints:".
# A heading may announce without the colon: "### Component tests (9 files)".
_TAIL_RE = re.compile(r"^[ \t*_)]*(?:\([^()\n]{0,60}\)[ \t*_]*)?:[ \t*_]*$")
_HEADING_TAIL_RE = re.compile(r"^[ \t*_]*\)?[ \t*_:]*$")
_HEADING_LEAD_RE = re.compile(r"(?:^[ ]{0,3}#{1,6}[ \t]+(?:the[ ]|all[ ])?|\([ ]?)$", re.IGNORECASE)
_PAREN_COUNT_RE = re.compile(r"\((\d{1,3})\)[ \t*_]*:?[ \t*_]*$")
# A selection, not an inventory: the list may hold only some of them, or more.
_SELECTION_RE = re.compile(
    r"(?i)\b(?:e\.g|for example|such as|including|includes|like|among|examples?|top|first|last|some|key|main|major"
    r"|notable|highlights?|sample|at least|more than|up to|over|under|fewer|less|another|other|additional|more"
    r"|new|remaining|left|still)\b"
)
# A loop, not an inventory: "Loop through 3 variants:" is followed by what is done for each of them; so
# is a repetition: "### Functional Testing (5 consecutive successful runs)", "Run it 3 times:", "3 in a row".
_ITERATION_RE = re.compile(r"(?i)\b(?:loop(?:s|ing)?|iterat\w*|for (?:each|every)|repeat(?:s|ing|ed)?(?: for)?"
                           r"|consecutive|in a row|times)\b")


@dataclass(frozen=True, slots=True)
class _Announced:
    count: int
    noun: str
    line: int


class AnnouncedCountMismatch(Rule):
    """A line announces a number of things and the list right under it holds a different number.

    Only the tightest shape is read: a line that ends with a count and a colon ("the following 9
    files:", "Files to change (7):", "All 12 endpoints:", spelled out from two to twelve: "three
    endpoints:", "Two-section layout:"; not a question, "Why Two-Card System:", whose list gives
    reasons) directly followed by a list, or a
    heading that announces one ("### Affected components (11 files)") over a list, directly or
    past one line introducing it ("Found by searching for ...:"), or over a table (its body rows are
    counted, not a closing "Total" row). The list's top-level items are counted; a list whose items
    carry their own counts that add up to the announced one (a grouped list: "Schedules (4)",
    "Assignments (3)" under "7 RPCs:") agrees, and so do lists under their own labels below a
    heading ("**Core CRUD:**", "**Queries:**"), counted together. Selections ("for example 3 files:",
    "the top 5 risks:"), loops ("Loop through 3 variants:", "For each of the 4 regions:": the list
    is what is done for each one), approximate counts ("~10", "20+"), sizes ("(95 lines)") and items that are
    not one thing each (an item naming several, "users, teams, members"; fields describing the one
    thing announced, "Current: …", "Required: …") are not compared.

    Why: the announced number is what a reader remembers; the list is what gets done. When they
    differ, an item was dropped or added without the summary being updated, and one of them
    misstates the scope.

    Bad:
        The migration touches the following 4 services:
        - billing
        - ledger
        - notifications

    Good:
        The migration touches the following 3 services:
        - billing
        - ledger
        - notifications
    """

    code = "DOC021"
    name = "announced-count-mismatch"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A list that holds a different number of items than announced misstates the scope of the work."
    fix = "Recount the list and correct the announced number (or add the missing items)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            for announced in _announcements(doc):
                if announced.noun in _NOT_ITEMS:
                    continue
                groups = [items] if (items := list_after(doc, announced.line)) else _after_intro(doc, announced.line)
                if announced.count in itertools.accumulate(len(group) for group in groups[:-1]):
                    continue  # the first groups hold the announced things; the last one is a note on them
                items = _counted(doc, [line for group in groups for line in group])
                table = not items
                if table:
                    items = _table_rows(doc, announced.line)
                # a table's cells hold figures of their own: never a grouped list
                if len(items) < 2 or len(items) == announced.count or (not table and (
                        _grouped(doc, items, announced) or _not_one_thing_each(doc, items))):
                    continue
                what = f"the table under it has {len(items)} rows" if table else \
                    f"the list under it has {len(items)} items"
                yield self.finding(
                    task, doc, announced.line,
                    f"{_short(doc.line_text(announced.line))!r} announces {announced.count} "
                    f"{announced.noun}, but {what} "
                    f"(lines {items[0]}-{items[-1]}).",
                    key=f"{announced.count}:{announced.noun}",
                )


def _announcements(doc: Document) -> Iterator[_Announced]:
    by_line: dict[int, list[NumberClaim]] = {}
    for claim in claims(doc):
        by_line.setdefault(claim.line, []).append(claim)
    headings = heading_lines(doc)
    for line, raw in enumerate(doc.lines, start=1):
        if line not in by_line and "(" not in raw and not _SPELLED_HINT_RE.search(raw):
            continue  # neither a numeric claim, a "(7)" nor a spelled-out count to announce one
        text = prose(raw).rstrip(" \t*_")
        heading = line in headings
        if not (heading or text.endswith(":")) or line in doc.code_lines or text.lstrip().startswith("|"):
            continue
        found = by_line.get(line, [])
        if _SELECTION_RE.search(text) or _ITERATION_RE.search(text):
            continue
        if not found and not heading and (spelled := _SPELLED_RE.search(text)) is not None \
                and not _QUESTION_RE.match(text):  # "Why Two-Card System:" lists reasons, not the cards
            noun = (spelled.group(2) or f"{spelled.group(3)}s").lower()  # "Two-section layout": two sections
            yield _Announced(NUMBER_WORDS[spelled.group(1).lower()], noun, line)
            continue
        paren = _PAREN_COUNT_RE.search(text)
        if paren is not None and not found:  # "Files to fix (7):" (a bare number is not a claim)
            words = re.findall(r"[A-Za-z][A-Za-z-]+", text[: paren.start()])
            if words:
                yield _Announced(int(paren.group(1)), words[-1].lower(), line)
            continue
        counts = [c for c in found if c.kind is Kind.COUNT]
        if len(counts) != 1 or len(found) != 1 or counts[0].approx or not counts[0].head:
            continue
        claim = counts[0]
        end = claim.column + _subject_end(text, claim)
        if heading and not _HEADING_LEAD_RE.search(text[: claim.column]):
            continue  # "### Schedule (MVP in 2 weekends)" tells a duration, not an inventory
        tail = _HEADING_TAIL_RE if heading else _TAIL_RE
        if claim.value >= 2 and tail.match(text[end:]):
            yield _Announced(int(claim.value), claim.head, line)


# A count spelled out ends the line: "Three sections:", "Create three files:", and a compound naming what the
# one thing is made of: "Two-section layout:", "Three-step process:".
_SPELLED = "|".join(NUMBER_WORDS)
_QUESTION_RE = re.compile(r"(?i)^\W*(?:why|how|what|when|where|which)\b")
_SPELLED_HINT_RE = re.compile(rf"(?i)\b(?:{_SPELLED})\b")
_SPELLED_RE = re.compile(rf"(?i)(?:^|[\s*_(])({_SPELLED})(?:\s+([a-z]+)|-([a-z]+)\s+[a-z]+)[\s*_]*:$")


def _after_intro(doc: Document, line: int) -> list[list[int]]:
    """The list under a heading that announces a count, past one line introducing it: "### Affected
    components (11 files)", then "Components with a mobile and a desktop layout:", then the list.
    Lists that follow it the same way, each under its own introducing line ("**Core CRUD:**", then
    "**Bulk operations:**"), are groups of the same inventory: their items are counted together, and
    when the first groups add up to the announced count, a closing group is a note on them ("Key
    notes:")."""
    if line not in heading_lines(doc):
        return []
    items: list[list[int]] = []
    intro = line + 1
    while True:
        if not doc.line_text(intro).strip():
            intro += 1
        if not _introduces(doc, intro):
            return items
        group, last = list_block(doc, intro + 1 if doc.line_text(intro + 1).strip() else intro + 2)
        if not group:
            return items
        items.append(group)
        intro = last + 1


def _introduces(doc: Document, line: int) -> bool:
    """Whether *line* is a line of prose ending in a colon that introduces a list, with no figure."""
    text = prose(doc.line_text(line)).rstrip(" \t*_")
    return (text.endswith(":") and line not in doc.code_lines and not ITEM_RE.match(doc.line_text(line))
            and line not in heading_lines(doc) and not find_numbers(text, line))


_TOTAL_CELL_RE = re.compile(r"(?i)^[*_]*(?:total|sum|overall|all)\b")


def _table_rows(doc: Document, line: int) -> list[int]:
    """The body rows of the parsed table right under *line* (one blank line between them at most), one
    per thing. A closing "Total" row is not one of them."""
    start = line + 1 if doc.line_text(line + 1).strip() else line + 2
    table = next((t for t in doc.tables if t.line == start), None)
    if table is None:
        return []
    return [number for row, number in zip(table.rows, table.row_lines, strict=True)
            if not (row and _TOTAL_CELL_RE.match(row[0].strip()))]


# A score the items share ("### Architecture (10 points)") or a size ("Created test helpers (95 lines):"),
# not a count of the items.
_NOT_ITEMS = frozenset({"point", "points", "pts", "pt", "marks", "score", "percent", "line", "lines", "loc",
                        "sloc", "byte", "bytes", "kb", "mb", "char", "chars", "character", "characters", "word",
                        "words", "token", "tokens"})
# A closing item about the list as a whole ("All hooks are executable", "Each file has a test") is a
# note on the items, not one of them.
_WHOLE_LIST_RE = re.compile(r"(?i)^\W*(?:all|each|every|both|none|total)\b")


def _counted(doc: Document, items: list[int]) -> list[int]:
    while items and _WHOLE_LIST_RE.match(prose(doc.line_text(items[-1])).lstrip(" \t-*+0123456789.)")):
        items = items[:-1]
    return items


_PARENTHESES_RE = re.compile(r"\([^()]*\)")
_MEMBER_SPLIT_RE = re.compile(r",|\s\+\s")
# A field describing the one thing announced ("Current: …", "Required: …"), not a member of it.
_DESCRIBING_RE = re.compile(
    r"(?i)^[*_`]*(?:current|required|expected|actual|notes?|issues?|problem|(?:root )?cause|fix|solution|status"
    r"|impact|result|reason|action|before|after|example|location|error|details?|description|effect|workaround"
    r"|owner|priority|severity|why|how)[*_`]*\s*:"
)


def _not_one_thing_each(doc: Document, items: list[int]) -> bool:
    """Whether the items are not one counted thing each: an item names several ("users, sessions,
    grades", "OAuthService.ts + tests", so the items undercount), or every item describes the one
    thing announced field by field ("Current: …", "Required: …")."""
    bodies = [item_body(prose(doc.line_text(line))) for line in items]
    if all(_DESCRIBING_RE.match(body) for body in bodies):
        return True
    for body in bodies:
        parts = [p.strip(" \t*_`") for p in _MEMBER_SPLIT_RE.split(_PARENTHESES_RE.sub("", body))]
        if len(parts) >= 2 and all(p and not any(c.isspace() for c in p) for p in parts):
            return True
    return False


def _short(text: str, limit: int = 80) -> str:
    text = text.strip().strip("*_").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _subject_end(text: str, claim: NumberClaim) -> int:
    """Offset (from the number) just past the counted noun."""
    at = text.find(claim.head, claim.column)
    return at - claim.column + len(claim.head) if at >= 0 else len(text)


def _grouped(doc: Document, items: list[int], announced: _Announced) -> bool:
    """Items that carry counts of their own adding up to the announced count (a grouped list)."""
    total = 0
    for line in items:
        found = [c for c in find_numbers(doc.line_text(line), line) if c.kind is Kind.COUNT]
        paren = re.search(r"\((\d{1,4})\)", doc.line_text(line))
        if found:
            total += int(found[0].value)
        elif paren:
            total += int(paren.group(1))
    return total == announced.count
