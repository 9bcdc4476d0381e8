"""Shared fixture harness: a fixture is Markdown with inline ``<!-- expect: CODE -->`` markers.

Layouts under ``tests/rules/fixtures/<CODE>/``:

* ``{pass,fail}_<scenario>-<role>.md``: one file, reviewed as ``dev/active/example/<name>``.
* ``{pass,fail}_<scenario>/``: a folder. If it holds a ``dev/`` folder it is a whole repository
  snapshot (every file kept at its relative path, and what the CLI's shell reports unreadable —
  a symlinked folder — as ``Snapshot.unreadable``); otherwise its files form one task folder
  ``dev/active/<scenario>/``.

Every ``<!-- expect: CODE -->`` marker (several may share a line: ``expect: CTX001, CTX002``)
asserts one unwaived finding of that rule on that line of that file; ``<!-- expect-waived: CODE -->``
asserts a waived one; ``<!-- expect-at: PATH:LINE CODE -->`` (in any file) asserts one on a path
that is not a file of the fixture, such as a symlinked folder; ``<!-- expect-also: CODE -->`` asserts
that line is one of the further places (``related``) of an unwaived finding of that rule: a rule
that reports several places of one problem as one finding marks its first place with ``expect``
and the others with ``expect-also``. A fixture with no markers must
produce no findings. Fixtures review as of ``TODAY`` unless the fixture holds
``<!-- today: YYYY-MM-DD -->``; the rule runs with its default options unless the fixture
holds ``<!-- options: {"max_age_days": 30} -->`` (JSON, validated by the rule's ``Options``
model like the repository config).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.rule import Rule

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 1, 15)
EXPECT = re.compile(r"<!--\s*expect(-waived)?:\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)\s*-->")
EXPECT_ALSO = re.compile(r"<!--\s*expect-also:\s*([A-Z]{3}\d{3}(?:\s*,\s*[A-Z]{3}\d{3})*)\s*-->")
EXPECT_AT = re.compile(r"<!--\s*expect-at:\s*(\S+):(\d+)\s+([A-Z]{3}\d{3})\s*-->")
TODAY_RE = re.compile(r"<!--\s*today:\s*(\d{4}-\d{2}-\d{2})\s*-->")
OPTIONS_RE = re.compile(r"<!--\s*options:\s*(\{.*?\})\s*-->")


def fixture_options(files: dict[str, bytes]) -> dict[str, object]:
    """Rule options declared in a fixture (``<!-- options: {...} -->``), merged across files."""
    options: dict[str, object] = {}
    for data in files.values():
        for match in OPTIONS_RE.finditer(data.decode("utf-8", errors="replace")):
            options.update(json.loads(match.group(1)))
    return options


def load_fixture(fixture: Path) -> dict[str, bytes]:
    if fixture.is_file():
        return {f"dev/active/example/{fixture.name}": fixture.read_bytes()}
    files = {str(p.relative_to(fixture)): p.read_bytes() for p in sorted(fixture.rglob("*")) if p.is_file()}
    if (fixture / "dev").is_dir():
        return files
    return {f"dev/active/{fixture.name}/{name}": data for name, data in files.items()}


def load_unreadable(fixture: Path) -> dict[str, str]:
    """What the CLI's shell cannot read in a whole-repository fixture (symlinked folders)."""
    if not (fixture / "dev").is_dir():
        return {}
    from bot.review.local import load_snapshot
    from rules.core.config import ReviewConfig

    return dict(load_snapshot(fixture, ReviewConfig()).unreadable)


def expected(files: dict[str, bytes]) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]], dt.date]:
    active: list[tuple[str, int, str]] = []
    waived: list[tuple[str, int, str]] = []
    today = TODAY
    for path, data in files.items():
        text = data.decode("utf-8", errors="replace")
        active.extend((where, int(line), code) for where, line, code in EXPECT_AT.findall(text))
        for number, line in enumerate(text.splitlines(), start=1):
            for match in EXPECT.finditer(line):
                target = waived if match.group(1) else active
                target.extend((path, number, code.strip()) for code in match.group(2).split(","))
        if found := TODAY_RE.search(text):
            today = dt.date.fromisoformat(found.group(1))
    return sorted(active), sorted(waived), today


def run_fixture(rule: Rule, fixture: Path) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    files = load_fixture(fixture)
    _active, _waived, today = expected(files)
    result = review(Snapshot(files, unreadable=load_unreadable(fixture)), today=today, rules=[rule], strict=True)
    found = [f for task in (*result.tasks, *result.others) for f in (*task.findings, *task.waived)]
    return (
        sorted((f.path, f.line, f.rule) for f in found if not f.waived),
        sorted((f.path, f.line, f.rule) for f in found if f.waived),
    )


def expected_related(files: dict[str, bytes]) -> list[tuple[str, int, str]]:
    """The ``expect-also`` markers: (path, line, code) of each place a finding must name as related."""
    places: list[tuple[str, int, str]] = []
    for path, data in files.items():
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            for match in EXPECT_ALSO.finditer(line):
                places.extend((path, number, code.strip()) for code in match.group(1).split(","))
    return sorted(places)


def related_places(rule: Rule, fixture: Path) -> set[tuple[str, int, str]]:
    """Every related place of the unwaived findings *rule* reports on *fixture*."""
    files = load_fixture(fixture)
    _active, _waived, today = expected(files)
    result = review(Snapshot(files, unreadable=load_unreadable(fixture)), today=today, rules=[rule], strict=True)
    return {(place.path, place.line, f.rule) for task in (*result.tasks, *result.others)
            for f in task.findings if not f.waived for place in f.related}
