"""Numeric claims with their subject: counts, ratios and percentages, each with where it stands.

``find_numbers`` reads one line (``"480/500 tests pass"``, ``"the following 9 files:"``,
``"~60 tasks (25 completed)"``) and returns what it states; ``claims`` does it for a whole document
once (cached on the document) and marks each claim as in a heading, a checkbox (ticked or not)
or a table cell. Durations are not re-parsed here: they are the document's ``estimates``
(rules/core/extract.py), and ``duration_claims`` presents them in the same form.

What is not a claim: versions (``v2.3``, ``1.4.2``), dates (``2025-11-11``, ``11/12/2025``),
ids (``#123``, ``BUG-12``, ``Phase 3 tasks``), ports and times (``:8080``, ``10:30``), money,
multiplications (``3 x 8 min``) and anything inside a code span or code block. Every pattern is
a bounded run of digits or words: linear in the line.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from rules.core.model import Document, Estimate
from rules.core.sections import heading_lines
from rules.core.text import clip

MAX_CLAIMS_PER_LINE = 64  # a line with more numbers is data (a dump, a log), not claims a reader checks


class Kind(enum.StrEnum):
    COUNT = "count"  # "9 files"
    RATIO = "ratio"  # "480/500 tests", "12 of 17 tasks"
    PERCENT = "percent"  # "92%"
    DURATION = "duration"  # "2-3 hours" (value and high in hours)


@dataclass(frozen=True, slots=True)
class NumberClaim:
    kind: Kind
    text: str  # the matched words, stripped
    line: int
    value: float
    high: float  # the top of a range; equals value otherwise
    total: float | None = None  # the denominator of a ratio
    subject: tuple[str, ...] = ()  # lower-case words naming what is counted (after, else before)
    approx: bool = False  # "~60", "about 60", "60+", "at least 60"
    column: int = 0  # offset in the line
    heading: bool = False
    checkbox: bool | None = None  # None: not a checkbox line; True: ticked; False: open
    table: bool = False

    @property
    def head(self) -> str:
        """The counted noun: the first subject word that looks plural (``files`` in ``test files``)."""
        for word in self.subject:
            if _plural(word):
                return word
        return ""


_CODE_SPAN = re.compile(r"`[^`\n]{0,400}`")
# Each pattern is matched where a run of digits starts (one C scan finds the runs), so none is tried
# at every position of the line; what may stand before the number is checked on a few characters.
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_LEFT_CHARS = frozenset(".,/:#$€£¥@-_")
_APPROX_WORDS = frozenset({"about", "around", "approx", "approximately", "least", "over", "nearly"})
_LEAD_CHARS = " \t*_-+>#[]x0123456789.)"  # list, checkbox, quote and emphasis marks that open a line
_WORD = r"[a-z][a-z'-]{0,24}"
_SUBJECT = rf"({_WORD}(?:[ ]{_WORD}){{0,2}})"
_COUNT_AT = re.compile(
    rf"(\d{{1,5}})(\+)?(?![\d.,:/%_-]|\w)[ ]?(?:\([^()\n]{{0,30}}\)[ ])?(?![x×*][ \d]){_SUBJECT}",
    re.IGNORECASE,
)
_RATIO_AT = re.compile(
    rf"(\d{{1,5}}(?:\.\d)?)(?:[ ]?/[ ]?|[ ]of[ ])(\d{{1,5}})(?![\d/.:-]\d|\w|/)(?:[ ]{_SUBJECT})?",
    re.IGNORECASE,
)
_PERCENT_AT = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)[ ]?%")
# A number right after these words is an id or an ordinal ("Phase 3 tasks", "v2", "port 8080").
_ID_WORDS = frozenset({
    "phase", "stage", "step", "part", "task", "sprint", "milestone", "day", "week", "month", "version",
    "ver", "v", "port", "issue", "pr", "line", "lines", "item", "section", "chapter", "page", "round",
    "level", "tier", "option", "priority", "p", "rule", "ticket", "id", "no", "number", "epic", "story",
    "session", "iteration", "wave", "batch", "commit", "q", "fy", "top", "first", "last", "next", "node",
    "nodejs", "python", "java", "es",
})
# Words after a number that make it a duration, a time, a size, an ordinal or a quantity of units.
_NOT_SUBJECT = frozenset({
    'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days', 'd', 'w', 'wk',
    'wks', 'week', 'weeks', 'month', 'months', 'year', 'years', 'sec', 'secs', 'second', 'seconds', 'ms',
    'am', 'pm', 'kb', 'mb', 'gb', 'tb', 'k', 'm', 'x', 'st', 'nd', 'rd', 'th', 'times', 'px', 'em', 'rem',
    'fps', 'rps', 'qps', 'percent', 'pct', 'and', 'or', 'to', '-', ',', 'the', 'of', 'a', 'an', 'per',
})
_PLURAL_EXCEPT = frozenset({"less", "class", "process", "access", "status", "pass", "bus", "analysis", "this",
                            "is", "was", "has", "its", "does", "yes", "across", "us", "plus", "always"})
_IRREGULAR = frozenset({"people", "children", "criteria", "data", "media", "indices", "entries"})


def _plural(word: str) -> bool:
    return word in _IRREGULAR or (len(word) > 2 and word.endswith("s") and word not in _PLURAL_EXCEPT
                                  and not word.endswith("ss"))


def prose(text: str) -> str:
    """*text* (clipped) with code spans and ``<!-- -->`` comments blanked out, offsets kept."""
    text = clip(text)
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    at, pieces, done = text.find("<!--"), [], 0
    while at >= 0 and (end := text.find("-->", at + 4)) >= 0:
        pieces += [text[done:at], " " * (end + 3 - at)]
        done = end + 3
        at = text.find("<!--", done)
    return "".join(pieces) + text[done:] if pieces else text


def _word_before(text: str, start: int) -> tuple[str, int]:
    """The word right before *start* (one blank or dot between allowed) and where it starts."""
    end = start - 1 if start and text[start - 1] in " ." else start
    begin = end
    while begin > 0 and end - begin < 24 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:end], begin


def _is_id(text: str, start: int) -> bool:
    """A number named by the word before it: ``Phase 3``, ``port 8080``, ``Windows 11``, ``PEP 257``.

    A capitalised word counts as a name unless it opens the line (``Added 5 files`` is a verb).
    """
    word, begin = _word_before(text, start)
    if not word or (begin and text[begin - 1].isalnum()):
        return False
    if word.lower() in _ID_WORDS:
        return True
    return word[0].isupper() and len(word) > 1 and bool(text[:begin].strip(_LEAD_CHARS))


def _words(found: str | None) -> tuple[str, ...]:
    if not found:
        return ()
    words = found.lower().split()
    out: list[str] = []
    for word in words:
        if word in _NOT_SUBJECT:
            break
        out.append(word)
    return tuple(out)


def _before(text: str, start: int) -> tuple[str, ...]:
    """Up to three words before *start* (``"Tests passing: 480/500"`` → ``("tests", "passing")``)."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]{0,24}", text[max(0, start - 60): start])
    return tuple(w.lower() for w in words[-3:])


