"""Strengths and scaffolds (rules/core/insights.py, rules/core/scaffolds.py) on small docs of our own."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core import insights
from rules.core.discovery import Snapshot, discover
from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import RuleContext

TODAY = dt.date(2026, 3, 12)
CTX = RuleContext(today=TODAY)

PLAN = """# Checkout — Plan

## Executive Summary

Replace the legacy checkout with a two-step flow.

## Implementation Phases

### Phase 1: Cart API

- **Goal:** carts persist across devices
- **Duration:** 2 days
- **Status:** ✅ Complete
- **Acceptance criteria:** a cart survives a logout

### Phase 2: Payment step

- **Goal:** pay with saved cards
- **Duration:** 3 days
- **Status:** ⏳ Not started
- **Acceptance criteria:** a saved card pays in one click

### Phase 3: Rollout

- **Goal:** all traffic on the new flow
- **Duration:** 1 day
- **Status:** ⏳ Not started
- **Acceptance criteria:** error rate below 0.5% for 7 days

## Risks

| Risk | Probability | Impact | Mitigation | Status |
|------|-------------|--------|------------|--------|
| Card vault outage | Low | High | Fall back to re-entry | Open |
| Double charges | Medium | High | Idempotency keys | Open |
| Slow mobile pages | Medium | Medium | Budget of 200 KB per page | Open |

## Success Metrics

- Conversion up 5% in four weeks
- p95 page load < 1.5 s
- Fewer than 10 support tickets a week about payment

## Dependencies

- Phase 2 depends on Phase 1 (the cart id)
- Phase 3 after Phase 2 sign-off
"""

CONTEXT = """# Checkout — Context

Last Updated: 2026-03-10

## Session Log

- 2026-03-09: cart API merged (`a1b2c3d`)
- 2026-03-10: payment spike started (`e4f5a6b`)

## Key Decisions

- Keep Stripe because the vault is already there
- Idempotency keys in Redis rather than Postgres, so that retries stay cheap

## Next Steps

- Wire the saved-card form
- Load-test the payment step
"""

TASKS = """# Checkout — Tasks

Progress: 1/4 complete (25%)

## Phase 1: Cart API

- [x] Persist carts (2h)

## Phase 2: Payment step

- [ ] Saved-card form (3h)
- [ ] Charge endpoint (4h)
- [ ] Receipt email (1h)
"""


def task_of(**files: str) -> TaskDocs:
    snapshot = Snapshot({f"dev/active/checkout/{name}": text.encode() for name, text in files.items()})
    return discover(snapshot)[0]


def finding(rule: str, path: str, line: int, message: str, *, key: str = "",
            severity: Severity = Severity.MEDIUM) -> Finding:
    return Finding(rule=rule, name="x", severity=severity, category=Category.PLAN, task="dev/active/checkout",
                   path=path, line=line, message=message, fix="Fix it.", effort_minutes=5, key=key)


PLAN_PATH, CONTEXT_PATH = "dev/active/checkout/checkout-plan.md", "dev/active/checkout/checkout-context.md"
FULL = {"checkout-plan.md": PLAN, "checkout-context.md": CONTEXT, "checkout-tasks.md": TASKS}


# --- strengths ---------------------------------------------------------------------------------

def test_strengths_name_their_evidence_most_valuable_first() -> None:
    task = task_of(**FULL)

    found = insights.strengths(task, [], CTX)

    assert found == (
        "Risk register table with probability, impact, mitigation and status for all 3 risks "
        "(checkout-plan.md:32)",
        "Acceptance criteria under every phase (3/3 phases, 3 criteria in checkout-plan.md)",
        "All 3 phases carry goals, durations and statuses (checkout-plan.md:9)",
        "Every open task has an estimate (3/3 in checkout-tasks.md)",
        "Session log with dates and commit hashes (2 entries, checkout-context.md:5)",
        "Success metrics include 3 measurable targets (numbers or thresholds, checkout-plan.md:38)",
    )


def test_lower_ranked_strengths_appear_when_higher_ones_are_absent() -> None:
    task = task_of(**{"checkout-context.md": CONTEXT, "checkout-tasks.md": TASKS})

    found = insights.strengths(task, [], CTX)

    assert found == (
        "Every open task has an estimate (3/3 in checkout-tasks.md)",
        "Session log with dates and commit hashes (2 entries, checkout-context.md:5)",
        "Key decisions recorded with rationale (2 decisions, checkout-context.md:10)",
        "Progress summary (1/4) matches the checkboxes (checkout-tasks.md:3)",
        "Context updated 2 days before the review (checkout-context.md:3)",
        "Next steps ready for the next session (2 items, checkout-context.md:15)",
    )


def test_no_strengths_from_mere_absence_of_findings() -> None:
    task = task_of(**{"checkout-plan.md": "# Checkout\n\nShip it.\n", "checkout-tasks.md": "- [ ] Do it\n"})

    assert insights.strengths(task, [], CTX) == ()


def test_a_finding_about_the_same_thing_withholds_the_praise() -> None:
    task = task_of(**FULL)
    about_criteria = finding("PLN002", PLAN_PATH, 16, "Phase 2 has no acceptance criteria.")
    about_goals = finding("PLN002", PLAN_PATH, 16, "Phase 2 has no goal.")
    minor = finding("PLN002", PLAN_PATH, 16, "Phase 2 has no acceptance criteria.", severity=Severity.LOW)

    without_criteria = insights.strengths(task, [about_criteria], CTX)
    without_goals = insights.strengths(task, [about_goals], CTX)

    assert not any(s.startswith("Acceptance criteria") for s in without_criteria)
    assert any(s.startswith("All 3 phases carry goals") for s in without_criteria)
    assert not any(s.startswith("All 3 phases carry goals") for s in without_goals)
    assert insights.strengths(task, [minor], CTX) == insights.strengths(task, [], CTX)


def test_a_risk_table_with_an_unmitigated_risk_is_not_praised() -> None:
    plan = PLAN.replace("| Fall back to re-entry |", "| TBD |")

    found = insights.strengths(task_of(**{"checkout-plan.md": plan}), [], CTX)

    assert not any("Risk" in s for s in found)


def test_prose_risks_with_ratings_and_mitigations_are_praised() -> None:
    plan = """# P

