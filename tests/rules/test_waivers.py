"""Waivers end to end: a valid in-document waiver suppresses another rule's finding (and keeps its
reason), an invalid one does not and is itself reported by WVR001."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Category, Finding
from rules.core.report import TaskReport
from rules.structure.lnk001_broken_relative_link import BrokenRelativeLink
from rules.structure.str010_empty_document import EmptyDocument
from rules.structure.wvr001_invalid_waiver import InvalidWaiver

TODAY = dt.date(2026, 1, 15)
TASK = "dev/active/auth"
PLAN = "# Auth — Plan\n\n## Overview\n\nShip token login.\n"
TASKS = "# Auth — Tasks\n\n- [ ] Token endpoint (2h)\n"
LINK = "See [the design](design/login.md).\n"


def context(waiver: str = "") -> str:
    return f"# Auth — Context\n\n{waiver}\n\n## Current State\n\nEndpoint merged. {LINK}"


def graded(plan: str = PLAN, ctx: str = "", tasks: str = TASKS,
           extra_waivers: dict[str, str] | None = None) -> TaskReport:
    files = {"auth-plan.md": plan, "auth-context.md": ctx or context(), "auth-tasks.md": tasks}
    snapshot = Snapshot({f"{TASK}/{name}": text.encode() for name, text in files.items()})
    result = review(snapshot, today=TODAY, rules=[BrokenRelativeLink(), EmptyDocument(), InvalidWaiver()],
                    strict=True, extra_waivers=extra_waivers)
    (task,) = result.tasks
    return task


def rules_of(findings: tuple[Finding, ...]) -> list[str]:
    return sorted(f.rule for f in findings)


def test_valid_waiver_suppresses_the_finding_and_keeps_its_reason() -> None:
    waiver = '<!-- devdocs-review-disable LNK001 reason="design lives in the wiki" until=2026-06-30 -->'

    task = graded(ctx=context(waiver))

    assert rules_of(task.findings) == []
    (waived,) = task.waived
    assert (waived.rule, waived.waived, waived.waiver_reason) == ("LNK001", True, "design lives in the wiki")
    assert waived.points == 0
    assert task.category(Category.STRUCTURE).score == 100


def test_waiver_due_today_still_applies() -> None:
    waiver = '<!-- devdocs-review-disable LNK001 reason="wiki" until=2026-01-15 -->'

    task = graded(ctx=context(waiver))

    assert rules_of(task.waived) == ["LNK001"]


def test_expired_waiver_does_not_suppress_and_is_reported() -> None:
    waiver = '<!-- devdocs-review-disable LNK001 reason="design lives in the wiki" until=2026-01-14 -->'

    task = graded(ctx=context(waiver))

    assert rules_of(task.findings) == ["LNK001", "WVR001"]
    assert task.waived == ()
    (invalid,) = [f for f in task.findings if f.rule == "WVR001"]
    assert "expired on 2026-01-14" in invalid.message
    assert invalid.line == 3


def test_waiver_without_reason_does_not_suppress() -> None:
    task = graded(ctx=context("<!-- devdocs-review-disable LNK001 -->"))

    assert rules_of(task.findings) == ["LNK001", "WVR001"]
    assert task.waived == ()


def test_waiver_applies_only_to_the_file_it_stands_in() -> None:
    waiver = '<!-- devdocs-review-disable LNK001 reason="wiki" -->\n'

    task = graded(plan=waiver + PLAN + LINK)

    assert [(f.rule, f.path) for f in task.waived] == [("LNK001", f"{TASK}/auth-plan.md")]
    assert [(f.rule, f.path) for f in task.findings] == [("LNK001", f"{TASK}/auth-context.md")]


def test_one_waiver_can_name_several_rules() -> None:
    waiver = '<!-- devdocs-review-disable LNK001, STR010 reason="stub kept for the importer" -->\n'

    task = graded(tasks=waiver + "# Tasks — see [the design](design/login.md)\n")

    assert rules_of(task.waived) == ["LNK001", "STR010"]
    assert rules_of(task.findings) == ["LNK001"]  # the context's own link is not covered


def test_empty_document_waived_restores_its_category() -> None:
    waiver = '<!-- devdocs-review-disable STR010 reason="tasks tracked in Linear for now" -->\n'

    bare = graded(tasks="# Tasks\n")
    waived = graded(tasks=waiver + "# Tasks\n")

    assert bare.category(Category.TASKS).score == 0
    assert waived.category(Category.TASKS).score == 100
    assert waived.waived[0].waiver_reason == "tasks tracked in Linear for now"


def test_invalid_waiver_findings_cannot_themselves_be_waived() -> None:
    waivers = '<!-- devdocs-review-disable WVR001 reason="quiet" -->\n<!-- devdocs-review-disable LNK001 -->'

    task = graded(ctx=context(waivers))

    assert rules_of(task.findings) == ["LNK001", "WVR001", "WVR001"]
    assert task.waived == ()


def test_review_level_waiver_applies_to_every_file() -> None:
    task = graded(plan=PLAN + LINK, extra_waivers={"LNK001": "approved by @lead in the PR"})

    assert rules_of(task.findings) == []
    assert {f.waiver_reason for f in task.waived} == {"approved by @lead in the PR"}
