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
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from rules.core.delta import Delta
from rules.core.finding import Finding, Severity
from rules.core.redact import redact
from rules.core.report import Review, Scaffold, TaskReport
from rules.render import _blocks as b
from rules.render import neutral
from rules.render._html_css import STYLE
from rules.render._md import LinkFn, arrow, minutes, plural, stamp_line
from rules.render.audit import AuditEntry
from rules.render.markdown import make_view, state_line
from rules.render.neutral import plain

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
SEVERITIES = tuple(sorted(Severity, reverse=True))
STRENGTHS_PER_TASK = 5
LOCATIONS_PER_FIX = 4


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
    sections = [
        _hero(view, title), _notes(review), _overview(view), _strengths_and_gaps(view), _delta(view),
        *(_task(view, task, index) for index, task in enumerate(review.tasks, 1)),
        _waived(view), _audit(view),
    ]
    body = (f'<a class="skip" href="#main">Skip to the review</a>\n{_top(review, title)}'
            f'<main id="main" class="wrap">\n{"".join(sections)}</main>\n{_footer(review, title)}')
    return redact(_page(f"{plain(title)}: {b.headline(review, view.delta)} — {_gate_word(view)}", body))


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n<meta name="color-scheme" content="light dark">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


# --- doc-supplied text -------------------------------------------------------------------------

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


def _location(view: b.View, finding: Finding, *, relative_to: str | None = None) -> str:
    shown = finding.path
    prefix = relative_to.rstrip("/") + "/" if relative_to else None
    if prefix and shown.startswith(prefix):
        shown = shown[len(prefix):]
    label = f"<code>{esc(f'{shown}:{finding.line}')}</code>"
    target = _href(view.link, finding.path, finding.line)
    if target is None:
        return f'<span class="loc" title="{esc(finding.path)}">{label}</span>'
    return f'<a class="loc" href="{esc(target)}" rel="noopener noreferrer">{label}</a>'


# --- small pieces ------------------------------------------------------------------------------

def band(score: int) -> str:
    """Colour band of a score (independent of the configured grade names)."""
    for floor, name in ((90, "a"), (80, "b"), (70, "c"), (60, "d")):
        if score >= floor:
            return name
    return "f"


def _grade(grade: str, score: int) -> str:
    return f'<span class="grade band-{band(score)}">{esc(grade)}</span>'


def _change(change: int | None, *, suffix: str = "") -> str:
    if change is None:
        return ""
    direction = "up" if change > 0 else "down" if change < 0 else "same"
    return f'<span class="change {direction}">{arrow(change)}{suffix}</span>'


def _chips(findings: Sequence[Finding], *, label: str) -> str:
    counts = [(s, sum(1 for f in findings if f.severity is s)) for s in SEVERITIES]
    items = [f'<li class="chip sev-{s.label}"><span class="dot" aria-hidden="true"></span>{n} {s.label}</li>'
             for s, n in counts if n]
    if not items:
        items = ['<li class="chip plain">no open findings</li>']
    return f'<ul class="facts" aria-label="{label}">{"".join(items)}</ul>'


def _minibar(score: int) -> str:
    width = max(0, min(100, score))
    return (f'<svg class="minibar band-{band(score)}" viewBox="0 0 100 8" aria-hidden="true" focusable="false">'
            f'<rect class="track" width="100" height="8" rx="4"/>'
            f'<rect class="fill" width="{width}" height="8" rx="4"/></svg>')


def _strong(markup: str) -> str:
    return f"<b>{markup}</b>"


def _verdict(view: b.View) -> str:
    if view.review.gate.passed:
        return "passed"
    return "overridden" if view.approval is not None else "failed"


def _gate_word(view: b.View) -> str:
    if view.review.gate.passed:
        return "gate passed"
    return "gate failed, overridden by approval" if view.approval else "gate failed"


# --- page sections -----------------------------------------------------------------------------

def _top(review: Review, title: str) -> str:
    stamp = review.stamp
    head = f" · head <span class=\"mono\">{esc(stamp.head_sha[:12])}</span>" if stamp.head_sha else ""
    return (f'<header class="top"><div class="wrap"><span class="brand">{esc(title)} '
            f'<span>· planning docs review</span></span>'
            f'<span class="meta">reviewed {stamp.today.isoformat()}{head}</span></div></header>\n')


