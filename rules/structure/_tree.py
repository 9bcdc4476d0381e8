"""The repository tree as LNK002 queries it: by full path, by tail and by folder name.

The indexes are built once per tree, on first use, in one pass over the tree's paths.
``docs_only`` is true when every path lies under the top folder of a doc root (``dev/``): the
engine was given the planning docs and nothing else, so nothing can be said about the rest of
the repository (root files, the application's source). A loose-only root (``dev``) holds docs
only directly in it: ``dev/scripts/`` is not under a doc root.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from rules.core.discovery import loose_task_of
from rules.core.rule import RuleContext
from rules.structure._paths import exists, path_ends


class Tree:
    def __init__(self, ctx: RuleContext) -> None:
        self._ctx = ctx
        loose = {r.strip("/") for r in ctx.loose_roots}
        folders = (*ctx.active_roots, *(t.root for t in ctx.tasks))
        self._roots = tuple({r.strip("/") + "/" for r in folders if r and r.strip("/") not in loose})
        tops = {r.split("/", 1)[0] for r in (*self._roots, *loose)}
        self.docs_only = all(p.split("/", 1)[0] in tops for p in ctx.repo_paths)

    def in_docs(self, path: str) -> bool:
        """Whether *path* lies under a doc root (``dev/active/…``) or is a task file directly in a
        loose-only root (``dev/job-search-plan.md``)."""
        return path.startswith(self._roots) or loose_task_of(path, self._ctx.loose_roots) is not None

    def has(self, path: str) -> bool:
        return exists(path, self._ctx)

    def locates(self, resolved: str | None, path: str) -> bool:
        """Whether *path* (seen from a document's folder, *resolved* from the root, None when it leaves
        the repository) names something in the repository: at *resolved*, or, unless it climbs with
        ``../``, at the end of a repository path."""
        return (resolved is not None and self.has(resolved)) or (not path.startswith("../") and self.found(path))

    def found(self, path: str) -> bool:
        """Whether *path* is a repository path or the end of one (``src/x.ts`` in ``web/src/x.ts``)."""
        return path in _indexes(self._ctx.repo_paths, self._ctx.repo_dirs).tails

    def only_file_named(self, name: str) -> str | None:
        """The one repository file called *name*; None when there is none or several."""
        return _indexes(self._ctx.repo_paths, self._ctx.repo_dirs).names.get(name)

    @property
    def depth(self) -> int:
        """Most segments of any repository path (for :func:`rules.structure._paths.suggest`)."""
        return _indexes(self._ctx.repo_paths, self._ctx.repo_dirs).depth

    def anchored(self, folder: str, path: str) -> bool:
        """Whether the path starts at a folder the tree knows: for ``../x/y.md`` the folder its ``..``
        reach; otherwise its first folder, seen from *folder*, from the root, or anywhere by name."""
        segments = path.split("/")
        if segments[0] == "..":
            ups = 0
            while ups < len(segments) and segments[ups] == "..":
                ups += 1
            parts = folder.split("/") if folder else []
            base = parts[: max(0, len(parts) - ups)]
            return not base or self.has("/".join(base))
        first = segments[0]
        if self.has(f"{folder}/{first}" if folder else first) or self.has(first):
            return True
        return first in _indexes(self._ctx.repo_paths, self._ctx.repo_dirs).folder_names


@dataclass(frozen=True, slots=True)
class _Indexes:
    tails: frozenset[str]  # every path and every end of one that starts at a folder boundary
    depth: int  # most segments of any path
    folder_names: frozenset[str]
    names: dict[str, str | None]  # file name → its only path (None: several files have that name)


@functools.lru_cache(maxsize=4)
def _indexes(paths: frozenset[str], dirs: frozenset[str]) -> _Indexes:
    """Built once per tree (a review's tasks share one tree; frozensets hash once, compare by identity
    first), in one pass over the paths: linear in the tree's size."""
    tails: set[str] = set()
    names: dict[str, str | None] = {}
    for path in itertools.chain(paths, dirs):
        tails.update(path_ends(path))
    for path in paths:
        base = path.rsplit("/", 1)[-1]
        names[base] = None if base in names else path
    depth = max((p.count("/") + 1 for p in itertools.chain(paths, dirs)), default=1)
    return _Indexes(frozenset(tails), depth, frozenset(d.rsplit("/", 1)[-1] for d in dirs), names)
