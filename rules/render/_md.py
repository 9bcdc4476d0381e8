"""Markdown building blocks shared by the comment and the check run: locations, effort and delta
formatting, and fitting blocks into a character budget. Doc-derived text goes through
rules/render/neutral.py (redacted, then made inert) before it is placed in any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rules.core.finding import Finding, Location, Severity
from rules.core.redact import redact
from rules.core.report import Stamp
from rules.render.neutral import code, url

LinkFn = Callable[[str, int], str]

SEVERITY_ICON = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}


ALSO_AT_LIMIT = 10  # related places named after a finding; the rest are counted


def location(finding: Finding, link: LinkFn | None, *, relative_to: str | None = None,
             cell: bool = False) -> str:
    """``path:line`` as code, linked when a link builder is given."""
    return place(finding.location, link, relative_to=relative_to, cell=cell)


def place(where: Location, link: LinkFn | None, *, relative_to: str | None = None, cell: bool = False) -> str:
    """One place as a ``path:line`` code span (relative to the task folder), linked when it can be."""
    label = code(short_place(where, relative_to), cell=cell)
    if link is None:
        return label
    return f"[{label}]({url(link(where.path, where.line))})"


def short_place(where: Location, relative_to: str | None = None) -> str:
    """``path:line`` as plain text, the path relative to *relative_to* when it lies under it."""
    shown = where.path
    if relative_to and shown.startswith(relative_to.rstrip("/") + "/"):
        shown = shown[len(relative_to.rstrip("/")) + 1:]
    return f"{shown}:{where.line}"


def also_at(places: Sequence[Location], show: Callable[[Location], str], *, limit: int = ALSO_AT_LIMIT) -> str:
    """`` (also at a:1, b:2 and 3 more)`` after a finding's evidence; empty without other places.
    *show* renders one place (a code span, a link, an HTML element, plain text)."""
    return f" (also at {places_text(places, show, limit=limit)})" if places else ""


def places_text(places: Sequence[Location], show: Callable[[Location], str], *, limit: int = ALSO_AT_LIMIT) -> str:
    """``a:1, b:2 and 3 more``: at most *limit* places named, the rest counted."""
    shown = ", ".join(show(where) for where in places[:limit])
    return shown + (f" and {len(places) - limit} more" if len(places) > limit else "")


def minutes(total: int) -> str:
    """``~15 min``, ``~1 h``, ``~2 h 30 min``."""
    if total <= 0:
        return "—"
    hours, rest = divmod(total, 60)
    if not hours:
        return f"~{rest} min"
    return f"~{hours} h {rest} min" if rest else f"~{hours} h"


def arrow(change: int | None) -> str:
    """``▲6``, ``▼4``, ``±0``, or nothing when there is no base to compare with."""
    if change is None:
        return ""
    if change > 0:
        return f"▲{change}"
    return f"▼{-change}" if change < 0 else "±0"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"


def severity_counts(findings: Sequence[Finding]) -> str:
    """``1 critical, 3 high, 2 medium`` (only the severities present)."""
    counts = [(s, sum(1 for f in findings if f.severity is s)) for s in sorted(Severity, reverse=True)]
    return ", ".join(f"{n} {s.label}" for s, n in counts if n)


def stamp_line(stamp: Stamp) -> str:
    parts = [f"engine {stamp.engine_version}", f"rules {stamp.rules_version}", f"config {stamp.config_hash}"]
    if stamp.head_sha:
        parts.append(f"head {stamp.head_sha}")
    parts.append(f"reviewed {stamp.today.isoformat()}")
    return " · ".join(parts)


KEEP = 1_000  # priority of blocks that are never dropped


@dataclass(frozen=True, slots=True)
class Block:
    """A whole Markdown construct (ending in a newline) that can be dropped as a unit.

    Blocks with the lowest ``priority`` go first and, among equals, later ones before earlier
    ones; ``label`` names the block in the note that says what was left out."""

    text: str
    priority: int = 0
    label: str = ""


def fit(blocks: Sequence[Block], max_chars: int, *, note: Callable[[Sequence[Block]], str]) -> str:
    """Join *blocks* in order within *max_chars* after redaction, dropping whole blocks until the
    text and ``note(dropped)`` fit. Never cuts inside a block."""
    text = redact("".join(block.text for block in blocks))
    if len(text) <= max_chars:
        return text
    sizes = [len(redact(block.text)) for block in blocks]
    order = sorted((i for i, block in enumerate(blocks) if block.priority < KEEP),
                   key=lambda i: (blocks[i].priority, -i))
    dropped: set[int] = set()
    total = sum(sizes)
    for index in order:
        dropped.add(index)
        total -= sizes[index]
        gone = [blocks[i] for i in sorted(dropped)]
        if total + len(note(gone)) <= max_chars:
            text = redact("".join(b.text for i, b in enumerate(blocks) if i not in dropped) + note(gone))
            if len(text) <= max_chars:
                return text
    raise ValueError(f"max_chars={max_chars} cannot hold even the headline of the review")


def redact_values(value: Any) -> Any:
    """A JSON-like structure with every string redacted (keys are ours and stay as they are)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value
