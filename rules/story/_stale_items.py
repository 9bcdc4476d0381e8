"""Next-steps and remaining-work lists, and which of their items the folder reports done (DOC018).

A list is the items under a heading such as ``Next Steps``, ``Immediate next steps``, ``Remaining
work`` or ``TODO``, or right after a bold label ``**Next actions:**``, in the plan or context, and
not inside a log (a section titled as a session log or history, or a dated entry among dated
siblings). An item is reported done when it starts or finishes a phase the folder reports complete,
or when a ticked box (or a heading marked complete) of the tasks file names the same work while no
open box names it: a box *names* an item that shares half of its meaningful words and at least two
(or its code span or file name), and does the *same work* when it names the item's code span or
file name, or covers two thirds of the item's own words that are also half of the box's own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phase_identity import ref_from_text, shares_word, stem
from rules.core.phases import enclosing
from rules.core.sections import in_log_at
from rules.core.text import fold, strip_comments
from rules.core.vocabulary import NEXT_STEP_HEADINGS
from rules.story._follow_ups import item_words, word_stems
from rules.story._lists import ITEM_RE, list_after, list_block
from rules.story._next_steps import Done, reported_by_doc006

_TITLE_RE = re.compile(
    r"^(?:immediate |upcoming |suggested |recommended |the )?next (?:steps?|actions?|tasks?|up)\b"
    r"|^immediate (?:next )?(?:steps|actions|priorities)\b|^remaining (?:work|tasks|steps|items)\b"
    r"|^(?:open|outstanding|pending) (?:work|tasks|items)\b"
    r"|^to ?dos?$|^what s next\b|^still to do\b|^(?:" + "|".join(NEXT_STEP_HEADINGS) + ")"
)
# "**Next Steps:**", "**Immediate next actions**:", "Remaining work:" alone on their line
_LABEL_RE = re.compile(
    r"^[*_]*+\s*+(?:(?:immediate |upcoming )?next (?:steps?|actions?)|immediate (?:next )?(?:steps|actions)"
    r"|remaining (?:work|tasks|steps)|to ?do)\s*+[*_]*+\s*+:?\s*+[*_]*+\s*+$"
)
_CHECKBOX_RE = re.compile(r"^\s*+(?:[-*+]|\d{1,3}[.)])\s++\[[ xX~-]\]")
# The item says it is done itself, or depends on something else first.
_SETTLED_RE = re.compile(r"(?i)✅|✔|☑|~~|\b(?:already|now)\s+(?:done|complete|implemented|in place|fixed)\b"
                         r"|\((?:done|complete[d]?|finished)\b")
_CONDITIONAL_RE = re.compile(r"(?i)^[*_\s]*(?:if|when|once|after|unless|until|before|wait)\b")
_AFTER_RE = re.compile(r"(?i)^[*_\s]*(?:if|when|once|after|unless|until)\b")  # a heading: "After manual testing"
# Work that follows a piece of work: verifying, deploying or improving it is not doing it again.
_STAGE_WORDS = """
    verify verification validate validation monitor monitoring follow test tests testing tested qa check
    confirm review watch observe measure benchmark audit deploy deployment release ship publish merge commit
    push announce document documentation polish refine improve optimize optimise extend expand iterate
    revisit rerun retest clean cleanup evaluate investigate consider decide discuss plan design tune
    integrate integration migrate rollout roll
"""
_STAGE = frozenset(stem(w) for w in _STAGE_WORDS.split())
# Words too common in task lists to say which work an item is.
_GENERIC_WORDS = """
    implement create build write set setup start begin finish complete continue work fix new phase step
    stage sprint bug issue error feature file code change support handle ensure move get run remaining
    next first then done add new proper properly missing existing current remaining all main basic initial
