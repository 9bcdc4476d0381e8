"""The review's redaction boundary: every string that leaves the engine passes one :class:`Redactor`.

``redact()`` recognises a secret by its shape *in context* (``password: …``, ``ghp_…``). Once a
rule has quoted a phase heading, a blocker line or a bold label, that context may be gone, cut
short or re-worded. So the engine first collects every secret *value* found anywhere in the
snapshot's documents (illustrations included) and builds one :class:`Redactor` that masks

* what ``redact()`` recognises, and
* each of those literal values wherever it reappears, whatever the case, markup, escaping or
  punctuation around or inside it (values are compared on their letters and digits only:
  ``Hunter2Xyz!Qw`` is found in ``hunter2xyz qw`` and in ``Hunter2Xyz\\!Qw``), and
* a value a rule cut short: its first (last) four or more letters and digits right before (after)
  an ellipsis, a quote or the end (start) of the text (``Hunter2X…``).

:func:`redact_review` applies it to every string of a :class:`~rules.core.report.Review` (finding
messages, fixes, keys, waiver reasons, task names, strengths, scaffolds, gate reasons, notes),
walking the dataclasses generically so a field added later is redacted too. File paths are
identities, not quoted text (links and annotations must name the real file): they are left to
the renderers' last-line ``redact()``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from rules.core.model import Document
from rules.core.placeholders import is_placeholder
from rules.core.redact import MASK, document_matches, redact, secret_values

MIN_VALUE = 6  # letters and digits a value needs to be masked wherever it appears
MIN_PARTIAL = 4  # letters and digits of a cut-short value that are still masked
IDENTITIES = frozenset({"path", "task", "root", "files", "exemplar", "stamp", "rule"})
# The engine's own vocabulary, never doc text: a finding's rule name (``secret-in-doc``). A value's
# tail can look like its first word (``…Secret`` / ``secret-in-doc``), so it is never matched.
VOCABULARY = frozenset({("Finding", "name")})

_DROP = re.compile(r"[\W_]+")  # everything but letters and digits (Unicode-aware, like str.isalnum)
_CUTS = re.compile(r"…|\.\.\.|['\"`]")  # where a rule may have cut a quoted value short
_LOOK = 64  # characters around a cut searched for a value's letters and digits
_CACHE_ENTRIES = 8192
_FEW = 32  # values searched one by one; more are looked up by their first letters

T = TypeVar("T")


class Redactor:
    """Masks secret *values* (and everything ``redact()`` recognises) in any text."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        forms = {_canonical(v) for v in values if not is_placeholder(v)}
        self._values = tuple(sorted((f for f in forms if len(f) >= MIN_VALUE), key=len, reverse=True))
        # a cut-short value, found by the letters next to the cut: the prefixes of each value by their
        # last MIN_PARTIAL letters, the suffixes by their first
        self._ends: dict[str, list[str]] = {}
        self._starts: dict[str, list[str]] = {}
        for value in self._values:
            for k in range(MIN_PARTIAL, len(value)):
                self._ends.setdefault(value[k - MIN_PARTIAL:k], []).append(value[:k])
                self._starts.setdefault(value[-k:][:MIN_PARTIAL], []).append(value[-k:])
        self._heads: dict[str, list[str]] = {}  # values by their first MIN_VALUE letters: for many values
        for value in self._values:
            self._heads.setdefault(value[:MIN_VALUE], []).append(value)
        self._known: dict[str, str] = {}

    @classmethod
    def for_documents(cls, documents: Iterable[Document]) -> Redactor:
        """A redactor for every secret value found in *documents*."""
        return cls(value for doc in documents for value in secret_values(doc.lines, document_matches(doc)))

    def __bool__(self) -> bool:
        return bool(self._values)

    def __call__(self, text: str) -> str:
        known = self._known.get(text)
        if known is None:
            known = self._mask_values(redact(text)) if self._values else redact(text)
            if len(self._known) >= _CACHE_ENTRIES:
                self._known.clear()
            self._known[text] = known
        return text if known == text else known  # the caller's own object when nothing changed

    def _mask_values(self, text: str) -> str:
        canon = _canonical(text)
        whole = self._within(canon)
        cuts = _cuts(text)
        if not whole and not any(self._cut_at(text, cut) for cut in cuts):
            return text
        chars, index = _canonical_map(text)
        spans = [span for v in whole for span in _occurrences(chars, index, v)]
        for before, after in cuts:
            pieces = self._prefix_before(chars, index, before) + self._suffix_after(chars, index, after)
            spans += [piece for piece in pieces if not _inside_a_word(text, piece)]
        return _masked(text, spans)

    def _within(self, canon: str) -> list[str]:
        """The values *canon* holds: a C-speed search per value when there are few, else one pass
        over *canon* looking each position up by its first letters (a doc full of secrets must
        not make every string cost a search per secret)."""
        if len(self._values) <= _FEW:
            return [v for v in self._values if v in canon]
        found = {v for i in range(len(canon) - MIN_VALUE + 1) for v in self._heads.get(canon[i:i + MIN_VALUE], ())
                 if canon.startswith(v, i)}
        return sorted(found, key=len, reverse=True)

    def _cut_at(self, text: str, cut: tuple[int, int]) -> bool:
        """Cheap test: are a value's letters right before or right after this cut?"""
        before, after = cut
        return (_canonical(text[max(0, before - _LOOK):before])[-MIN_PARTIAL:] in self._ends
                or _canonical(text[after:after + _LOOK])[:MIN_PARTIAL] in self._starts)

    def _prefix_before(self, chars: str, index: list[int], cut: int) -> list[tuple[int, int]]:
        end = bisect.bisect_left(index, cut)  # letters and digits before the cut
        fits = [p for p in self._ends.get(chars[max(0, end - MIN_PARTIAL):end], ()) if chars.endswith(p, 0, end)]
        k = max(map(len, fits), default=0)
        return [(index[end - k], index[end - 1] + 1)] if k else []

    def _suffix_after(self, chars: str, index: list[int], cut: int) -> list[tuple[int, int]]:
        begin = bisect.bisect_left(index, cut)
        fits = [p for p in self._starts.get(chars[begin:begin + MIN_PARTIAL], ()) if chars.startswith(p, begin)]
        k = max(map(len, fits), default=0)
        return [(index[begin], index[begin + k - 1] + 1)] if k else []


