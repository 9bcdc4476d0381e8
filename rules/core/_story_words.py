"""Status words of the story model (rules/core/story.py): a status value → a :class:`State`.

``"✅ COMPLETED - All work finished"`` → DONE; ``"Planning Complete - Ready for Implementation"``
→ PLANNING (the planning is what is complete); ``"Core complete, testing pending"`` → REVIEW;
``"Phase 1A Complete"`` → DONE, but only for the part it names (``Phase 1A``). English first, then
the other languages' words (rules/core/vocabulary.py: ``완료``, ``已完成``, ``zakończone``, ``завершено``…).
"""

from __future__ import annotations

import enum
import re

from rules.core.extract import find_status
from rules.core.model import Status
from rules.core.text import fold
from rules.core.vocabulary import STATUS_WORDS


class State(enum.StrEnum):
    """Where a statement says the work stands."""

    NOT_STARTED = "not_started"
    PLANNING = "planning"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    REVIEW = "review"  # implemented, waiting for review, merge or user testing
    DONE = "done"

    @property
    def begun(self) -> bool:
        return self not in (State.NOT_STARTED, State.PLANNING)


# Longest phrases first, so "not started" wins over "started" and "ready for review" over "ready".
_PHRASES: tuple[tuple[str, State], ...] = (
    ("ready for implementation", State.PLANNING),
    ("ready to implement", State.PLANNING),
    ("ready to start", State.PLANNING),
    ("ready for user testing", State.REVIEW),
    ("partially complete", State.IN_PROGRESS),
    ("awaiting review", State.REVIEW),
    ("ready for review", State.REVIEW),
    ("ready for testing", State.REVIEW),
    ("awaiting testing", State.REVIEW),
    ("testing pending", State.REVIEW),
    ("pending testing", State.REVIEW),
    ("tests pending", State.REVIEW),
    ("pending review", State.REVIEW),
    ("awaiting merge", State.REVIEW),
    ("under review", State.REVIEW),
    ("not started", State.NOT_STARTED),
    ("in progress", State.IN_PROGRESS),
    ("in review", State.REVIEW),
    ("pr created", State.REVIEW),
    ("pr opened", State.REVIEW),
    ("pr open", State.REVIEW),
    ("underway", State.IN_PROGRESS),
    ("on hold", State.BLOCKED),
    ("completed", State.DONE),
    ("complete", State.DONE),
    ("finished", State.DONE),
    ("deployed", State.DONE),
    ("released", State.DONE),
    ("shipped", State.DONE),
    ("archived", State.DONE),
    ("merged", State.DONE),
    ("closed", State.DONE),
    ("done", State.DONE),
    ("ongoing", State.IN_PROGRESS),
    ("partial", State.IN_PROGRESS),
    ("started", State.IN_PROGRESS),
    ("active", State.IN_PROGRESS),
    ("wip", State.IN_PROGRESS),
    ("blocked", State.BLOCKED),
    ("paused", State.BLOCKED),
    ("planning", State.PLANNING),
    ("planned", State.PLANNING),
    ("proposed", State.PLANNING),
    ("approved", State.PLANNING),
    ("draft", State.PLANNING),
    ("pending", State.NOT_STARTED),
    ("todo", State.NOT_STARTED),
    ("to do", State.NOT_STARTED),
)
_KIND_STATE = {"done": State.DONE, "in_progress": State.IN_PROGRESS, "not_started": State.NOT_STARTED,
               "pending": State.NOT_STARTED, "planning": State.PLANNING, "review": State.REVIEW,
               "blocked": State.BLOCKED, "paused": State.BLOCKED}
_PHRASES += tuple(sorted(((word, _KIND_STATE[kind]) for word, kind in STATUS_WORDS.items()),
                         key=lambda pair: -len(pair[0])))
_PHRASE_STATE = dict(_PHRASES)
_PHRASE_RE = re.compile(
    r"(?<![\w-])(?:not\s+(?:yet\s+)?(?P<neg>complete[d]?|done|finished|started)|"
    + "|".join(re.escape(p).replace(r"\ ", r"[ _-]") for p, _ in _PHRASES) + r")(?![\w-])"
)
_EMOJI_STATE: dict[Status, State] = {
    Status.COMPLETE: State.DONE,
    Status.IN_PROGRESS: State.IN_PROGRESS,
    Status.PARTIAL: State.IN_PROGRESS,
    Status.PENDING: State.NOT_STARTED,
    Status.NOT_STARTED: State.NOT_STARTED,
    Status.BLOCKED: State.BLOCKED,
    Status.PAUSED: State.BLOCKED,
}
_EMOJI = re.compile("[✅✔☑🎉⏳⏸🔄🟡🚧⛔🚫⬜]")
# A statement about one part of the work: "Phase 1A Complete", "Phases 2 & 3 complete", "Session 1 done".
_PART_WORDS = (r"phases?|stages?|steps?|sessions?|sprints?|milestones?|parts?|sub-?phases?|tasks?|단계"
               r"|faz[ay]|etap[yu]?|этап[ыа]?|фаз[ыа]|fases?|etapas?")  # "Faza 1 zakończona", "Этап 2 завершён"
