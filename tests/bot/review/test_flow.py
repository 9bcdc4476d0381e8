"""Orchestration: review_pull_request / rerun_for_sha against the fake GitHub (through the real
githubkit adapter, in-process). Every request the App sends is validated by the fake."""

from __future__ import annotations

import pytest

from bot.github.errors import GitHubUnavailable, RateLimited
from bot.github.values import ChangedFile
from bot.review.context import AppContext
from bot.review.flow import review_pull_request
from bot.review.rerun import rerun_for_sha
from bot.review.snapshot import touched_tasks
from bot.review.state import STATE_PREFIX, decode_state
from rules.core.discovery import DocRoots
from rules.render.markdown import COMMENT_MARKER
from tests.bot.support import (
    BAD_TASK,
    GOOD_TASK,
    demo_files,
    ref,
    repo_ref,
    task_files,
)
from tests.fakegithub import FakeGitHub, Repo
from tests.fakegithub.state import blob_sha

CHECK = "devdocs-review"
STRICT_CONFIG = "gate:\n  min_score: 0\n  blocking_severities: []\n"


def many_findings_tasks() -> str:
    """Sixty phases marked complete over a box still open: one TSK003 finding per phase (each phase
    has a box ticked, so they are not the one "checklist never ticked" finding), so well over the
    50 annotations a check-run request may carry."""
    lines = ["# Big - Tasks", "", "**Last Updated:** 2026-11-20", ""]
    for i in range(1, 61):
        lines += [f"## Phase {i}: Step {i} ✅ COMPLETE", "", f"- [x] Item {i}a", f"- [ ] Item {i}b", ""]
    return "\n".join(lines)


def assert_no_request_rejected(hub: FakeGitHub) -> None:
    rejected = [(r.method, r.path, r.status) for r in hub.requests if r.status in (401, 422)]
    assert rejected == []