def _hero(view: b.View, title: str) -> str:
    review = view.review
    if review.score is None or review.grade is None:
        return _nothing_to_review(review)
    change = view.delta.overall.change if view.delta is not None and view.delta.has_base else None
    return (
        f'<section class="hero card {_verdict(view)}" aria-labelledby="verdict">{_ring(review)}<div>'
        f'<p class="eyebrow">Overall review</p>'
        f'<h1 id="verdict">Grade {esc(review.grade)} <span class="score">· {review.score}/100</span>'
        f'{_change(change, suffix=" vs base")}</h1>'
        f'{_gate(view)}<p class="summary">{state_line(review, strong=_strong, text=esc)}</p>'
        f'{_chips(review.findings, label="Open findings by severity")}</div></section>\n'
    )


def _nothing_to_review(review: Review) -> str:
    """No active task: no grade and no ring, the neutral verdict and why (the notes follow)."""
    return (
        '<section class="hero card passed" aria-labelledby="verdict"><div>'
        '<p class="eyebrow">Overall review</p><h1 id="verdict">Nothing to review</h1>'
        '<div class="gate"><span class="pill pass"><span aria-hidden="true">&#10003;</span> Gate passed</span>'
        f'<span class="policy">{esc(review.gate.reasons[0]) if review.gate.reasons else "no active task"}</span>'
        '</div></div></section>\n'
    )


def _ring(review: Review) -> str:
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


def _gate(view: b.View) -> str:
    gate = view.review.gate
    if gate.passed:
        pill = '<span class="pill pass"><span aria-hidden="true">&#10003;</span> Gate passed</span>'
    elif view.approval is not None:
        pill = '<span class="pill warn"><span aria-hidden="true">&#10003;</span> Gate overridden by approval</span>'
    else:
        pill = '<span class="pill fail"><span aria-hidden="true">&#10007;</span> Gate failed</span>'
    blocking = ", ".join(s.label for s in sorted(gate.blocking, reverse=True))
    blocks = f"blocks on {blocking} findings" if blocking else "no severity blocks"
    policy = f'<span class="policy">needs {gate.min_score}/100 · {blocks}</span>'
    reasons = [f"<li>{esc(reason)}</li>" for reason in gate.reasons]
    if view.approval is not None:
        entry = view.approval
        reasons.append(f"<li>Approved by <b>@{esc(entry.actor.lstrip('@'))}</b> at {esc(entry.at)}: "
                       f"<i>{esc(entry.reason)}</i></li>")
    listed = f'<ul class="reasons" aria-label="Gate reasons">{"".join(reasons)}</ul>' if reasons else ""
    return f'<div class="gate">{pill}{policy}</div>{listed}'


def _notes(review: Review) -> str:
    if not review.notes:
        return ""
    items = "".join(f"<li>{esc(note)}</li>" for note in review.notes)
    return f'<aside class="notes" aria-labelledby="notes-h"><h2 id="notes-h">Notes</h2><ul>{items}</ul></aside>\n'


def _overview(view: b.View) -> str:
    review = view.review
    if not review.tasks or review.score is None or review.grade is None:
        return ""
    with_base = view.delta is not None and view.delta.has_base
    head = ("<tr><th scope=\"col\">Task</th><th scope=\"col\">Grade</th><th scope=\"col\">Score</th>"
            "<th scope=\"col\">Open findings</th><th scope=\"col\" class=\"num\">Fix effort</th>"
            + ("<th scope=\"col\" class=\"num\">vs base</th>" if with_base else "") + "</tr>")
    rows = [_overview_row(view, task, index, with_base) for index, task in enumerate(review.tasks, 1)]
    effort = minutes(sum(t.effort_minutes for t in review.tasks))
    overall = (f"<tr><th scope=\"row\">Overall</th><td>{_grade(review.grade, review.score)}</td>"
               f"<td><span class=\"scorecell\">{_minibar(review.score)}{review.score}</span></td>"
               f"<td>{_chips(review.findings, label='Open findings, all tasks')}</td>"
               f"<td class=\"num\">{effort}</td>"
               + (f"<td class=\"num\">{_overall_change(view.delta)}</td>" if with_base else "") + "</tr>")
    return (f'<section class="card" aria-labelledby="tasks-h"><h2 id="tasks-h">Tasks at a glance</h2>'
            f'<div class="table-wrap"><table class="overview"><thead>{head}</thead><tbody>{"".join(rows)}'
            f"</tbody><tfoot>{overall}</tfoot></table></div></section>\n")


