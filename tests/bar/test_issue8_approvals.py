"""Issue 8, item 4: approvals and waivers bind to what the approver saw.

Reproduces the issue's two examples against the shared fake GitHub:
- a push (adding an AWS key) lands between a maintainer's ``/review approve`` comment and the job
  that handles it: the approval covers the commit the maintainer saw, not the new head;
- ``/review waive SEC001`` after which a new secret is pushed: the new secret is not waived.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.review.commands import handle_comment
from bot.review.context import AppContext
from bot.review.flow import review_pull_request
from bot.review.state import STATE_PREFIX, decode_state
from bot.review.syntax import CommentCommand
from rules.render.markdown import COMMENT_MARKER
from tests.bot.support import GOOD_TASK, Clock, ref, repo_ref, task_files
from tests.fakegithub import FakeGitHub, PullRequest, Repo

CHECK = "devdocs-review"
TASK = "dev/active/billing-audit"
CONTEXT = f"{TASK}/billing-audit-context.md"
FIRST_KEY = "AKIAQ3EGRT5LNY2WXZ7P"
SECOND_KEY = "AKIAZ7XK2MPLQRTV4BN6"


def comment(hub: FakeGitHub, repo: Repo, pr: PullRequest, body: str, clock: Clock,
            *, after: float) -> CommentCommand:
    """A comment by the maintainer written *after* seconds past the clock's start."""
    created = hub.add_comment(repo, pr.number, body, login="maintainer")
    return CommentCommand(repo_ref(repo), pr.number, created.id, "maintainer", "User", body,
                          created_at=clock.now + timedelta(seconds=after))


def replies(hub: FakeGitHub, repo: Repo, pr: PullRequest) -> list[str]:
    return [c.body for c in hub.bot_comments(repo, pr.number) if COMMENT_MARKER not in c.body]


def sticky(hub: FakeGitHub, repo: Repo, pr: PullRequest) -> str:
    (body,) = [c.body for c in hub.bot_comments(repo, pr.number) if COMMENT_MARKER in c.body]
    return body


def with_line(files: dict[str, bytes | str], line: str) -> dict[str, bytes | str]:
    text = files[CONTEXT]
    text = text.decode() if isinstance(text, bytes) else text
    return {**files, CONTEXT: text + f"\n{line}\n"}


def conclusion(hub: FakeGitHub, repo: Repo, sha: str) -> str | None:
    return hub.runs_for(repo, sha, CHECK)[-1].conclusion