"""
_GENERIC = frozenset(stem(w) for w in _GENERIC_WORDS.split())
_WORD_RE = re.compile(r"[^\W\d_]+")
# "Begin Phase 2", "Complete Phase 3: API", "Continue with stage 1B"
_PHASE_STEP_RE = re.compile(
    r"^(?:start|begin|kick off|complete|finish|continue(?: with)?|work on|implement|proceed (?:to|with)"
    r"|move (?:on )?to|resume|wrap up)\s++(?:the\s++)?(?:phase|stage|sprint|milestone)\s*+"
    r"([0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]?)\b"
)
_PURPOSE_RE = re.compile(r"(?i)\s(?:to|so that|in order to|for)\s|\s[—–-]\s|:\s")
_ENUM_RE = re.compile(r"\(([^(),]{1,40}(?:,[^(),]{1,40}){1,8})\)")
_BULLET_RE = re.compile(r"^\s*+(?:[-*+]|\d{1,3}[.)])\s++")
_LEAD_RE = re.compile(r"^[\W_]++|\s++$")
_CODE_SPAN_RE = re.compile(r"`[^`\n]*+`|[^\s`]*+[/\\.][^\s`]++")
_MARKUP_RE = re.compile(r"^\s*+(?:[-*+]|\d{1,3}[.)])\s++|[*_`]+")
MAX_LISTS = 10  # per file
MAX_ITEMS = 50  # per list: items × ticked boxes stays linear in the folder


@dataclass(frozen=True, slots=True)
class StaleItem:
    line: int
    text: str  # the item as written, without the bullet
    doc: Document  # the file that reports it done
    done_line: int
    how: str  # "ticked" (a box), "heading" (a section marked done) or "phase" (a phase reported complete)


@dataclass(frozen=True, slots=True)
class NextList:
    title: str  # the heading or label as written
    key: str
    items: tuple[int, ...]  # lines of its top-level items


def next_lists(doc: Document, done: Done) -> Iterator[NextList]:
    """Next-steps lists of *doc* outside logs, except sections DOC006 reports."""
    found = 0
    last: Section | None = None  # a list under a next-steps heading is read with it, once
    for index, section in enumerate(doc.sections):
        if found >= MAX_LISTS:
            return
        if (last is not None and last.contains(section.line)) or not _TITLE_RE.match(section.key):
            continue
        last = section  # its sub-sections are read with it (or left to DOC006 with it)
        if not in_log_at(doc, index) and not reported_by_doc006(doc, section, done):
            found += 1
            yield NextList(section.title, section.key, tuple(_items_in(doc, section.line + 1, section.end_line)))
    for number in doc.lines_containing(("next", "remaining", "todo", "to do")):
        text = fold(strip_comments(doc.line_text(number))).strip()
        if found >= MAX_LISTS or number in doc.code_lines or not _LABEL_RE.match(text):
            continue
        within = doc.section_index(number)
        if within is not None and (in_log_at(doc, within) or any(
                _TITLE_RE.match(doc.sections[i].key) for i in enclosing(doc, within))):
            continue  # a label inside a next-steps section is read with it
        found += 1
        yield NextList(text.strip("*_: "), f"label:{number}", tuple(list_after(doc, number)))


def _items_in(doc: Document, first: int, last: int) -> list[int]:
    items: list[int] = []
    number = first
    while number <= last and len(items) < MAX_ITEMS:
        if number not in doc.code_lines and ITEM_RE.match(doc.line_text(number)):
            block, end = list_block(doc, number)
            items += [n for n in block if n <= last]
            number = max(end, number) + 1
        else:
            number += 1
    return items[:MAX_ITEMS]


def stale_items(doc: Document, found: NextList, task: TaskDocs, done: Done) -> list[StaleItem]:
    """The items of *found* that name work a ticked box or a phase status reports done."""
    tasks = task.tasks
    units = tasks.derive(_units) if tasks is not None else ()
    stale: list[StaleItem] = []
    for number in found.items[:MAX_ITEMS]:
        raw = doc.line_text(number)
        if number in doc.code_lines or _CHECKBOX_RE.match(raw) or _SETTLED_RE.search(raw):
            continue
        text = _LEAD_RE.sub("", _MARKUP_RE.sub("", strip_comments(raw)))  # "⏳ Begin Phase 1"
        within = doc.section_index(number)
        if not text or _CONDITIONAL_RE.match(text) or (
                within is not None and _AFTER_RE.match(doc.sections[within].title)):
            continue  # "If approved, …", or under "### After manual testing"
        hit = _done_phase(doc, number, text, done)
        if hit is not None:
            stale.append(StaleItem(number, text, hit[0], hit[1], "phase"))
        elif tasks is not None and (unit := _done_unit(number, _BULLET_RE.sub("", raw), units)) is not None:
            stale.append(StaleItem(number, text, tasks, unit.line, "ticked" if unit.box else "heading"))
    return stale


@dataclass(frozen=True, slots=True)
class _Unit:
    """A box of the tasks file, or one of its headings that reports a whole section done."""

    line: int
    done: bool
    stems: frozenset[str]
    lower: str
    own: frozenset[str]  # its meaningful stems outside code spans: what the box is about
    box: bool = True  # False: a heading


def _units(doc: Document) -> tuple[_Unit, ...]:
    """Every box of *doc*, then every heading marked complete or over boxes all ticked."""
    units = [_Unit(i.line, i.checked, item_words(i.line, i.text).stems, fold(i.text), _own(doc.line_text(i.line)))
             for i in doc.items]
    ticked: dict[int, bool] = {}
    for item in doc.items:
        if item.section is not None:
            ticked[item.section] = ticked.get(item.section, True) and item.checked
    for index, section in enumerate(doc.sections):
        if section.status is Status.COMPLETE or ticked.get(index, False):
            words = item_words(section.line, section.title).stems
            units.append(_Unit(section.line, True, words, fold(section.title), _own(section.title), box=False))
    return tuple(units)


def _done_unit(line: int, text: str, units: tuple[_Unit, ...]) -> _Unit | None:
    """The box or heading that reports the item (*text*: as written, code spans kept) done, unless an
    open box names it as well."""
    action = _PURPOSE_RE.split(text, maxsplit=1)[0]  # "Run the suite to verify X": running is the step
    stage = {stem(w) for w in _WORD_RE.findall(action)} & _STAGE
    words = item_words(line, text)
    stems = words.stems - _GENERIC
    found = _matching(words.names, stems, stage, units, own=_own(text))
    if found is None and (parts := _enumerated(text)):
        lines = [_matching(frozenset(), part, stage, units, whole=True) for part in parts]
        found = lines[0] if all(n is not None for n in lines) else None
    return found


def _matching(names: frozenset[str], stems: frozenset[str], stage: set[str], units: tuple[_Unit, ...],
              *, whole: bool = False, own: frozenset[str] = frozenset()) -> _Unit | None:
    best: _Unit | None = None
    for unit in units:
        if not (stems <= unit.stems if whole else _names(names, stems, unit)):
            continue
        if not unit.done:
            return None  # still open in the tasks file: not clearly done
        if best is None and stage <= unit.stems and (whole or _same_work(names, own, unit)):
            best = unit
    return best


def _names(names: frozenset[str], stems: frozenset[str], unit: _Unit) -> bool:
    shared = len(stems & unit.stems)
    half = math.ceil(len(stems) / 2)
    if names and any(name in unit.lower for name in names):
        return shared >= half
    return bool(stems) and shared >= max(2, half)


def _same_work(names: frozenset[str], own: frozenset[str], unit: _Unit) -> bool:
    """The box is about the item's work, not a neighbour of it: by its words, two thirds of the
    item's and half of the box's own ("Create the manual testing guide" is not "Manual testing")."""
    if names:  # an item about a file or a code name is done only by a box that names it
        return any(name in unit.lower for name in names)
    shared = len(own & unit.own)
    return shared > 0 and 3 * shared >= 2 * len(own) and 2 * shared >= len(unit.own)


def _own(text: str) -> frozenset[str]:
    """The meaningful stems of a box's own words: no code spans, paths or file names."""
    return word_stems(_CODE_SPAN_RE.sub(" ", text)) - _GENERIC


