"""One task's section of the HTML report: its header, scorecard chart and files at a glance,
the findings grouped by severity, the checklist of fixes with effort totals, the scaffolds."""

from __future__ import annotations

import html

from rules.core.finding import Finding, Severity
from rules.core.report import Scaffold, TaskReport
from rules.render import _blocks as b
from rules.render import neutral
from rules.render._html_bits import SEVERITIES, change_tag, chips, esc, grade_badge, location, related, rich
from rules.render._html_chart import chart
from rules.render._md import minutes, plural

LOCATIONS_PER_FIX = 4


def task_section(view: b.View, task: TaskReport, index: int) -> str:
    anchor = f"task-{index}"
    parts = [_task_head(view, task, anchor),
             f'<div class="task-body">{chart(task, anchor)}{_glance(task)}</div>',
             _findings(view, task), _checklist(view, task), _scaffolds(task)]
    return (f'<section class="task card" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'{"".join(parts)}</section>\n')


def _task_head(view: b.View, task: TaskReport, anchor: str) -> str:
    change = view.delta.task(task.path) if view.delta is not None and view.delta.has_base else None
    moved = change_tag(change.scores.change) if change is not None else ""
    archived = ' <span class="tag">archived</span>' if task.archived else ""
    return (f'<header class="task-head">{grade_badge(task.grade, task.score)}<div class="title">'
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
    counts = chips(task.findings, label="Open findings by severity")
    waived = f"<dt>Waived</dt><dd>{len(task.waived)}</dd>" if task.waived else ""
    return (f'<dl class="glance">{files}<dt>Findings</dt><dd>{counts}</dd>'
            f"<dt>Fix effort</dt><dd>{minutes(task.effort_minutes)}</dd>{waived}</dl>")


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
            f'{new}{location(view, finding, relative_to=task.path)}</div>'
            f'<p class="f-msg">{rich(finding.message)}{related(view, finding, relative_to=task.path)}</p>{fix}</li>')


def _checklist(view: b.View, task: TaskReport) -> str:
    groups = b.fix_groups(task)
    if not groups:
        return ""
    items = []
    for (rule, fix), found in groups.items():
        ordered = sorted(found, key=lambda f: (f.path, f.line))
        where = ", ".join(location(view, f, relative_to=task.path) for f in ordered[:LOCATIONS_PER_FIX])
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
