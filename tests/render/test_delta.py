"""Head against base: score changes and findings New / Still open / Fixed by fingerprint."""

from __future__ import annotations

from dataclasses import replace

from rules.core.delta import compare
from rules.core.finding import Severity
from tests.render.factories import finding, review, task_report


def test_without_a_base_every_finding_is_new_and_no_change_is_known() -> None:
    head = review(task_report("auth", [finding(key="a"), finding(key="b")]))

    delta = compare(head, None)

    assert not delta.has_base
    assert delta.overall.change is None
    assert len(delta.new) == 2 and delta.still_open == () and delta.fixed == ()


def test_findings_are_matched_by_fingerprint_even_when_lines_shift() -> None:
    kept = finding("TSK004", key="estimate", line=10)
    gone = finding("CTX001", severity=Severity.HIGH, key="stale")
    added = finding("PLN001", severity=Severity.HIGH, key="risks")
    base = review(task_report("auth", [kept, gone]))
    head = review(task_report("auth", [replace(kept, line=42), added]))

    delta = compare(head, base)

    assert [f.rule for f in delta.new] == ["PLN001"]
    assert [(f.rule, f.line) for f in delta.still_open] == [("TSK004", 42)]
    assert [f.rule for f in delta.fixed] == ["CTX001"]


def test_duplicate_fingerprints_are_matched_one_for_one() -> None:
    twin = finding("TSK004", key="same")
    base = review(task_report("auth", [twin]))
    head = review(task_report("auth", [twin, replace(twin, line=9)]))

    delta = compare(head, base)

    assert (len(delta.new), len(delta.still_open), len(delta.fixed)) == (1, 1, 0)


def test_a_waived_finding_is_not_counted_as_fixed() -> None:
    problem = finding("CTX002", key="stale")
    base = review(task_report("auth", [problem]))
    head = review(task_report("auth", [replace(problem, waived=True, waiver_reason="migrating")]))

    assert compare(head, base).fixed == ()


def test_findings_of_a_task_still_present_but_out_of_focus_are_not_fixed() -> None:
    problem = finding("CTX002", task="dev/active/old", key="stale")
    base = review(task_report("old", [problem]))
    head = replace(review(task_report("auth")), others=(task_report("old", [problem]),))

    assert compare(head, base).fixed == ()


def test_scores_change_per_review_and_per_task_and_new_tasks_have_no_base() -> None:
    base = review(task_report("auth", [finding(severity=Severity.HIGH, key="x")]))
    head = review(task_report("auth"), task_report("billing", [finding(task="dev/active/billing")]))

    delta = compare(head, base)

    auth, billing = delta.tasks
    assert auth.scores.change == 100 - base.tasks[0].score
    assert billing.scores.base_score is None and billing.scores.change is None
    assert delta.overall.change == head.score - base.score
    assert delta.task("dev/active/billing") is billing