async def test_a_push_between_the_approve_comment_and_the_job_is_not_approved(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    files = task_files(TASK)  # the demo's failing task
    pr = hub.open_pull_request(demo_repo, files)
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    seen = pr.head_sha
    assert conclusion(hub, demo_repo, seen) == "failure"
    approve = comment(hub, demo_repo, pr, "/review approve hotfix, docs follow", clock, after=60)
    pushed = hub.push(pr, with_line(files, f"aws_access_key_id = {FIRST_KEY}"))
    clock.advance(120)  # the job runs after the push

    await handle_comment(ctx, approve)

    (reply,) = replies(hub, demo_repo, pr)
    assert f"approved by @maintainer at `{seen[:7]}`" in reply and f"moved on to `{pushed[:7]}`" in reply
    (entry,) = decode_state(sticky(hub, demo_repo, pr)).audit
    assert (entry.kind, entry.sha) == ("approve", seen)
    assert conclusion(hub, demo_repo, pushed) == "failure"  # the unseen push is not approved
    assert FIRST_KEY not in sticky(hub, demo_repo, pr)


async def test_an_approval_covers_the_head_the_maintainer_saw_and_says_so(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    pr = hub.open_pull_request(demo_repo, task_files(TASK))
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    approve = comment(hub, demo_repo, pr, "/review approve hotfix, docs follow", clock, after=60)
    clock.advance(90)

    await handle_comment(ctx, approve)

    assert conclusion(hub, demo_repo, pr.head_sha) == "success"
    assert f"Approved by `@maintainer` at `{pr.head_sha[:7]}`" in sticky(hub, demo_repo, pr)
    assert replies(hub, demo_repo, pr) == []

    hub.push(pr, {f"{TASK}/notes.md": "# Notes\n"})  # a later push needs a new approval
    clock.advance(60)
    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    assert conclusion(hub, demo_repo, pr.head_sha) == "failure"


async def test_an_approval_survives_a_push_when_the_config_says_so(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    with hub.lock:
        demo_repo.commit({".github/devdocs-review.yml": "gate:\n  approval_survives_push: true\n"}, branch="main")
    pr = hub.open_pull_request(demo_repo, task_files(TASK))
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    approve = comment(hub, demo_repo, pr, "/review approve hotfix", clock, after=60)
    clock.advance(90)
    await handle_comment(ctx, approve)

    hub.push(pr, {f"{TASK}/notes.md": "# Notes\n"})
    clock.advance(60)
    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    assert conclusion(hub, demo_repo, pr.head_sha) == "success"
    assert "carried over to later pushes" in sticky(hub, demo_repo, pr)


async def test_a_waiver_of_sec001_does_not_cover_a_secret_pushed_later(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    files = with_line(task_files(TASK, source=GOOD_TASK), f"Old test key: `{FIRST_KEY}` (rotated).")
    pr = hub.open_pull_request(demo_repo, files)
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")
    assert conclusion(hub, demo_repo, pr.head_sha) == "failure"  # SEC001 blocks
    waive = comment(hub, demo_repo, pr, "/review waive SEC001 test key, already rotated", clock, after=60)
    clock.advance(90)

    await handle_comment(ctx, waive)

    assert conclusion(hub, demo_repo, pr.head_sha) == "success"
    (reply,) = replies(hub, demo_repo, pr)
    assert "waived 1 SEC001 finding(s)" in reply and "appears later is not covered" in reply
    (entry,) = decode_state(sticky(hub, demo_repo, pr)).audit
    assert (entry.rule, entry.scope, len(entry.fingerprints)) == ("SEC001", "findings", 1)

    hub.push(pr, with_line(files, f"New deploy key: `{SECOND_KEY}`."))
    clock.advance(60)
    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    run = hub.runs_for(demo_repo, pr.head_sha, CHECK)[-1]
    assert run.conclusion == "failure"  # the new secret is not covered by the old waiver
    assert "1 unwaived critical finding(s): SEC001" in run.output["summary"]
    assert SECOND_KEY not in sticky(hub, demo_repo, pr) and FIRST_KEY not in sticky(hub, demo_repo, pr)


async def test_a_rule_wide_waiver_of_a_security_rule_is_refused(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    pr = hub.open_pull_request(demo_repo, with_line(task_files(TASK, source=GOOD_TASK), f"Key `{FIRST_KEY}`."))
    await review_pull_request(ctx, ref(pr), reason="pull_request.opened")

    await handle_comment(ctx, comment(hub, demo_repo, pr, "/review waive SEC001 --all nope", clock, after=60))

    (reply,) = replies(hub, demo_repo, pr)
    assert "security rule" in reply and "/review waive SEC001 <reason>" in reply
    assert decode_state(sticky(hub, demo_repo, pr)).audit == ()


async def test_an_old_rule_wide_sec001_waiver_no_longer_hides_secrets(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> None:
    pr = hub.open_pull_request(demo_repo, with_line(task_files(TASK, source=GOOD_TASK), f"Key `{FIRST_KEY}`."))
    old_state = ('{"v":1,"audit":[{"kind":"waive","actor":"alice","at":"2026-11-25T10:00:00Z",'
                 '"reason":"test keys only","rule":"SEC001"}]}')
    with hub.lock:
        hub.add_comment(demo_repo, pr.number, f"{COMMENT_MARKER}\nold review\n{STATE_PREFIX}{old_state} -->",
                        login=hub.bot_login, user_type="Bot")

    await review_pull_request(ctx, ref(pr), reason="pull_request.synchronize")

    assert conclusion(hub, demo_repo, pr.head_sha) == "failure"
    (entry,) = decode_state(sticky(hub, demo_repo, pr)).audit
    assert (entry.rule, entry.scope) == ("SEC001", "retired")
    assert "no longer applied" in sticky(hub, demo_repo, pr)


def at_second(clock: Clock, seconds: float) -> datetime:
    """GitHub's ``created_at`` for a comment written *seconds* past the clock's start: whole seconds."""
    return (clock.now + timedelta(seconds=seconds)).replace(microsecond=0)


async def test_an_approval_written_within_the_second_the_review_was_posted_binds(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    pr = hub.open_pull_request(demo_repo, task_files(TASK))
    start = clock.now.timestamp()
    clock.advance(0.4)  # the opened delivery arrived at +0.1 s; its review is posted at +0.4 s
    await review_pull_request(ctx, replace(ref(pr), announced_at=start + 0.1), reason="pull_request.opened")
    body = "/review approve hotfix, docs follow"
    created = hub.add_comment(demo_repo, pr.number, body, login="maintainer")
    approve = CommentCommand(repo_ref(demo_repo), pr.number, created.id, "maintainer", "User", body,
                             created_at=at_second(clock, 0.3), received_at=start + 0.75)  # written at +0.7 s
    clock.advance(2)

    await handle_comment(ctx, approve)

    assert conclusion(hub, demo_repo, pr.head_sha) == "success"
    assert replies(hub, demo_repo, pr) == []


async def test_a_push_sent_after_the_approve_comment_within_the_same_second_is_not_approved(
        ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, clock: Clock) -> None:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    files = task_files(TASK)
    pr = hub.open_pull_request(demo_repo, files)
    await review_pull_request(ctx, replace(ref(pr), announced_at=clock.now.timestamp()), reason="pull_request.opened")
    seen = pr.head_sha
    clock.advance(60)
    start = clock.now.timestamp()
    body = "/review approve hotfix, docs follow"
    created = hub.add_comment(demo_repo, pr.number, body, login="maintainer")
    approve = CommentCommand(repo_ref(demo_repo), pr.number, created.id, "maintainer", "User", body,
                             created_at=at_second(clock, 0.2), received_at=start + 0.25)
    pushed = hub.push(pr, with_line(files, f"aws_access_key_id = {FIRST_KEY}"))
    clock.advance(0.9)  # the push's delivery arrived at +0.55 s and was reviewed first
    await review_pull_request(ctx, replace(ref(pr), announced_at=start + 0.55), reason="pull_request.synchronize")
    clock.advance(1)

    await handle_comment(ctx, approve)

    (entry,) = decode_state(sticky(hub, demo_repo, pr)).audit
    assert (entry.kind, entry.sha) == ("approve", seen)
    assert conclusion(hub, demo_repo, pushed) == "failure"