async def test_sticky_comment_is_created_once_then_edited_in_place(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    await review_pull_request(ctx, ref(pr), reason="check_run.rerequested")
    hub.push(pr, {f"{BAD_TASK}/payment-retries-tasks.md": "# Payment retries - Tasks\n\n- [ ] Retry\n"})
    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    comments = hub.comments_on(demo_repo, pr.number)
    assert len(comments) == 1
    assert comments[0].login == hub.bot_login
    assert comments[0].body.startswith(COMMENT_MARKER)
    assert comments[0].edits == 1  # the unchanged re-run did not even edit it
    assert f"/blob/{pr.head_sha}/{BAD_TASK}/" in comments[0].body
    assert hub.count("issues/create-comment") == 1
    assert [r.conclusion for r in hub.runs_for(demo_repo, pr.head_sha, CHECK)] == ["failure"]
    assert_no_request_rejected(hub)


async def test_a_clean_task_passes_the_gate(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    plan = demo_files(GOOD_TASK)[f"{GOOD_TASK}/search-indexing-plan.md"]
    pr = hub.open_pull_request(demo_repo, {f"{GOOD_TASK}/search-indexing-plan.md": plan + b"\n"})

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.status, run.conclusion) == ("completed", "success")
    assert "engine" in run.output["summary"] and pr.head_sha in run.output["summary"]  # reproducibility stamp
    assert run.details_url.endswith(f"#issuecomment-{hub.comments_on(demo_repo, pr.number)[0].id}")


async def test_pr_without_planning_docs_succeeds_without_a_comment(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(
        demo_repo, {"src/app.py": "print('hi')\n", "dev/active/README.md": "# Tasks\n"}
    )

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("success", "No planning docs changed")
    assert hub.comments_on(demo_repo, pr.number) == []
    assert hub.count("git/get-tree") == 0 and hub.count("git/get-blob") == 0


async def test_an_earlier_sticky_comment_says_when_docs_are_no_longer_changed(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="test")
    hub.push(pr, {}, remove=tuple(task_files(BAD_TASK)))

    await review_pull_request(ctx, ref(pr), reason="test")

    (comment,) = hub.comments_on(demo_repo, pr.number)
    assert "no planning docs changed" in comment.body
    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "success"


async def test_a_stale_result_completes_only_its_own_check_run(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="test")
    before = hub.comments_on(demo_repo, pr.number)[0].body
    old = ref(pr)
    new_sha = hub.push(pr, {f"{BAD_TASK}/payment-retries-plan.md": "# Payment retries - Plan\n"})

    await review_pull_request(ctx, old, reason="late delivery")

    (comment,) = hub.comments_on(demo_repo, pr.number)
    assert comment.body == before and comment.edits == 0
    run = hub.runs_for(demo_repo, old.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("neutral", f"Superseded by {new_sha[:7]}")


async def test_a_stale_first_review_posts_no_comment(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    old = ref(pr)
    hub.push(pr, {"README.md": "# moved on\n"})

    await review_pull_request(ctx, old, reason="test")

    assert hub.comments_on(demo_repo, pr.number) == []
    assert hub.runs_for(demo_repo, old.head_sha, CHECK)[-1].conclusion == "neutral"


async def test_an_invalid_base_config_requires_action(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    demo_repo.commit(
        {".github/devdocs-review.yml": "gate:\n  min_score: 200\nunknown_key: 1\n"}, branch="main"
    )
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.conclusion == "action_required"
    assert "gate.min_score" in run.output["summary"] and "unknown_key" in run.output["summary"]
    (comment,) = hub.comments_on(demo_repo, pr.number)
    assert "configuration error" in comment.body and "gate.min_score" in comment.body


async def test_broken_yaml_is_reported_not_raised(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    demo_repo.commit({".github/devdocs-review.yml": "gate: [unclosed\n"}, branch="main")
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.conclusion == "action_required" and "invalid YAML" in run.output["summary"]


async def test_the_head_config_cannot_weaken_the_gate(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(
        demo_repo, {**task_files(BAD_TASK), ".github/devdocs-review.yml": STRICT_CONFIG}
    )

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "failure"
    config_reads = [r for r in hub.requests if r.operation_id == "repos/get-content"]
    assert config_reads and all(
        r.query.get("ref") == pr.base_sha for r in config_reads if "octo/docs" in r.path
    )


async def test_the_base_config_sets_the_gate(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    demo_repo.commit({".github/devdocs-review.yml": STRICT_CONFIG}, branch="main")
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "success"


async def test_the_org_config_is_the_fallback(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    hub.add_repo("octo", ".github", files={".github/devdocs-review.yml": STRICT_CONFIG})
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "success"


async def test_a_fork_pr_is_found_by_its_head_sha(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK), fork="contributor/docs")

    await rerun_for_sha(ctx, repo_ref(demo_repo), pr.head_sha, reason="check_run.rerequested")

    assert hub.count("repos/list-pull-requests-associated-with-commit") == 1
    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "failure"
    assert len(hub.bot_comments(demo_repo, pr.number)) == 1


async def test_check_suite_requested_skips_a_sha_already_reviewed(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")

    await rerun_for_sha(ctx, repo_ref(demo_repo), pr.head_sha, reason="check_suite.requested")
    await rerun_for_sha(ctx, repo_ref(demo_repo), "0" * 40, reason="check_suite.requested")

    assert len(hub.runs_for(demo_repo, pr.head_sha, CHECK)) == 1


async def test_annotations_beyond_50_are_sent_in_batches(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, {"dev/active/big/big-tasks.md": many_findings_tasks()})

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    sizes = [len((body.get("output") or {}).get("annotations") or []) for body in run.requests]
    assert sizes[0] == 0 and all(size <= 50 for size in sizes) and sizes.count(50) >= 1
    assert sum(sizes) == len(run.annotations) > 50
    assert "conclusion" in run.requests[-1] and all("conclusion" not in b for b in run.requests[:-1])


async def test_annotations_are_capped_with_a_note(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    demo_repo.commit({".github/devdocs-review.yml": "limits:\n  max_annotations: 10\n"}, branch="main")
    pr = hub.open_pull_request(demo_repo, {"dev/active/big/big-tasks.md": many_findings_tasks()})

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert len(run.annotations) == 10
    assert "left out" in run.output["summary"]


async def test_secrets_in_docs_never_reach_github(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    secret = "postgresql://admin:hunter2-very-secret@db.internal:5432/prod"
    files = task_files(BAD_TASK)
    context = f"{BAD_TASK}/payment-retries-context.md"
    files[context] = bytes(files[context]) + f"\n## Database\n\nConnect with `{secret}`.\n".encode()
    pr = hub.open_pull_request(demo_repo, files)

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.comments_on(demo_repo, pr.number)
    assert not any("hunter2-very-secret" in body for body in hub.sent_bodies())


async def test_a_draft_is_reviewed_but_never_blocks(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK), draft=True)

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.conclusion == "neutral" and "Draft pull request" in run.output["summary"]
    assert "Draft pull request" in hub.comments_on(demo_repo, pr.number)[0].body


async def test_drafts_block_when_the_config_says_so(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    demo_repo.commit({".github/devdocs-review.yml": "gate:\n  block_drafts: true\n"}, branch="main")
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK), draft=True)

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1].conclusion == "failure"


async def test_a_github_outage_completes_the_check_as_failure(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    hub.fail(502, operation_id="git/get-tree", times=10)

    with pytest.raises(GitHubUnavailable):
        await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output["title"] == "Review failed: GitHub unavailable"
    assert hub.comments_on(demo_repo, pr.number) == []


async def test_a_long_rate_limit_postpones_the_review(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, sleeps: object
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    hub.fail(
        403,
        operation_id="pulls/list-files",
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9999999999"},
        body={"message": "API rate limit exceeded"},
    )

    with pytest.raises(RateLimited) as raised:
        await review_pull_request(ctx, ref(pr), reason="test")

    assert raised.value.retry_after > 60
    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("failure", "Review postponed: GitHub rate limit")


async def test_an_engine_crash_completes_the_check(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.jobs.engine_pool.run_engine", explode)

    with pytest.raises(RuntimeError):
        await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("failure", "Review failed: internal error")


async def test_unchanged_blobs_are_never_fetched_twice(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="test")
    hub.reset_requests()
    hub.push(pr, {f"{BAD_TASK}/payment-retries-tasks.md": "# Payment retries - Tasks\n\n- [ ] Retry (2h)\n"})

    await review_pull_request(ctx, ref(pr), reason="test")

    assert hub.count("git/get-blob") == 0  # unchanged: cached; the changed one: rebuilt from its patch (issue 10)
    assert hub.count("apps/create-installation-access-token") == 0
    assert hub.count("apps/get-authenticated") == 0
    assert hub.count("issues/list-comments") == 0  # the sticky comment's id is cached
    assert hub.count("repos/get-content") == 0  # config cached by base SHA


async def test_a_truncated_tree_is_read_folder_by_folder(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    hub.tree_entry_limit = 3
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.conclusion == "failure"
    assert "STR001" in hub.comments_on(demo_repo, pr.number)[0].body


async def test_state_in_the_sticky_comment_survives_a_rerun(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="test")
    (comment,) = hub.comments_on(demo_repo, pr.number)
    state = (
        f'{STATE_PREFIX}{{"v":1,"audit":[{{"kind":"waive","actor":"alice","at":"2026-11-25T10:00:00Z",'
        f'"reason":"known gap","rule":"CTX003"}}]}} -->'
    )
    comment.body += "\n" + state

    await review_pull_request(ctx, ref(pr), reason="test")

    body = hub.comments_on(demo_repo, pr.number)[0].body
    assert [e.rule for e in decode_state(body).audit] == ["CTX003"]
    assert "known gap" in body


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ([ChangedFile("dev/active/auth/auth-plan.md", "modified", "a")], ("dev/active/auth",)),
        ([ChangedFile("dev/active/auth/diagrams/flow.png", "added", "a")], ("dev/active/auth",)),
        ([ChangedFile("dev/active/magic-inbox-context.md", "added", "a")], ("dev/active/magic-inbox",)),
        ([ChangedFile("dev/active/README.md", "modified", "a")], ()),
        ([ChangedFile("docs/dev/active/x/x-plan.md", "modified", "a")], ()),
        ([ChangedFile("dev/job-search-plan.md", "added", "a")], ("dev/job-search",)),
        ([ChangedFile("dev/README.md", "modified", "a"), ChangedFile("dev/scripts/x-plan.md", "added", "a")], ()),
        (
            [
                ChangedFile(
                    "dev/archive/old/old-plan.md", "renamed", "a", previous_path="dev/active/old/old-plan.md"
                )
            ],
            ("dev/active/old",),
        ),
    ],
)
def test_the_tasks_a_pr_touches(changed: list[ChangedFile], expected: tuple[str, ...]) -> None:
    assert touched_tasks(changed, DocRoots(("dev/active",), ("dev",))) == expected


async def test_a_deleted_sticky_comment_is_posted_again(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, task_files(BAD_TASK))
    await review_pull_request(ctx, ref(pr), reason="test")
    (first,) = hub.comments_on(demo_repo, pr.number)
    del hub.comments[first.id]
    hub.push(pr, {f"{BAD_TASK}/notes.md": "# Notes\n"})

    await review_pull_request(ctx, ref(pr), reason="test")

    (second,) = hub.comments_on(demo_repo, pr.number)
    assert second.id != first.id and second.body.startswith(COMMENT_MARKER)


async def test_a_job_given_up_completes_the_run_left_open_or_creates_a_failed_one(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    from bot.review.failure import publish_gave_up

    left_open, never_started = (hub.open_pull_request(demo_repo, task_files(BAD_TASK), head_ref=name)
                                for name in ("left-open", "never-started"))
    hub.fail(503, operation_id="pulls/list-files", times=10)
    with pytest.raises(GitHubUnavailable):
        await review_pull_request(ctx, ref(left_open), reason="pull_request.opened")
    hub.check_runs[hub.runs_for(demo_repo, left_open.head_sha, CHECK)[-1].id].status = "in_progress"  # as if killed
    hub.faults.clear()

    error = GitHubUnavailable("GET /repos/octo/docs/pulls/1/files failed 4 times (last: HTTP 503)")
    await publish_gave_up(ctx, repo_ref(demo_repo), left_open.head_sha, error)
    await publish_gave_up(ctx, repo_ref(demo_repo), never_started.head_sha, error)

    for pr in (left_open, never_started):
        (run,) = hub.runs_for(demo_repo, pr.head_sha, CHECK)
        assert (run.status, run.conclusion) == ("completed", "failure")
        assert run.output["title"] == "Review failed: GitHub unavailable"
        assert "stopped retrying" in run.output["summary"] and "HTTP 503" in run.output["summary"]
    assert_no_request_rejected(hub)


async def test_a_push_fetches_no_blob_for_a_changed_doc_its_patch_rebuilds(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    plan = f"{GOOD_TASK}/search-indexing-plan.md"
    pr = hub.open_pull_request(demo_repo, {plan: demo_files(GOOD_TASK)[plan] + b"\nOne more line.\n"})
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    new_plan = demo_files(GOOD_TASK)[plan] + b"\nOne more line, edited.\n"
    hub.push(pr, {plan: new_plan})
    hub.reset_requests()

    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    assert hub.count("git/get-blob") == 0  # the modified plan came from its patch and the base blob
    assert ctx.cache.blobs.get((demo_repo.full_name, blob_sha(new_plan))) == new_plan
    assert [r.conclusion for r in hub.runs_for(demo_repo, pr.head_sha, CHECK)] == ["success"]


async def test_a_doc_its_patch_cannot_rebuild_is_fetched(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    tasks = f"{BAD_TASK}/payment-retries-tasks.md"
    crlf = b"# Payment retries - Tasks\r\n\r\n- [ ] Retry\r\n"
    pr = hub.open_pull_request(demo_repo, {**task_files(BAD_TASK), tasks: crlf})
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    hub.push(pr, {tasks: crlf.replace(b"Retry", b"Retry twice")})
    hub.reset_requests()

    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    assert hub.count("git/get-blob") == 1  # CRLF line ends: the blob is read from GitHub instead


LOOSE_TASK = {  # a team that keeps its task files loose in dev/ (no dev/active)
    "dev/billing-export-plan.md": "# Billing export - Plan\n\n**Last Updated:** 2026-11-20\n\n## Goal\n\n"
                                  "Finance downloads each month's invoices as one CSV file.\n",
    "dev/billing-export-tasks.md": "# Billing export - Tasks\n\n**Last Updated:** 2026-11-20\n\n"
                                   "## Phase 1: Query\n\n- [x] Write the invoice query\n- [ ] Add the button\n",
}


@pytest.mark.parametrize("limit", [None, 3])  # 3: a truncated tree, read folder by folder
async def test_task_files_loose_in_dev_are_reviewed_on_a_pull_request(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, limit: int | None
) -> None:
    hub.tree_entry_limit = limit
    pr = hub.open_pull_request(demo_repo, {**LOOSE_TASK, "dev/README.md": "# Notes\n\n- [ ] tidy\n"})

    await review_pull_request(ctx, ref(pr), reason="test")

    (comment,) = hub.comments_on(demo_repo, pr.number)
    assert "dev/billing-export" in comment.body
    assert "STR002" in comment.body  # the loose task has no context file
    assert "README" not in comment.body
    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.status == "completed" and run.output["title"] != "No planning docs changed"
    assert_no_request_rejected(hub)


async def test_files_in_dev_that_are_no_task_do_not_start_a_review(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, {
        "dev/README.md": "# Notes\n", "dev/setup-guide.md": "# Setup\n", "dev/scripts/deploy-plan.md": "# Deploy\n",
    })

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("success", "No planning docs changed")
    assert hub.comments_on(demo_repo, pr.number) == []
    assert hub.count("git/get-tree") == 0


async def test_a_lone_unprefixed_list_in_dev_is_looked_at_but_is_no_task(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo
) -> None:
    pr = hub.open_pull_request(demo_repo, {"dev/todo.md": "- [ ] a\n"})  # a task only beside a plan.md

    await review_pull_request(ctx, ref(pr), reason="test")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert (run.conclusion, run.output["title"]) == ("success", "Nothing to review")
    assert hub.comments_on(demo_repo, pr.number) == []
