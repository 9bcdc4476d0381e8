"""LNK004 stale-own-folder-path."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._mentions import prospective
from rules.structure._paths import ends_alike
from rules.structure._places import more_places

_MOVE_RE = re.compile(r"(?i)(?<![\w-])(?:mv|move|moved|moving|archive|archived|git\s+mv)(?![\w-])")


class StaleOwnFolderPath(Rule):
    """A task folder that was moved out of an active root still gives its old path.

    The task now lives under another root (``dev/completed/<task>/``, ``dev/archive/<task>/``),
    but its documents name ``dev/active/<task>`` (the same folder name under an active root) as
    where they are, or where their sibling files are, and nothing is there any more. Lines about
    the move itself (``mv``, "archive", "moved") are left alone: they tell the history. A path
    that gives the folder under another parent where nothing is (``dev/active/billing/export/``
    for a task in ``dev/active/export/``, ``docs/dev/completed/<task>`` for one regrouped under
    ``docs/dev/completed/02-core/``) is stale too, in any task; not a path still to come ("Create
    …"), a git worktree named after the task, the end of the real path, nor, for an active task,
    the archive folder it will move to. Loose files are never checked. One finding per folder, at the
    first stale path, naming every other place, and scored in the category of the file holding it
    (a context that resumes the work from the old path is a stale context).

    Why: the folder line and the file references are how a reader or an agent resuming the work
    finds the files. After the move every one of them points at a folder that no longer exists,
    and the documents contradict where they are.

    Bad:
        (dev/completed/search/search-context.md)
        **Folder:** `dev/active/search/`

    Good:
        **Folder:** `dev/completed/search/`
    """

    code = "LNK004"
    name = "stale-own-folder-path"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "After a move, the documents' own folder path sends the reader to a folder that is gone."
    fix = "Replace the old folder path with the current one (or with paths relative to the folder)."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if task.loose:
            return
        active = any(_under(task.path, root) for root in ctx.active_roots)
        olds = [] if active else [f"{root.rstrip('/')}/{task.name}" for root in ctx.active_roots]
        olds = [old for old in olds if not _exists(old, ctx)]
        patterns = [re.compile(rf"(?<![\w./-]){re.escape(old)}(?![\w.-])") for old in olds]
        elsewhere = re.compile(rf"(?<![\w./:-])((?:[\w.-]+/)+){re.escape(task.name)}(?![\w.-])")
        places = []
        for doc in task.documents:
            for number, text in enumerate(doc.lines, start=1):
                if task.name in text and not _MOVE_RE.search(text) and task.path not in text:
                    found = next((m.group(0) for p in patterns if (m := p.search(text))), None)
                    if found is None and not prospective(doc, number):  # "Create docs/features/<task>/…"
                        found = _other_parent(elsewhere, text, task.path, active, ctx)
                    if found is not None:
                        places.append((doc, number, found))
        if not places:
            return
        doc, line, old = places[0]
        also = more_places([(d, n) for d, n, _ in places[1:]])
        message = (f"The documents give the folder as {old!r}{also}, but the task now lives in {task.path!r}; "
                   "the old path leads nowhere.")
        finding = self.finding(task, doc, line, message, key=old, related=[(d, n) for d, n, _ in places[1:]],
                               fix=f"Replace {old!r} with {task.path!r}, or use paths relative to the folder.")
        yield finding.in_role_category(doc.acting_role)


# A folder a task is moved to when it ends: an active task naming one tells where it will go.
_WORKTREE_RE = re.compile(r"(?i)(?:^|/)[^/]*worktrees?(?:/|$)")
_END_PARENT_RE = re.compile(r"(?i)(?:^|/)(?:archived?|completed?|done|finished|closed)(?:/|$)")


def _other_parent(pattern: re.Pattern[str], text: str, path: str, active: bool, ctx: RuleContext) -> str | None:
    """A path that names the task's own folder under another parent (``docs/dev/completed/<task>`` for
    a task in ``docs/dev/completed/02-core/<task>``) where nothing is: the folder moved. A path that is
    the end of the real one (``completed/02-core/<task>``, relative) is not stale."""
    for match in pattern.finditer(text):
        folder = match.group(0)
        if ends_alike(folder, path) or folder.count("/") < 2:
            continue
        if _WORKTREE_RE.search(match.group(1)) or _exists(folder, ctx):
            continue  # a git worktree named after the task holds code, not these documents
        if active and _END_PARENT_RE.search(match.group(1)) and not _END_PARENT_RE.search(path):
            continue  # where an active task will go when it ends
        return folder
    return None


def _under(path: str, root: str) -> bool:
    root = root.strip("/")
    return path == root or path.startswith(root + "/")


def _exists(folder: str, ctx: RuleContext) -> bool:
    """Whether anything is still at *folder* (known only with the repository's tree)."""
    return folder in ctx.repo_dirs or any(p.startswith(folder + "/") for p in ctx.repo_paths)
