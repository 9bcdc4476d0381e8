"""Rebuild the judgement benchmark's extra corpus from its manifest and local git clones.

    .venv/bin/python bench/extra_corpus.py --mirrors DIR --out DIR [--manifest tests/judgement/extra-corpus.tsv]

The labels with ``corpus: extra`` name folders of public repositories whose text is never part of
this project; ``tests/judgement/extra-corpus.tsv`` lists repository, commit, path and line count of
every file (tests/judgement/EXTRA_CORPUS.md). Given clones of those repositories under ``--mirrors``
(``<owner>+<name>/repo``, ``<owner>+<name>``, ``<owner>__<name>`` or ``<owner>__<name>.git``, bare or
not), this writes every listed file at its commit to ``<out>/<owner>__<name>/<path>`` and the
repository's tree at that commit to ``<out>/<owner>__<name>@<commit>.tree`` (the paths the CLI sees on
a checkout), the layout ``bench/judgement.py --extra-corpus`` reads. A file already there with the
manifest's line count is kept, so the command can be run again after more clones arrive.

It then lists what it could not write, with the reason (no clone, not at that commit, another line
count; a row may count lines as ``wc -l`` does, without a last line that has no newline), and exits 1
if anything is missing (0 otherwise, 2 for an unreadable manifest). Files whose
repository offers no clone were read from a search index's stored text (EXTRA_CORPUS.md says which);
they are written by hand and checked here by their line count only.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MANIFEST = ROOT / "tests" / "judgement" / "extra-corpus.tsv"
COLUMNS = ("repo", "commit", "path", "lines", "license")


def corpus_dir(root: Path, repo: str) -> Path:
    """Where a corpus keeps the files of *repo* (``owner/name``): ``<root>/<owner>__<name>``."""
    return root / repo.replace("/", "__")


def tree_file(repo_dir: Path, commit: str) -> Path:
    """The repository's tree at *commit*, one path a line, beside its folder: ``<repo_dir>@<commit>.tree``."""
    return repo_dir.with_name(f"{repo_dir.name}@{commit}.tree")


@dataclass(frozen=True, slots=True)
class Row:
    repo: str  # owner/name
    commit: str
    path: str
    lines: int


@dataclass(frozen=True, slots=True)
class Missing:
    row: Row
    reason: str


def read_manifest(path: Path) -> list[Row]:
    """The manifest's rows; ValueError naming the line when one does not fit the format."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: the header must be {' '.join(COLUMNS)} (tab-separated)")
        rows = []
        for number, raw in enumerate(reader, start=2):
            try:
                rows.append(Row(raw["repo"], raw["commit"], raw["path"], int(raw["lines"])))
            except (TypeError, ValueError):
                raise ValueError(f"{path}:{number}: not a row of {' '.join(COLUMNS)}") from None
    return rows


def line_count(data: bytes) -> int:
    """Lines as the labels count them: a last line without a newline counts."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def fits(data: bytes, lines: int) -> bool:
    """Whether *data* has the manifest's line count. Some rows were counted as ``wc -l`` does (newlines,
    so a last line without one is not counted): either count fits."""
    return lines in (line_count(data), data.count(b"\n"))


def clone_of(mirrors: Path, repo: str) -> Path | None:
    """The local clone of *repo* under *mirrors*, in any of the layouts the module docstring names."""
    owner_name_plus, owner_name_under = repo.replace("/", "+"), repo.replace("/", "__")
    for candidate in (mirrors / owner_name_plus / "repo", mirrors / owner_name_plus,
                      mirrors / owner_name_under, mirrors / f"{owner_name_under}.git"):
        if candidate.is_dir():
            return candidate
    return None


def _git(clone: Path, *args: str) -> bytes | None:
    done = subprocess.run(["git", "-C", str(clone), *args], capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def rebuild(rows: Iterable[Row], mirrors: Path, out: Path) -> list[Missing]:
    """Write every row's file (and its repository's tree) that a clone holds; what could not be written."""
    missing: list[Missing] = []
    trees_written: set[tuple[str, str]] = set()
    for row in rows:
        dest = corpus_dir(out, row.repo) / row.path
        if dest.is_file() and fits(dest.read_bytes(), row.lines):
            continue
        clone = clone_of(mirrors, row.repo)
        if clone is None:
            missing.append(Missing(row, "no clone of the repository"))
            continue
        data = _git(clone, "show", f"{row.commit}:{row.path}")
        if data is None:
            missing.append(Missing(row, "the clone does not hold the file at that commit"))
            continue
        if not fits(data, row.lines):
            missing.append(Missing(row, f"{line_count(data)} lines at that commit, the manifest says {row.lines}"))
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        key = (row.repo, row.commit)
        tree = tree_file(corpus_dir(out, row.repo), row.commit)
        if key not in trees_written and not tree.exists():
            # -z: every path as it is (without it git quotes a name such as 微信接入设置/plan.md in C escapes)
            listing = _git(clone, "ls-tree", "-r", "-z", "--name-only", row.commit)
            if listing is not None:
                tree.write_bytes(listing.replace(b"\0", b"\n"))
        trees_written.add(key)
    return missing


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--mirrors", type=Path, required=True, help="folder holding the clones")
    parser.add_argument("--out", type=Path, required=True, help="the extra corpus to write")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    try:
        rows = read_manifest(args.manifest)
    except (OSError, ValueError) as error:
        print(f"extra_corpus: {error}", file=sys.stderr)
        return 2
    missing = rebuild(rows, args.mirrors, args.out)
    for item in missing:
        print(f"missing: {item.row.repo} {item.row.commit[:12]} {item.row.path}: {item.reason}")
    print(f"{len(rows) - len(missing)} of {len(rows)} files in {args.out}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
