"""Scoring calibration: mean |engine score - expert score| over a grid of the pull factor and bound.

    PYTHONPATH=$PWD .venv/bin/python bench/calibrate.py --extra-corpus DIR [--factors 1.75,2,2.25]
                                                        [--bounds 11,12,13] [--split tune]

For each (factor, bound) it sets ``rules.core.scoring.PULL_FACTOR`` and ``MAX_CATEGORY_PULL`` for the
run, reviews every labelled folder of the split as ``bench/judgement.py`` does, and prints the mean
absolute and the mean signed distance to the experts' scores (signed > 0: the engine grades higher).
The README's calibration section chooses on the tune split only; ``--split holdout`` is for the record.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rules.core.scoring as scoring
from bench.judgement import DEFAULT_LABELS, DEFAULT_SHARED, Corpora, run
from bench.judgement_labels import load_labels


def _numbers(text: str, kind: type) -> list:
    return [kind(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--shared-corpus", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--extra-corpus", type=Path, default=None)
    parser.add_argument("--split", choices=("tune", "holdout"), default="tune")
    parser.add_argument("--factors", default="1.75,2,2.25,2.5,2.75,3")
    parser.add_argument("--bounds", default="11,12,13,14,15")
    args = parser.parse_args(argv)
    labels = [label for label in load_labels(args.labels) if label.split == args.split]
    corpora = Corpora(args.shared_corpus if args.shared_corpus.is_dir() else None, args.extra_corpus)
    saved = scoring.PULL_FACTOR, scoring.MAX_CATEGORY_PULL
    try:
        for factor, bound in itertools.product(_numbers(args.factors, float), _numbers(args.bounds, int)):
            scoring.PULL_FACTOR, scoring.MAX_CATEGORY_PULL = factor, bound
            scores, _notes = run(labels, corpora)
            if not scores:
                print("no labelled folder of this split is on this machine", file=sys.stderr)
                return 1
            gaps = [s.engine_score - s.label.expert_score for s in scores]
            print(f"factor {factor:4} bound {bound:2}: {args.split} |d| {statistics.mean(map(abs, gaps)):5.2f} "
                  f"signed {statistics.mean(gaps):+.2f} (n={len(gaps)})", flush=True)
    finally:
        scoring.PULL_FACTOR, scoring.MAX_CATEGORY_PULL = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
