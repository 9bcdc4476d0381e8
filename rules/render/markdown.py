"""The review memo: the sticky PR comment and ``devdocs-review check --format markdown``.

Reads like a senior reviewer's memo: headline grade and gate, a two-line executive summary,
strengths, critical gaps, the scorecard, then one collapsible section per task (findings by
severity, checklist of fixes with effort, exemplar comparison, scaffolds), what changed since the
base, waivers, the audit trail and a reproducibility stamp.

It always fits ``max_chars``: scaffolds go first, then low/info findings, then the per-finding
lists, then the task sections, then whole trailing sections; a closing note says what was left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rules.core.delta import Delta, compare
from rules.core.finding import Finding, Severity
from rules.core.redact import redact
from rules.core.report import Review
from rules.render import _blocks as b
from rules.render._md import KEEP, Block, LinkFn, fit, location, minutes, plural, severity_counts, stamp_line
from rules.render.audit import AuditEntry, active_approval
from rules.render.neutral import escape, html, plain

COMMENT_MARKER = "<!-- devdocs-review:sticky -->"
_DEFUSED_MARKER = "<!-- devdocs-review: sticky -->"
STRENGTHS_PER_TASK = 5
NAMED_IN_NOTE = 5

_MEDIUM, _HIGH = Severity.MEDIUM, Severity.HIGH
LEVELS = (
    b.Detail(),
    b.Detail(scaffolds=False),
    b.Detail(scaffolds=False, min_severity=_MEDIUM, lists=_MEDIUM),
    b.Detail(scaffolds=False, min_severity=_MEDIUM, lists=_HIGH),
    b.Detail(scaffolds=False, min_severity=_MEDIUM, lists=None),
)


def render_markdown(
    review: Review,
    *,
    base: Review | None = None,
    link: LinkFn | None = None,
    max_chars: int = 65536,
    audit: Sequence[AuditEntry] = (),
    title: str = "devdocs-review",
) -> str:
    """The memo for *review*, compared with *base* when given, within *max_chars* characters."""
    view = make_view(review, base=base, link=link, audit=audit)
    for level, detail in enumerate(LEVELS):
        blocks = memo_blocks(view, detail, title)
        note = left_out_note(review, detail, max_chars) if level else ""
        text = redact("".join(block.text for block in blocks) + note)
        if len(text) <= max_chars:
            return _defuse(text)
    return _defuse(fit(blocks, max_chars, note=lambda gone: left_out_note(review, detail, max_chars, gone)))


def make_view(review: Review, *, base: Review | None, link: LinkFn | None,
              audit: Sequence[AuditEntry]) -> b.View:
    delta: Delta | None = compare(review, base) if base is not None and review.reviewed else None
    new_ids = frozenset(id(f) for f in delta.new) if delta is not None else frozenset()
    approval = active_approval(audit, review.stamp.head_sha) if not review.gate.passed else None
    return b.View(review, delta, link, tuple(audit), approval, new_ids)


def _defuse(text: str) -> str:
    """The marker stays once, first: a doc quoting it must not make a second sticky comment."""
    return COMMENT_MARKER + text[len(COMMENT_MARKER):].replace(COMMENT_MARKER, _DEFUSED_MARKER)


def memo_blocks(view: b.View, detail: b.Detail, title: str) -> list[Block]:
    """The memo in reading order; priorities say what goes first when it must shrink."""
    review = view.review
    headline = f"{COMMENT_MARKER}\n## 📋 {plain(title)}: {b.headline(review, view.delta)}\n\n"
    blocks = [
        Block(headline, KEEP),
        Block(b.gate_block(view), 90, "the gate reasons"),
        Block(summary_block(view) if review.reviewed else "", 80, "the executive summary"),
        Block(notes_block(review), 70, "the review notes"),
        Block(strengths_block(review), 30, "the key strengths"),
        Block(gaps_block(view), 40, "the critical gaps"),
        Block("### 📊 Scorecard\n\n" + b.overview_table(view) if review.tasks else "", 50, "the scorecard"),
        Block(b.delta_block(view), 35, "the changes since base"),
    ]
    if detail.sections:
        blocks += [Block(b.task_section(view, task, detail, open_=index == 0 and _short(task.findings)), 10,
                         f"task:{task.name}") for index, task in enumerate(review.tasks)]
    blocks += [Block(b.waived_block(view), 20, "the waived findings"),
               Block(b.audit_block(view), 60, "the audit"), Block(footer(review, title), KEEP)]
    return [block for block in blocks if block.text]


def _short(findings: Sequence[Finding]) -> bool:
    return len(findings) <= 3 * b.LONG_TASK


def summary_block(view: b.View) -> str:
    """Two lines: the state the docs are in, and what blocks the merge."""
    return f"> {state_line(view.review)}\n> {blocking_line(view)}\n\n"


def state_line(review: Review, *, strong: Callable[[str], str] = lambda s: f"**{s}**",
               text: Callable[[str], str] = escape) -> str:
    """Where the docs stand, in one sentence; *strong* and *text* make it Markdown (default) or HTML."""
    findings = review.findings
    effort = minutes(sum(t.effort_minutes for t in review.tasks))
    issues = (f"{plural(len(findings), 'open finding')} ({severity_counts(findings)}), {effort} of fixes"
              if findings else "no open findings")
    if not review.tasks:
        return "No planning tasks were reviewed."
    if len(review.tasks) == 1:
        task = review.tasks[0]
        return f"{strong(text(task.name))} grades {strong(f'{text(task.grade)} ({task.score}/100)')} with {issues}."
    worst = min(review.tasks, key=lambda t: (t.score, t.path))
    best = max(review.tasks, key=lambda t: (t.score, t.path))
    return (f"{len(review.tasks)} tasks reviewed, from {strong(f'{text(worst.grade)} ({worst.score})')} in "
            f"{text(worst.name)} to {strong(f'{text(best.grade)} ({best.score})')} in {text(best.name)}; {issues}.")


def blocking_line(view: b.View) -> str:
    review = view.review
    gate = review.gate
    if gate.passed:
        high = sum(1 for f in review.findings if f.severity >= Severity.HIGH)
        start = f"; start with the {plural(high, 'high-severity finding')}" if high else ""
        return f"Nothing blocks the merge{start}."
    parts = []
    if review.score is not None and review.score < gate.min_score:
        parts.append(f"the score {review.score} is below the minimum of {gate.min_score}")
    blockers = [f for f in review.findings if f.severity in gate.blocking]
    if blockers:
        rules = ", ".join(dict.fromkeys(f"**{f.rule}** {escape(f.name)}" for f in blockers))
        parts.append(f"{plural(len(blockers), 'blocking finding')} ({rules})")
    text = "Blocking: " + (" and ".join(parts) if parts else escape("; ".join(gate.reasons))) + "."
    if view.approval is not None:
        text += f" An approval by {b.actor(view.approval.actor)} overrides the gate for this commit."
    return text


def notes_block(review: Review) -> str:
    return "".join(f"> ℹ️ {escape(note)}\n" for note in review.notes) + ("\n" if review.notes else "")


def strengths_block(review: Review) -> str:
    lines = []
    for task in review.tasks:
        prefix = f"**{escape(task.name)}**: " if len(review.tasks) > 1 else ""
        lines += [f"- ✅ {prefix}{escape(s)}" for s in task.strengths[:STRENGTHS_PER_TASK]]
    return "### ✅ Key strengths\n\n" + "\n".join(lines) + "\n\n" if lines else ""


def gaps_block(view: b.View) -> str:
    gaps = [(t, f) for t in view.review.tasks for f in t.findings if f.severity >= Severity.HIGH]
    if not gaps:
        return ""
    gaps.sort(key=lambda pair: pair[1].sort_key())
    many = len(view.review.tasks) > 1
    lines = ["### ❌ Critical gaps\n"]
    for task, finding in gaps[:b.LIST_CAP // 2]:
        where = f" in **{escape(task.name)}**" if many else ""
        lines.append(f"- ❌ **{finding.rule}** {escape(finding.name)} ({finding.severity.label}){where} — "
                     f"{escape(finding.message)} ({location(finding, view.link)})"
                     f"{b.related_note(view, finding)}")
    if len(gaps) > b.LIST_CAP // 2:
        lines.append(f"- …and {len(gaps) - b.LIST_CAP // 2} more in the task sections below.")
    return "\n".join(lines) + "\n\n"


def footer(review: Review, title: str) -> str:
    return f"---\n<sub>📋 {html(title)} · {html(stamp_line(review.stamp))}</sub>\n"


def left_out_note(review: Review, detail: b.Detail, max_chars: int, dropped: Sequence[Block] = ()) -> str:
    """What a shortened memo left out, and where to get all of it."""
    parts = [*_detail_parts(review, detail), *_dropped_parts(dropped)]
    limit = f"{max_chars:,}".replace(",", " ")
    return (f"\n> ✂️ **Shortened to fit {limit} characters.** Left out: {'; '.join(parts) or 'nothing'}. "
            "Run `devdocs-review check --format markdown` for the full review.\n")


def _detail_parts(review: Review, detail: b.Detail) -> list[str]:
    parts = []
    scaffolds = sum(len(t.scaffolds) for t in review.tasks)
    if not detail.scaffolds and scaffolds:
        parts.append(plural(scaffolds, "ready-to-paste scaffold"))
    low = sum(1 for f in review.findings if f.severity < detail.min_severity)
    if low:
        parts.append(f"{plural(low, 'low/info finding')} and their checklist items")
    if detail.lists is None:
        parts.append("the per-finding lists (each checklist still names every rule and line)")
    elif detail.lists > detail.min_severity:
        parts.append("the list entries of medium findings (their checklist items remain)")
    return parts


def _dropped_parts(dropped: Sequence[Block]) -> list[str]:
    tasks = [block.label.removeprefix("task:") for block in dropped if block.label.startswith("task:")]
    parts = [block.label for block in dropped if not block.label.startswith("task:")]
    if tasks:
        names = ", ".join(escape(name) for name in tasks[:NAMED_IN_NOTE])
        names += f" and {len(tasks) - NAMED_IN_NOTE} more" if len(tasks) > NAMED_IN_NOTE else ""
        parts.insert(0, f"the {'section' if len(tasks) == 1 else 'sections'} of {plural(len(tasks), 'task')} "
                        f"({names}; the scorecard has their grades)")
    return parts
