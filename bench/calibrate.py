"""Scoring calibration: mean |engine score - expert score| over a grid of the score's parameters.

    PYTHONPATH=$PWD .venv/bin/python bench/calibrate.py --extra-corpus DIR [--factors 1.75,2,2.25]
        [--bounds 11,12,13] [--saturations 0,60,70] [--split tune]

Reviews every labelled folder of the split once, as ``bench/judgement.py`` does, keeps each
folder's category deductions, and scores them again with every setting of the pull factor, the
category bound and the total's saturation (``rules.core.scoring.overall``; saturation 0: none),
printing the mean absolute and the mean signed distance to the experts' scores (signed > 0: the
engine grades higher). Then the best setting, and the leave-one-out estimate: for each folder, the
setting chosen on the others, scored on it; an estimate of the distance on folders the setting was
not chosen on. The README's calibration section chooses on the tune split only.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.judgement import DEFAULT_LABELS, DEFAULT_SHARED, Corpora, repository_dir, review_label
from bench.judgement_labels import load_labels
from rules.core.config import ReviewConfig
from rules.core.report import CategoryScore
from rules.core.scoring import overall

Setting = tuple[float, float, float]  # factor, bound, saturation
Folder = tuple[tuple[CategoryScore, ...], dict, int]  # categories, weights, expert score


def _numbers(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def reviewed_folders(labels: Sequence, corpora: Corpora) -> list[Folder]:
    default = ReviewConfig()
    folders = []
    for label in labels:
        config = label.config if label.config is not None else default
        repo_dir = repository_dir(label, corpora)
        reviewed = review_label(label, repo_dir, config) if isinstance(repo_dir, Path) else repo_dir
        if not isinstance(reviewed, str):
            folders.append((reviewed.report.categories, dict(config.weights), label.expert_score))
    return folders


def gaps(folders: Sequence[Folder], setting: Setting) -> list[int]:
    factor, bound, saturation = setting
    return [overall(categories, weights, factor=factor, bound=bound, saturation=saturation) - expert
            for categories, weights, expert in folders]


def mean_distance(folders: Sequence[Folder], setting: Setting) -> float:
    return statistics.mean(map(abs, gaps(folders, setting)))


def leave_one_out(folders: Sequence[Folder], grid: Sequence[Setting]) -> float:
    distances = []
    for index, folder in enumerate(folders):
        rest = [*folders[:index], *folders[index + 1:]]
        chosen = min(grid, key=lambda setting: mean_distance(rest, setting))
        distances.append(abs(gaps([folder], chosen)[0]))
    return statistics.mean(distances)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--shared-corpus", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--extra-corpus", type=Path, default=None)
    parser.add_argument("--split", choices=("tune", "holdout"), default="tune")
    parser.add_argument("--factors", default="1.75,2,2.25,2.5,2.75,3")
    parser.add_argument("--bounds", default="12,14,16,18,20")
    parser.add_argument("--saturations", default="0,50,60,70,80,100,150")
    args = parser.parse_args(argv)
    labels = [label for label in load_labels(args.labels) if label.split == args.split]
    corpora = Corpora(args.shared_corpus if args.shared_corpus.is_dir() else None, args.extra_corpus)
    folders = reviewed_folders(labels, corpora)
    if not folders:
        print("no labelled folder of this split is on this machine", file=sys.stderr)
        return 1
    grid = list(itertools.product(_numbers(args.factors), _numbers(args.bounds), _numbers(args.saturations)))
    for setting in grid:
        found = gaps(folders, setting)
        factor, bound, saturation = setting
        print(f"factor {factor:4} bound {bound:4} saturation {saturation:5}: {args.split} "
              f"|d| {statistics.mean(map(abs, found)):5.2f} signed {statistics.mean(found):+.2f} (n={len(found)})")
    best = min(grid, key=lambda setting: mean_distance(folders, setting))
    print(f"best: factor {best[0]} bound {best[1]} saturation {best[2]}: |d| {mean_distance(folders, best):.2f}")
    if len(folders) > 1:
        print(f"leave-one-out: |d| {leave_one_out(folders, grid):.2f} (each folder scored with the setting "
              "chosen on the others)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
