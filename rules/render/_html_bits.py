"""Small pieces of the HTML report (rules/render/html.py): doc-supplied text, locations, colour
bands, grade badges, change arrows, severity chips and mini bars, the gate's verdict.

Doc-supplied text goes through rules/render/neutral.py only: :func:`esc` and :func:`rich` are its
``html`` and ``html_rich`` for a page of its own (``on_github=False``: a file notifies no one).
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.core.finding import Finding, Location, Severity
from rules.render import _blocks as b
from rules.render import neutral
from rules.render._md import LinkFn, also_at, arrow, short_place

SEVERITIES = tuple(sorted(Severity, reverse=True))


def esc(text: str) -> str:
    """Doc-supplied text for an element or a quoted attribute (rules/render/neutral.py)."""
    return neutral.html(text, on_github=False)


def rich(text: str) -> str:
    """Like :func:`esc`, with Markdown code spans (rule fixes use them) shown as ``<code>``."""
    return neutral.html_rich(text, on_github=False)


def _href(link: LinkFn | None, path: str, line: int) -> str | None:
    if link is None:
        return None
    target = link(path, line)
    return target if target.startswith(("https://", "http://")) else None


def location(view: b.View, finding: Finding, *, relative_to: str | None = None) -> str:
    return place(view, finding.location, relative_to=relative_to)


def place(view: b.View, where: Location, *, relative_to: str | None = None) -> str:
    label = f"<code>{esc(short_place(where, relative_to))}</code>"
    target = _href(view.link, where.path, where.line)
    if target is None:
        return f'<span class="loc" title="{esc(where.path)}">{label}</span>'
    return f'<a class="loc" href="{esc(target)}" rel="noopener noreferrer">{label}</a>'


def related(view: b.View, finding: Finding, *, relative_to: str | None = None) -> str:
    """`` (also at a.md:3, b.md:9)`` after the evidence: the finding's other places."""
    note = also_at(finding.related, lambda where: place(view, where, relative_to=relative_to))
    return f'<span class="also">{note}</span>' if note else ""


def band(score: int) -> str:
    """Colour band of a score (independent of the configured grade names)."""
    for floor, name in ((90, "a"), (80, "b"), (70, "c"), (60, "d")):
        if score >= floor:
            return name
    return "f"


def grade_badge(grade: str, score: int) -> str:
    return f'<span class="grade band-{band(score)}">{esc(grade)}</span>'


def change_tag(change: int | None, *, suffix: str = "") -> str:
    if change is None:
        return ""
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    return f'<span class="change {direction}">{arrow(change)}{suffix}</span>'


def chips(findings: Sequence[Finding], *, label: str) -> str:
    counts = [(s, sum(1 for f in findings if f.severity is s)) for s in SEVERITIES]
    items = [f'<li class="chip sev-{s.label}"><span class="dot" aria-hidden="true"></span>{n} {s.label}</li>'
             for s, n in counts if n]
    if not items:
        items = ['<li class="chip plain">no open findings</li>']
    return f'<ul class="facts" aria-label="{label}">{"".join(items)}</ul>'


def minibar(score: int) -> str:
    width = max(0, min(100, score))
    return (f'<svg class="minibar band-{band(score)}" viewBox="0 0 100 8" aria-hidden="true" focusable="false">'
            f'<rect class="track" width="100" height="8" rx="4"/>'
            f'<rect class="fill" width="{width}" height="8" rx="4"/></svg>')


def strong(markup: str) -> str:
    return f"<b>{markup}</b>"


def verdict(view: b.View) -> str:
    if view.review.gate.passed:
        return "passed"
    return "overridden" if view.approval is not None else "failed"


def gate_word(view: b.View) -> str:
    if view.review.gate.passed:
        return "gate passed"
    return "gate failed, overridden by approval" if view.approval else "gate failed"
