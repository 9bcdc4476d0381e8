"""The check run: conclusion from the gate, override, title, summary budget, annotations."""

from __future__ import annotations

from rules.core.finding import Severity
from rules.render.audit import AuditEntry
from rules.render.check import (
    MAX_OUTPUT_CHARS,
    Annotation,
    batches,
    render_check,
)
from tests.render.factories import big_review, finding, link, review, rich_task, task_report

SHA = "f" * 40
CRITICAL = finding("STR001", severity=Severity.CRITICAL, key="c")


def _approval(sha: str = SHA) -> AuditEntry:
    return AuditEntry("approve", "@lead", "2026-01-15T11:00:00Z", "release blocker, docs follow", sha=sha)


def test_passing_gate_gives_success_and_a_titled_grade() -> None:
    output = render_check(review(task_report("auth")))

    assert output.conclusion == "success"
    assert output.title == "A+ (100/100) — gate passed"


def test_failing_gate_gives_failure_naming_why_in_title_and_summary() -> None:
    output = render_check(review(task_report("auth", [CRITICAL])))

    assert output.conclusion == "failure"
    assert output.title.endswith("— gate failed: 1 blocking finding")
    assert "1 unwaived critical finding(s): STR001" in output.summary


def test_override_turns_failure_into_success_and_names_the_approver() -> None:
    head = review(task_report("auth", [CRITICAL]), head_sha=SHA)

    output = render_check(head, override=_approval(), audit=[_approval()])

    assert output.conclusion == "success"
    assert output.title.endswith("— gate overridden by @lead")
    assert "overridden by approval" in output.summary
    assert "Approved by `@lead` at `fffffff` (2026-01-15T11:00:00Z): *release blocker, docs follow*" in output.summary
    assert "| `@lead` | approved fffffff (gate override) | release blocker, docs follow |" in output.summary


def test_a_waive_entry_is_not_an_override() -> None:
    waive = AuditEntry("waive", "lead", "2026-01-15T11:00:00Z", "noise", rule="STR001")

    output = render_check(review(task_report("auth", [CRITICAL]), head_sha=SHA), override=waive)

    assert output.conclusion == "failure"


def test_summary_has_scorecard_delta_and_stamp() -> None:
    head = review(rich_task("auth"), rich_task("billing", count=3), head_sha=SHA)
    base = review(rich_task("auth", count=3))

    output = render_check(head, base=base)

    assert output.title.startswith(f"{head.grade} ({head.score}/100) ")
    assert " vs base — gate failed" in output.title
    assert "| Task | Score | Grade | Open findings | Fix effort | vs base |" in output.summary
    assert "| Category | auth | billing |" in output.summary
    assert "### 🔁 Since base" in output.summary
    assert f"head {SHA}" in output.summary and "rules 9-abcdef12" in output.summary
    assert "#### Checklist of fixes" in output.text


def test_annotation_levels_follow_severity() -> None:
    findings = [finding(f"TSK00{n}", severity=s, key=str(n), line=n + 1) for n, s in enumerate(Severity)]

    output = render_check(review(task_report("auth", findings)))

    levels = {a.title.split()[0]: a.annotation_level for a in output.annotations}
    assert levels == {"TSK004": "failure", "TSK003": "failure", "TSK002": "warning", "TSK001": "notice",
                      "TSK000": "notice"}
    first = output.annotations[0]
    assert (first.path, first.start_line, first.end_line) == ("dev/active/auth/auth-tasks.md", 5, 5)
    assert "\nFix: " in first.message and first.raw_details and "fingerprint" in first.raw_details


def test_annotations_are_capped_most_severe_first_with_a_note() -> None:
    big = big_review()

    output = render_check(big, max_annotations=200, link=link)

    assert len(output.annotations) == 200
    assert output.annotations[0].annotation_level == "failure"
    assert f"> ℹ️ {len(big.findings) - 200} annotations left out (cap reached)" in output.summary
    assert len(output.summary) <= MAX_OUTPUT_CHARS and len(output.text) <= MAX_OUTPUT_CHARS


def test_findings_on_a_folder_are_not_annotated_but_noted() -> None:
    folder = finding("STR001", severity=Severity.CRITICAL, path="dev/active/auth", key="folder")

    output = render_check(review(task_report("auth", [folder, finding(key="file")])))

    assert [a.path for a in output.annotations] == ["dev/active/auth/auth-tasks.md"]
    assert "1 finding concern a task folder" in output.summary


def test_annotation_message_and_title_respect_github_limits() -> None:
    huge = finding(message="é" * 70_000, name="n" * 400, key="huge")

    (annotation,) = render_check(review(task_report("auth", [huge]))).annotations

    assert len(annotation.message.encode("utf-8")) <= 65_536
    assert len(annotation.title) <= 255


def test_batches_split_annotations_fifty_per_request() -> None:
    notes = tuple(Annotation("p.md", i, i, "warning", "TSK001", "m") for i in range(1, 121))

    assert [len(batch) for batch in batches(notes)] == [50, 50, 20]
    assert batches(()) == []
    assert [len(batch) for batch in batches(notes, size=100)] == [100, 20]


def test_nothing_to_review_succeeds_saying_so_without_a_grade() -> None:
    output = render_check(review(notes=["no planning task found under dev/active"]))

    assert (output.conclusion, output.title) == ("success", "Nothing to review")
    assert output.summary.startswith("## nothing to review\n")
    assert "> ℹ️ no planning task found under dev/active" in output.summary
    assert "/100" not in output.summary and "A+" not in output.summary
    assert output.text == "No planning tasks were reviewed."
    assert output.annotations == ()


def test_check_output_is_deterministic() -> None:
    assert render_check(big_review(), link=link) == render_check(big_review(), link=link)
