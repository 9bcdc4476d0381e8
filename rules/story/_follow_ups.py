"""Follow-ups, open questions and after-this-task lists, and whether a task tracks them (DOC031)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rules.core.model import CheckItem, Document, Section
from rules.core.phase_identity import WordStems
from rules.core.phases import enclosing

# Headings that announce work or decisions left for later, said explicitly.
HEADING_RE = re.compile(
    r"(?i)\bopen questions?\b|\bunresolved questions?\b|\bfollow[- ]?ups?\b|\bto[- ]?do later\b"
    r"|\b(?:after|post)[- ]this task\b|\bdeferred follow"
    r"|\bdecisions? (?:to (?:confirm|make|take)|needed|pending|required|outstanding)\b"
    r"|\b(?:pending|open|outstanding|unresolved)(?: \w+)? decisions?\b|\bto clarify\b|\bquestions? for\b"
    r"|\b(?:issues?|items?|things?|points?) to watch\b(?! out)|\btodos?\b"
    # the same headings in the teams' other languages
    r"|향후 (?:과제|작업|계획)|후속 (?:작업|과제|조치)|미결|미해결|열린 질문|추후 (?:작업|과제)"
    r"|后续(?:工作|任务|事项)|待解决|未决|遗留问题|今後の(?:課題|作業|タスク)|残課題|未解決|открыт\w* вопрос"
    r"|preguntas abiertas|trabajo futuro|otwarte pytania|dalsze prace|offene (?:fragen|punkte)|questions ouvertes"
    r"|travaux futurs"
)
# A heading that says its questions are settled: "Pending Decisions (All Resolved)", "PD-3: … — RESOLVED".
_SETTLED_HEADING_RE = re.compile(r"(?i)✅|\b(?:resolved|answered|decided|closed)\b")
_ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(?!\[[ xX]\])(\S.*)$")  # a list item, not a checkbox
_SETTLED_RE = re.compile(
    r"(?i)✅|~~|(?:→|->|=>)\s*\w|\b(?:answered|resolved|decided|decision|answer|done|closed|tracked in)\b"
)  # an arrow in a question list gives the answer: "Reuse the cache? → yes"
# A known gap said to remain: "an existing limitation", "shown as raw ids for now", "not yet handled".
GAP_RE = re.compile(
    r"(?i)\bfor now\b|\b(?:known|existing|current) (?:limitation|gap|issue|bug)s?\b"
    r"|\bnot (?:yet )?(?:fixed|addressed|handled|supported)\b|\bworkaround\b|\btech(?:nical)? debt\b"
    # work handed to another task that the line does not name: "(separate issue)", "— отдельная задача"
    r"|\b(?:separate|another|its own|dedicated|future) (?:task|ticket|pr|pull request|issue)s?\b|\bnext iterations?\b"
    r"|отдельн\w* задач|próxim\w* iteraci|별도 (?:작업|태스크|과제)|후속 (?:작업|태스크)|后续任务|单独的?任务|別タスク"
)
# Words every GAP_RE match holds (folded): the lines worth the regex, found by a few C-speed searches.
_GAP_NEEDLES = ("for now", "known ", "existing ", "current ", "not ", "workaround", " debt", "separate ",
                "another ", "its own ", "dedicated ", "future ", "next iteration", "отдельн", "próxim", "별도 ",
                "후속 ", "任务", "別タスク")
# Where the work went: a link, an issue or ticket number (`PROJ-214`; not a standard's name, `UTF-8`,
# `SHA-256`), or words that say where it is tracked.
POINTER_RE = re.compile(
    r"\]\(|https?://|(?<![\w&])#\d+\b|\b(?!(?:UTF|SHA|AES|ISO|RFC|TLS|SSL|HTTP|WCAG|PEP|ECMA|IEEE|CP)-\d)[A-Z][A-Z0-9]{1,15}-\d+\b"
    r"|(?i:\b(?:tracked|moved|carried over|follow[- ]?up (?:task|issue|ticket)|issue|ticket|backlog|see)\b)"
)
_CODE_RE = re.compile(r"`([^`\n]{2,80})`|\b([\w-]+\.(?:md|py|ts|tsx|js|json|ya?ml|sql|toml|sh))\b")
_WORD_RE = re.compile(r"[^\W\d_]+")
_MAX_GAP_CHARS = 1000  # of a line read for a known gap
MAX_ITEMS = 50  # per section: a longer list is a backlog of its own, and matching stays linear
_MAX_NAMES = 5
_FILLER_WORDS = """
    the and for with from into that this these those what when where which while will would should could
    can may might must need needs needed check confirm whether how does not yet also add update make use
    using have has are was were been being about after before more less some any all each other than then
    there their them they its our your task tasks item items question questions follow later open
