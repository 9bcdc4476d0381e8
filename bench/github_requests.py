"""GitHub requests per review, counted at the fake GitHub (the real githubkit adapter in-process).

Scenarios: a PR that adds the three docs of 1 task, one that adds the docs of 5 tasks, and one
that edits the three docs of a task already on the base branch, in a repository with 6 other
active and 4 archived tasks (all reviewed for the exemplar). For each:

* cold: the first review in a fresh process (no token, bot login, config, tree or blob cached);
* warm push: the process reviewed this PR before; a new push rewrites the PR's docs (the usual
  ``synchronize``): changed blobs must be fetched, everything else comes from the caches;
* warm re-run: ``/review`` or the Re-run button on the same head SHA.

Target (issue 3): at most "changed docs + 4" requests per review on a warm cache.

    .venv/bin/python -m bench.github_requests
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

import httpx

from bot.entry.settings import Settings
from bot.github.connect import github_for_installation
from bot.review.context import AppContext, build_context
from bot.review.flow import review_pull_request
from tests.bot.support import new_app_keys, ref
from tests.fakegithub import FakeGitHub, PullRequest, Repo, create_app

ROLES = ("plan", "context", "tasks")


def task_docs(root: str, name: str, version: int) -> dict[str, bytes | str]:
    """A small but complete task folder; *version* changes every file's content."""
    folder = f"{root}/{name}"
    return {
        f"{folder}/{name}-plan.md": (
            f"# {name} - Plan\n\n**Last Updated:** 2026-11-2{version % 5}\n\n## Executive Summary\n\n"
            f"Ship {name} (revision {version}).\n\n## Implementation Phases\n\n### Phase 1: Build (1 day)\n\n"
            "**Goal:** it works.\n**Acceptance criteria:**\n- Tests pass.\n\n## Risks\n\n"
            "| Risk | Mitigation |\n|---|---|\n| Slow | Cache it |\n"
        ),
        f"{folder}/{name}-context.md": (
            f"# {name} - Context\n\n**Last Updated:** 2026-11-2{version % 5}\n\n## Current State\n\n"
            f"Revision {version} in progress.\n\n## Next Steps\n\n1. Finish phase 1.\n"
        ),
        f"{folder}/{name}-tasks.md": (
            f"# {name} - Tasks\n\n**Last Updated:** 2026-11-2{version % 5}\n\n"
            "## Phase 1: Build 🟡 IN PROGRESS\n\n- [x] Start (1h) — verify: unit tests\n"
            f"- [ ] Finish revision {version} (2h) — verify: CI green\n"
        ),
    }


@dataclass
class Figures:
    label: str
    changed_docs: int
    total: int
    breakdown: Counter[str]

    @property
    def target(self) -> int:
        return self.changed_docs + 4


def setup(tasks_in_pr: int, *, edit: bool = False) -> tuple[AppContext, FakeGitHub, Repo, PullRequest, list[str]]:
    keys = new_app_keys()
    hub = FakeGitHub(app_public_key=keys.public_pem)
    base: dict[str, bytes | str] = {"README.md": "# repo\n"}
    for i in range(6):
        base.update(task_docs("dev/active", f"other-{i}", 0))
    for i in range(4):
        base.update(task_docs("dev/archive", f"done-{i}", 0))
    repo = hub.add_repo("octo", "docs", files=base)
    names = [f"other-{i}" if edit else f"feature-{i}" for i in range(tasks_in_pr)]
    pr = hub.open_pull_request(repo, pr_files(names, 1))
    settings = Settings.model_validate(
        {
            "app_id": hub.app_id,
            "private_key": keys.private_pem,
            "webhook_secret": "s",
            "github_api_url": "https://ghe.example.com/api/v3",
        }
    )
    factory = github_for_installation(settings, transport=httpx.ASGITransport(app=create_app(hub)))
    return build_context(settings, github=factory), hub, repo, pr, names


def pr_files(names: list[str], version: int) -> dict[str, bytes | str]:
    files: dict[str, bytes | str] = {}
    for name in names:
        files.update(task_docs("dev/active", name, version))
    return files


async def measure(ctx: AppContext, hub: FakeGitHub, pr: PullRequest, label: str, changed: int) -> Figures:
    hub.reset_requests()
    await review_pull_request(ctx, ref(pr), reason="bench")
    rejected = [r for r in hub.requests if r.status >= 400 and r.operation_id != "repos/get-content"]
    assert not rejected, rejected
    return Figures(label, changed, len(hub.requests), hub.breakdown())


async def scenario(tasks_in_pr: int, *, edit: bool = False) -> list[Figures]:
    ctx, hub, _repo, pr, names = setup(tasks_in_pr, edit=edit)
    changed = len(names) * len(ROLES)
    what = f"{tasks_in_pr}-task edit" if edit else f"{tasks_in_pr}-task PR"
    cold = await measure(ctx, hub, pr, f"{what}, cold process", changed)
    hub.push(pr, pr_files(names, 2))
    push = await measure(ctx, hub, pr, f"{what}, warm, new push", changed)
    rerun = await measure(ctx, hub, pr, f"{what}, warm, re-run same SHA", changed)
    return [cold, push, rerun]


def report(figures: list[Figures]) -> str:
    lines = [f"{'scenario':<40} {'changed docs':>12} {'requests':>9} {'target':>7}  verdict"]
    for f in figures:
        verdict = "meets target" if f.total <= f.target else f"+{f.total - f.target} over"
        lines.append(f"{f.label:<40} {f.changed_docs:>12} {f.total:>9} {f.target:>7}  {verdict}")
    lines.append("")
    for f in figures:
        lines.append(f"{f.label}:")
        lines += [f"    {count:>3}  {endpoint}" for endpoint, count in sorted(f.breakdown.items())]
    return "\n".join(lines)


async def main() -> None:
    figures = [*await scenario(1), *await scenario(5), *await scenario(1, edit=True)]
    print(report(figures))


if __name__ == "__main__":
    asyncio.run(main())
