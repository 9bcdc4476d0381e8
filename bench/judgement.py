"""Judgement benchmark: the engine's review of real task folders against expert labels (issue 9).

    .venv/bin/python bench/judgement.py [--labels DIR] [--extra-corpus DIR] [--split tune|holdout|all]
                                        [--verbose] [--json]

For every label file (``tests/judgement/labels/*.yaml`` by default; format and matching rules in
``tests/judgement/README.md``) it reads the labelled repository from its corpus (``shared``:
``../shared/corpus`` beside the checkout, or ``--shared-corpus``/``$DEVDOCS_CORPUS``; ``extra``:
``--extra-corpus``/``$DEVDOCS_EXTRA_CORPUS``), reviews the whole repository in-process as the App
would (default configuration, or the label's ``config`` for a layout the defaults do not cover,
``today`` from the label, the labelled task in focus) and matches
the task's findings against the label (``bench/judgement_match.py``). It prints, per folder and
per split, recall, critical/high recall, false alarms and the engine's score next to the expert's.
A folder whose corpus is not on this machine is skipped with a note. Exit status 0 (it is a
benchmark, not a gate), 2 when a label file cannot be read or does not follow the format.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.extra_corpus import corpus_dir, tree_file
from bench.judgement_labels import Label, LabelError, load_labels
from bench.judgement_match import FolderScore, Summary, observe, score_folder, summarise
from rules.api import review
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot, discover
from rules.core.model import TaskDocs
from rules.core.report import TaskReport

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = ROOT / "tests" / "judgement" / "labels"
DEFAULT_SHARED = ROOT.parent / "shared" / "corpus"
SPLITS = ("tune", "holdout")
LEGEND = (
    "exp/rec: expected entries and how many a finding matched; c/h: the same for critical+high entries; "
    "FA: findings matching no label entry, or only a trap (FA% of all findings); "
    "|d|: |engine score - expert score|. Pooled = counts summed over folders; mean = mean of per-folder figures."
)


@dataclass(frozen=True, slots=True)
class Corpora:
    shared: Path | None
    extra: Path | None

    def root(self, label: Label) -> Path | None:
        return self.shared if label.corpus == "shared" else self.extra


def repository_dir(label: Label, corpora: Corpora) -> Path | str:
    """The labelled repository's folder in its corpus, or a note saying why it is not here."""
    root = corpora.root(label)
    if root is None:
        return f"{label.name}: no {label.corpus} corpus given (--{label.corpus}-corpus); skipped"
    repo_dir = corpus_dir(root, label.repo)
    if not repo_dir.is_dir():
        return f"{label.name}: {repo_dir} not found; skipped"
    return repo_dir


def repository_snapshot(repo_dir: Path, commit: str | None = None) -> Snapshot:
    """Every file of the repository as stored in the corpus, so exemplars and links behave as in a PR.

    A corpus may also keep the repository's whole tree at the labelled commit, one path a line, in
    ``<repo_dir>@<commit>.tree`` beside the folder (``git ls-tree -r -z --name-only <commit>``, its NULs
    made newlines): the paths the CLI sees on a checkout, so path references are checked as they would
    be there."""
    files = {p.relative_to(repo_dir).as_posix(): p.read_bytes() for p in sorted(repo_dir.rglob("*")) if p.is_file()}
    tree = tree_file(repo_dir, commit) if commit else None
    if tree is not None and tree.is_file():
        return Snapshot(files, paths=frozenset(filter(None, tree.read_text(encoding="utf-8").splitlines())))
    return Snapshot(files)


def labelled_task(tasks: Sequence[TaskDocs], label: Label) -> TaskDocs | None:
    """The engine's task for the labelled folder. Loose files are labelled by the directory they sit
    in and their ``task`` prefix; without one, the loose task holding the labelled files."""
    loose = [t for t in tasks if t.loose and t.root == label.folder]
    if label.task is not None:
        return next((t for t in loose if t.name == label.task), None)
    for task in tasks:
        if task.path == label.folder:
            return task
    wanted = {f"{label.folder}/{p.file}" for e in label.entries for p in e.where}
    named = [t for t in loose if wanted & set(t.all_paths)]
    return named[0] if len(named) == 1 else loose[0] if len(loose) == 1 else None


def task_dir(task: TaskDocs) -> str:
    return task.root if task.loose else task.path


@dataclass(frozen=True)
class Reviewed:
    """The engine's review of one labelled folder."""

    task: TaskDocs
    report: TaskReport
    paths: tuple[str, ...]  # every path of the repository snapshot


def review_label(label: Label, repo_dir: Path, config: ReviewConfig) -> Reviewed | str:
    """Review the labelled repository with the labelled task in focus (or say why it cannot)."""
    snapshot = repository_snapshot(repo_dir, label.commit)
    tasks = discover(snapshot, active_roots=config.roots, archive_roots=config.archive_roots,
                     loose_roots=config.loose_roots, max_bytes=config.limits.max_file_bytes)
    task = labelled_task(tasks, label)
    if task is None:
        return f"{label.name}: the engine finds no such task; skipped"
    result = review(snapshot, today=label.today, config=config, focus=[task.path])
    return Reviewed(task, result.tasks[0], tuple(snapshot.all_paths()))


