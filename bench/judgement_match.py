"""Match the engine's findings for one task folder against its expert label (pure, no I/O).

The rules are those of ``tests/judgement/README.md``; where the README leaves a case open, the
choice made here is written next to the code and in ``bench/README.md``:

* A finding's places are its location and its related locations (``finding.related``: the other
  side of a contradiction, every further place of the same evidence); it matches an entry when
  **any** of its places matches **any** of the entry's ``where`` places and the categories agree.
  Rule codes are never looked at.
* A place matches when it is in the same file within 3 lines. An entry placed at line 1 whose
  kind can stand for an absence (missing-file, missing-section, coverage, freshness, estimates,
  verification, dependencies, risks) is file-level: any line of that file matches. At line 1, the
  other kinds (a status badge in the title, a file that is too long) are text that is there and
  match within 3 lines only. An entry placed in a file the folder does not have (a missing file)
  matches a file-level finding: one at line 1 of any file of the folder.
* Categories agree when equal, or when one is ``consistency`` and the other is ``plan``,
  ``context`` or ``tasks`` and the entry's kind is status-coherence, numbers or coverage, or when
  one is ``structure`` and the other ``plan``, ``context`` or ``tasks`` and the kind is
  missing-file (a missing plan is the folder's structure and the plan's category at once;
  labellers file it under either).
* Counting: an expected entry is recalled when at least one finding matches it (one finding may
  recall several entries; several findings on one entry recall it once, the extra ones are
  counted as ``repeats``). A finding is a false alarm when it matches no entry at all, or matches
  a trap and no expected or acceptable entry.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bench.judgement_labels import Entry, Label, Place

WINDOW = 3
ROLE_CATEGORIES = frozenset({"plan", "context", "tasks"})
CROSS_FILE_KINDS = frozenset({"status-coherence", "numbers", "coverage"})
STRUCTURE_KINDS = frozenset({"missing-file"})  # structure stands in for plan/context/tasks
# kinds that can stand for an absence: at line 1 they mean "this file lacks it", not the title line
ABSENCE_KINDS = frozenset({"missing-file", "missing-section", "coverage", "freshness", "estimates",
                           "verification", "dependencies", "risks"})
HIGH_SEVERITIES = frozenset({"critical", "high"})

Verdict = Literal["hit", "trap", "unlabelled"]
How = Literal["near", "file-level", "missing-file"]


class _Located(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...


class FindingLike(Protocol):
    """What the matcher reads of :class:`rules.core.finding.Finding`."""

    @property
    def rule(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def related(self) -> Sequence[_Located]: ...


@dataclass(frozen=True, slots=True)
class Observed:
    """One engine finding seen from the labelled folder: file names relative to that folder."""

    rule: str  # reported, never matched on
    category: str
    places: tuple[Place, ...]  # its location first, then its related locations
    message: str

    @property
    def where(self) -> str:
        return ", ".join(f"{p.file}:{p.line}" for p in self.places)


@dataclass(frozen=True, slots=True)
class Judged:
    finding: Observed
    matches: tuple[Entry, ...]
    verdict: Verdict
    file_level_only: bool = False  # a hit only through file-level (absence) entries


@dataclass(frozen=True, slots=True)
class FolderScore:
    """The comparison of one review with one label."""

    label: Label
    task: str  # the engine's task path
    engine_score: int
    engine_grade: str
    judged: tuple[Judged, ...]
    recalled: frozenset[str]  # ids of recalled expected entries

    @property
    def expected(self) -> tuple[Entry, ...]:
        return self.label.group("expected")

    @property
    def high_expected(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.expected if e.severity in HIGH_SEVERITIES)

    @property
    def missed(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.expected if e.id not in self.recalled)

    @property
    def high_recalled(self) -> int:
        return sum(1 for e in self.high_expected if e.id in self.recalled)

    @property
    def false_alarms(self) -> tuple[Judged, ...]:
        return tuple(j for j in self.judged if j.verdict != "hit")

    @property
    def repeats(self) -> int:
        """Findings beyond the first on an expected entry (the same problem reported again)."""
        hits = [e.id for j in self.judged for e in j.matches if e.group == "expected"]
        return len(hits) - len(set(hits))

    @property
    def file_level_hits(self) -> int:
        return sum(1 for j in self.judged if j.file_level_only)

    @property
    def delta(self) -> int:
        return abs(self.engine_score - self.label.expert_score)


def observe(finding: FindingLike, folder: str) -> Observed:
    """*finding* with its location and related locations made relative to *folder*."""
    located: list[_Located] = [finding, *finding.related]
    places = tuple(Place(posixpath.relpath(p.path, folder or "."), p.line) for p in located)
    return Observed(rule=finding.rule, category=str(finding.category), places=places, message=finding.message)


def categories_agree(finding_category: str, entry: Entry) -> bool:
    if finding_category == entry.category:
        return True
    pair = {finding_category, entry.category}
    if entry.kind in STRUCTURE_KINDS:
        return "structure" in pair and bool(pair & ROLE_CATEGORIES)
    if entry.kind not in CROSS_FILE_KINDS:
        return False
    return "consistency" in pair and bool(pair & ROLE_CATEGORIES)


def place_match(seen: Place, wanted: Place, *, kind: str, files: Collection[str]) -> How | None:
    """How a finding at *seen* points at the labelled place *wanted*, if it does. *files*: the
    folder's files, relative to it."""
    if wanted.file not in files:  # a missing file, labelled at its would-be line 1
        return "missing-file" if seen.line == 1 and seen.file in files else None
    if seen.file != wanted.file:
        return None
    if abs(seen.line - wanted.line) <= WINDOW:
        return "near"
    return "file-level" if wanted.line == 1 and kind in ABSENCE_KINDS else None


