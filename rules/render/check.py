"""The check run's output: conclusion, title, summary, text and annotations.

GitHub's limits shape it: summary and text ≤ 65 535 characters, annotation message ≤ 64 KB,
title ≤ 255 characters, annotations sent 50 per request (``batches``) and capped overall
(``max_annotations``), with a note in the summary of how many were left out.

A finding with related places (the same evidence elsewhere, the other side of a contradiction)
is annotated once on each file it involves, at its first place in that file, each annotation
saying where else the problem is ("Also at …").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rules.core.finding import Finding, Location, Severity
from rules.core.redact import redact
from rules.core.report import Review, TaskReport
from rules.render import _blocks as b
from rules.render._md import KEEP, Block, LinkFn, fit, minutes, places_text, plural, stamp_line
from rules.render.audit import AuditEntry
from rules.render.markdown import LEVELS, make_view, notes_block
from rules.render.neutral import clip, clip_bytes, defuse, html, plain

MAX_OUTPUT_CHARS = 65_535
MAX_TITLE_CHARS = 255
MAX_MESSAGE_BYTES = 65_536
ANNOTATIONS_PER_REQUEST = 50
DOC_SUFFIXES = (".md", ".markdown", ".mdx")

Conclusion = Literal["success", "failure", "neutral", "action_required"]
Level = Literal["notice", "warning", "failure"]


@dataclass(frozen=True, slots=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    annotation_level: Level
    title: str
    message: str
    raw_details: str | None = None


@dataclass(frozen=True, slots=True)
class CheckOutput:
    conclusion: Conclusion
    title: str
    summary: str
    text: str
    annotations: tuple[Annotation, ...] = ()


def render_check(
    review: Review,
    *,
    base: Review | None = None,
    link: LinkFn | None = None,
    audit: Sequence[AuditEntry] = (),
    max_annotations: int = 200,
    override: AuditEntry | None = None,
) -> CheckOutput:
    """The check run for *review*. An approval (*override*, or else an approval in *audit* for the
    reviewed head SHA) turns a failed gate into success, naming who approved in title and summary."""
    view = make_view(review, base=base, link=link, audit=audit)
    if override is not None and override.kind == "approve" and not review.gate.passed:
        view = b.View(view.review, view.delta, link, view.audit, override, view.new_ids)
    approval = view.approval
    candidates = annotations_for(review)
    kept = candidates[:max(0, max_annotations)]
    conclusion: Conclusion = "success" if review.gate.passed or approval is not None else "failure"
    return CheckOutput(
        conclusion=conclusion,
        title=_title(view, approval),
        summary=_summary(view, left_out=len(candidates) - len(kept), untied=_untied(review)),
        text=_text(view),
        annotations=kept,
    )


def batches(annotations: Sequence[Annotation],
            size: int = ANNOTATIONS_PER_REQUEST) -> list[tuple[Annotation, ...]]:
    """*annotations* in chunks of at most *size*: GitHub takes 50 per request."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [tuple(annotations[i:i + size]) for i in range(0, len(annotations), size)]


def _title(view: b.View, approval: AuditEntry | None) -> str:
    gate = view.review.gate
    if not view.review.reviewed:
        return "Nothing to review"
    if gate.passed:
        state = "gate passed"
    elif approval is not None:
        state = f"gate overridden by @{plain(approval.actor).lstrip('@')}"
    else:
        state = f"gate failed: {_blocking_summary(view.review)}"
    return clip(redact(f"{b.headline(view.review, view.delta)} — {state}"), MAX_TITLE_CHARS)


def _blocking_summary(review: Review) -> str:
    blockers = [f for f in review.findings if f.severity in review.gate.blocking]
    parts = []
    if blockers:
        parts.append(plural(len(blockers), "blocking finding"))
    if review.score is not None and review.score < review.gate.min_score:
        parts.append(f"score below {review.gate.min_score}")
    return ", ".join(parts) or "see summary"


