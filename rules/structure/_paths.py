"""Repository paths as documents write them: resolution, existence and a likely fix (LNK001, LNK002).

A path resolves from the document's folder; a leading ``/`` means the repository root. Existence
is looked up in the tree the engine was given (``RuleContext.repo_paths`` / ``repo_dirs``); the
rules stay silent when ``RuleContext.has_tree`` says that tree is incomplete.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from rules.core.rule import RuleContext

_PERCENT_RE = re.compile(rb"%([0-9A-Fa-f]{2})")
_LINE_SUFFIX_RE = re.compile(r":(\d+)(?:[:-]\d+)?$")


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def ends_alike(one: str, other: str) -> bool:
    """Whether one path is the other or its end at a folder boundary (``src/x.py``, ``web/src/x.py``)."""
    return ("/" + one).endswith("/" + other) or ("/" + other).endswith("/" + one)


def path_ends(path: str) -> Iterator[str]:
    """The path and each of its ends that starts at a folder boundary (``a/b/c``, ``b/c``, ``c``): the
    paths :func:`ends_alike` matches against it, for lookups in a set or dict."""
    start = 0
    while True:
        yield path[start:]
        start = path.find("/", start) + 1
        if start == 0:
            return


def exists(path: str, ctx: RuleContext) -> bool:
    return path in ctx.repo_paths or path in ctx.repo_dirs


def repo_depth(ctx: RuleContext) -> int:
    """Most segments of any repository path (no longer path can exist)."""
    return max((p.count("/") + 1 for p in itertools.chain(ctx.repo_paths, ctx.repo_dirs)), default=1)


def suggest(path: str, folder: str, ctx: RuleContext, depth: int) -> str | None:
    """A fix naming the existing path the reference probably meant: the same path seen from an ancestor
    folder (written from the root, or one ``../`` short), or a file at the end of a local path
    (``/home/me/app/src/x.py``), without an editor-style ``:42`` suffix. A few set lookups: tails
    with more segments than the deepest repository path (*depth*) cannot exist and are not built."""
    line = _LINE_SUFFIX_RE.search(path)
    anchor, path = (f"#L{line.group(1)}", path[: line.start()]) if line else ("", path)
    segments = [s for s in path.split("/") if s not in ("", ".", "..")]
    folders = folder.split("/") if folder else []
    drops = len(segments) if segments and "." in segments[-1] else min(1, len(segments))
    for drop in range(max(0, len(segments) - depth), drops):
        tail = "/".join(segments[drop:])
        for level in range(min(len(folders), depth - len(segments) + drop), -1, -1):
            candidate = "/".join([*folders[:level], tail])
            if exists(candidate, ctx):
                relative = "../" * (len(folders) - level) + tail + anchor
                return f"Point it at {relative!r} (or {'/' + candidate + anchor!r} from the repository root)."
    return None


def resolve(folder: str, path: str) -> str | None:
    """Repository-relative path of *path* seen from *folder*; None when it leaves the repository."""
    parts = [] if path.startswith("/") else [p for p in folder.split("/") if p]
    for part in path.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def unquote(text: str) -> str:
    if "%" not in text:
        return text
    return _PERCENT_RE.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode()).decode("utf-8", "replace")
