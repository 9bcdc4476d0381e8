"""The review as one self-contained HTML page: ``devdocs-review check --format html``.

Reads top-down like the memo: the overall grade and the gate (with its reasons), the tasks at a
glance, key strengths and critical gaps, what changed since the base, then one section per task
with its scorecard chart (category bars, the exemplar's beside them), findings grouped by
severity, the checklist of fixes with effort totals and collapsible scaffolds; waivers, the audit
and the reproducibility stamp close it.

Safe to open from a workflow artifact: no scripts, no external resources (inline CSS and SVG), a
``Content-Security-Policy`` that forbids anything else, and every doc-supplied string — task
names, paths, messages, fixes, strengths, gate reasons, notes, scaffold bodies, audit entries —
goes through rules/render/neutral.py (redacted, stripped of control characters, escaped with
``html.escape(quote=True)``; mentions are kept as written: a file notifies no one) before it is
placed in an element or a quoted attribute. Doc text never becomes markup: code spans in messages
and fixes are shown as ``<code>`` around escaped text, nothing else. The whole page goes through
``redact`` once more at the end, as every renderer's output does.

This module is the page: its shell (head, CSP, top bar, footer) and the order of its sections.
The sections live beside it: ``_html_sections`` (review-wide), ``_html_task`` (one task),
``_html_chart`` (inline SVG), ``_html_bits`` (escaping and small pieces), ``_html_css`` (style).
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.core.redact import redact
from rules.core.report import Review
from rules.render import _blocks as b
from rules.render import _html_sections as sections
from rules.render._html_bits import band, esc, gate_word
from rules.render._html_css import STYLE
from rules.render._html_task import task_section
from rules.render._md import LinkFn, stamp_line
from rules.render.audit import AuditEntry
from rules.render.markdown import make_view
from rules.render.neutral import plain

__all__ = ["CSP", "band", "render_html"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def render_html(
    review: Review,
    *,
    base: Review | None = None,
    link: LinkFn | None = None,
    audit: Sequence[AuditEntry] = (),
    title: str = "devdocs-review",
) -> str:
    """The whole page for *review*, compared with *base* when given. *link* builds the URL of a
    ``path:line`` (http and https only; anything else is shown unlinked)."""
    view = make_view(review, base=base, link=link, audit=audit)
    parts = [
        sections.hero(view), sections.notes(review), sections.overview(view),
        sections.strengths_and_gaps(view), sections.delta_section(view),
        *(task_section(view, task, index) for index, task in enumerate(review.tasks, 1)),
        sections.waived(view), sections.audit(view),
    ]
    body = (f'<a class="skip" href="#main">Skip to the review</a>\n{_top(review, title)}'
            f'<main id="main" class="wrap">\n{"".join(parts)}</main>\n{_footer(review, title)}')
    return redact(_page(f"{plain(title)}: {b.headline(review, view.delta)} — {gate_word(view)}", body))


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<meta name="color-scheme" content="light dark">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _top(review: Review, title: str) -> str:
    stamp = review.stamp
    head = f" · head <span class=\"mono\">{esc(stamp.head_sha[:12])}</span>" if stamp.head_sha else ""
    return (f'<header class="top"><div class="wrap"><span class="brand">{esc(title)} '
            f'<span>· planning docs review</span></span>'
            f'<span class="meta">reviewed {stamp.today.isoformat()}{head}</span></div></header>\n')


def _footer(review: Review, title: str) -> str:
    return (f'<footer class="foot wrap"><p>{esc(title)} · {esc(stamp_line(review.stamp))}</p>'
            "<p>Self-contained report: no scripts, no external resources.</p></footer>\n")