def _summary(view: b.View, *, left_out: int, untied: int) -> str:
    review = view.review
    blocks = [
        Block(f"## {b.headline(review, view.delta)}\n\n", KEEP),
        Block(b.gate_block(view), KEEP),
        Block(_annotation_notes(left_out, untied), KEEP),
        Block(notes_block(review), KEEP),
        Block("### 📊 Scorecard\n\n" + b.overview_table(view) if review.tasks else "", 50, "the scorecard"),
        Block(b.category_matrix(review), 40, "the category table"),
        Block(b.delta_block(view), 30, "the changes since base"),
        Block(b.audit_block(view), 60, "the audit"),
        Block(f"---\n<sub>{html(stamp_line(review.stamp))}</sub>\n", KEEP),
    ]
    return fit([block for block in blocks if block.text], MAX_OUTPUT_CHARS, note=_cut_note)


def _cut_note(dropped: Sequence[Block]) -> str:
    names = ", ".join(block.label.removeprefix("task:") for block in dropped)
    return f"\n> ✂️ Left out to fit 65 535 characters: {names}. `devdocs-review check` shows everything.\n"


def _annotation_notes(left_out: int, untied: int) -> str:
    notes = ""
    if left_out:
        notes += (f"> ℹ️ {plural(left_out, 'annotation')} left out (cap reached); the most severe are shown. "
                  "Run `devdocs-review check` for every finding.\n\n")
    if untied:
        notes += (f"> ℹ️ {plural(untied, 'finding')} concern a task folder rather than a file "
                  "and appear in the details below, not as annotations.\n\n")
    return notes


def _text(view: b.View) -> str:
    """The details: each task's findings, checklist and exemplar comparison, shrunk like the memo."""
    if not view.review.tasks:
        return "No planning tasks were reviewed."
    for detail in LEVELS[1:]:
        blocks = _text_blocks(view, detail)
        text = redact("".join(block.text for block in blocks))
        if len(text) <= MAX_OUTPUT_CHARS:
            return text
    return fit(blocks, MAX_OUTPUT_CHARS, note=_cut_note)


def _text_blocks(view: b.View, detail: b.Detail) -> list[Block]:
    blocks = [Block(b.task_section(view, task, detail, open_=True), 10, f"task:{task.name}")
              for task in view.review.tasks]
    blocks.append(Block(b.waived_block(view), 20, "the waived findings"))
    return [block for block in blocks if block.text]


def annotations_for(review: Review) -> tuple[Annotation, ...]:
    """Annotations of the unwaived findings, most severe first: one on each reviewed file a finding
    involves (its primary place's file first)."""
    pairs = [(task, f) for task in review.tasks for f in task.findings]
    pairs.sort(key=lambda pair: pair[1].sort_key())
    return tuple(annotation(f, at) for task, f in pairs for at in _annotated_places(task, f))


def _annotated_places(task: TaskReport, finding: Finding) -> list[Location]:
    """The first place of *finding* in each file it involves that can carry an annotation."""
    firsts: dict[str, Location] = {}
    for where in finding.locations:
        if _on_file(task, where.path):
            firsts.setdefault(where.path, where)
    return list(firsts.values())


def _on_file(task: TaskReport, path: str) -> bool:
    files = {path for _, path in task.files if path}
    if path in files:
        return True
    return path != task.path and path.lower().endswith(DOC_SUFFIXES)


def _untied(review: Review) -> int:
    return sum(1 for task in review.tasks for f in task.findings if not _annotated_places(task, f))


def level_for(severity: Severity) -> Level:
    if severity >= Severity.HIGH:
        return "failure"
    return "warning" if severity is Severity.MEDIUM else "notice"


def annotation(finding: Finding, at: Location | None = None) -> Annotation:
    """*finding*'s annotation at *at* (default: its primary place), naming its other places."""
    at = at or finding.location
    title = clip(redact(plain(f"{finding.rule} {finding.name} ({finding.severity.label})")), MAX_TITLE_CHARS)
    others = [where for where in finding.locations if where != at]
    also_line = f"\nAlso at {places_text(others, lambda where: defuse(plain(str(where))))}" if others else ""
    message = redact(f"{defuse(plain(finding.message))}{also_line}\nFix: {defuse(plain(finding.fix))}")
    details = redact(f"Category: {finding.category.value} · effort {minutes(finding.effort_minutes)} · "
                     f"fingerprint {finding.fingerprint}")
    return Annotation(at.path, at.line, at.line, level_for(finding.severity), title,
                      clip_bytes(message, MAX_MESSAGE_BYTES), details)

