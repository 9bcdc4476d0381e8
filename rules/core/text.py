"""Text helpers whose cost is linear in their input, shared by the parser and the rules.

A regex such as ``<!--.*?-->`` looks harmless but rescans the rest of the line from every unclosed
``<!--``: a line of them costs quadratic time. The helpers here do such jobs with ``str.find`` and
bounded work per character. ``MAX_PROSE_LINE`` caps what one line contributes to prose-level
extraction (statuses, ids, estimates, dates, progress claims): a line of 200 KB is data (a
minified blob, a base64 dump, a log), not prose, and its tail says nothing a reviewer reads.
"""

from __future__ import annotations

import re

CODE_SPAN_RE = re.compile(r"`[^`\n]*+`")  # a code span on one line: its text is code, not prose
MAX_PROSE_LINE = 4096  # characters of a line that prose-level extraction reads; line numbers stay exact


_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})  # İ, ı, ſ


def fold(text: str) -> str:
    """*text* in lower case, character for character (same length, same offsets).

    A lower-case ASCII pattern without ``(?i)`` matches the folded text exactly where the pattern
    with ``(?i)`` matches *text*: ``str.lower`` agrees with the regex engine's case folding of ASCII
    letters except for three characters, folded here as the engine does (İ and ı to i, ſ to s; İ
    would otherwise become two characters). Literal pre-tests (``"depend" in doc.lower``) then run
    at C speed instead of a case-insensitive alternation tried at every position.
    """
    # isascii() is a flag lookup: no scan of ASCII text; three substring tests (C speed, ~15x a character
    # class search) for the three characters str.lower() does not fold as the regex engine does
    if not text.isascii() and ("\u0130" in text or "\u0131" in text or "\u017f" in text):
        text = text.translate(_FOLD)
    return text.lower()


def has_cue(folded: str, cues: tuple[tuple[str, re.Pattern[str] | None], ...]) -> bool:
    """Whether any cue occurs in *folded* (a ``fold``-ed text): a literal that starts the match,
    and the pattern the text must match from there (None: the literal is enough). The union of the
    cues is a case-insensitive alternation whose branches each start with a literal; searched this
    way it costs a ``str.find`` per cue and a short match per occurrence."""
    for literal, pattern in cues:
        at = folded.find(literal)
        while at >= 0:
            if pattern is None or pattern.match(folded, at):
                return True
            at = folded.find(literal, at + 1)
    return False


def and_more(count: int, shown: int) -> str:
    """`` and 4 more`` when a message names *shown* of *count* things, else nothing."""
    return f" and {count - shown} more" if count > shown else ""


def clip(line: str) -> str:
    """*line* cut to ``MAX_PROSE_LINE`` characters."""
    return line if len(line) <= MAX_PROSE_LINE else line[:MAX_PROSE_LINE]


def strip_comments(text: str) -> str:
    """*text* without ``<!-- … -->`` comments that open and close on the same line.

    The result equals ``re.sub(r"<!--.*?-->", "", text)``; an opener without a closer on its line
    is left in place. Linear: each opener finds its closer with one ``str.find``, and a failed
    opener skips to the end of its line (no later opener on that line can close either).
    """
    if "<!--" not in text:
        return text
    parts: list[str] = []
    kept = 0  # text[kept:start] is kept
    start = text.find("<!--")
    while start >= 0:
        close = text.find("-->", start + 4)
        newline = text.find("\n", start + 4)
        if close < 0:
            break
        if 0 <= newline < close:  # this opener's line has no closer: try the next line
            start = text.find("<!--", newline + 1)
            continue
        parts.append(text[kept:start])
        kept = close + 3
        start = text.find("<!--", kept)
    parts.append(text[kept:])
    return "".join(parts)


def strip_comments_to_end(text: str) -> str:
    """*text* without HTML comments, one left open running to the end of the text.

    The result equals ``re.sub(r"<!--.*?(?:-->|$)", "", text)`` (``$``: the end of the text, or
    just before a final newline), in linear time.
    """
    if "<!--" not in text:
        return text
    parts: list[str] = []
    kept = 0
    start = text.find("<!--")
    last_line = text.rfind("\n", 0, len(text) - 1) + 1  # where the last line (without a final "\n") starts
    while start >= 0:
        close = text.find("-->", start + 4)
        newline = text.find("\n", start + 4)
        if close >= 0 and (newline < 0 or close < newline):
            parts.append(text[kept:start])
            kept = close + 3
            start = text.find("<!--", kept)
        elif start >= last_line:  # open to the end of the text (or to its final newline)
            parts.append(text[kept:start])
            kept = len(text) - 1 if text.endswith("\n") else len(text)
            break
        else:  # no closer on this line: no later opener on it closes either
            start = text.find("<!--", newline + 1)
    parts.append(text[kept:])
    return "".join(parts)


class LineCounter:
    """Newlines before a position of *text*, for positions asked in increasing order (the matches
    of one ``finditer``): each character is counted once, not once per match."""

    __slots__ = ("_count", "_position", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._position = 0
        self._count = 0

    def before(self, position: int) -> int:
        """How many newlines ``text[:position]`` holds."""
        if position < self._position:
            self._position, self._count = 0, 0
        self._count += self._text.count("\n", self._position, position)
        self._position = position
        return self._count


def count_of(count: int, one: str, many: str | None = None) -> str:
    """*count* things in the right number: ``1 file``, ``3 files``, ``2 boxes`` (*many* when not *one* + s)."""
    return f"{count} {one}" if count == 1 else f"{count} {many or one + 's'}"


def more_such_lines(count: int) -> str:
    """`` (and 2 more such lines)`` for *count* lines after the first a message quotes; empty for none."""
    return f" (and {count_of(count, 'more such line')})" if count else ""


def days(count: int) -> str:
    """``1 day``, ``12 days``."""
    return count_of(count, "day")
