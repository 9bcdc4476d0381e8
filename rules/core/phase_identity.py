"""Phase identity: whether two phase headings of a task's files name the same phase.

A phase is its id (``Phase 2``, ``Stage B``) **and** its title (``Phase 2: API``). Files often number
phases independently, so two ``Phase 1`` headings are the same phase only when their titles share a
meaningful word. A heading that only talks about a phase (``Phase 3 Complete ✅``, ``Phase 3 Final
Statistics``: no ``:``/``—``/``-`` after the id) has no title and matches any phase of its number, as
does a title made only of status, size or filler words (``Phase 7A: Complete``).

Words are compared by a crude stem (``Tests``, ``Testing`` → ``test``; ``Suggested``, ``Suggestions``
→ ``sugges``), and a word that titles most of a task's phases (``Test`` in a testing project,
``Fixes`` in a bug-fix task) identifies none of them: :func:`generic_stems` finds those per task.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rules.core.model import Document, TaskDocs
from rules.core.phases import MENTION_RE, PHASE_CUES, phase_key, phases

_AFTER_ID_RE = re.compile(r"\s*(?:\((?P<named>[^()\n]{0,80})\)\s*)?[:：—–-]+\s*")  # "(Week 1): ", " — ", " - "
_PARENS_RE = re.compile(r"\([^()\n]{0,120}\)|\[[^\[\]\n]{0,120}\]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_MAX_WORDS = 12  # a title's first words are its name; the rest is commentary
_TITLE_CHARS = 160  # and so are its first characters: a line naming many phases costs a window per mention
_NOISE_WORDS = """
    a an and or the of for to in on at by via with from into onto per vs
    phase phases stage stages step steps part sprint milestone
    complete completed completion done finished finish pending progress partial partially deferred
    optional blocked started start not ready status todo wip current new next final remaining
    priority high medium low critical effort hour hours hr hrs min mins minute minutes day days week
    weeks month months estimate estimated immediate immediately later soon future asap urgent short long term
    near mid
"""
_NOISE = frozenset(_NOISE_WORDS.split())
_SUFFIXES = ("ings", "ing", "ed", "s")
_STEM = 6


@dataclass(frozen=True, slots=True)
class PhaseRef:
    """A phase named by a heading (or a checkbox) of one file: id, title and the title's stems."""

    id: str  # normalised: "Phase 2", "Stage B"
    title: str  # the words after the id and its separator; "" when the heading has none
    stems: frozenset[str]
    doc: Document
    line: int


@functools.lru_cache(maxsize=16384)  # a pure function of a word: a folder's words repeat on every line
def stem(word: str) -> str:
    """Lower case, one plural or verb ending off, cut to six letters: ``Testing`` → ``test``."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:_STEM]


class WordStems:
    """The stems of the meaningful words of a text, in one vocabulary: *words* finds the words, and a
    word in *filler* (lower case) or shorter than three letters has none, except, with
    *short_non_ascii*, a short word of a script other than ASCII (a Korean or Chinese word is short).
    Each word's stem is computed once: the same words come back on every line of a folder."""

    def __init__(self, words: re.Pattern[str], filler: frozenset[str], *, short_non_ascii: bool = False) -> None:
        self._words = words
        self._filler = filler
        self._short_non_ascii = short_non_ascii
        self._stem = functools.lru_cache(maxsize=16384)(self._word_stem)

    def __call__(self, text: str) -> frozenset[str]:
        found = set(map(self._stem, self._words.findall(text)))
        found.discard("")
        return frozenset(found)

    def _word_stem(self, word: str) -> str:
        if word.lower() in self._filler or (len(word) < 3 and not (self._short_non_ascii and not word.isascii())):
            return ""
        return stem(word)


def title_after(text: str, end: int) -> str:
    """The title that follows a phase id ending at *end* of *text*, or "" when no separator follows.

    A name in brackets before the separator is the title when what follows it is only status
    (``Phase 2 (Auth): ⬜ Not started``); brackets holding only a size or a date (``Phase 2 (Week 3):
    API``) never are."""
    window = text[end: end + _TITLE_CHARS]
    match = _AFTER_ID_RE.match(window)
    if match is None:
        return ""
    title = window[match.end():].strip()
    named = match.group("named")
    if named and not title_stems(title) and title_stems(named):
        return named.strip()
    return title


# A title that only says the heading details its phase ("Phase 1 — Detailed Implementation", "Phase 2:
# Breakdown") names no other work: it is the same phase, at more depth.
_ELABORATION_RE = re.compile(
    r"(?i)^\W*(?:detailed\s+(?:implementation|plan|steps|tasks|breakdown)|details?|breakdown|deep[- ]dive)\b")


def title_stems(title: str) -> frozenset[str]:
    """Stems of a title's meaningful words: no status, size or filler words, nothing in brackets; none
    for a title that only details its phase."""
    if _ELABORATION_RE.match(title):
        return frozenset()
    words = (w for w in _WORD_RE.findall(_PARENS_RE.sub(" ", title))
             if w.lower() not in _NOISE and (len(w) >= 3 or not w.isascii()))
    found: list[str] = []
    for word in words:
        if len(found) >= _MAX_WORDS:
            break
        found.append(stem(word))
    return frozenset(found)


