"""Secret detection and redaction, shared by the security rules and every renderer.

``redact(text)`` masks every secret it recognises (``postgresql://user:****@host``); renderers
run it over their whole output as a last line of defence, so a secret found in a doc never
reaches a comment, a check run, JSON, SARIF, a terminal or a log. ``find_secrets(line)`` and
``scan_lines(lines)`` tell the security rules what is there, each match carrying its redacted form.

What does *not* count as a secret (``${DB_PASSWORD}``, ``<password>``, ``***``, ``changeme``,
``AKIAIOSFODNN7EXAMPLE``, ``postgresql://user:pass@host``) is decided in rules/core/placeholders.py.

Speed: one combined pre-filter regex per line; the detectors run only on lines it hits.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rules.core.detectors import DETECTORS, HINTS, KIND_LABELS, NEEDLES, Verdict
from rules.core.model import Document

__all__ = ["KIND_LABELS", "MASK", "Matches", "SecretMatch", "document_matches", "find_secrets", "lines_containing",
           "redact", "scan_lines", "secret_key", "secret_values"]

MASK = "****"
MAX_JUDGED = 256  # candidates of one detector judged on one line; the rest are masked unjudged


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret on one line: ``line[start:end]`` is replaced by ``redacted`` when masking, and
    ``value`` is the secret itself (what must never be shown; ``redacted`` keeps the context).

    ``reportable`` is False for illustrations (``postgresql://user:pass@host``, AWS's ``…EXAMPLE``
    key, a password on ``db.example.com``): redaction masks them anyway, rules do not report them.
    """

    kind: str  # a key of KIND_LABELS
    start: int
    end: int
    redacted: str
    reportable: bool = True
    value: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def excerpt(self) -> str:
        """``redacted`` without Markdown emphasis, code marks or trailing punctuation: for messages."""
        text = re.sub(r"\*\*|__|`", "", self.redacted.replace(MASK, "\0")).rstrip(".,;)*_ ")
        return text.replace("\0", MASK)


_PRIVATE_KEY_RE = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY_RE = re.compile(r"^[\s\"'>|]*(?:[A-Za-z0-9+/=]*|[A-Za-z-]+: .*)[\s\"',]*$")


def lines_containing(lines: Sequence[str], needles: Sequence[str],
                     patterns: Sequence[re.Pattern[str]] = ()) -> list[int]:
    """0-based indices of the *lines* whose lower-cased text holds a needle or matches a pattern.

    A few C-speed searches over the whole text instead of a regex per line: the pre-filter that
    keeps the security rules far below markdown-it's parse time. Only the needles that hold no
    other needle are searched (a line holding a longer one holds a shorter one too), a group of
    them only when their first two letters are in the text, and each from the line after its last
    hit; a pattern opening with ``\\b`` is searched without it (see :func:`_match_starts`).
    """
    lowered = "\n".join(lines).lower()  # lower() never adds or removes a newline
    ends = list(itertools.accumulate(map((1).__add__, map(len, lowered.split("\n")))))  # past each line
    last = len(ends)
    found: set[int] = set()
    for head, group in _needle_groups(tuple(needles)):
        if group is not None and head not in lowered:
            continue  # one scan for the first two letters instead of one per needle
        for needle in group or (head,):
            at = lowered.find(needle)
            while at >= 0:
                index = bisect.bisect_right(ends, at)
                found.add(index)
                at = lowered.find(needle, ends[index]) if index < last else -1
    for pattern in patterns:
        found.update(bisect.bisect_right(ends, start) for start in _match_starts(pattern, lowered))
    return sorted(found)


def _match_starts(pattern: re.Pattern[str], text: str) -> Iterator[int]:
    """Where ``pattern.finditer(text)`` starts its matches. A pattern that opens with ``\\b`` is tried
    only where the same pattern without it matches (sre skips to a possible first character of a
    pattern that opens with characters, but tries an opening ``\\b`` at every position): every
    position where *pattern* matches is one of those, and *pattern* itself decides at each."""
    bare = _without_boundary(pattern)
    if bare is None:
        yield from (match.start() for match in pattern.finditer(text))
        return
    position = 0
    while (candidate := bare.search(text, position)) is not None:
        start = candidate.start()
        match = pattern.match(text, start)
        if match is None:
            position = start + 1
            continue
        yield start
        position = max(match.end(), start + 1)


