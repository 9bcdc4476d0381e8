"""Reviews run in a process pool within a time budget (issue 8, item 2): a review that runs out
of budget reports what it did not run and fails its gate; one stuck past budget + grace has its
process killed and replaced."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from bot.jobs.engine_pool import ProcessEngine, ReviewTimedOut, ThreadEngine
from rules.api import build_rules
from rules.api import review as run_engine
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot
from rules.core.engine import INCOMPLETE, is_incomplete
from tests.bot.slowrule import BusyLoop, SlowEngine

TODAY = dt.date(2026, 1, 15)
PLAN = "# Auth — Plan\n\n## Overview\n\nShip token login.\n"
CONTEXT = "# Auth — Context\n\nLast Updated: 2026-01-10\n\n## Current State\n\nEndpoint merged.\n"
TASKS = "# Auth — Tasks\n\n- [ ] Token endpoint (2h)\n"


def snapshot(*tasks: str) -> Snapshot:
    files = {}
    for task in tasks:
        for kind, text in (("plan", PLAN), ("context", CONTEXT), ("tasks", TASKS)):
            files[f"dev/active/{task}/{task}-{kind}.md"] = text.encode()
    return Snapshot(files)


def test_the_engine_stops_between_rules_and_says_what_it_did_not_run() -> None:
    asked = []

    def should_stop() -> bool:  # the budget runs out after the third question
        asked.append(1)
        return len(asked) > 3

    review = run_engine(snapshot("auth", "billing"), today=TODAY, should_stop=should_stop)

    assert is_incomplete(review)
    assert not review.gate.passed and review.gate.reasons[0] == INCOMPLETE
    (note,) = [n for n in review.notes if n.startswith(INCOMPLETE)]
    assert "dev/active/auth" in note and "dev/active/billing" in note
    assert "rule check(s) were not run" in note


def test_a_complete_review_is_untouched_by_a_budget_that_never_runs_out() -> None:
    with_budget = run_engine(snapshot("auth"), today=TODAY, should_stop=lambda: False)
    without = run_engine(snapshot("auth"), today=TODAY)

    assert with_budget == without
    assert not is_incomplete(with_budget)


async def test_a_slow_review_in_the_pool_comes_back_incomplete_when_its_budget_is_spent() -> None:
    engine = SlowEngine(seconds=1.0, grace=30.0)
    try:
        review = await engine.review(snapshot("auth"), budget=0.2, today=TODAY)
    finally:
        await engine.aclose()

    every_rule = len(build_rules(ReviewConfig()))
    assert is_incomplete(review)
    (note,) = review.notes
    assert "TST901" not in note and f"{every_rule} rule check(s) were not run" in note  # only the busy rule ran


async def test_a_review_stuck_past_budget_and_grace_is_killed_and_the_pool_goes_on() -> None:
    engine = SlowEngine(seconds=120.0, grace=1.0)
    try:
        started = time.monotonic()
        with pytest.raises(ReviewTimedOut):
            await engine.review(snapshot("auth"), budget=0.5, today=TODAY)
        stopped_after = time.monotonic() - started
        engine.seconds = 0.0
        after = await engine.review(snapshot("auth"), budget=30, today=TODAY)
    finally:
        await engine.aclose()

    assert stopped_after < 60  # not the 120 s the rule would have spun
    assert not is_incomplete(after) and after.tasks


async def test_the_pool_and_the_thread_give_the_same_review() -> None:
    pool, thread = ProcessEngine(processes=1, grace=10), ThreadEngine()
    try:
        in_pool = await pool.review(snapshot("auth"), budget=30, today=TODAY)
        in_thread = await thread.review(snapshot("auth"), budget=30, today=TODAY)
    finally:
        await pool.aclose()

    assert in_pool == in_thread


def test_the_busy_rule_is_a_real_rule() -> None:
    review = run_engine(snapshot("auth"), today=TODAY, rules=[BusyLoop({"seconds": 0.01})])
    assert review.tasks and not is_incomplete(review)
