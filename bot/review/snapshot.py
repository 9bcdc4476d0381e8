"""What a review reads from GitHub: the PR's changed files and the tasks they touch, then each
commit's tree and the planning docs' blobs, as a :class:`~rules.core.discovery.Snapshot`.

The recursive tree gives every path (for link checks) and the docs' blob SHAs; blobs are fetched
by SHA through a bounded process cache (a blob never changes under its SHA), a few at a time. A
changed doc whose patch (sent with the file list) rebuilds it exactly needs no fetch at all.
A truncated tree is completed by walking the doc roots one folder level at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.github.errors import NotFound
from bot.github.values import ChangedFile, TreeEntry
from bot.review.job import Job
from bot.review.patches import rebuild
from rules.core.discovery import DocRoots, Snapshot, is_markdown

log = logging.getLogger(__name__)

FETCH_CONCURRENCY = 8
MAX_PATCH_CHARS = 256 * 1024  # a longer patch is dropped: the blob is fetched instead


def task_of(path: str, roots: DocRoots) -> str | None:
    """The task a path belongs to: ``<root>/<folder>``, or a loose ``<root>/<stem>`` group (in a doc
    root, or directly in a loose-only root such as ``dev``)."""
    return roots.task_of(path)


def touched_tasks(changed: Iterable[ChangedFile], roots: DocRoots) -> tuple[str, ...]:
    tasks = {task for f in changed for p in (f.path, f.previous_path) if p and (task := roots.task_of(p))}
    return tuple(sorted(tasks))


# ---------------------------------------------------------------------------------------------
# Snapshots from the tree and blobs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepoFiles:
    """At one commit: every file path (link checks) and the planning docs' tree entries."""

    paths: frozenset[str]
    docs: Mapping[str, TreeEntry]
    complete: bool = True  # False when GitHub truncated the tree


async def pr_files(job: Job) -> tuple[ChangedFile, ...]:
    """The PR's changed files (cached per head and base); only markdown files keep their patch."""
    pr = job.pr
    key = (pr.repo.full_name, pr.number, pr.head_sha, pr.base_sha)
    cached: tuple[ChangedFile, ...] | None = job.ctx.cache.pr_files.get(key)
    if cached is None:
        listed = await job.gh.list_pull_request_files(pr.repo, pr.number)
        cached = tuple(f if _keeps_patch(f) else replace(f, patch=None) for f in listed)
        job.ctx.cache.pr_files.put(key, cached)
    return cached


def _keeps_patch(changed: ChangedFile) -> bool:
    return changed.patch is not None and is_markdown(changed.path) and len(changed.patch) <= MAX_PATCH_CHARS


def seed_from_patches(job: Job, changed: Iterable[ChangedFile], roots: DocRoots) -> int:
    """Put the changed docs' new blobs in the cache, rebuilt from their patches (``patches.py``)
    where that gives the exact bytes: no request for them. Returns how many were rebuilt."""
    cache, repo = job.ctx.cache.blobs, job.repo.full_name
    base: RepoFiles | None = job.ctx.cache.trees.get((repo, job.pr.base_sha, roots))
    rebuilt = 0
    for f in changed:
        if f.patch is None or f.blob_sha is None or (repo, f.blob_sha) in cache or not roots.under(f.path):
            continue
        old: bytes | None = b""
        if f.status != "added":  # the old bytes: the base commit's, if the review has them
            entry = base.docs.get(f.previous_path or f.path) if base is not None else None
            old = cache.get((repo, entry.sha)) if entry is not None else None
        data = rebuild(f.patch, old, f.blob_sha) if old is not None else None
        if data is not None:
            cache.put((repo, f.blob_sha), data)
            rebuilt += 1
    return rebuilt


async def repo_files(job: Job, sha: str, roots: DocRoots) -> RepoFiles:
    key = (job.repo.full_name, sha, roots)
    cached: RepoFiles | None = job.ctx.cache.trees.get(key)
    if cached is not None:
        return cached
    tree = await job.gh.get_tree(job.repo, sha, recursive=True)
    entries = list(tree.entries)
    if tree.truncated:
        log.warning("tree of %s@%s is truncated; reading the doc roots one folder at a time",
                    job.repo.full_name, sha)
        entries += await _root_entries(job, sha, roots)
    blobs = [e for e in entries if e.type == "blob"]
    files = RepoFiles(
        paths=frozenset(e.path for e in blobs),
        docs={e.path: e for e in blobs if roots.holds_doc(e.path)},
        complete=not tree.truncated,
    )
    job.ctx.cache.trees.put(key, files)
    return files


async def _root_entries(job: Job, sha: str, roots: DocRoots) -> list[TreeEntry]:
    """Each doc root's subtree, and each loose-only root's own entries, reached one folder level at
    a time (for truncated trees)."""
    levels: dict[str, tuple[TreeEntry, ...]] = {}
    found: list[TreeEntry] = []
    walks = [*((r, True) for r in roots.folders), *((r, False) for r in roots.loose)]
    for folder, recursive in walks:
        subtree = await _descend(job, sha, folder.split("/"), levels)
        if subtree is not None:
            sub = await job.gh.get_tree(job.repo, subtree, recursive=recursive)
            found += [replace(e, path=f"{folder}/{e.path}") for e in sub.entries]
    return found


async def _descend(job: Job, tree_sha: str, segments: Sequence[str],
                   levels: dict[str, tuple[TreeEntry, ...]]) -> str | None:
    for segment in segments:
        if tree_sha not in levels:
            levels[tree_sha] = (await job.gh.get_tree(job.repo, tree_sha, recursive=False)).entries
        child = next((e.sha for e in levels[tree_sha] if e.path == segment and e.type == "tree"), None)
        if child is None:
            return None
        tree_sha = child
    return tree_sha


async def fetch_blobs(job: Job, shas: Iterable[str]) -> dict[str, bytes | None]:
    """Blob bytes by SHA: from the cache, else fetched (a few at a time) and cached."""
    cache = job.ctx.cache.blobs
    repo = job.repo.full_name
    found: dict[str, bytes | None] = {}
    missing: list[str] = []
    for sha in dict.fromkeys(shas):
        data = cache.get((repo, sha))
        if data is None:
            missing.append(sha)
        else:
            found[sha] = data
    limit = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(sha: str) -> None:
        async with limit:
            try:
                data = await job.gh.get_blob(job.repo, sha)
            except NotFound:
                found[sha] = None
                return
        cache.put((repo, sha), data)
        found[sha] = data

    async with asyncio.TaskGroup() as group:
        for sha in missing:
            group.create_task(one(sha))
    return found


async def snapshot_at(job: Job, files: RepoFiles, max_bytes: int) -> Snapshot:
    unreadable: dict[str, str] = {}
    wanted: dict[str, TreeEntry] = {}
    for path, entry in files.docs.items():
        if entry.is_symlink:
            unreadable[path] = "is a symbolic link; not followed"
        elif entry.size is not None and entry.size > max_bytes:
            unreadable[path] = (f"file is {_size(entry.size)}, over the {_size(max_bytes)} review limit; "
                                "not reviewed")
        else:
            wanted[path] = entry
    blobs = await fetch_blobs(job, (e.sha for e in wanted.values()))
    contents: dict[str, bytes] = {}
    for path, entry in wanted.items():
        data = blobs.get(entry.sha)
        if data is None:
            unreadable[path] = "could not be fetched from GitHub (blob not found)"
        else:
            contents[path] = data
    return Snapshot(contents, files.paths, unreadable, has_tree=files.complete)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"