def _approx(marker: str | None, plus: str | None = None) -> bool:
    return bool(marker and marker.strip()) or bool(plus)


def find_numbers(text: str, line: int) -> tuple[NumberClaim, ...]:
    """The counts, ratios and percentages on one line of prose, in line order."""
    text = prose(text)
    found: list[NumberClaim] = []
    ratios, percents = "/" in text or " of " in text, "%" in text
    taken = 0  # end of the last claim: a number inside it starts no other
    for run in _DIGITS.finditer(text):
        start = run.start()
        before = text[start - 1] if start else " "
        if start < taken or before in _LEFT_CHARS or before.isalnum():
            continue
        claim = ((ratios and _ratio(text, start, line)) or (percents and _percent(text, start, line))
                 or _count(text, start, line))
        if claim is not None:
            found.append(claim[0])
            taken = claim[1]
            if len(found) >= MAX_CLAIMS_PER_LINE:
                break
    return tuple(found)


def _approx_before(text: str, start: int) -> bool:
    if "~" in text[max(0, start - 2): start] or "≈" in text[max(0, start - 2): start]:
        return True
    return _word_before(text, start)[0].lower() in _APPROX_WORDS


def _ratio(text: str, start: int, line: int) -> tuple[NumberClaim, int] | None:
    m = _RATIO_AT.match(text, start)
    if m is None or _is_id(text, start) or _date_like(text, m.end(2)):
        return None
    done, total = float(m.group(1)), float(m.group(2))
    subject = _words(m.group(3)) or _before(text, start)
    return NumberClaim(Kind.RATIO, m.group(0).strip(), line, done, done, total, subject,
                       _approx_before(text, start), start), m.end(2)


def _percent(text: str, start: int, line: int) -> tuple[NumberClaim, int] | None:
    m = _PERCENT_AT.match(text, start)
    if m is None:
        return None
    value = float(m.group(1))
    return NumberClaim(Kind.PERCENT, m.group(0).strip(), line, value, value, None, _before(text, start),
                       _approx_before(text, start), start), m.end()


def _count(text: str, start: int, line: int) -> tuple[NumberClaim, int] | None:
    m = _COUNT_AT.match(text, start)
    if m is None or _is_id(text, start):
        return None
    subject = _words(m.group(3))
    if not subject:
        return None
    value = float(m.group(1))
    return NumberClaim(Kind.COUNT, m.group(0).strip(), line, value, value, None, subject,
                       _approx_before(text, start) or bool(m.group(2)), start), m.end(1)


def _date_like(text: str, end: int) -> bool:
    """``11/12/2025`` and ``2025/11`` are dates: a third slash part or a four-digit year."""
    return text[end: end + 1] == "/" or bool(re.match(r"\d{4}\b", text[max(0, end - 4): end]))


def claims(doc: Document) -> tuple[NumberClaim, ...]:
    """Every numeric claim in *doc* outside code, tagged with its place (cached per document)."""
    return doc.derive(_claims)


def _claims(doc: Document) -> tuple[NumberClaim, ...]:
    headings = heading_lines(doc)
    boxes = {item.line: item.checked for item in doc.items}
    out: list[NumberClaim] = []
    for number, raw in enumerate(doc.lines, start=1):
        if number in doc.code_lines or not _DIGIT.search(raw, 0, 4096):  # every claim starts at a run of \d
            continue
        table = raw.lstrip().startswith("|")
        for claim in find_numbers(raw, number):
            out.append(_place(claim, number in headings, boxes.get(number), table))
    return tuple(out)


def _place(claim: NumberClaim, heading: bool, checkbox: bool | None, table: bool) -> NumberClaim:
    return NumberClaim(claim.kind, claim.text, claim.line, claim.value, claim.high, claim.total, claim.subject,
                       claim.approx, claim.column, heading, checkbox, table)


def duration(estimate: Estimate) -> NumberClaim:
    """An estimate as a claim in hours (``2-3 hours`` → value 2, high 3)."""
    return NumberClaim(Kind.DURATION, estimate.text, estimate.line, estimate.minutes / 60,
                       estimate.minutes_high / 60, approx=False)


def duration_claims(doc: Document) -> tuple[NumberClaim, ...]:
    """The document's time estimates (not effort sizes) as duration claims."""
    return tuple(duration(e) for e in doc.estimates if not e.is_effort_size)
