"""Measured snapshots in running text (DOC010): "17/20 tests passing", "12 TypeScript errors",
"coverage 81%", each with its subject, its value and the date it was written under."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.model import Document
from rules.story._fresh import is_current, line_date, section_date

_SUITE = r"(?P<q>unit|e2e|integration|api|ui|backend|frontend|component|smoke|regression)"
_VERB = r"(?P<verb>passing|passed|pass|green|failing|failed)"
_MEASURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tests", re.compile(rf"(?i)(?<![\w./])(?P<n>\d+)\s?/\s?(?P<m>\d+)\s(?:{_SUITE}\s)?(?:(?P<noun>tests?|specs?)\s)?"
                         rf"{_VERB}\b")),
    ("tests", re.compile(rf"(?i)(?<![\w./])(?P<n>\d+)\s(?:{_SUITE}\s)?(?:tests?|specs?)\s(?:are\s)?{_VERB}\b")),
    ("errors", re.compile(r"(?i)(?<![\w./])(?P<n>\d+)\s(?P<q>typescript|ts|type|lint|eslint|mypy|build|compiler?|"
                          r"console|runtime)\s(?P<verb>errors?|warnings?)\b")),
    ("coverage", re.compile(r"(?i)\b(?P<q>line|branch|test|code)?\s?coverage\b[^\d\n]{0,15}"
                            r"(?P<n>\d{1,3}(?:\.\d+)?)\s?%")),
    ("coverage", re.compile(r"(?i)(?<![\w.])(?P<n>\d{1,3}(?:\.\d+)?)\s?%\s(?:(?P<q>line|branch|test|code)\s)?"
                            r"coverage\b")),
)
# A line that reports a change ("from 61% to 78%", "17 → 20") holds the old and the new figure together.
_CHANGE_RE = re.compile(r"(?i)\bfrom\b[^\n]{0,40}?\bto\b|→|(?<!-)->|\b(?:up|down)\sfrom\b")
_DIGIT_RE = re.compile(r"\d")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)\W{0,4}$")
_GOAL_RE = re.compile(r"(?i)\b(?:target|goal|aim|at least|minimum|threshold|required)\b|≥|>=")  # a goal, not a reading
# What a figure is about, named right before it: a label ("AuthService: 0% coverage") or an acronym or
# CamelCase name ("JWT Coverage 97.14%"); a generic label ("Status:", "Coverage:") names nothing.
_LABEL_BEFORE_RE = re.compile(r"([A-Za-z][\w-]*)\s*[:：]\W{0,4}$|\b([A-Z]{2,}\d*|[A-Z][a-z]+[A-Z]\w*)\W{0,4}$")
_GENERIC_LABEL_WORDS = """
    status progress coverage tests test result results current currently overall total now metrics metric summary
    state update updated final after before baseline today latest note notes ci build all suite suites
"""
_GENERIC_LABELS = frozenset(_GENERIC_LABEL_WORDS.split())
_HINTS = ("pass", "fail", "green", "error", "warning", "coverage")
_ALIASES = {"ts": "typescript", "passed": "passing", "pass": "passing", "green": "passing", "failed": "failing",
            "error": "errors", "warning": "warnings", "compile": "compiler"}


@dataclass(frozen=True, slots=True)
class Snapshot:
    subject: str  # e.g. "unit tests passing", "typescript errors", "coverage"
    value: str  # e.g. "17/20", "12", "81%"
    line: int
    date: dt.date | None  # the date of the entry it was written under
    current: bool  # in current-state text rather than a log or history section
    text: str  # the phrase as written


def snapshots(doc: Document) -> Iterator[Snapshot]:
    """Every measured snapshot of *doc* outside code, in line order."""
    for number in doc.lines_containing(_HINTS):
        if number in doc.code_lines:
            continue
        text = doc.line_text(number)
        if not _DIGIT_RE.search(text) or text.lstrip().startswith("|"):  # a measure has a figure; a table is a record
            continue
        found: list[tuple[str, re.Match[str]]] = []
        seen: set[int] = set()
        for kind, pattern in _MEASURES:
            for match in pattern.finditer(text):
                if match.start() not in seen:
                    seen.add(match.start())
                    found.append((kind, match))
        if not found or _GOAL_RE.search(text) or _CHANGE_RE.search(text):
            continue
        section = doc.section_of(number)  # where it stands only for the lines that hold a measure
        date = line_date(text) or section_date(doc, section)
        current = is_current(doc, section)
        for kind, match in found:
            subject = _subject(kind, match, _word_before(text, match.start()))
            if kind != "errors" and not match.group("q") and (named := _named_before(text, match.start())):
                subject = f"{named} {subject}"  # "AuthService: 0% coverage" is not the whole project's
            yield Snapshot(subject, _value(kind, match), number, date, current, match.group(0))


def _named_before(text: str, start: int) -> str:
    """The component a figure is about, named right before it (lower case), or ""."""
    found = _LABEL_BEFORE_RE.search(text, max(0, start - 32), start)
    if found is None:
        return ""
    name = (found.group(1) or found.group(2)).lower()
    return "" if name in _GENERIC_LABELS else name


def _word_before(text: str, start: int) -> str:
    found = _WORD_BEFORE_RE.search(text, max(0, start - 24), start)
    return found.group(1).lower() if found else ""


def _subject(kind: str, match: re.Match[str], before: str) -> str:
    """The words that say what was measured. A bare ``280/280 passing`` takes its noun from the
    word before it (``Features: 280/280 passing`` counts features, not tests)."""
    words = [match.group("q") or ""]
    if kind == "tests":
        noun = match.groupdict().get("noun") or (before.rstrip("s") + "s" if before else "tests")
        words += ["tests" if noun.lower().startswith(("test", "spec")) else noun, match.group("verb")]
    elif kind == "errors":
        words += [match.group("verb")]
    else:
        words += ["coverage"]
    return " ".join(_ALIASES.get(w.lower(), w.lower()) for w in words if w)


def _value(kind: str, match: re.Match[str]) -> str:
    if kind == "coverage":
        return f"{float(match.group('n')):g}%"
    groups = match.groupdict()
    return f"{match.group('n')}/{groups['m']}" if groups.get("m") else match.group("n")