def _inside_a_word(text: str, span: tuple[int, int]) -> bool:
    """A piece at the very start of *text* that runs on into a word: the ``Pass`` of ``Password or
    secret assignment…`` is no tail of a value ending in ``…Pass`` (a value's tail ends where its
    token ends). Every other piece is masked whatever surrounds it: a value's head cut at the end
    of a text may follow a flag or a token prefix (``-pZq8v``, ``AKIABLEU``)."""
    start, end = span
    return start == 0 and end < len(text) and text[end].isalnum()


def _cuts(text: str) -> list[tuple[int, int]]:
    """``(before, after)`` of every place a quoted value may have been cut: each ellipsis or
    quote, and the two ends of the text."""
    return [(0, 0), *((m.start(), m.end()) for m in _CUTS.finditer(text)), (len(text), len(text))]


def _canonical(text: str) -> str:
    return _DROP.sub("", text.lower())


def _canonical_map(text: str) -> tuple[str, list[int]]:
    """*text*'s letters and digits, lower-cased, and for each the index of its source character."""
    chars: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        for lowered in char.lower():
            if lowered.isalnum():
                chars.append(lowered)
                index.append(position)
    return "".join(chars), index


def _occurrences(chars: str, index: list[int], value: str) -> list[tuple[int, int]]:
    spans = []
    at = chars.find(value)
    while at >= 0:
        spans.append((index[at], index[at + len(value) - 1] + 1))
        at = chars.find(value, at + 1)
    return spans


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """*text* with each span (merged where they overlap) replaced by the mask."""
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        parts += [text[position:max(start, position)], MASK] if start >= position else []
        position = end
    parts.append(text[position:])
    return "".join(parts)


def redact_review(value: T, redactor: Redactor) -> T:
    """*value* (a Review, or any of its parts) with every string redacted, identities excepted."""
    return cast(T, _scrub(value, redactor))


def _scrub(value: object, redactor: Redactor) -> object:
    kind = type(value)
    if kind is str:
        return redactor(cast(str, value))
    if kind is tuple:
        items = tuple(_scrub(item, redactor) for item in cast(tuple[object, ...], value))
        return value if all(a is b for a, b in zip(items, cast(tuple[object, ...], value), strict=True)) else items
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = _scrubbed_fields(kind)
    if not names:
        return value
    changes = {}
    for name in names:
        old = getattr(value, name)
        if type(old) in _LEAVES:
            continue
        if (new := _scrub(old, redactor)) is not old:
            changes[name] = new
    return dataclasses.replace(cast(Any, value), **changes) if changes else value


# The fields _scrub walks, per type (a dataclass's fields, identities and vocabulary excepted; none
# for any other type): looked up once per type instead of asking ``dataclasses`` for every value.
_FIELDS: dict[type, tuple[str, ...]] = {}
_LEAVES = frozenset({int, float, bool, type(None)})  # values with no string inside: not walked


def _scrubbed_fields(kind: type) -> tuple[str, ...]:
    if not dataclasses.is_dataclass(kind):
        return ()
    return tuple(f.name for f in dataclasses.fields(kind)
                 if f.name not in IDENTITIES and (kind.__name__, f.name) not in VOCABULARY)
