"""The review-wide sections of the HTML report: the verdict (grade ring, gate and its reasons),
the notes, the tasks at a glance, key strengths and critical gaps, the changes since the base,
the waived findings and the audit of approvals and waivers."""

from __future__ import annotations

from collections.abc import Sequence

from rules.core.delta import Delta
from rules.core.finding import Finding, Severity
from rules.core.report import Review, TaskReport
from rules.render import _blocks as b
from rules.render._html_bits import (
    change_tag,
    chips,
    esc,
    grade_badge,
    location,
    minibar,
    related,
    rich,
    strong,
    verdict,
)
from rules.render._html_chart import ring
from rules.render._md import arrow, minutes
from rules.render.markdown import state_line

STRENGTHS_PER_TASK = 5


def hero(view: b.View) -> str:
    review = view.review
    if review.score is None or review.grade is None:
        return _nothing_to_review(review)
    change = view.delta.overall.change if view.delta is not None and view.delta.has_base else None
    return (
        f'<section class="hero card {verdict(view)}" aria-labelledby="verdict">{ring(review)}<div>'
        f'<p class="eyebrow">Overall review</p>'
        f'<h1 id="verdict">Grade {esc(review.grade)} <span class="score">· {review.score}/100</span>'
        f'{change_tag(change, suffix=" vs base")}</h1>'
        f'{_gate(view)}<p class="summary">{state_line(review, strong=strong, text=esc)}</p>'
        f'{chips(review.findings, label="Open findings by severity")}</div></section>\n'
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


def notes(review: Review) -> str:
    if not review.notes:
        return ""
    items = "".join(f"<li>{esc(note)}</li>" for note in review.notes)
    return f'<aside class="notes" aria-labelledby="notes-h"><h2 id="notes-h">Notes</h2><ul>{items}</ul></aside>\n'


def overview(view: b.View) -> str:
    review = view.review
    if not review.tasks or review.score is None or review.grade is None:
        return ""
    with_base = view.delta is not None and view.delta.has_base
    head = ("<tr><th scope=\"col\">Task</th><th scope=\"col\">Grade</th><th scope=\"col\">Score</th>"
            "<th scope=\"col\">Open findings</th><th scope=\"col\" class=\"num\">Fix effort</th>"
            + ("<th scope=\"col\" class=\"num\">vs base</th>" if with_base else "") + "</tr>")
    rows = [_overview_row(view, task, index, with_base) for index, task in enumerate(review.tasks, 1)]
    effort = minutes(sum(t.effort_minutes for t in review.tasks))
    overall = (f"<tr><th scope=\"row\">Overall</th><td>{grade_badge(review.grade, review.score)}</td>"
               f"<td><span class=\"scorecell\">{minibar(review.score)}{review.score}</span></td>"
               f"<td>{chips(review.findings, label='Open findings, all tasks')}</td>"
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
        f"<td>{grade_badge(task.grade, task.score)}</td>",
        f'<td><span class="scorecell">{minibar(task.score)}{task.score}</span></td>',
        f"<td>{chips(task.findings, label='Open findings')}</td>",
        f'<td class="num">{minutes(task.effort_minutes)}</td>',
    ]
    if with_base and view.delta is not None:
        change = view.delta.task(task.path)
        moved = "—" if change is None else (arrow(change.scores.change) or "new")
        cells.append(f'<td class="num">{moved}</td>')
    return f"<tr>{''.join(cells)}</tr>"


def strengths_and_gaps(view: b.View) -> str:
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
        f"{f.severity.label} · {location(view, f, relative_to=t.path)}</span>"
        f"{related(view, f, relative_to=t.path)}</li>"
        for t, f in gaps[:cap]
    ]
    if len(gaps) > cap:
        items.append(f"<li>…and {len(gaps) - cap} more in the task sections below.</li>")
    return (f'<section class="card" aria-labelledby="gaps-h"><h2 id="gaps-h">Critical gaps</h2>'
            f'<ul class="marks bad">{"".join(items)}</ul></section>')



def delta_section(view: b.View) -> str:
    delta = view.delta
    if delta is None or not delta.has_base:
        return ""
    overall = delta.overall
    moved = (f"{esc(overall.base_grade or '')} ({overall.base_score}) → {esc(overall.grade)} ({overall.score}) "
             f"{change_tag(overall.change)}")
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
        where = f"<code>{esc(f'{finding.path}:{finding.line}')}</code>" if fixed else location(view, finding)
        rule = f"<s>{esc(finding.rule)}</s>" if fixed else f'<span class="rule-code">{esc(finding.rule)}</span>'
        items.append(f'<li>{rule} {rich(finding.message)} <span class="where">{where}</span></li>')
    if len(findings) > b.LIST_CAP:
        items.append(f"<li>…and {len(findings) - b.LIST_CAP} more.</li>")
    return "".join(items)


def waived(view: b.View) -> str:
    waived = view.review.waived
    if not waived:
        return ""
    items = [f'<li><span class="rule-code">{esc(f.rule)}</span> {rich(f.message)} '
             f'<span class="where">{location(view, f)}</span><br><span class="muted">Reason:</span> '
             f'{esc(f.waiver_reason) if f.waiver_reason else "<i>no reason given</i>"}</li>'
             for f in waived[:b.LIST_CAP]]
    if len(waived) > b.LIST_CAP:
        items.append(f"<li>…and {len(waived) - b.LIST_CAP} more.</li>")
    return (f'<section class="card" aria-labelledby="waived-h"><h2 id="waived-h">Waived findings '
            f'({len(waived)})</h2><ul class="marks">{"".join(items)}</ul></section>\n')


def audit(view: b.View) -> str:
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
