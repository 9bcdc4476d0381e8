"""Naming a problem's further places in a message (LNK003, LNK004)."""

from __future__ import annotations

from collections.abc import Sequence

from rules.core.model import Document

MAX_PLACES_NAMED = 6


def also_at(first: Document, places: Sequence[tuple[Document, int]]) -> str:
    """`` (also at line 12, x-tasks.md:4 and 3 more)`` for the places after the first; empty for none."""
    named = [f"line {line}" if doc is first else f"{doc.name}:{line}" for doc, line in places]
    if not named:
        return ""
    extra = len(named) - MAX_PLACES_NAMED
    return " (also at " + ", ".join(named[:MAX_PLACES_NAMED]) + (f" and {extra} more" if extra > 0 else "") + ")"