def match(finding: Observed, entry: Entry, files: Collection[str]) -> How | None:
    """How *finding* matches *entry* (the closest way), or None. Rule codes play no part."""
    if not categories_agree(finding.category, entry):
        return None
    found = {place_match(seen, wanted, kind=entry.kind, files=files)
             for seen in finding.places for wanted in entry.where}
    return next((how for how in ("near", "missing-file", "file-level") if how in found), None)


def judge(finding: Observed, entries: Iterable[Entry], files: Collection[str]) -> Judged:
    found = [(e, how) for e in entries if (how := match(finding, e, files)) is not None]
    groups = {e.group for e, _how in found}
    verdict: Verdict = "hit" if groups & {"expected", "acceptable"} else "trap" if groups else "unlabelled"
    loose = verdict == "hit" and all(how == "file-level" for e, how in found if e.group != "trap")
    return Judged(finding, tuple(e for e, _how in found), verdict, file_level_only=loose)


def score_folder(label: Label, findings: Sequence[Observed], *, files: Collection[str], task: str,
                 engine_score: int, engine_grade: str) -> FolderScore:
    """Match every finding of one task against its label."""
    judged = tuple(judge(f, label.entries, files) for f in findings)
    recalled = frozenset(e.id for j in judged for e in j.matches if e.group == "expected")
    return FolderScore(label, task, engine_score, engine_grade, judged, recalled)


@dataclass(frozen=True, slots=True)
class Summary:
    """Figures over several folders: pooled counts, and per-folder means where the README asks."""

    folders: int
    expected: int
    recalled: int
    high_expected: int
    high_recalled: int
    findings: int
    false_alarms: int
    repeats: int
    file_level_hits: int
    mean_delta: float | None  # mean over folders of |engine score - expert score|
    mean_recall: float | None  # mean over folders that expect something
    mean_false_alarm_rate: float | None  # mean over folders with at least one finding

    @property
    def recall(self) -> float | None:
        return _ratio(self.recalled, self.expected)

    @property
    def high_recall(self) -> float | None:
        return _ratio(self.high_recalled, self.high_expected)

    @property
    def false_alarm_rate(self) -> float | None:
        return _ratio(self.false_alarms, self.findings)


def summarise(scores: Sequence[FolderScore]) -> Summary:
    recalls = [r for s in scores if (r := _ratio(len(s.recalled), len(s.expected))) is not None]
    rates = [r for s in scores if (r := _ratio(len(s.false_alarms), len(s.judged))) is not None]
    return Summary(
        folders=len(scores),
        expected=sum(len(s.expected) for s in scores),
        recalled=sum(len(s.recalled) for s in scores),
        high_expected=sum(len(s.high_expected) for s in scores),
        high_recalled=sum(s.high_recalled for s in scores),
        findings=sum(len(s.judged) for s in scores),
        false_alarms=sum(len(s.false_alarms) for s in scores),
        repeats=sum(s.repeats for s in scores),
        file_level_hits=sum(s.file_level_hits for s in scores),
        mean_delta=_mean([s.delta for s in scores]),
        mean_recall=_mean(recalls),
        mean_false_alarm_rate=_mean(rates),
    )


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