def _enumerated(text: str) -> list[frozenset[str]]:
    """The entries of a parenthesised list of names in the item: ``(classes, locations, accounts)``."""
    match = _ENUM_RE.search(text)
    if match is None:
        return []
    parts = [word_stems(p) - _GENERIC for p in match.group(1).split(",")]
    return parts if len(parts) >= 2 and all(0 < len(p) <= 3 for p in parts) else []


def _done_phase(doc: Document, line: int, text: str, done: Done) -> tuple[Document, int] | None:
    """``Begin Phase 2`` / ``Complete Phase 3: API`` when the folder reports that phase complete
    (and, when both give one, under a title that shares a word with the item's)."""
    step = _PHASE_STEP_RE.match(fold(text))
    if step is None or (part := step.group(1).upper()) not in done:
        return None
    rest = text[step.end():]
    if {stem(w) for w in _WORD_RE.findall(rest)} & _STAGE:
        return None  # "Complete Phase 3 testing": the testing is the step, not the phase
    where = done[part]
    mine = ref_from_text(doc, line, text)
    theirs = ref_from_text(where[0], where[1], where[0].line_text(where[1]))
    if mine is not None and theirs is not None and mine.stems and theirs.stems and not shares_word(
            mine.stems, theirs.stems):
        return None  # another phase of the same number
    return where
