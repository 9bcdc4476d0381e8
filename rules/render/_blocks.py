"""Markdown sections shared by the sticky comment and the check run.

Every function returns one whole Markdown construct (a heading with its paragraph, a table, a
list, a ``<details>`` block) ending in a blank line, so callers can drop sections whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rules.core.delta import Delta
from rules.core.finding import Finding, Severity
from rules.core.report import Review, Scaffold, TaskReport
from rules.render._md import SEVERITY_ICON, LinkFn, also_at, arrow, location, minutes, place, plural
from rules.render.audit import AuditEntry
from rules.render.neutral import code, escape, fenced, html, plain

LONG_TASK = 15  # findings in a task above which medium and lower groups are collapsed
LIST_CAP = 20  # items shown in the summary lists (critical gaps, new, fixed, waived)


@dataclass(frozen=True, slots=True)
class Detail:
    """How much a rendering shows; the comment degrades through these to fit its budget."""

    scaffolds: bool = True
    min_severity: Severity = Severity.INFO  # findings below it leave the lists and the checklists
    lists: Severity | None = Severity.INFO  # lowest severity in the per-finding lists; None: no lists
    sections: bool = True  # the per-task sections at all


@dataclass(frozen=True, slots=True)
class View:
    """What every section needs besides the review itself."""

    review: Review
    delta: Delta | None = None
    link: LinkFn | None = None
    audit: tuple[AuditEntry, ...] = ()
    approval: AuditEntry | None = None
    new_ids: frozenset[int] = field(default_factory=frozenset)

    def is_new(self, finding: Finding) -> bool:
        return self.delta is not None and id(finding) in self.new_ids


def headline(review: Review, delta: Delta | None) -> str:
    """``B+ (85/100) ▲6 vs base``, or ``nothing to review``."""
    if not review.reviewed:
        return "nothing to review"
    change = arrow(delta.overall.change) if delta is not None and delta.has_base else ""
    return f"{review.grade} ({review.score}/100)" + (f" {change} vs base" if change else "")


def gate_block(view: View) -> str:
    gate = view.review.gate
    if gate.passed:
        reason = escape(gate.reasons[0]) if gate.reasons else "no blocking findings"
        return f"**Gate: ✅ passed** — {reason}\n\n"
    lines = ["**Gate: ❌ failed**" + (" — ✅ overridden by approval" if view.approval else "")]
    lines += [f"- {escape(reason)}" for reason in gate.reasons]
    if view.approval is not None:
        sha = f" at {code(view.approval.sha[:7])}" if view.approval.sha else ""
        lines.append(f"- Approved by {actor(view.approval.actor)}{sha} ({escape(view.approval.at)}): "
                     f"*{escape(view.approval.reason)}*")
    return "\n".join(lines) + "\n\n"


def actor(name: str, *, cell: bool = False) -> str:
    """A user as code: shown with ``@`` but never a mention that pings on every edit."""
    return code("@" + plain(name).lstrip("@"), cell=cell)


def overview_table(view: View) -> str:
    """One row per task and an overall row: the scorecard at a glance."""
    with_base = view.delta is not None and view.delta.has_base
    header = "| Task | Score | Grade | Open findings | Fix effort |" + (" vs base |" if with_base else "")
    rule = "|---|--:|:-:|---|--:|" + ("--:|" if with_base else "")
    rows = [header, rule]
    for task in view.review.tasks:
        change = view.delta.task(task.path) if view.delta is not None else None
        cells = [_task_label(task), str(task.score), task.grade, _counts(task.findings),
                 minutes(task.effort_minutes)]
        if with_base:
            cells.append(_task_change(change.scores.change if change else None, change is not None))
        rows.append("| " + " | ".join(cells) + " |")
    rows.append(_overall_row(view, with_base))
    return "\n".join(rows) + "\n\n"


def _task_label(task: TaskReport) -> str:
    return escape(task.name, cell=True) + (" *(archived)*" if task.archived else "")


def _task_change(change: int | None, known: bool) -> str:
    if not known:
        return "—"
    return arrow(change) or "new"


def _overall_row(view: View, with_base: bool) -> str:
    review = view.review
    effort = sum(t.effort_minutes for t in review.tasks)
    cells = ["**Overall**", f"**{review.score}**", f"**{review.grade}**", _counts(review.findings),
             minutes(effort)]
    if with_base and view.delta is not None:
        cells.append(arrow(view.delta.overall.change))
    return "| " + " | ".join(cells) + " |"


def _counts(findings: Sequence[Finding]) -> str:
    parts = []
    for severity in sorted(Severity, reverse=True):
        count = sum(1 for f in findings if f.severity is severity)
        if count:
            parts.append(f"{SEVERITY_ICON[severity]} {count}")
    return " ".join(parts) or "none"


def category_table(task: TaskReport) -> str:
    rows = ["| Category | Score | Grade | Open findings |", "|---|--:|:-:|--:|"]
    for category in task.categories:
        count = sum(1 for f in task.findings if f.category is category.category)
        note = " *(file missing)*" if not category.present else ""
        name = category.category.value.capitalize()
        rows.append(f"| {name}{note} | {category.score} | {category.grade} | {count} |")
    rows.append(f"| **Overall** | **{task.score}** | **{task.grade}** | {len(task.findings)} |")
    return "\n".join(rows) + "\n\n"


def category_matrix(review: Review) -> str:
    """Categories down, tasks across: every task's scorecard in one table (check summaries)."""
    tasks = review.tasks
    rows = ["| Category | " + " | ".join(escape(t.name, cell=True) for t in tasks) + " |",
            "|---|" + "--:|" * len(tasks)]
    for index, category in enumerate(tasks[0].categories if tasks else ()):
        cells = [f"{t.categories[index].score} {t.categories[index].grade}" for t in tasks]
        rows.append(f"| {category.category.value.capitalize()} | " + " | ".join(cells) + " |")
    rows.append("| **Overall** | " + " | ".join(f"**{t.score} {t.grade}**" for t in tasks) + " |")
    return "\n".join(rows) + "\n\n" if tasks else ""