_PART_RE = re.compile(
    rf"(?<![\w-])(?:{_PART_WORDS})\s*+([0-9]{{1,3}}(?:\.[0-9]{{1,3}})?[a-z]?\b"
    r"(?:\s*+(?:,|&|and|/|-|–|to)\s*+[0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]?\b){0,8})"
)
_PIECE_RE = re.compile(rf",\s*+(?=(?:{_PART_WORDS})\b)")  # "Phase 2 done, Phase 3 partial": one piece per part
_PART_ID_RE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]?")
# Work before implementation: "Planning complete", "Design done", "Analysis complete".
_PREWORK_RE = re.compile(r"^\W*+(?:planning|plan|design|analysis|research|investigation|discovery|spec(?:ification)?"
                         r"|documentation|docs)\s+(?:is\s+)?(?:complete[d]?|done|finished)\b")

_IMPERATIVE_RE = re.compile(r"^\W*+(?:complete|finish|close|merge|release|deploy|ship)\s+(?:the|a|an|all|this|these|"
                            r"those|remaining|every|each|our|its|their)\b")


def phrase_state(text: str) -> State | None:
    """The first status word or emoji in *text* (already folded or not), or None."""
    folded = fold(text)
    best: tuple[int, State] | None = None
    match = _PHRASE_RE.search(folded)
    if match:
        if match.group("neg"):
            state = State.NOT_STARTED if match.group("neg") == "started" else State.IN_PROGRESS
        else:
            state = _PHRASE_STATE[re.sub(r"[ _-]+", " ", match.group(0))]
        best = (match.start(), state)
    if not text.isascii() and (emoji := _EMOJI.search(text)):
        found = _emoji_state(emoji.group(0))
        if found is not None and (best is None or emoji.start() < best[0]) and not _names_itself(text, emoji, best):
            best = (emoji.start(), found)
    return best[1] if best else None


def _names_itself(text: str, emoji: re.Match[str], phrase: tuple[int, State] | None) -> bool:
    """The mark stands right before a status phrase (``✅ READY TO START``): the words say what it means.
    (*text* and its folded form share their offsets: rules/core/text.py)"""
    return phrase is not None and not re.search(r"\w", text[emoji.end():phrase[0]])


def _emoji_state(char: str) -> State | None:
    status = find_status(char)  # the emoji table lives with the line extractors
    return _EMOJI_STATE.get(status) if status is not None else None


def from_status(status: Status | None) -> State | None:
    """The model's heading/item :class:`Status` as a story :class:`State`."""
    return _EMOJI_STATE.get(status) if status is not None else None


# A share of the work before the status word: "80% complete", "3/5 done", "~45 % 완료".
_SHARE_RE = re.compile(r"^\W*~?(\d{1,3}(?:\.\d+)?)\s*%|^\W*(\d{1,4})\s*/\s*(\d{1,4})\b")


def _share_done(first: str) -> float | None:
    """The share of the work a value opening with a percentage or a fraction says is done."""
    match = _SHARE_RE.match(first)
    if match is None:
        return None
    if match.group(1) is not None:
        return float(match.group(1)) / 100
    total = int(match.group(3))
    return int(match.group(2)) / total if total else None


def read_value(value: str) -> tuple[State | None, bool, tuple[str, ...], bool]:
    """(state, scoped, done_parts, ambiguous) of a status value.

    *scoped* when the value is about named parts of the work (``Phase 1A Complete``), whose ids
    said to be done are *done_parts* (``("1A",)``). *ambiguous* for a legend or a template
    (``[ ] Open / [x] Fixed``, ``✅ = done``): several states offered side by side, or an ``=``
    between a mark and its meaning.
    """
    folded = fold(value)
    clauses = [c for c in re.split(r"\s[-–—:]\s|[;(|]|\s/\s|·", folded) if c.strip()]
    if not clauses:
        return None, False, (), False
    first = clauses[0]
    if "=" in first or re.search(r"\[[ x]\]", first):
        return None, False, (), True
    if _IMPERATIVE_RE.match(first):  # "complete the migration": an instruction, not a status
        return None, False, (), False
    if _PREWORK_RE.match(first):
        return State.PLANNING, False, (), False
    state = phrase_state(value[: len(first)])
    if state is None:
        return None, False, (), False
    if state is State.DONE and any(phrase_state(piece) is State.REVIEW for piece in first.split(",")[1:]):
        state = State.REVIEW  # "Core complete, testing pending": built, not yet proven
    if state is State.DONE and (share := _share_done(first)) is not None and share < 1:
        state = State.IN_PROGRESS if share > 0 else State.NOT_STARTED  # "80% complete", "3/5 done": part of it
    scoped, done = False, list[str]()
    for piece in _PIECE_RE.split(first):
        if match := _PART_RE.search(piece):
            scoped = True
            if phrase_state(piece) is State.DONE:
                done.extend(p.upper() for p in _PART_ID_RE.findall(match.group(1)))
    others = {phrase_state(c) for c in clauses[1:3]} - {None, state}
    ambiguous = "/" in value and bool(others) and not scoped
    return state, scoped, tuple(dict.fromkeys(done)), ambiguous
