"""Secret scanning on pathological lines: the worst time per 200 KB line for each entry point.

    .venv/bin/python bench/redaction.py [--size 200000] [--top 8]

Each input is one line of a repeated unit (``?token=``, ``password ``, ``eyJ``, …: see
``PATHOLOGICAL_UNITS`` in tests/core/test_detectors.py) that would make an overlapping or
unbounded pattern quadratic. Prints, per entry point, the slowest inputs and their times:
``redact()`` (renderers, logs), ``find_secrets()`` and ``scan_lines()`` (SEC001/SEC002), and the
review boundary (``secret_values()`` + ``Redactor``). Linear code keeps every figure well under
a second on the development machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.core.redact import find_secrets, redact, scan_lines, secret_values
from rules.core.redactor import Redactor
from tests.core.test_detectors import PATHOLOGICAL_UNITS, pathological


def _boundary(line: str) -> object:
    return Redactor(secret_values([line]))(line)


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "redact": redact,
    "find_secrets": find_secrets,
    "scan_lines": lambda line: list(scan_lines([line])),
    "review boundary": _boundary,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    lines = {unit: pathological(unit, args.size) for unit in PATHOLOGICAL_UNITS}
    for name, call in ENTRY_POINTS.items():
        times = []
        for unit, line in lines.items():
            start = time.perf_counter()
            call(line)
            times.append((time.perf_counter() - start, unit))
        times.sort(reverse=True)
        worst = ", ".join(f"{unit!r} {seconds * 1000:.0f} ms" for seconds, unit in times[:args.top])
        print(f"{name:<16} worst {times[0][0] * 1000:6.0f} ms per {args.size // 1000} KB line; slowest: {worst}")


if __name__ == "__main__":
    main()