def related_note(view: View, finding: Finding, *, relative_to: str | None = None, cell: bool = False) -> str:
    """`` (also at `a.md:3`, `b.md:9`)``: the finding's other places, linked like its own."""
    return also_at(finding.related, lambda where: place(where, view.link, relative_to=relative_to, cell=cell))


def finding_item(view: View, finding: Finding, *, relative_to: str | None = None, fix: bool = True) -> str:
    badge = "🆕 " if view.is_new(finding) else ""
    where = location(finding, view.link, relative_to=relative_to)
    text = (f"- {badge}{where} {SEVERITY_ICON[finding.severity]} **{finding.rule}** {escape(finding.name)}"
            f" — {escape(finding.message)}{related_note(view, finding, relative_to=relative_to)}")
    if fix and finding.fix:
        text += f"<br>↳ *Fix:* {escape(finding.fix)}"
    return text + "\n"


def findings_block(view: View, task: TaskReport, detail: Detail) -> str:
    floor = max(detail.min_severity, detail.lists if detail.lists is not None else Severity.CRITICAL)
    shown = [f for f in task.findings if f.severity >= floor]
    if not shown:
        return ""
    parts = ["#### Findings\n\n"]
    long = len(shown) > LONG_TASK
    for severity in sorted(Severity, reverse=True):
        group = [f for f in shown if f.severity is severity]
        if group:
            collapse = long and severity <= Severity.MEDIUM
            parts.append(_severity_group(view, task, severity, group, collapse=collapse))
    return "".join(parts)


def _severity_group(view: View, task: TaskReport, severity: Severity, group: Sequence[Finding], *,
                    collapse: bool) -> str:
    title = f"{SEVERITY_ICON[severity]} {severity.label.capitalize()} ({len(group)})"
    items = "".join(finding_item(view, f, relative_to=task.path) for f in group)
    if collapse:
        return f"<details>\n<summary>{title}</summary>\n\n{items}\n</details>\n\n"
    return f"**{title}**\n\n{items}\n"