def evaluate(label: Label, repo_dir: Path, config: ReviewConfig) -> FolderScore | str:
    """Review the labelled repository with the labelled task in focus and match its findings."""
    reviewed = review_label(label, repo_dir, config)
    if isinstance(reviewed, str):
        return reviewed
    report = reviewed.report
    folder = task_dir(reviewed.task)
    files = frozenset(p[len(folder) + 1:] for p in reviewed.paths if p.startswith(folder + "/"))
    observed = [observe(f, folder) for f in report.findings]
    return score_folder(label, observed, files=files, task=report.path,
                        engine_score=report.score, engine_grade=report.grade)


def run(labels: Sequence[Label], corpora: Corpora) -> tuple[list[FolderScore], list[str]]:
    default = ReviewConfig()
    scores: list[FolderScore] = []
    notes: list[str] = []
    for label in labels:
        repo_dir = repository_dir(label, corpora)
        config = label.config if label.config is not None else default
        outcome = evaluate(label, repo_dir, config) if isinstance(repo_dir, Path) else repo_dir
        if isinstance(outcome, str):
            notes.append(outcome)
        else:
            scores.append(outcome)
    return scores, notes


# ---- output ------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width // 2 - 1] + "..." + text[-(width - width // 2 - 2):]


HEADER = (f"{'folder':<56} {'exp':>3} {'rec':>3} {'recall':>6} {'c/h':>5} {'find':>4} {'FA':>3} {'FA%':>4}"
          f" {'engine':>8} {'expert':>8} {'|d|':>4}")


def folder_row(s: FolderScore) -> str:
    name = _short(f"{s.label.repo.split('/')[-1]}:{s.task}", 56)
    recall = len(s.recalled) / len(s.expected) if s.expected else None
    rate = len(s.false_alarms) / len(s.judged) if s.judged else None
    return (f"{name:<56} {len(s.expected):>3} {len(s.recalled):>3} {_pct(recall):>6}"
            f" {f'{s.high_recalled}/{len(s.high_expected)}':>5} {len(s.judged):>4} {len(s.false_alarms):>3}"
            f" {_pct(rate):>4} {f'{s.engine_score} {s.engine_grade}':>8}"
            f" {f'{s.label.expert_score} {s.label.expert_grade}':>8} {s.delta:>4}")


def summary_rows(total: Summary) -> list[str]:
    pooled = (f"{'pooled':<56} {total.expected:>3} {total.recalled:>3} {_pct(total.recall):>6}"
              f" {f'{total.high_recalled}/{total.high_expected}':>5} {total.findings:>4} {total.false_alarms:>3}"
              f" {_pct(total.false_alarm_rate):>4} {'':>8} {'':>8} {_num(total.mean_delta):>4}")
    means = (f"  {total.folders} folder(s): recall {_pct(total.recall)} (mean per folder {_pct(total.mean_recall)}),"
             f" critical/high {_pct(total.high_recall)}, false alarms {_pct(total.false_alarm_rate)}"
             f" of {total.findings} findings (mean per folder {_pct(total.mean_false_alarm_rate)}),"
             f" mean |score - expert| {_num(total.mean_delta)}; {total.repeats} findings repeat a recalled"
             f" entry, {total.file_level_hits} count as hits only through a file-level (absence) entry")
    return [pooled, means]


def details(s: FolderScore) -> list[str]:
    lines = []
    for e in s.missed:
        places = ", ".join(f"{p.file}:{p.line}" for p in e.where)
        lines.append(f"    missed {e.id} {e.severity} {e.category}/{e.kind} at {places}: {e.what}")
    for j in s.false_alarms:
        why = "trap " + ",".join(e.id for e in j.matches) if j.verdict == "trap" else "unlabelled"
        lines.append(f"    false alarm ({why}) {j.finding.rule} {j.finding.where}: {j.finding.message}")
    return lines


def rule_rows(scores: Sequence[FolderScore]) -> list[str]:
    """Per rule: its findings, how many are hits, how many match only a trap, how many match nothing,
    and that false-alarm share; most false alarms first. Matching never looked at the rule: this only
    sorts its outcome by the rule that reported each finding."""
    counts: dict[str, dict[str, int]] = {}
    for s in scores:
        for j in s.judged:
            counts.setdefault(j.finding.rule, {"hit": 0, "trap": 0, "unlabelled": 0})[j.verdict] += 1
    order = sorted(counts.items(), key=lambda item: (-(item[1]["trap"] + item[1]["unlabelled"]), item[0]))
    rows = [f"{'rule':<8} {'find':>5} {'hit':>5} {'trap':>5} {'unl':>5} {'FA%':>5}"]
    for rule, c in order:
        total = sum(c.values())
        rows.append(f"{rule:<8} {total:>5} {c['hit']:>5} {c['trap']:>5} {c['unlabelled']:>5}"
                    f" {_pct((c['trap'] + c['unlabelled']) / total):>5}")
    return rows


