"""Worst-case engine time per rule on pathological Markdown, per 200 KB of input.

    .venv/bin/python bench/pathological.py [--size 200000] [--roles plan context tasks all]
                                           [--match TEXT] [--repeat 1] [--top 0]

Builds every input of the catalogue in tests/perf/pathological.py (long runs of one character,
unclosed constructs, deep nesting, huge tables, many headings, many short lines, ...) at
``--size`` characters, puts it in each role (plan, context, tasks, and all three at once), runs
discovery and parsing, every rule on its own, waivers, strengths and scaffolds, and prints for
each stage the worst time scaled to 200 KB and the input that caused it (target < 2 s per 200 KB).
``markdown-it`` is a plain markdown-it parse of the same text (the library's share of ``parse``),
``redactor`` the collection of the secret values every output is masked with, ``review`` the
whole review from end to end (parse, rules, insights, the final redaction of every string).
``--top N`` also lists the N slowest (input, role, stage) triples overall.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.perf.pathological import PER, ROLES, cases, copies, time_stages

TARGET = 2.0  # seconds per 200 KB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=PER, help="characters per input (default 200000)")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    parser.add_argument("--match", default="", help="only inputs whose name contains this text")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per input")
    parser.add_argument("--top", type=int, default=0, help="also list the N slowest triples")
    args = parser.parse_args()

    worst: dict[str, tuple[float, str]] = {}
    triples: list[tuple[float, str, str, str]] = []
    chosen = [c for c in cases() if args.match in c.name]
    started = time.perf_counter()
    for case in chosen:
        text = case.text(args.size)
        for role in args.roles:
            scale = PER / max(1, len(text) * copies(role))
            best: dict[str, float] = {}
            for _ in range(args.repeat):
                for stage, seconds in time_stages(text, role, markdown_it=True, whole=True).items():
                    best[stage] = min(best.get(stage, seconds), seconds)
            for stage, seconds in best.items():
                per = seconds * scale
                triples.append((per, stage, case.name, role))
                if per > worst.get(stage, (-1.0, ""))[0]:
                    worst[stage] = (per, f"{case.name} as {role}")
    print(f"{len(chosen)} inputs x {len(args.roles)} roles at {args.size:,} characters "
          f"in {time.perf_counter() - started:.0f} s; times scaled to {PER:,} characters")
    print(f"{'stage':<10} {'worst s/200KB':>13}  input")
    for stage, (per, where) in sorted(worst.items(), key=lambda kv: -kv[1][0]):
        flag = "  OVER TARGET" if per >= TARGET else ""
        print(f"{stage:<10} {per:>13.3f}  {where}{flag}")
    if args.top:
        print(f"\nslowest {args.top}:")
        for per, stage, name, role in sorted(triples, reverse=True)[: args.top]:
            print(f"{per:8.3f}  {stage:<10} {name} as {role}")
    not_rules = ("parse", "markdown-it", "review", "redactor")
    over = [stage for stage, (per, _) in worst.items() if per >= TARGET and stage not in not_rules]
    print(f"\nrules over {TARGET:.0f} s per 200 KB: {', '.join(sorted(over)) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