def fix_groups(task: TaskReport, min_severity: Severity = Severity.INFO) -> dict[tuple[str, str], list[Finding]]:
    """The checklist's items: the task's findings at or above *min_severity* by (rule, fix), in
    the order of their first finding (most severe first)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in task.findings:
        if finding.severity >= min_severity:
            groups.setdefault((finding.rule, finding.fix), []).append(finding)
    return groups


def checklist_block(view: View, task: TaskReport, detail: Detail) -> str:
    """One ``- [ ]`` per rule and fix, with where, how long, and a total."""
    groups = fix_groups(task, detail.min_severity)
    if not groups:
        return ""
    lines = ["#### Checklist of fixes\n"]
    for (rule, fix), found in groups.items():
        ordered = sorted(found, key=lambda f: (f.path, f.line))
        where = ", ".join(location(f, view.link, relative_to=task.path) for f in ordered[:4])
        more = f" +{len(found) - 4} more" if len(found) > 4 else ""
        effort = minutes(sum(f.effort_minutes for f in found))
        lines.append(f"- [ ] {escape(fix)} — **{rule}** · {where}{more} · {effort}")
    total = sum(f.effort_minutes for found in groups.values() for f in found)
    lines.append(f"\n**Total: {minutes(total)}** for {plural(len(groups), 'fix', 'fixes')}.")
    return "\n".join(lines) + "\n\n"


def comparison_block(task: TaskReport) -> str:
    comparison = task.comparison
    if comparison is None:
        return ""
    if comparison.exemplar_score > task.score:
        heading = f"#### Compared with the exemplar {code(comparison.exemplar)}"
    else:  # this task is the best doc set in the repository: show the runner-up for scale
        heading = (f"#### This is the best-graded doc set in the repository; next best: "
                   f"{code(comparison.exemplar)}")
    rows = [f"{heading} — {comparison.exemplar_grade} ({comparison.exemplar_score}/100)\n",
            "| Aspect | this task | exemplar | better |", "|---|--:|--:|:-:|"]
    for category, mine, theirs in comparison.rows:
        rows.append(f"| {category.value.capitalize()} | {mine} | {theirs} | {_better(mine, theirs)} |")
    rows.append(f"| **Overall** | **{task.score}** | **{comparison.exemplar_score}** | "
                f"{_better(task.score, comparison.exemplar_score)} |")
    return "\n".join(rows) + "\n\n"


def _better(mine: int, theirs: int) -> str:
    if mine == theirs:
        return "="
    return "this task" if mine > theirs else "exemplar"


def scaffold_block(scaffold: Scaffold) -> str:
    return (f"<details>\n<summary>📄 Scaffold: {html(scaffold.title)} → <code>{html(scaffold.path)}</code>"
            f"</summary>\n\n{fenced(scaffold.body, 'markdown')}\n</details>\n\n")


def task_section(view: View, task: TaskReport, detail: Detail, *, open_: bool) -> str:
    change = view.delta.task(task.path) if view.delta is not None and view.delta.has_base else None
    moved = f" {arrow(change.scores.change)}" if change and change.scores.change is not None else ""
    summary = (f"<b>{html(task.name)}</b> · <code>{html(task.path)}</code> — {task.grade} "
               f"({task.score}/100){moved} · {plural(len(task.findings), 'open finding')} · "
               f"{minutes(task.effort_minutes)}")
    parts = [f"<details{' open' if open_ else ''}>\n<summary>{summary}</summary>\n\n",
             files_line(task), category_table(task)]
    if detail.lists is not None:
        parts.append(findings_block(view, task, detail))
    parts += [checklist_block(view, task, detail), comparison_block(task)]
    if detail.scaffolds and task.scaffolds:
        parts.append("#### Ready-to-paste scaffolds\n\n" + "".join(scaffold_block(s) for s in task.scaffolds))
    parts.append("</details>\n\n")
    return "".join(parts)


def files_line(task: TaskReport) -> str:
    cells = [f"{role.value} {code(path.rsplit('/', 1)[-1]) if path else '❌ *missing*'}"
             for role, path in task.files]
    return "**Files:** " + " · ".join(cells) + "\n\n"


def delta_block(view: View) -> str:
    delta = view.delta
    if delta is None or not delta.has_base:
        return ""
    overall = delta.overall
    moved = (f"{overall.base_grade} ({overall.base_score}) → {overall.grade} ({overall.score}) "
             f"{arrow(overall.change)}")
    counts = f"🆕 {len(delta.new)} new · ⏳ {len(delta.still_open)} still open · ✅ {len(delta.fixed)} fixed"
    parts = [f"### 🔁 Since base\n\n{moved} · {counts}\n\n"]
    if delta.new:
        parts.append("**🆕 New**\n\n" + _capped(view, delta.new, "marked 🆕 in the task sections"))
    if delta.still_open:
        items = _capped(view, delta.still_open, "in the task sections")
        summary = f"<summary>⏳ Still open ({len(delta.still_open)})</summary>"
        parts.append(f"<details>\n{summary}\n\n{items}</details>\n\n")
    if delta.fixed:
        parts.append("**✅ Fixed**\n\n" + _capped(view, delta.fixed, "fixed", fixed=True))
    return "".join(parts)


def _capped(view: View, findings: Sequence[Finding], rest: str, *, fixed: bool = False) -> str:
    lines = []
    for finding in findings[:LIST_CAP]:
        if fixed:  # the base's line may not exist at the head: no link
            where = code(f"{finding.path}:{finding.line}")
            message = escape(finding.message)
            lines.append(f"- ~~**{finding.rule}**~~ {escape(finding.name)} at {where} — {message}\n")
        else:
            lines.append(finding_item(view, finding, fix=False).replace("- 🆕 ", "- ", 1))
    if len(findings) > LIST_CAP:
        lines.append(f"- …and {len(findings) - LIST_CAP} more ({rest}).\n")
    return "".join(lines) + "\n"


def waived_block(view: View) -> str:
    waived = view.review.waived
    if not waived:
        return ""
    lines = [f"### 🙈 Waived findings ({len(waived)})\n"]
    for finding in waived[:LIST_CAP]:
        reason = escape(finding.waiver_reason) if finding.waiver_reason else "*no reason given*"
        lines.append(f"- **{finding.rule}** {escape(finding.name)} at {location(finding, view.link)} — "
                     f"{escape(finding.message)}{related_note(view, finding)}<br>↳ *Reason:* {reason}")
    if len(waived) > LIST_CAP:
        lines.append(f"- …and {len(waived) - LIST_CAP} more.")
    return "\n".join(lines) + "\n\n"


def audit_block(view: View) -> str:
    if not view.audit:
        return ""
    rows = ["### 🧾 Audit\n", "| When | Who | Action | Why |", "|---|---|---|---|"]
    for entry in sorted(view.audit, key=lambda e: e.at):
        action = escape(entry.action, cell=True)
        if entry == view.approval:
            action += " (gate override)"
        rows.append(f"| {escape(entry.at, cell=True)} | {actor(entry.actor, cell=True)} | {action} | "
                    f"{escape(entry.reason, cell=True)} |")
    return "\n".join(rows) + "\n\n"
