"""Line extractors: statuses, ids, estimates, dates, progress claims."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.core import extract
from rules.core.model import Status


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("### Phase 3: Skills (2.5 hours) 🟡 IN PROGRESS", Status.IN_PROGRESS),
        ("## Phase 1 ✅ COMPLETE", Status.COMPLETE),
        ("- [ ] CRITICAL-6 Add backoff (PENDING)", Status.PENDING),
        ("**Status:** Complete (6/6)", Status.COMPLETE),
        ("Phase 4 — Optional", Status.OPTIONAL),
        ("⏸️ paused until Q3", Status.PAUSED),
        ("NOT STARTED", Status.NOT_STARTED),
        ("## Phase 2: Layout modes (Cancelled)", Status.PAUSED),
        ("**Status:** canceled", Status.PAUSED),
        ("We cancelled the weekly sync", None),
        ("Next: proceed to Phase 3", None),
        ("We need to complete the form before shipping", None),
        ("The TODOLIST module", None),
        # "planning" joined to the next word names the phase; after "Status:" it is the status
        ("### Phase 2: Planning & Structure", None),
        ("### Phase 2 (Planning and Design)", None),
        ("### Phase 0: Planning with Files setup", None),
        ("### Phase 2: Planning (2 days)", Status.PENDING),
        ("### Phase 2: Planning", Status.PENDING),
        ("**Status:** Planning & review", Status.PENDING),
        ("### Phase 3: Complete and verified", Status.COMPLETE),
    ],
)
def test_status_markers(line: str, status: Status | None) -> None:
    assert extract.find_status(line) is status


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        ("- CRITICAL-6 fix the migration", ("CRITICAL-6",)),
        ("## Phase 3: Polish", ("Phase 3",)),
        ("- [x] 7.1 Railway networking", ("7.1",)),
        ("Uses UTF-8 and SHA-256", ()),
        ("stage b and Stage 2", ("Stage 2",)),
    ],
)
def test_item_ids(line: str, ids: tuple[str, ...]) -> None:
    assert extract.find_ids(line) == ids


@pytest.mark.parametrize(
    ("line", "minutes"),
    [
        ("Create schema (30 min)", [(30, 30)]),
        ("Wire API 2h", [(120, 120)]),
        ("Refactor (1.5 hours)", [(90, 90)]),
        ("Remaining work (2-3 hours)", [(120, 180)]),
        ("Day 1, 4 hours", [(240, 240)]),
        ("Phase 1 (30 min - Effort: S)", [(30, 30), (60, 60)]),
        ("- [x] 7.3 Write workflow `[M]`", [(180, 180)]),
        ("Python 3.12 on 2026-02-15", []),
    ],
)
def test_estimates(line: str, minutes: list[tuple[int, int]]) -> None:
    assert [(e.minutes, e.minutes_high) for e in extract.find_estimates(line, 1)] == minutes


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("**Last Updated:** 2025-10-29 15:59", dt.date(2025, 10, 29)),
        ("> Last Updated: 2026-02-15", dt.date(2026, 2, 15)),
        ("*Last updated: Nov 11, 2025*", dt.date(2025, 11, 11)),
        ("Last Updated: 11 November 2025", dt.date(2025, 11, 11)),
        ("Last Updated: yesterday", None),
        ("Last Updated: 2025-13-45", None),
        ("## Current State (Last Updated: 2025-12-05)", dt.date(2025, 12, 5)),
        ("**Status:** in review (*Last updated*: Dec 5, 2025)", dt.date(2025, 12, 5)),
        # front-matter keys
        ("updated_at: 2026-05-01 14:30:00 +08:00", dt.date(2026, 5, 1)),
        ("lastUpdated: 2026-01-02", dt.date(2026, 1, 2)),
        ("last_updated: 2026-01-03", dt.date(2026, 1, 3)),
    ],
)
def test_labelled_dates(line: str, date: dt.date | None) -> None:
    ref = extract.find_date(line, 3)
    assert ref is not None and ref.label == "last updated" and ref.date == date


def test_unlabelled_lines_are_not_dates() -> None:
    assert extract.find_date("We shipped on 2025-10-29", 1) is None
    # in parentheses, only a last-updated stamp is the file's date
    assert extract.find_date("## Phase 1 (Completed: 2025-11-01)", 1) is None


def test_a_line_opening_with_a_calendar_sign_is_dated() -> None:
    ref = extract.find_date("> \U0001F4C5 A1/A2 analysis done: 2026-03-04", 2)
    assert ref is not None and ref.label == "date" and ref.date == dt.date(2026, 3, 4)
    assert extract.find_date("- [ ] Ship the export \U0001F4C5 2026-03-04", 5) is None  # a due date
    assert extract.find_date("\U0001F4C5 some day soon", 2) is None


def test_a_change_lists_updated_marker_is_not_a_date_line() -> None:
    assert extract.find_date("  - UPDATED: `resetTactics()` to simply clear tactics", 1) is None
    # an explicit "Last Updated" without a date is still a date line, to be flagged as not a date
    ref = extract.find_date("**Last Updated:** TBD", 1)
    assert ref is not None and ref.label == "last updated" and ref.date is None
    ref = extract.find_date("Updated: 2025-11-01", 1)
    assert ref is not None and ref.date == dt.date(2025, 11, 1)


@pytest.mark.parametrize(
    ("line", "claim"),
    [
        ("Overall: 95% complete", (None, None, 95.0)),
        ("5.5/6 complete (92%)", (5.5, 6.0, 92.0)),
        ("**Progress**: 6/6 (100%) ✅", (6.0, 6.0, 100.0)),
        ("Phase 0~6 done (77/77 tasks)", (77.0, 77.0, None)),
        ("Released 2025/11/11", None),
        ("ratio 3/4 of users", None),
    ],
)
def test_progress_claims(line: str, claim: tuple[float | None, float | None, float | None] | None) -> None:
    found = extract.find_progress(line, 1)
    assert (None if found is None else (found.done, found.total, found.percent)) == claim


def test_the_first_status_mark_is_the_one_the_mark_pattern_finds() -> None:
    import random

    from rules.core.extract import _MARK_RE, _first_mark

    pieces = ["DONE", "TODO", "IN PROGRESS", "IN_PROGRESS", "WIP", "A", "B", "-", "_", " ", "x", "1", "✅", "⚠", "🎉",
              "COMPLETE", "COMPLETED", "PARTIALLY COMPLETE", "ON-HOLD", "NOT STARTED", "API", "é", "ON", "HOLD"]
    rng = random.Random(5)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    found = [(m.start(), m.group()) if (m := _MARK_RE.search(t)) else None for t in texts]
    assert [_first_mark(t) for t in texts] == found
    assert any(found) and not all(found)


def test_a_documents_legend_gives_a_mark_its_own_meaning() -> None:
    lines = ("# Tasks", "", "## Status Legend", "- ✅ Complete", "- ⏸️ Pending", "- ❌ Blocked", "",
             "## Phase 2 ⏸️")

    marks = extract.legend_marks(lines)

    assert marks == {"⏸": Status.PENDING, "❌": Status.BLOCKED}  # ✅ already means complete
    assert extract.find_status(lines[-1], marks=marks) is Status.PENDING
    assert extract.find_status(lines[-1]) is Status.PAUSED


@pytest.mark.parametrize(
    "lines",
    [
        ("## Phase 2 ⏸️", "- ⏸️ Pending review by the design team, then resumed"),  # no legend title
        ("## Key Decisions", "- ⏸️ Pending"),  # "Key Decisions" is not a key of marks
        ("## Legend", "", "Marks follow the usual meaning.", "", "- ⏸️ Pending"),  # prose ends the legend
    ],
)
def test_no_legend_no_new_meaning(lines: tuple[str, ...]) -> None:
    assert extract.legend_marks(lines) == {}


@pytest.mark.parametrize(
    ("line", "percent"),
    [
        ("Progreso: 95% completado", 95.0),
        ("Прогресс: 40% завершено", 40.0),
        ("진행률: 80%", 80.0),
        ("进度95%", 95.0),
        ("Fortschritt: 60% abgeschlossen", 60.0),
    ],
)
def test_progress_claims_in_other_languages(line: str, percent: float) -> None:
    claim = extract.find_progress(line, 1)
    assert claim is not None and claim.percent == percent


def test_a_percentage_without_a_progress_word_is_no_claim() -> None:
    assert extract.find_progress("Cobertura del 95% del código", 1) is None


def test_front_matter_keys_name_creation_and_completion_dates() -> None:
    created, completed = extract.find_date("created_at: 2026-04-30", 2), extract.find_date("completedAt: 2026-05-16", 3)
    assert created is not None and created.label == "created" and created.date == dt.date(2026, 4, 30)
    assert completed is not None and completed.label == "completed" and completed.date == dt.date(2026, 5, 16)
    assert extract.find_date("Updated attachments: the new list", 1) is None
