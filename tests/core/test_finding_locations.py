"""A finding's related locations: built by ``Rule.finding(related=...)``, kept out of the
fingerprint, left alone by redaction (paths are identities) while every text stays redacted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Location, Severity
from rules.core.model import Role, TaskDocs
from rules.core.parse import parse_document
from rules.core.redactor import Redactor, redact_review
from rules.core.rule import Rule, RuleContext

PLAN = "dev/active/auth/auth-plan.md"
TASKS = "dev/active/auth/auth-tasks.md"


class _Pair(Rule):
    """Test rule.

    Why: tests.
    Bad: x
    Good: y
    """

    code = "TST901"
    name = "test-pair"
    category = Category.CONSISTENCY
    severity = Severity.HIGH
    rationale = "r"
    fix = "f"
    effort_minutes = 1

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        yield from ()


def _task() -> TaskDocs:
    plan = parse_document(PLAN, "# Plan\n\nPhase 1 done\n", Role.PLAN)
    tasks = parse_document(TASKS, "# Tasks\n\n- [ ] Phase 1\n", Role.TASKS)
    return TaskDocs("auth", "dev/active", "dev/active/auth", plan=plan, tasks=tasks)


def test_related_places_accept_documents_paths_and_locations_in_order_without_duplicates() -> None:
    task = _task()
    assert task.plan is not None and task.tasks is not None

    found = _Pair().finding(task, task.plan, 3, "m", related=[
        (task.tasks, 3), ("dev/active/auth/notes.md", 0), Location(TASKS, 3), (task.plan, 3)])

    assert found.related == (Location(TASKS, 3), Location("dev/active/auth/notes.md", 1))
    assert found.locations == (Location(PLAN, 3), *found.related)
    assert str(found.related[0]) == f"{TASKS}:3"


def test_a_finding_without_related_places_has_none_and_the_same_fingerprint_as_before() -> None:
    task = _task()
    assert task.plan is not None

    bare = _Pair().finding(task, task.plan, 3, "m", key="k")
    paired = _Pair().finding(task, task.plan, 3, "m", key="k", related=[(TASKS, 3)])

    assert bare.related == ()
    assert bare.locations == (Location(PLAN, 3),)
    before = hashlib.sha256("\x1f".join(("TST901", "dev/active/auth", PLAN, "k")).encode()).hexdigest()[:16]
    assert bare.fingerprint == paired.fingerprint == before  # the formula waivers and deltas rely on


def test_redaction_keeps_related_paths_and_still_masks_the_message() -> None:
    secret = "Hunter2Xyz!Qw"
    task = _task()
    assert task.plan is not None
    found = _Pair().finding(task, task.plan, 3, f"password {secret} here", related=[(TASKS, 3)])

    redacted = redact_review(found, Redactor([secret]))

    assert secret not in redacted.message
    assert redacted.related == (Location(TASKS, 3),)
