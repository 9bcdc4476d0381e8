"""Engine benchmark: review time as a ratio to markdown-it-py's parse time of the same bytes.

    .venv/bin/python bench/engine.py [--corpus ../shared/corpus] [--repeat 5]

Reviews every repository of the corpus (1x), then a generated 10x corpus (each task copied ten
times under new names), and prints the engine time, the markdown-it parse time of the same bytes
(same parser configuration as the engine), their ratio (target <= 1.5x) and how the time grows
from 1x to 10x (target: linear, i.e. about 10x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.parse import markdown_parser

TODAY = dt.date(2026, 11, 25)
Repos = list[dict[str, bytes]]


def load_corpus(root: Path) -> Repos:
    repos = []
    for repo in sorted(p for p in root.iterdir() if p.is_dir()):
        files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*.md"))}
        if files:
            repos.append(files)
    return repos


def scale(repos: Repos, factor: int) -> Repos:
    """Each task folder copied *factor* times (``<task>-copy3``), so tasks and bytes grow together."""
    scaled = []
    for files in repos:
        grown: dict[str, bytes] = {}
        for path, data in files.items():
            parts = path.split("/")
            for copy in range(factor):
                new = list(parts)
                if len(parts) >= 4:
                    new[2] = f"{parts[2]}-copy{copy}"
                else:
                    new[-1] = f"copy{copy}-{parts[-1]}"
                grown["/".join(new)] = data
        scaled.append(grown)
    return scaled


def best_of_interleaved(repeat: int, *works: Callable[[], object]) -> list[float]:
    """Best time of each piece of work, run in turns so both see the same machine load."""
    best = [float("inf")] * len(works)
    for _ in range(repeat):
        for index, work in enumerate(works):
            start = time.perf_counter()
            work()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def measure(repos: Repos, repeat: int) -> tuple[int, float, float]:
    parser = markdown_parser()
    texts = [data.decode("utf-8", errors="replace") for files in repos for data in files.values()]
    size = sum(len(data) for files in repos for data in files.values())
    parse, engine = best_of_interleaved(
        repeat,
        lambda: [parser.parse(t) for t in texts],
        lambda: [review(Snapshot(files), today=TODAY) for files in repos],
    )
    return size, parse, engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (pass --corpus)", file=sys.stderr)
        return 2
    base = load_corpus(args.corpus)
    rows = []
    for factor in (1, 10):
        repos = base if factor == 1 else scale(base, factor)
        size, parse, engine = measure(repos, args.repeat)
        rows.append((factor, size, parse, engine))
    print(f"{'corpus':>7} {'bytes':>10} {'markdown-it':>12} {'engine':>10} {'ratio':>7}")
    for factor, size, parse, engine in rows:
        print(f"{factor:>6}x {size:>10,} {parse * 1000:>10.1f}ms {engine * 1000:>8.1f}ms {engine / parse:>6.2f}x")
    growth_engine = rows[1][3] / rows[0][3]
    growth_bytes = rows[1][1] / rows[0][1]
    print(f"growth 1x -> 10x: bytes x{growth_bytes:.1f}, engine time x{growth_engine:.1f} "
          f"(linear would be x{growth_bytes:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
