"""Read a local checkout into a :class:`Snapshot` (the CLI's imperative shell).

Only planning docs under the configured roots are read; every other path is only listed (for
link checks). A symlink that leaves the repository, an unreadable file or one over the size limit
becomes an ``unreadable`` entry with a reason, and the review goes on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot, is_markdown

SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".tox",
                          ".pytest_cache", ".ruff_cache", ".hypothesis", "dist", "build", ".next", "target"})
MAX_LISTED_PATHS = 200_000


class InputError(ValueError):
    """The path given on the command line cannot be reviewed (one-line reason)."""


@dataclass(frozen=True, slots=True)
class Target:
    """What the user pointed at: the repository root and the task folders to grade."""

    repo_root: Path
    focus: tuple[str, ...] | None  # None: every active task


def resolve_target(path: Path, config_roots: tuple[str, ...], archive_roots: tuple[str, ...]) -> Target:
    """Accept a repository root, a doc root (``dev/active``) or one task folder."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if not path.is_dir():
        raise InputError(f"{path}: not a directory (give a repository, a doc root or a task folder)")
    resolved = path.resolve()
    roots = (*config_roots, *archive_roots)
    for candidate in (resolved, *resolved.parents):
        for root in roots:
            root_path = candidate / root
            if resolved == root_path:
                return Target(candidate, _tasks_in(candidate, root, config_roots))
            if resolved.parent == root_path:
                return Target(candidate, (f"{root}/{resolved.name}",))
        if (candidate / ".git").exists():
            break
    return Target(resolved, None)


def _tasks_in(repo_root: Path, root: str, active_roots: tuple[str, ...]) -> tuple[str, ...] | None:
    if root in active_roots:
        return None if len(active_roots) == 1 else _children(repo_root, root)
    return _children(repo_root, root)


def _children(repo_root: Path, root: str) -> tuple[str, ...]:
    folder = repo_root / root
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    loose = sorted({_loose_task(p.name) for p in folder.iterdir() if p.is_file() and is_markdown(p.name)})
    return tuple(f"{root}/{n}" for n in (*names, *(n for n in loose if n)))


def _loose_task(filename: str) -> str:
    from rules.core.discovery import role_of
    from rules.core.model import Role

    role, stem = role_of(filename)
    return "" if role is Role.EXTRA else (stem or "(unnamed)")


def load_snapshot(repo_root: Path, config: ReviewConfig) -> Snapshot:
    """Read planning docs under every root; list every other path."""
    roots = tuple(r.strip("/") for r in (*config.roots, *config.archive_roots))
    files: dict[str, bytes] = {}
    unreadable: dict[str, str] = {}
    paths = _list_paths(repo_root)
    for rel in sorted(paths):
        if not is_markdown(rel) or not any(rel.startswith(root + "/") for root in roots):
            continue
        reason = _read(repo_root, rel, config.limits.max_file_bytes, files)
        if reason is not None:
            unreadable[rel] = reason
    return Snapshot(files=files, paths=frozenset(paths), unreadable=unreadable,
                    has_tree=len(paths) < MAX_LISTED_PATHS)


def _list_paths(repo_root: Path) -> set[str]:
    found: set[str] = set()
    for current, dirs, names in os.walk(repo_root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        rel_dir = os.path.relpath(current, repo_root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
        found.update(prefix + d for d in dirs if os.path.islink(os.path.join(current, d)))
        if len(found) >= MAX_LISTED_PATHS:
            break
    return found


def _read(repo_root: Path, rel: str, max_bytes: int, files: dict[str, bytes]) -> str | None:
    """Read one doc into *files*; return a reason instead when it cannot be reviewed."""
    full = repo_root / rel
    if full.is_symlink():
        target = full.resolve()
        if not target.is_relative_to(repo_root.resolve()):
            return "symlink points outside the repository; not followed"
    try:
        size = full.stat().st_size
        if not full.is_file():
            return "not a regular file"
        if size > max_bytes:
            return (f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.1f} MB review limit; "
                    "not reviewed")
        with full.open("rb") as handle:
            files[rel] = handle.read(max_bytes + 1)
    except OSError as error:
        return f"cannot be read ({error.strerror or type(error).__name__})"
    return None