def ref_from_text(doc: Document, line: int, text: str) -> PhaseRef | None:
    """The phase a line names first (``Phase 2: API ✅``), with its title; None without a phase id."""
    match = MENTION_RE.search(text)
    if match is None:
        return None
    title = title_after(text, match.end())
    return PhaseRef(phase_key(match), title, title_stems(title), doc, line)


def phase_refs(doc: Document) -> tuple[PhaseRef, ...]:
    """Every phase heading of *doc* as a :class:`PhaseRef` (computed once per document)."""
    return doc.derive(_phase_refs)


def _phase_refs(doc: Document) -> tuple[PhaseRef, ...]:
    found = []
    for phase in phases(doc):
        ref = ref_from_text(doc, phase.section.line, phase.section.title)
        if ref is not None:
            found.append(PhaseRef(phase.id, ref.title, ref.stems, doc, phase.section.line))
    return tuple(found)


def task_refs(task: TaskDocs) -> list[PhaseRef]:
    """The phase headings of the plan, context and tasks files, in that order."""
    return [ref for doc in (task.plan, task.context, task.tasks) if doc is not None for ref in phase_refs(doc)]


def generic_stems(refs: Iterable[PhaseRef], min_ids: int = 3) -> frozenset[str]:
    """Stems in the titles of at least *min_ids* phases and of at least half of the titled phases."""
    ids_of: dict[str, set[str]] = {}
    titled: set[str] = set()
    for ref in refs:
        if ref.stems:
            titled.add(ref.id)
        for word in ref.stems:
            ids_of.setdefault(word, set()).add(ref.id)
    return frozenset(w for w, ids in ids_of.items() if len(ids) >= min_ids and 2 * len(ids) >= len(titled))


def shares_word(a: Iterable[str], b: frozenset[str]) -> bool:
    """A stem of *a* equals one of *b*, or one is the start of the other (``fix`` / ``fixe``)."""
    return any(x == y or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x)))
               for x in a for y in b)


def same_phase(a: PhaseRef, b: PhaseRef, generic: frozenset[str] = frozenset()) -> bool:
    """Same id, and titles that share a meaningful word (a missing title matches any)."""
    if a.id != b.id:
        return False
    return titles_match(a.stems - generic, b.stems - generic)


def titles_match(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two titles' meaningful stems name the same work: one is empty, or they share a word."""
    return not a or not b or shares_word(a, b)


def stems_after_id(text: str, item_id: str) -> frozenset[str]:
    """The title stems after *item_id* (``Phase 2``) where it first occurs in *text*; empty without a title."""
    start = text.lower().find(item_id.lower())
    return title_stems(title_after(text, start + len(item_id))) if start >= 0 else frozenset()


def identity_groups(stem_sets: Iterable[frozenset[str]], limit: int = 20) -> list[frozenset[frozenset[str]]]:
    """Titles grouped into phases: two titles sharing a word (directly or through a third) are one phase.

    Empty titles belong to no group (they match every group). More than *limit* distinct titles are
    one group: a pile of headings reusing one number is no evidence of two phases.
    """
    distinct = list(dict.fromkeys(s for s in stem_sets if s))
    if len(distinct) > limit:
        return [frozenset(distinct)]
    groups: list[tuple[set[frozenset[str]], set[str]]] = []
    for title in distinct:
        joined = [g for g in groups if shares_word(title, frozenset(g[1]))]
        members, words = {title}, set(title)
        for g in joined:
            members |= g[0]
            words |= g[1]
            groups.remove(g)
        groups.append((members, words))
    return [frozenset(members) for members, _ in groups]


@dataclass(frozen=True, slots=True)
class Mentions:
    """Every phase a file names, split by whether the mention gives a title (``Phase 2: API``) or not."""

    untitled: frozenset[str]  # ids named without a title: they match any phase of their number
    titled: dict[str, tuple[frozenset[str], ...]]  # id → the distinct titles it is given
    words: frozenset[str]  # every stem of every title
    starts: frozenset[str]  # every stem and each of its first three letters or more


def mentions(doc: Document) -> Mentions:
    """The phases *doc* names anywhere (computed once per document)."""
    return doc.derive(_mentions)


def _mentions(doc: Document) -> Mentions:
    untitled: set[str] = set()
    titled: dict[str, dict[frozenset[str], None]] = {}
    for number in doc.lines_containing(PHASE_CUES):  # a few searches of the whole text, not a test per line
        line = doc.line_text(number)
        for match in MENTION_RE.finditer(line):
            phase_id = phase_key(match)
            stems = title_stems(title_after(line, match.end()))
            if stems:
                titled.setdefault(phase_id, {})[stems] = None
            else:
                untitled.add(phase_id)
    words = frozenset(w for found in titled.values() for stems in found for w in stems)
    starts = words | {w[:cut] for w in words for cut in range(3, len(w))}
    return Mentions(frozenset(untitled), {k: tuple(v) for k, v in titled.items()}, words, frozenset(starts))


def named_by_title(stems: frozenset[str], named: Mentions) -> bool:
    """A title shares a word with some phase title of the other file, whatever its number (a renumbered
    phase is still covered): equal stems, or one the start of the other."""
    return any((w in named.starts and len(w) >= 3) or w in named.words
               or any(w[:cut] in named.words for cut in range(3, len(w))) for w in stems)