@functools.lru_cache(maxsize=64)
def _without_boundary(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    return re.compile(pattern.pattern[2:], pattern.flags) if pattern.pattern.startswith("\\b") else None


def _private_key(line: str) -> list[SecretMatch]:
    found = []
    position = 0
    while (match := _PRIVATE_KEY_RE.search(line, position)) is not None:
        label = match.group("label")
        end_marker = f"-----END {label}-----"
        close = line.find(end_marker, match.end())
        end = close + len(end_marker) if close >= 0 else len(line)
        found.append(SecretMatch("private-key", match.start(), end, _key_block(label),
                                 value=line[match.end():close if close >= 0 else end]))
        position = end  # without an END marker the block runs to the end of the line
    return found


def _key_block(label: str) -> str:
    return f"-----BEGIN {label}----- {MASK} -----END {label}-----"


def find_secrets(line: str, *, illustrations: bool = False) -> list[SecretMatch]:
    """Secrets on one line, left to right, never overlapping (the more specific detector wins).

    With *illustrations*, also the matches that are masked but not reported (see SecretMatch).
    """
    lowered = line.lower()
    if not _candidate(lowered):
        return []
    return _find(line, lowered, illustrations)


def _candidate(lowered: str) -> bool:
    """Whether *lowered* holds a needle or a hint: ``any(needle in lowered for needle in NEEDLES)``,
    asked of each group of needles only when the group's first two letters are there."""
    for head, needles in _NEEDLE_GROUPS:
        if head in lowered and (needles is None or any(needle in lowered for needle in needles)):
            return True
    return any(hint.search(lowered) for hint in HINTS)


@functools.lru_cache(maxsize=8)
def _needle_groups(needles: Sequence[str]) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """The needles that hold no other needle (a text holding one of the others holds one of these),
    grouped by their first two characters (None: the head is the group's one needle, searched alone)."""
    shortest = [n for n in needles if not any(other != n and other in n for other in needles)]
    groups: dict[str, list[str]] = {}
    for needle in shortest:
        groups.setdefault(needle[:2], []).append(needle)
    return tuple((group[0], None) if len(group) == 1 else (head, tuple(group)) for head, group in groups.items())


_NEEDLE_GROUPS = _needle_groups(NEEDLES)


def _find(line: str, lowered: str, illustrations: bool) -> list[SecretMatch]:
    found = _private_key(line) if "PRIVATE KEY" in line else []
    taken = sorted((m.start, m.end) for m in found)
    for detector in DETECTORS:
        if not detector.wanted(lowered):
            continue
        position, judged = 0, 0
        while (match := detector.pattern.search(line, position)) is not None:
            start, end = match.span()
            at = bisect.bisect_left(taken, (start, end))
            claimed = (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end)
            judged += not claimed
            # claimed: a more specific detector won. Past MAX_JUDGED candidates the line is data,
            # not prose: every further candidate is masked unjudged (never reported), in linear time.
            verdict = None if claimed else detector.judge(match) if judged <= MAX_JUDGED else \
                Verdict(False, match.start("v"), match.end("v"))
            if verdict is None:
                position = start + 1 if detector.rescan else max(end, start + 1)
                continue
            redacted = line[start:verdict.start] + MASK + line[verdict.end:end]
            found.append(SecretMatch(detector.kind, start, end, redacted, verdict.reportable,
                                     line[verdict.start:verdict.end]))
            taken.insert(at, (start, end))  # an illustration claims its characters too
            position = max(end, start + 1)
    return sorted((m for m in found if illustrations or m.reportable), key=lambda m: m.start)


# Every match in a document, illustrations included, as ``(index, match, body_end)`` (see _scan).
Matches = tuple[tuple[int, SecretMatch, int], ...]


def scan_lines(lines: Sequence[str], matches: Matches | None = None) -> Iterator[tuple[int, SecretMatch]]:
    """Secrets in a whole document as ``(1-based line, match)``; *matches*: its scan, when the caller
    has it (:func:`document_matches`), else made here.

    A private key block is one match on its ``BEGIN`` line; its body lines are not scanned again,
    and a block whose body holds no key material (``...``) is a placeholder, not a secret.
    """
    for index, match, body_end in _scan(lines) if matches is None else matches:
        if not match.reportable:
            continue
        line = lines[index]
        if _opens_block(line, match):
            if _has_key_material(lines[index + 1:body_end]):
                yield index + 1, match
        elif match.kind != "private-key" or _has_key_material([line[match.start:match.end]]):
            yield index + 1, match


def document_matches(doc: Document) -> Matches:
    """The scan of *doc*, made once per document: SEC001 and the review's redactor read the same
    documents (a cache across reviews would make a repeated review cheaper than a first one)."""
    return doc.derive(_document_scan)


def _document_scan(doc: Document) -> Matches:
    return _scan(doc.lines)


def _scan(lines: Sequence[str]) -> Matches:
    """Every match in a document, illustrations included, as ``(index, match, body_end)`` where
    ``body_end`` is the index just past a private key body that starts on the next line (else
    ``index + 1``)."""
    found = []
    resume = 0  # index of the first line after a private key body
    for index in lines_containing(lines, NEEDLES, HINTS):
        if index < resume:
            continue
        line = lines[index]
        for match in _find(line, line.lower(), illustrations=True):
            body_end = index + 1
            if _opens_block(line, match):
                body_end = resume = _block_end(lines, index + 1)
            found.append((index, match, body_end))
    return tuple(found)


def _opens_block(line: str, match: SecretMatch) -> bool:
    """A private key whose body continues on the next lines (no END marker on this one)."""
    return match.kind == "private-key" and "-----END" not in line[match.start:]


def _block_end(lines: Sequence[str], start: int) -> int:
    """Index just past a private key body that starts at index *start* (its END line included)."""
    index = start
    while index < len(lines):
        if "-----END" in lines[index]:
            return index + 1
        if not _KEY_BODY_RE.match(lines[index]):
            return index
        index += 1
    return index


def _has_key_material(body: Sequence[str]) -> bool:
    return any(re.search(r"[A-Za-z0-9+/]{16,}", line.replace("PRIVATE KEY", "")) for line in body)


def redact(text: str) -> str:
    """Mask secrets in *text*, keeping enough context to recognise what was there.

    Private key blocks collapse to ``-----BEGIN … PRIVATE KEY----- **** -----END … PRIVATE KEY-----``
    (placeholder bodies too: when in doubt, mask).
    """
    if not _candidate(text.lower()):  # most texts (a finding's message, a fix): one test, no line split
        return text
    lines = text.split("\n")
    candidates = lines_containing(lines, NEEDLES, HINTS)
    out: list[str | None] = list(lines)  # None: a line inside a masked private key block
    resume = 0
    for index in candidates:
        if index < resume:
            continue
        matches = _find(lines[index], lines[index].lower(), illustrations=True)
        if matches:
            out[index] = _splice(lines[index], matches)
        if any(_opens_block(lines[index], m) for m in matches):
            resume = _block_end(lines, index + 1)  # the body and END line are part of the masked block
            out[index + 1 : resume] = [None] * (resume - index - 1)
    return "\n".join(line for line in out if line is not None)


def secret_values(lines: Sequence[str], matches: Matches | None = None) -> Iterator[str]:
    """Every secret value in a document, illustrations included: what a review must never show
    (*matches*: as for :func:`scan_lines`).

    The body lines of a private key block count as values too (each is key material)."""
    for index, match, body_end in _scan(lines) if matches is None else matches:
        if match.kind == "private-key":
            yield from _key_material([match.value, *lines[index + 1:body_end]])
        else:
            yield match.value


def _key_material(body: Sequence[str]) -> Iterator[str]:
    for line in body:
        yield from re.findall(r"[A-Za-z0-9+/=]{16,}", line.replace("PRIVATE KEY", ""))


def _splice(line: str, matches: Sequence[SecretMatch]) -> str:
    parts: list[str] = []
    position = 0
    for match in matches:
        parts += [line[position : match.start], match.redacted]
        position = match.end
    parts.append(line[position:])
    return "".join(parts)


def secret_key(kind: str, value: str) -> str:
    """A fingerprint key for a secret: a hash of its kind and a salted, iterated hash of its value.

    Never the value itself: fingerprints travel to places the doc does not (JSON reports, hidden
    comment markers, logs). PBKDF2 with a fixed salt keeps the key stable across runs while
    making a dictionary search against a published fingerprint slower than a plain hash.
    """
    kind_hash = hashlib.sha256(kind.encode()).hexdigest()[:8]
    value_hash = hashlib.pbkdf2_hmac("sha256", value.encode(), b"devdocs-review:secret", 2_000).hex()[:12]
    return f"{kind_hash}:{value_hash}"
