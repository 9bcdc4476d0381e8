"""LNK001 broken-relative-link."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext

_SCHEME_RE = re.compile(  # "mailto:", "tel:5550100"; not a file name with a line: "notes.md:12"
    r"^(?![\w+-]*\.[\w+.-]*:\d+(?:[:-]\d+)?$)[A-Za-z][A-Za-z0-9+.-]*:")
_PERCENT_RE = re.compile(rb"%([0-9A-Fa-f]{2})")
_SUFFIX_RE = re.compile(r"[?#].*$", re.DOTALL)
_LINE_SUFFIX_RE = re.compile(r":(\d+)(?:[:-]\d+)?$")
_ESCAPING_FIX = "Remove the extra `../` segments, or link other repositories with an https:// URL."


class BrokenRelativeLink(Rule):
    """A relative link in a task document points to a file or folder that does not exist.

    Why: links to key files, sibling docs and designs are how a reader (or an agent) gets from
    the plan to the code. A broken one sends them nowhere, and usually means the file moved or
    the path was written relative to the wrong folder. Links resolve from the document's folder;
    a leading ``/`` means the repository root.

    Bad:
        (in dev/active/auth/auth-context.md)
        See [the session store](src/auth/session.py) and [the plan](auth-plan.md#phases).

    Good:
        See [the session store](../../../src/auth/session.py) (or `/src/auth/session.py`)
        and [the plan](auth-plan.md#phases).
    """

    code = "LNK001"
    name = "broken-relative-link"
    category = Category.STRUCTURE
    severity = Severity.MEDIUM
    rationale = "A broken link sends the reader nowhere and usually means a file moved."
    fix = "Correct the link's path (relative to the document's folder) or remove the link."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if not ctx.has_tree:
            return
        depth = 0  # most segments of any repository path, counted once a suggestion is needed
        for doc in task.documents:
            folder = doc.path.rsplit("/", 1)[0] if "/" in doc.path else ""
            seen: set[str] = set()
            for link in doc.links:
                target = link.target.strip()
                if target in seen or not target or target.startswith("#") or _SCHEME_RE.match(target):
                    continue
                seen.add(target)
                path = _unquote(_SUFFIX_RE.sub("", target))
                resolved = _resolve(folder, path)
                if resolved is None:
                    message = f"Link {target!r} climbs above the repository root from {folder + '/'!r}."
                    yield self.finding(task, doc, link.line, message, key=target, fix=_ESCAPING_FIX)
                elif resolved and not _exists(resolved, ctx):
                    message = f"Link {target!r} points to {resolved!r}, which is not in the repository."
                    depth = depth or _repo_depth(ctx)
                    fix = _suggest(path, folder, ctx, depth)
                    yield self.finding(task, doc, link.line, message, key=target, fix=fix)


def _exists(path: str, ctx: RuleContext) -> bool:
    return path in ctx.repo_paths or path in ctx.repo_dirs


def _repo_depth(ctx: RuleContext) -> int:
    return max((p.count("/") + 1 for p in itertools.chain(ctx.repo_paths, ctx.repo_dirs)), default=1)


def _suggest(path: str, folder: str, ctx: RuleContext, depth: int) -> str | None:
    """A fix naming the existing path the link probably meant: the same path seen from an ancestor
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
            if _exists(candidate, ctx):
                relative = "../" * (len(folders) - level) + tail + anchor
                return f"Point it at {relative!r} (or {'/' + candidate + anchor!r} from the repository root)."
    return None


def _resolve(folder: str, path: str) -> str | None:
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


def _unquote(text: str) -> str:
    if "%" not in text:
        return text
    return _PERCENT_RE.sub(lambda m: bytes([int(m.group(1), 16)]), text.encode()).decode("utf-8", "replace")
