"""The visible text of inline content whose only inline markup is backticks, without markdown-it.

Most headings, checkbox items and table cells that hold markup at all hold only code spans
(`` `npm test` ``), and markdown-it's inline parser costs ~10 µs for each. :func:`code_span_text`
gives the text its tokens give (literal text and code span contents, as ``parse._plain`` joins
them), by markdown-it's own backtick rule (``markdown_it/rules_inline/backticks.py``): a run of
backticks opens a code span closed by the next run of the same length, if the text has one after
it (each run's length and last position are found first, so the cost stays linear), and is
literal text otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator


def code_span_text(src: str) -> str:
    """``_plain`` of *src* inline-parsed, for *src* whose only markup characters are backticks
    (no newline, backslash, emphasis, link, image, HTML or entity characters)."""
    last_runs: dict[int, int] = {}  # run length -> position of the last run of that length
    for start, end in _runs(src, 0):
        last_runs[end - start] = start
    parts: list[str] = []
    kept = 0  # src[kept:] is not in parts yet
    position = 0
    while (start := src.find("`", position)) >= 0:
        opener = _run_end(src, start)
        position = opener  # an unmatched run is literal text
        if last_runs.get(opener - start, -1) >= opener:
            for match_start, match_end in _runs(src, opener):
                if match_end - match_start == opener - start:
                    code = src[opener:match_start]
                    if code.startswith(" ") and code.endswith(" ") and any(c != " " for c in code):
                        code = code[1:-1]
                    parts += [src[kept:start], code]
                    kept = position = match_end
                    break
    parts.append(src[kept:])
    return "".join(parts)


def _run_end(src: str, start: int) -> int:
    end = start + 1
    while end < len(src) and src[end] == "`":
        end += 1
    return end


def _runs(src: str, position: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of backticks in *src* from *position* on."""
    while (start := src.find("`", position)) >= 0:
        position = _run_end(src, start)
        yield start, position