"""
_FILLER = frozenset(_FILLER_WORDS.split())

# Stems of an item's meaningful words, in any script (a short Korean or Chinese word counts).
word_stems = WordStems(_WORD_RE, _FILLER, short_non_ascii=True)


def points_elsewhere(doc: Document, item: CheckItem) -> bool:
    """The checkbox says where its work went (:data:`POINTER_RE`), read on its lines as written: the
    item's text has lost its links' targets (``[next task](../next/plan.md)`` reads ``next task``)."""
    return any(POINTER_RE.search(doc.line_text(n)) for n in item.lines)


@dataclass(frozen=True, slots=True)
class FollowUp:
    line: int
    text: str  # the item's first line, stripped
    names: frozenset[str]  # code spans and file names, lower case: strong evidence when a task names one
    stems: frozenset[str]  # meaningful word stems of the item and its sub-items


def follow_up_sections(doc: Document) -> list[Section]:
    """Top-most sections whose heading announces follow-ups or open questions (not their sub-sections)."""
    found: list[Section] = []
    for section in doc.sections:
        if found and found[-1].contains(section.line):
            continue
        if HEADING_RE.search(section.title) and not _SETTLED_HEADING_RE.search(section.title):
            found.append(section)
    return found


def follow_ups(doc: Document, section: Section) -> list[FollowUp]:
    """The section's top-level list items that are not checkboxes and not marked answered or done."""
    items: list[tuple[int, list[str]]] = []
    indent = None
    settled = {n for sub in doc.sections if section.contains(sub.line) and sub.line != section.line
               and _SETTLED_HEADING_RE.search(sub.title) for n in range(sub.line, sub.end_line + 1)}
    for number in range(section.line + 1, section.end_line + 1):
        line = doc.lines[number - 1]
        if number in doc.code_lines or number in settled:
            continue  # code, or a question whose own heading says it is resolved
        match = _ITEM_RE.match(line)
        if match and (indent is None or len(match.group(1)) <= indent):
            indent = len(match.group(1))
            items.append((number, [match.group(2)]))
        elif items and line.strip() and not line.lstrip().startswith("#"):
            items[-1][1].append(line)  # a sub-item or continuation belongs to the item above
    return [_follow_up(line, texts) for line, texts in items[:MAX_ITEMS] if not _SETTLED_RE.search(" ".join(texts))]


def known_gaps(doc: Document, skip: list[Section]) -> list[FollowUp]:
    """List items (not checkboxes) outside the *skip* sections that say a known gap remains, and are
    neither settled nor pointing to where the work went."""
    found: list[FollowUp] = []
    skipped = {s.line for s in skip}
    for number in doc.lines_containing(_GAP_NEEDLES):
        line = doc.line_text(number)
        if GAP_RE.search(line[:_MAX_GAP_CHARS]) is None:
            continue
        match = _ITEM_RE.match(line)
        if match is None or number in doc.code_lines or _under(doc, number, skipped):
            continue
        text = match.group(2)[:_MAX_GAP_CHARS]
        if GAP_RE.search(text) and not _SETTLED_RE.search(text) and not POINTER_RE.search(text):
            found.append(_follow_up(number, [text]))
        if len(found) >= MAX_ITEMS:
            break
    return found


def _under(doc: Document, line: int, headings: set[int]) -> bool:
    """*line* stands in a section whose heading is on one of *headings* (or under one)."""
    return any(doc.sections[i].line in headings for i in enclosing(doc, doc.section_index(line)))


def _follow_up(line: int, texts: list[str]) -> FollowUp:
    text = " ".join(texts)[:2000]
    names = frozenset(n.lower().strip("()") for pair in _CODE_RE.findall(text)[:_MAX_NAMES] for n in pair if n)
    return FollowUp(line, texts[0].strip(), names, word_stems(text))


def item_words(line: int, text: str) -> FollowUp:
    """The names and word stems of one list item or checkbox text (as :func:`follow_ups` reads them)."""
    return _follow_up(line, [text])


def is_tracked(item: FollowUp, tasks_lower: str, task_stems: list[frozenset[str]]) -> bool:
    """A task names one of the item's code spans or files, or one task shares enough of its words
    (half of them, at most three), or a task of two words or more is all words of the item (the
    question "For compact mode, what is the minimum?" and the task "Compact mode")."""
    if any(name in tasks_lower for name in item.names):
        return True
    if not item.stems:
        return True  # nothing to match on: say nothing
    need = min(3, max(1, math.ceil(len(item.stems) / 2)))
    return any(len(item.stems & stems) >= need or (len(stems) >= 2 and stems <= item.stems) for stems in task_stems)