## Risks

### Risk 1: Vault outage

Likelihood: Low. Impact: High.
Mitigation: fall back to card re-entry.

### Risk 2: Double charges

Likelihood: Medium. Impact: High.
Mitigation: idempotency keys.
"""
    found = insights.strengths(task_of(**{"checkout-plan.md": plan}), [], CTX)

    assert found == ("Every risk (2) is rated for likelihood and impact, with a mitigation "
                     "(checkout-plan.md:3)",)


def test_context_freshness_counts_days_before_today_only() -> None:
    def fresh(date: str) -> tuple[str, ...]:
        context = f"# C\n\nLast Updated: {date}\n"
        return insights.strengths(task_of(**{"checkout-context.md": context}), [], CTX)

    assert fresh("2026-03-12") == ("Context updated on the day of the review (checkout-context.md:3)",)
    assert fresh("2026-03-11") == ("Context updated 1 day before the review (checkout-context.md:3)",)
    assert fresh("2026-02-10") == ()
    assert fresh("2026-04-01") == ()


def test_estimate_praise_needs_nearly_every_open_task_estimated() -> None:
    def praised(tasks: str) -> tuple[str, ...]:
        return insights.strengths(task_of(**{"checkout-tasks.md": tasks}), [], CTX)

    ten = "".join(f"- [ ] Task {i} ({i}h)\n" for i in range(1, 11))

    assert praised(ten) == ("Every open task has an estimate (10/10 in checkout-tasks.md)",)
    nine = ten.replace("(10h)", "")

    assert praised(nine) == ("Nearly every open task has an estimate (9/10 in checkout-tasks.md)",)
    assert praised(nine.replace("(9h)", "")) == ()


def test_strengths_are_capped() -> None:
    assert len(insights.strengths(task_of(**FULL), [], CTX)) == insights.MAX_STRENGTHS


# --- scaffolds ---------------------------------------------------------------------------------

def test_missing_files_get_scaffolds_named_in_the_task_style() -> None:
    task = task_of(**{"CHECKOUT_TASKS.md": TASKS})

    found = insights.scaffolds(task, [], today=TODAY)

    assert [(s.title, s.path) for s in found] == [
        ("Create CHECKOUT_PLAN.md", "dev/active/checkout/CHECKOUT_PLAN.md"),
        ("Create CHECKOUT_CONTEXT.md", "dev/active/checkout/CHECKOUT_CONTEXT.md"),
    ]
    plan, context = found
    assert plan.body.startswith("# Checkout — Plan\n\n**Last Updated:** 2026-03-12\n")
    for heading in ("Executive Summary", "Current State", "Proposed Future State", "Implementation Phases",
                    "Risks and Mitigation", "Success Metrics", "Timeline", "Related Documents"):
        assert f"\n## {heading}\n" in plan.body
    assert "| Risk | Probability | Impact | Mitigation | Status |" in plan.body
    assert "### Phase 1: Cart API\n" in plan.body and "### Phase 2: Payment step\n" in plan.body
    assert "- **Depends on:** Phase 1: Cart API\n" in plan.body
    assert "[Tasks](./CHECKOUT_TASKS.md)" in plan.body
    for heading in ("Current State", "Blockers", "Session Log", "Key Decisions", "Lessons", "Next Steps"):
        assert f"\n## {heading}\n" in context.body
    assert "### 2026-03-12" in context.body


def test_a_new_tasks_file_starts_from_the_plan_phases_without_their_status() -> None:
    plan = PLAN.replace("### Phase 1: Cart API", "### Phase 1: Cart API ✅ COMPLETE")
    task = task_of(**{"checkout-plan.md": plan, "checkout-context.md": CONTEXT})

    (tasks,) = insights.scaffolds(task, [], today=TODAY)

    assert tasks.path == "dev/active/checkout/checkout-tasks.md"
    assert "## Phase 1: Cart API\n\n- [ ] <task> (<estimate, e.g. 2h>)\n  - Verify:" in tasks.body
    assert "## Phase 2: Payment step\n\nDepends on: Phase 1: Cart API\n" in tasks.body
    assert "## Phase 3: Rollout\n" in tasks.body


def test_a_missing_file_of_a_loose_task_is_scaffolded_beside_its_other_files() -> None:
    files = {"dev/checkout-plan.md": PLAN.encode(), "dev/active/pay-tasks.md": TASKS.encode(),
             "dev/active/pay-plan.md": PLAN.encode()}
    loose_in_dev, loose_in_active = discover(Snapshot(files))[::-1]

    in_dev = insights.scaffolds(loose_in_dev, [], today=TODAY)
    in_active = insights.scaffolds(loose_in_active, [], today=TODAY)

    assert [s.path for s in in_dev] == ["dev/checkout-context.md", "dev/checkout-tasks.md"]
    assert [s.path for s in in_active] == ["dev/active/pay-context.md"]


def test_an_unreadable_file_gets_no_scaffold() -> None:
    snapshot = Snapshot({PLAN_PATH: PLAN.encode(), "dev/active/checkout/checkout-tasks.md": TASKS.encode()},
                        unreadable={CONTEXT_PATH: "symlink leaves the repository"})

    assert insights.scaffolds(discover(snapshot)[0], [], today=TODAY) == ()


def test_missing_sections_reported_by_rules_get_section_scaffolds() -> None:
    task = task_of(**FULL)
    plan, context = PLAN_PATH, CONTEXT_PATH
    findings = [
        finding("PLN001", plan, 1, "Plan has no 'Risks and Mitigation' section (each risk …).", key="risks"),
        finding("PLN001", plan, 1, "Plan has no 'Timeline' section (a schedule).", key="schedule-group"),
        finding("PLN001", plan, 1, "Plan has no 'Risks and Mitigation' section.", key="risks"),
        finding("CTX001", context, 1, "Context has no `Last Updated:` line.", key="missing"),
        finding("CTX004", context, 1, "Context has no next steps.", key="next-steps"),
        finding("TSK004", plan, 1, "Open tasks have no estimate."),
        finding("PLN001", plan, 1, "Plan lacks something we cannot name.", key="???"),
    ]

    found = insights.scaffolds(task, findings, today=TODAY)

    assert [(s.title, s.path) for s in found] == [
        ("Add `## Risks and Mitigation` to checkout-plan.md", plan),
        ("Add `## Timeline` to checkout-plan.md", plan),
        ("Add a Last Updated line to checkout-context.md", context),
        ("Add `## Next Steps` to checkout-context.md", context),
    ]
    assert found[0].body.startswith("## Risks and Mitigation\n\n| Risk | Probability | Impact | Mitigation |")
    assert found[2].body == "**Last Updated:** 2026-03-12\n"


def test_one_finding_naming_several_missing_sections_gets_a_scaffold_for_each() -> None:
    task = task_of(**FULL)
    message = ("Plan 'risk-plan.md' has no 'Risks and Mitigation', 'Success Metrics' or 'Timeline' sections "
               "(Risks and Mitigation: each risk …; Success Metrics: …; Timeline: a schedule summarising the phases).")
    found = insights.scaffolds(task, [finding("PLN001", PLAN_PATH, 1, message, key="sections")], today=TODAY)

    assert [s.title for s in found] == ["Add `## Risks and Mitigation` to checkout-plan.md",
                                        "Add `## Success Metrics` to checkout-plan.md",
                                        "Add `## Timeline` to checkout-plan.md"]


def test_section_scaffolds_carry_the_known_phases_and_durations() -> None:
    task = task_of(**FULL)
    findings = [finding("PLN004", PLAN_PATH, 1, "No timeline summarises the phases.")]

    (timeline,) = insights.scaffolds(task, findings, today=TODAY)

    assert timeline.body.splitlines()[4:] == [
        "| Phase 1: Cart API | 2 days | <YYYY-MM-DD> | ⏳ |",
        "| Phase 2: Payment step | 3 days | <YYYY-MM-DD> | ⏳ |",
        "| Phase 3: Rollout | 1 day | <YYYY-MM-DD> | ⏳ |",
    ]


def test_the_engine_passes_today_to_scaffolds() -> None:
    snapshot = Snapshot({"dev/active/checkout/checkout-tasks.md": TASKS.encode()})

    report = review(snapshot, today=TODAY).tasks[0]
    titles = [s.title for s in report.scaffolds][:2]

    assert titles == ["Create checkout-plan.md", "Create checkout-context.md"]
    assert all("2026-03-12" in s.body for s in report.scaffolds[:2])
