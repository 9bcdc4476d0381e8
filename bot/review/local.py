"""Read a local checkout into a :class:`Snapshot` (the CLI's imperative shell).

Only planning docs under the configured roots are read; every other path is only listed (for
link checks). A symlink that leaves the repository, an unreadable file or one over the size limit
becomes an ``unreadable`` entry with a reason, and the review goes on. A doc root or a folder
under one that is a symlink is never followed (GitHub does not follow it either): it becomes an
``unreadable`` entry too, so the review reports it (STR011) instead of silently finding nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rules.core.config import ReviewConfig
from rules.core.discovery import DocRoots, Snapshot, is_markdown, role_of
from rules.core.model import Role

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
    # a folder outside the configured roots that PATH names as a doc root (the parent of the task folder
    # given, or the ``active`` folder given): reviewed as one for this run
    extra_root: str | None = None


def resolve_target(path: Path, config: ReviewConfig) -> Target:
    """Accept a repository root, a doc root (``dev/active``), one task folder, or one task file
    (``dev/job-search-plan.md``, ``dev/active/auth/auth-plan.md``: its task)."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if not path.is_dir():
        return _file_target(path, config.doc_roots)
    resolved = path.resolve()
    roots = tuple(r.strip("/") for r in (*config.roots, *config.archive_roots))
    for candidate in (resolved, *resolved.parents):
        for root in roots:
            root_path = candidate / root
            if resolved == root_path:
                return Target(candidate, _tasks_in(candidate, root, config.roots))
            if resolved.parent == root_path:
                return Target(candidate, (f"{root}/{resolved.name}",))
        for root in config.doc_roots.loose:
            if resolved == candidate / root:  # dev/: every active task (dev/active/* and dev/*-plan.md)
                return Target(candidate, None)
        if (candidate / ".git").exists():
            break
    return _outside_roots(resolved, config.doc_roots) or Target(resolved, None)


def _outside_roots(folder: Path, roots: DocRoots) -> Target | None:
    """A task folder (plan, context or tasks files directly in it) or an ``active`` folder of task
    folders that no configured root holds (``.claude/dev-docs/active/auth``): the user named it, so its
    parent (or itself) is reviewed as a doc root. Never a repository root (a ``.git`` in it), nor a
    folder under a configured root (``dev/scripts/``: the repository says what is a task there)."""
    if (folder / ".git").exists():
        return None
    top = checkout_of(folder)
    if top is not None:
        rel = folder.relative_to(top).as_posix()
        if any(rel == r or rel.startswith(r + "/") for r in (*roots.folders, *roots.loose)):
            return None
    if _holds_task_files(folder):
        parent = folder.parent
        base = top if top is not None and top != parent else parent.parent
        if base == parent:  # the filesystem root: no folder above to stand as the repository
            return None
        root = parent.relative_to(base).as_posix()
        return Target(base, (f"{root}/{folder.name}",), extra_root=root)
    if folder.name.lower() == "active" and any(_holds_task_files(p) for p in _subfolders(folder)):
        base = top if top is not None and top != folder else folder.parent
        root = folder.relative_to(base).as_posix()
        return Target(base, _children(base, root), extra_root=root)
    return None


def checkout_of(path: Path) -> Path | None:
    """The git checkout holding *path* (the nearest folder at or above it with a ``.git``), or None."""
    return next((c for c in (path, *path.parents) if (c / ".git").exists()), None)


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []


def _holds_task_files(folder: Path) -> bool:
    try:
        return any(p.is_file() and is_markdown(p.name) and role_of(p.name)[0] is not Role.EXTRA
                   for p in folder.iterdir())
    except OSError:
        return False


def _file_target(path: Path, roots: DocRoots) -> Target:
    """The task a file belongs to, seen from the nearest folder above it that makes it one."""
    resolved = path.parent.resolve() / path.name  # the file itself may be a symlink: not followed
    for candidate in resolved.parents:
        task = roots.task_of(resolved.relative_to(candidate).as_posix())
        if task is not None:
            return Target(candidate, (task,))
        if (candidate / ".git").exists():
            break
    if is_markdown(resolved.name) and role_of(resolved.name)[0] is not Role.EXTRA:
        outside = _outside_roots(resolved.parent, roots)  # a task file in a folder no configured root holds
        if outside is not None:
            return outside
    raise InputError(f"{path}: not a directory or a planning doc (give a repository, a doc root, a task "
                     "folder or a task's plan, context or tasks file)")


def _tasks_in(repo_root: Path, root: str, active_roots: tuple[str, ...]) -> tuple[str, ...] | None:
    if root in active_roots:
        return None if len(active_roots) == 1 else _children(repo_root, root)
    return _children(repo_root, root)


def _children(repo_root: Path, root: str) -> tuple[str, ...]:
    folder = repo_root / root
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    docs = DocRoots((root,))
    loose = sorted({task for p in folder.iterdir() if p.is_file() and (task := docs.task_of(f"{root}/{p.name}"))})
    return tuple((*(f"{root}/{n}" for n in names), *loose))


def load_snapshot(repo_root: Path, config: ReviewConfig) -> Snapshot:
    """Read planning docs under every root (and the task files directly in a loose-only root);
    list every other path."""
    doc_roots = config.doc_roots
    roots = doc_roots.folders
    files: dict[str, bytes] = {}
    unreadable = {root: reason for root in roots if (reason := _root_problem(repo_root, root)) is not None}
    paths = _list_paths(repo_root)
    for rel in sorted(paths):
        if not doc_roots.under(rel):
            continue
        if not is_markdown(rel):
            if _is_folder_link(repo_root / rel):
                unreadable[rel] = symlink_reason(repo_root, rel)
            continue
        reason = _read(repo_root, rel, config.limits.max_file_bytes, files)
        if reason is not None:
            unreadable[rel] = reason
    return Snapshot(files=files, paths=frozenset(paths), unreadable=unreadable,
                    has_tree=len(paths) < MAX_LISTED_PATHS)


def _root_problem(repo_root: Path, root: str) -> str | None:
    """Why a doc root cannot be read (a symlink on the way, or not a folder); None if it can."""
    parts = root.split("/")
    for depth in range(1, len(parts) + 1):
        if (repo_root / "/".join(parts[:depth])).is_symlink():
            return symlink_reason(repo_root, "/".join(parts[:depth]))
    full = repo_root / root
    return "not a folder; nothing in it was reviewed" if full.exists() and not full.is_dir() else None


def _is_folder_link(path: Path) -> bool:
    """A symlink to a folder, or one whose target is missing (it may have been a folder)."""
    return path.is_symlink() and (path.is_dir() or not path.exists())


def symlink_reason(repo_root: Path, rel: str) -> str:
    """Why the symlink *rel* is not followed, naming where it points when that is in the repo."""
    target, root = _resolved(repo_root / rel), repo_root.resolve()
    if target is None:
        return "symlink loop; not followed"
    if not target.is_relative_to(root):
        return "symlink points outside the repository; not followed"
    if not target.exists():
        return "symlink to a path that does not exist; not followed"
    return f"symlink to {target.relative_to(root).as_posix()!r} in the repository; not followed"


def _inside(repo_root: Path, rel: str) -> bool:
    target = _resolved(repo_root / rel)
    return target is not None and target.is_relative_to(repo_root.resolve())


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return None


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
    if full.is_symlink() and not _inside(repo_root, rel):
        return symlink_reason(repo_root, rel)
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
