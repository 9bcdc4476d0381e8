"""The HTML report's charts, inline SVG: the overall grade ring, and per task the scorecard
(one bar per category and overall, the exemplar's thinner bar under each, a text alternative)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rules.core.report import Review, TaskReport
from rules.render._html_bits import band, esc
from rules.render.neutral import plain


def ring(review: Review) -> str:
    assert review.score is not None and review.grade is not None  # _hero renders the ungraded case
    radius = 52
    circumference = 2 * math.pi * radius
    filled = circumference * max(0, min(100, review.score)) / 100
    letter = "letter long" if len(plain(review.grade)) > 2 else "letter"
    return (
        f'<svg class="ring band-{band(review.score)}" viewBox="0 0 128 128" role="img" '
        f'aria-labelledby="ring-title"><title id="ring-title">Overall grade {esc(review.grade)}, '
        f'score {review.score} of 100</title>'
        f'<circle class="track" cx="64" cy="64" r="{radius}"/>'
        f'<circle class="value" cx="64" cy="64" r="{radius}" '
        f'stroke-dasharray="{filled:.1f} {circumference:.1f}" transform="rotate(-90 64 64)"/>'
        f'<text class="{letter}" x="64" y="70" text-anchor="middle">{esc(review.grade)}</text>'
        f'<text class="of" x="64" y="93" text-anchor="middle">{review.score}/100</text></svg>'
    )



def chart(task: TaskReport, anchor: str) -> str:
    """Horizontal bars per category (and overall), the exemplar's thinner bar under each."""
    comparison = task.comparison
    theirs = {category: score for category, _, score in comparison.rows} if comparison else {}
    rows = [(c.category.value.capitalize(), c.score, c.grade, theirs.get(c.category), c.present)
            for c in task.categories]
    rows.append(("Overall", task.score, task.grade, comparison.exemplar_score if comparison else None, True))
    height, bars, described = _bars(rows, legend=_legend(task) if comparison else None)
    name = esc(task.name)
    label = f"Scorecard of {name} by category" + (
        f", beside the exemplar {esc(comparison.exemplar)}" if comparison else "")
    caption = _chart_caption(task)
    return (f'<figure class="chart"><svg viewBox="0 0 {_W} {height}" role="img" '
            f'aria-labelledby="{anchor}-ct {anchor}-cd"><title id="{anchor}-ct">{label}</title>'
            f'<desc id="{anchor}-cd">{described}</desc>{bars}</svg>{caption}</figure>')


_W, _LABEL, _SCALE = 420, 98, 2.4  # viewBox width, label column, units per point
_VALUE_X = _LABEL + 100 * _SCALE + 8


def _bars(rows: Sequence[tuple[str, int, str, int | None, bool]], *,
          legend: str | None) -> tuple[int, str, str]:
    """(height, SVG elements, text description) of the bar rows; *legend*: the legend's SVG, or
    None when there is no exemplar (no thin bars, no legend)."""
    step = 26 if legend is None else 36
    y = 4 if legend is None else 30
    parts = [] if legend is None else [legend]
    described: list[str] = []
    for index, (name, score, grade, exemplar, present) in enumerate(rows):
        if index == len(rows) - 1:
            parts.append(f'<line class="rule" x1="0" x2="{_W}" y1="{y + 1}" y2="{y + 1}"/>')
            y += 8
        parts.append(_bar_row(name, score, grade, exemplar, present, y, total=index == len(rows) - 1))
        missing = ", file missing" if not present else ""
        described.append(f"{name} {score} ({esc(grade)}{missing})"
                         + (f", exemplar {exemplar}" if exemplar is not None else ""))
        y += step
    return y, "".join(parts), "; ".join(described) + "."


def _legend(task: TaskReport) -> str:
    other = "exemplar" if task.comparison and task.comparison.exemplar_score > task.score else "next best"
    return (f'<g class="legend"><rect class="fill band-{band(task.score)}" x="0" y="6" width="12" height="12" '
            'rx="2"/><text x="18" y="16">this task</text><rect class="ex" x="96" y="9" width="12" height="6" '
            f'rx="2"/><text x="114" y="16">{other}</text></g>')


def _bar_row(name: str, score: int, grade: str, exemplar: int | None, present: bool, y: int, *,
             total: bool) -> str:
    width = max(0, min(100, score)) * _SCALE
    full = 100 * _SCALE
    label_class = ' class="total"' if total else ""
    track = "missing" if not present else "track"
    row = (f'<text x="0" y="{y + 12}"{label_class}>{esc(name)}</text>'
           f'<rect class="{track}" x="{_LABEL}" y="{y + 1}" width="{full:.0f}" height="14" rx="3"/>'
           f'<rect class="fill band-{band(score)}" x="{_LABEL}" y="{y + 1}" width="{width:.1f}" height="14" rx="3"/>'
           f'<text class="val" x="{_VALUE_X:.0f}" y="{y + 13}">{score} {esc(grade)}</text>')
    if exemplar is not None:
        ex_width = max(0, min(100, exemplar)) * _SCALE
        row += (f'<rect class="ex" x="{_LABEL}" y="{y + 19}" width="{ex_width:.1f}" height="6" rx="2"/>'
                f'<text class="exv" x="{_VALUE_X:.0f}" y="{y + 26}">{exemplar}</text>')
    return row


def _chart_caption(task: TaskReport) -> str:
    comparison = task.comparison
    if comparison is None:
        return "<figcaption>No other task in the repository to compare with.</figcaption>"
    who = (f"the exemplar <code>{esc(comparison.exemplar)}</code>" if comparison.exemplar_score > task.score
           else f"the next best, <code>{esc(comparison.exemplar)}</code> (this is the best-graded doc set)")
    return (f"<figcaption>Thin bars: {who}, {esc(comparison.exemplar_grade)} "
            f"({comparison.exemplar_score}/100).</figcaption>")