def text_report(groups: Sequence[tuple[str, Sequence[FolderScore]]], notes: Sequence[str], *, verbose: bool,
                by_rule: bool = False) -> str:
    out: list[str] = []
    for title, scores in groups:
        out += ["", f"== {title}: {len(scores)} folder(s)", HEADER]
        for s in scores:
            out.append(folder_row(s))
            out += details(s) if verbose else []
        out += summary_rows(summarise(scores)) if scores else ["  (no folder)"]
        out += ["", f"-- {title}: findings by rule", *rule_rows(scores)] if by_rule and scores else []
    out += [f"note: {n}" for n in notes] + ["", LEGEND]
    return "\n".join(out).lstrip("\n")


def folder_json(s: FolderScore) -> dict[str, object]:
    return {
        "repo": s.label.repo, "commit": s.label.commit, "folder": s.label.folder, "label_task": s.label.task,
        "task": s.task,
        "split": s.label.split, "labeller": s.label.labeller,
        "expected": len(s.expected), "recalled": len(s.recalled),
        "high_expected": len(s.high_expected), "high_recalled": s.high_recalled,
        "findings": len(s.judged), "false_alarms": len(s.false_alarms), "repeats": s.repeats,
        "file_level_hits": s.file_level_hits,
        "engine_score": s.engine_score, "engine_grade": s.engine_grade,
        "expert_score": s.label.expert_score, "expert_grade": s.label.expert_grade, "delta": s.delta,
        "missed": [{"id": e.id, "severity": e.severity, "category": e.category, "kind": e.kind,
                    "where": [{"file": p.file, "line": p.line} for p in e.where], "what": e.what}
                   for e in s.missed],
        "false_alarm_list": [{"rule": j.finding.rule, "verdict": j.verdict, "traps": [e.id for e in j.matches],
                              "where": [{"file": p.file, "line": p.line} for p in j.finding.places],
                              "message": j.finding.message} for j in s.false_alarms],
    }


def summary_json(total: Summary) -> dict[str, object]:
    return {
        "folders": total.folders, "expected": total.expected, "recalled": total.recalled,
        "recall": total.recall, "high_expected": total.high_expected, "high_recalled": total.high_recalled,
        "high_recall": total.high_recall, "findings": total.findings, "false_alarms": total.false_alarms,
        "false_alarm_rate": total.false_alarm_rate, "repeats": total.repeats,
        "file_level_hits": total.file_level_hits, "mean_delta": total.mean_delta,
        "mean_recall": total.mean_recall, "mean_false_alarm_rate": total.mean_false_alarm_rate,
    }


def json_report(groups: Sequence[tuple[str, Sequence[FolderScore]]], notes: Sequence[str]) -> str:
    folders = [folder_json(s) for _title, scores in groups[-1:] for s in scores]
    splits = {title: summary_json(summarise(scores)) for title, scores in groups}
    return json.dumps({"folders": folders, "splits": splits, "notes": list(notes)}, indent=2)


def grouped(scores: Sequence[FolderScore], split: str) -> list[tuple[str, Sequence[FolderScore]]]:
    """The splits to print: each one asked for, then all of them together when ``split`` is all."""
    wanted = SPLITS if split == "all" else (split,)
    groups: list[tuple[str, Sequence[FolderScore]]] = [(n, [s for s in scores if s.label.split == n]) for n in wanted]
    if split == "all":
        groups.append(("all", list(scores)))
    return groups


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="directory of label files")
    parser.add_argument("--shared-corpus", type=Path, default=None,
                        help="corpus of 'shared' labels (default $DEVDOCS_CORPUS or ../shared/corpus)")
    parser.add_argument("--extra-corpus", type=Path, default=None,
                        help="corpus of 'extra' labels (default $DEVDOCS_EXTRA_CORPUS)")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--verbose", "-v", action="store_true", help="list missed entries and false alarms")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--by-rule", action="store_true",
                        help="also print, per split, each rule's findings: hits, trap-only and unlabelled")
    return parser.parse_args(argv)


def corpora_from(args: argparse.Namespace) -> Corpora:
    shared = args.shared_corpus or Path(os.environ.get("DEVDOCS_CORPUS") or DEFAULT_SHARED)
    extra = args.extra_corpus or (Path(v) if (v := os.environ.get("DEVDOCS_EXTRA_CORPUS")) else None)
    return Corpora(shared=shared, extra=extra)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    try:
        labels = load_labels(args.labels)
    except LabelError as error:
        print(f"judgement: {error}", file=sys.stderr)
        return 2
    chosen = [label for label in labels if args.split in ("all", label.split)]
    scores, notes = run(chosen, corpora_from(args))
    groups = grouped(scores, args.split)
    print(json_report(groups, notes) if args.json
          else text_report(groups, notes, verbose=args.verbose, by_rule=args.by_rule))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
