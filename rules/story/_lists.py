"""Lists as a reader sees them: the top-level items of a list, and what stands right before and after it."""

from __future__ import annotations

import re

from rules.core.model import Document

ITEM_RE = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+\S")
HEADING_RE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]")
_MARKER_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")


def item_body(text: str) -> str:
    """*text* without its list marker and checkbox: ``- [x] Add the parser`` → ``Add the parser``."""
    return _MARKER_RE.sub("", text, count=1)


def list_after(doc: Document, line: int) -> list[int]:
    """The lines of the top-level items of the list that starts right after *line* (one blank allowed).

    When *line* is itself a list item, only a list nested under it counts: its siblings are not its
    list (and a run of sibling items is then read once, not once per item).
    """
    number = line + 1
    if not doc.line_text(number).strip():
        number += 1
    own = ITEM_RE.match(doc.line_text(line))
    nested = ITEM_RE.match(doc.line_text(number))
    if own is not None and (nested is None or len(nested.group(1).expandtabs(4)) <= len(own.group(1).expandtabs(4))):
        return []
    return list_block(doc, number)[0]


def list_block(doc: Document, first: int) -> tuple[list[int], int]:
    """The top-level items of the list whose first item is on line *first*, and its last line.

    Items are those at the first item's indent; deeper lines (nested items, continuations) belong
    to the item above; a blank line ends the list unless a list item follows it, and an item less
    indented than the first ends a nested list (it is the next item of the list around it).
    """
    start = ITEM_RE.match(doc.line_text(first))
    if start is None or first in doc.code_lines:
        return [], first - 1
    indent = len(start.group(1).expandtabs(4))
    items: list[int] = []
    number, last = first, first
    while number <= doc.line_count:
        text = doc.line_text(number)
        item = ITEM_RE.match(text)
        depth = len(text) - len(text.lstrip()) if text.strip() else None
        at = len(item.group(1).expandtabs(4)) if item is not None else None
        if at == indent:
            items.append(number)
        elif at is not None and at < indent:
            break
        elif not text.strip():
            following = doc.line_text(number + 1)
            if not ITEM_RE.match(following) or HEADING_RE.match(following):
                break
        elif HEADING_RE.match(text) or (depth is not None and depth <= indent and item is None):
            break
        if text.strip():
            last = number
        number += 1
    return items, last


def list_starts(doc: Document) -> list[int]:
    """Lines that open a list: a list item not in code whose previous line is blank or not in a list."""
    starts = []
    for number, text in enumerate(doc.lines, start=1):
        if number in doc.code_lines or not ITEM_RE.match(text):
            continue
        before = doc.line_text(number - 1)
        if not before.strip() and ITEM_RE.match(doc.line_text(number - 2)):
            continue
        if before.strip() and (ITEM_RE.match(before) or before[:1] in " \t"):
            continue
        starts.append(number)
    return starts
