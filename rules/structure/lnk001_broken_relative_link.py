"""LNK001 broken-relative-link."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._paths import exists, folder_of, repo_depth, resolve, suggest, unquote
from rules.structure._places import merge_references
from rules.structure._tree import Tree

_SCHEME_RE = re.compile(  # "mailto:", "tel:5550100"; not a file name with a line: "notes.md:12"
    r"^(?![\w+-]*\.[\w+.-]*:\d+(?:[:-]\d+)?$)[A-Za-z][A-Za-z0-9+.-]*:")
_SUFFIX_RE = re.compile(r"[?#].*$", re.DOTALL)
_ESCAPING_FIX = "Remove the extra `../` segments, or link other repositories with an https:// URL."


class BrokenRelativeLink(Rule):
    """A relative link in a task document points to a file or folder that does not exist.

    Why: links to key files, sibling docs and designs are how a reader (or an agent) gets from
    the plan to the code. A broken one sends them nowhere, and usually means the file moved or
    the path was written relative to the wrong folder. Links resolve from the document's folder;
    a leading ``/`` means the repository root. When the tree holds nothing but the doc roots (a
    docs-only snapshot), only links into the doc roots are checked: nothing is known of the rest.
    The broken links of a task are one finding, at the first one in the document that holds most
    of them (filed under that document's role category: a broken link in the context is the
    context's problem; a README beside the three files stays under structure), naming the others
    and keeping every place as a related location (merged after waivers, as LNK002's paths:
    ``rules.structure._places.merge_references``); it deducts what the separate findings would.

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
        tree = Tree(ctx)
        for doc in task.documents:
            folder = folder_of(doc.path)
            seen: set[str] = set()
            for link in doc.links:
                target = link.target.strip()
                if target in seen or not target or target.startswith("#") or _SCHEME_RE.match(target):
                    continue
                seen.add(target)
                path = unquote(_SUFFIX_RE.sub("", target))
                resolved = resolve(folder, path)
                if resolved is None:
                    message = f"Link {target!r} climbs above the repository root from {folder + '/'!r}."
                    finding = self.finding(task, doc, link.line, message, key=target, fix=_ESCAPING_FIX)
                    yield finding.in_role_category(doc.acting_role)
                elif tree.docs_only and not tree.in_docs(resolved):
                    continue  # the engine holds the docs only: nothing is known about paths outside them
                elif resolved and not exists(resolved, ctx):
                    message = f"Link {target!r} points to {resolved!r}, which is not in the repository."
                    depth = depth or repo_depth(ctx)
                    fix = suggest(path, folder, ctx, depth)
                    finding = self.finding(task, doc, link.line, message, key=target, fix=fix)
                    yield finding.in_role_category(doc.acting_role)  # a broken link is that document's problem

    def merge(self, findings: Sequence[Finding]) -> Finding:
        return merge_references(self, findings, "link")