def _overall_change(delta: Delta | None) -> str:
    return arrow(delta.overall.change) if delta is not None else ""


def _overview_row(view: b.View, task: TaskReport, index: int, with_base: bool) -> str:
    archived = ' <span class="tag">archived</span>' if task.archived else ""
    cells = [
        f'<th scope="row" class="task-name"><a href="#task-{index}">{esc(task.name)}</a>{archived}'
        f'<span class="path">{esc(task.path)}</span></th>',
        f"<td>{_grade(task.grade, task.score)}</td>",
        f'<td><span class="scorecell">{_minibar(task.score)}{task.score}</span></td>',
        f"<td>{_chips(task.findings, label='Open findings')}</td>",
        f'<td class="num">{minutes(task.effort_minutes)}</td>',
    ]
    if with_base and view.delta is not None:
        change = view.delta.task(task.path)
        moved = "—" if change is None else (arrow(change.scores.change) or "new")
        cells.append(f'<td class="num">{moved}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def _strengths_and_gaps(view: b.View) -> str:
    strengths, gaps = _strengths(view.review), _gaps(view)
    if not strengths and not gaps:
        return ""
    return f'<div class="pair">{strengths}{gaps}</div>\n'


def _strengths(review: Review) -> str:
    many = len(review.tasks) > 1
    items = [f'<li>{f"<span class=who>{esc(task.name)}</span>: " if many else ""}{esc(strength)}</li>'
             for task in review.tasks for strength in task.strengths[:STRENGTHS_PER_TASK]]
    if not items:
        return ""
    return (f'<section class="card" aria-labelledby="strengths-h"><h2 id="strengths-h">Key strengths</h2>'
            f'<ul class="marks good">{"".join(items)}</ul></section>')


def _gaps(view: b.View) -> str:
    gaps = [(t, f) for t in view.review.tasks for f in t.findings if f.severity >= Severity.HIGH]
    if not gaps:
        return ""
    gaps.sort(key=lambda pair: pair[1].sort_key())
    cap = b.LIST_CAP // 2
    many = len(view.review.tasks) > 1
    items = [
        f'<li><span class="rule-code">{esc(f.rule)}</span> {rich(f.message)} '
        f'<span class="where">{f"in <span class=who>{esc(t.name)}</span> · " if many else ""}'
        f"{f.severity.label} · {_location(view, f, relative_to=t.path)}</span></li>"
        for t, f in gaps[:cap]
    ]
    if len(gaps) > cap:
        items.append(f"<li>…and {len(gaps) - cap} more in the task sections below.</li>")
    return (f'<section class="card" aria-labelledby="gaps-h"><h2 id="gaps-h">Critical gaps</h2>'
            f'<ul class="marks bad">{"".join(items)}</ul></section>')


# --- one task ----------------------------------------------------------------------------------

def _task(view: b.View, task: TaskReport, index: int) -> str:
    anchor = f"task-{index}"
    parts = [_task_head(view, task, anchor),
             f'<div class="task-body">{_chart(task, anchor)}{_glance(task)}</div>',
             _findings(view, task), _checklist(view, task), _scaffolds(task)]
    return (f'<section class="task card" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'{"".join(parts)}</section>\n')


def _task_head(view: b.View, task: TaskReport, anchor: str) -> str:
    change = view.delta.task(task.path) if view.delta is not None and view.delta.has_base else None
    moved = _change(change.scores.change) if change is not None else ""
    archived = ' <span class="tag">archived</span>' if task.archived else ""
    return (f'<header class="task-head">{_grade(task.grade, task.score)}<div class="title">'
            f'<h2 id="{anchor}-h">{esc(task.name)}{archived}</h2>'
            f'<p class="path"><code>{esc(task.path)}</code></p></div>'
            f'<div class="tally"><b>{task.score}</b><span class="muted">/100</span>{moved}<br>'
            f'<span class="muted">{_open_summary(task)}</span></div></header>')


def _open_summary(task: TaskReport) -> str:
    if not task.findings:
        return "no open findings"
    return f"{plural(len(task.findings), 'open finding')} · {minutes(task.effort_minutes)} of fixes"


def _glance(task: TaskReport) -> str:
    files = "".join(
        f"<dt>{role.value.capitalize()}</dt><dd>"
        + (f"<code>{esc(path.rsplit('/', 1)[-1])}</code>" if path else '<span class="file-missing">missing</span>')
        + "</dd>"
        for role, path in task.files
    )
    counts = _chips(task.findings, label="Open findings by severity")
    waived = f"<dt>Waived</dt><dd>{len(task.waived)}</dd>" if task.waived else ""
    return (f'<dl class="glance">{files}<dt>Findings</dt><dd>{counts}</dd>'
            f"<dt>Fix effort</dt><dd>{minutes(task.effort_minutes)}</dd>{waived}</dl>")


def _chart(task: TaskReport, anchor: str) -> str:
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


def _findings(view: b.View, task: TaskReport) -> str:
    if not task.findings:
        return '<h3>Findings</h3><p class="muted">No open findings.</p>'
    long = len(task.findings) > b.LONG_TASK
    groups = []
    for severity in SEVERITIES:
        group = [f for f in task.findings if f.severity is severity]
        if group:
            opened = "" if long and severity <= Severity.LOW else " open"
            items = "".join(_finding(view, f, task) for f in group)
            groups.append(f'<details class="sev-group sev-{severity.label}"{opened}><summary>'
                          f'<h4>{severity.label.capitalize()} <span class="count">({len(group)})</span></h4>'
                          f'</summary><ol class="findings">{items}</ol></details>')
    return "<h3>Findings</h3>" + "".join(groups)


def _finding(view: b.View, finding: Finding, task: TaskReport) -> str:
    new = ' <span class="tag new">new</span>' if view.is_new(finding) and view.delta and view.delta.has_base else ""
    fix = (f'<p class="f-fix"><span class="label">Fix:</span> {rich(finding.fix)} '
           f'<span class="effort">· {minutes(finding.effort_minutes)}</span></p>') if finding.fix else ""
    return (f'<li class="finding sev-{finding.severity.label}"><div class="f-head">'
            f'<span class="rule-code">{esc(finding.rule)}</span><span class="f-name">{esc(finding.name)}</span>'
            f'{new}{_location(view, finding, relative_to=task.path)}</div>'
            f'<p class="f-msg">{rich(finding.message)}</p>{fix}</li>')


def _checklist(view: b.View, task: TaskReport) -> str:
    groups = b.fix_groups(task)
    if not groups:
        return ""
    items = []
    for (rule, fix), found in groups.items():
        ordered = sorted(found, key=lambda f: (f.path, f.line))
        where = ", ".join(_location(view, f, relative_to=task.path) for f in ordered[:LOCATIONS_PER_FIX])
        more = f" +{len(found) - LOCATIONS_PER_FIX} more" if len(found) > LOCATIONS_PER_FIX else ""
        effort = minutes(sum(f.effort_minutes for f in found))
        items.append(f'<li><label><input type="checkbox"><span>{rich(fix)}</span></label>'
                     f'<span class="c-meta"><span class="rule-code">{esc(rule)}</span> · {where}{more} · '
                     f'<span class="effort">{effort}</span></span></li>')
    total = minutes(sum(f.effort_minutes for found in groups.values() for f in found))
    return (f'<h3>Checklist of fixes</h3><ul class="checklist">{"".join(items)}</ul>'
            f'<p class="c-total"><span>Total</span><span>{total} for {plural(len(groups), "fix", "fixes")}'
            f"</span></p>")


def _scaffolds(task: TaskReport) -> str:
    if not task.scaffolds:
        return ""
    return "<h3>Ready-to-paste scaffolds</h3>" + "".join(_scaffold(s) for s in task.scaffolds)


def _scaffold(scaffold: Scaffold) -> str:
    body = html.escape(neutral.block_text(scaffold.body), quote=True)
    return (f'<details class="scaffold"><summary>{rich(scaffold.title)} → <code>{esc(scaffold.path)}</code>'
            f"</summary><pre><code>{body}</code></pre></details>")


# --- since base, waivers, audit, stamp ---------------------------------------------------------

def _delta(view: b.View) -> str:
    delta = view.delta
    if delta is None or not delta.has_base:
        return ""
    overall = delta.overall
    moved = (f"{esc(overall.base_grade or '')} ({overall.base_score}) → {esc(overall.grade)} ({overall.score}) "
             f"{_change(overall.change)}")
    counts = (f"{len(delta.new)} new · {len(delta.still_open)} still open · {len(delta.fixed)} fixed")
    parts = [f'<section class="card" aria-labelledby="delta-h"><h2 id="delta-h">Since the base branch</h2>'
             f'<p class="delta-line">{moved} · {counts}</p>']
    if delta.new:
        parts.append(f'<h3>New</h3><ul class="marks bad">{_delta_items(view, delta.new)}</ul>')
    if delta.still_open:
        parts.append(f'<details><summary>Still open ({len(delta.still_open)})</summary>'
                     f'<ul class="marks">{_delta_items(view, delta.still_open)}</ul></details>')
    if delta.fixed:
        parts.append(f'<h3>Fixed</h3><ul class="marks good fixed-list">{_delta_items(view, delta.fixed, fixed=True)}'
                     "</ul>")
    return "".join(parts) + "</section>\n"


def _delta_items(view: b.View, findings: Sequence[Finding], *, fixed: bool = False) -> str:
    items = []
    for finding in findings[:b.LIST_CAP]:
        # a fixed finding's line belongs to the base: no link to the head
        where = f"<code>{esc(f'{finding.path}:{finding.line}')}</code>" if fixed else _location(view, finding)
        rule = f"<s>{esc(finding.rule)}</s>" if fixed else f'<span class="rule-code">{esc(finding.rule)}</span>'
        items.append(f'<li>{rule} {rich(finding.message)} <span class="where">{where}</span></li>')
    if len(findings) > b.LIST_CAP:
        items.append(f"<li>…and {len(findings) - b.LIST_CAP} more.</li>")
    return "".join(items)


def _waived(view: b.View) -> str:
    waived = view.review.waived
    if not waived:
        return ""
    items = [f'<li><span class="rule-code">{esc(f.rule)}</span> {rich(f.message)} '
             f'<span class="where">{_location(view, f)}</span><br><span class="muted">Reason:</span> '
             f'{esc(f.waiver_reason) if f.waiver_reason else "<i>no reason given</i>"}</li>'
             for f in waived[:b.LIST_CAP]]
    if len(waived) > b.LIST_CAP:
        items.append(f"<li>…and {len(waived) - b.LIST_CAP} more.</li>")
    return (f'<section class="card" aria-labelledby="waived-h"><h2 id="waived-h">Waived findings '
            f'({len(waived)})</h2><ul class="marks">{"".join(items)}</ul></section>\n')


def _audit(view: b.View) -> str:
    if not view.audit:
        return ""
    rows = []
    for entry in sorted(view.audit, key=lambda e: e.at):
        action = esc(entry.action) + (" (gate override)" if entry == view.approval else "")
        rows.append(f"<tr><td>{esc(entry.at)}</td><td>@{esc(entry.actor.lstrip('@'))}</td><td>{action}</td>"
                    f"<td>{esc(entry.reason)}</td></tr>")
    head = "".join(f'<th scope="col">{name}</th>' for name in ("When", "Who", "Action", "Why"))
    return (f'<section class="card" aria-labelledby="audit-h"><h2 id="audit-h">Audit</h2><div class="table-wrap">'
            f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>\n')


def _footer(review: Review, title: str) -> str:
    return (f'<footer class="foot wrap"><p>{esc(title)} · {esc(stamp_line(review.stamp))}</p>'
            "<p>Self-contained report: no scripts, no external resources.</p></footer>\n")
