"""``/review`` commands against the fake GitHub: permissions, audit in the sticky state, 👀,
refusals with a reply, and the per-PR rate limit."""

from __future__ import annotations

import pytest

from bot.review.commands import handle_comment
from bot.review.context import AppContext
from bot.review.flow import review_pull_request
from bot.review.state import STATE_PREFIX, decode_state
from bot.review.syntax import CommentCommand, Parsed, parse_command
from rules.render.markdown import COMMENT_MARKER
from tests.bot.support import (
    BAD_TASK,
    Clock,
    ref,
    repo_ref,
    task_files,
)
from tests.fakegithub import FakeGitHub, PullRequest, Repo

CHECK = "devdocs-review"


def command(
    hub: FakeGitHub, repo: Repo, pr: PullRequest, body: str, *, login: str = "alice", user_type: str = "User"
) -> CommentCommand:
    comment = hub.add_comment(repo, pr.number, body, login=login, user_type=user_type)
    return CommentCommand(repo_ref(repo), pr.number, comment.id, login, user_type, body)


def replies(hub: FakeGitHub, repo: Repo, pr: PullRequest) -> list[str]:
    return [c.body for c in hub.bot_comments(repo, pr.number) if COMMENT_MARKER not in c.body]


def sticky_body(hub: FakeGitHub, repo: Repo, pr: PullRequest) -> str:
    (sticky,) = [c for c in hub.bot_comments(repo, pr.number) if COMMENT_MARKER in c.body]
    return sticky.body


def eyes(hub: FakeGitHub, cmd: CommentCommand) -> bool:
    return (hub.bot_login, "eyes") in hub.comments[cmd.comment_id].reactions


@pytest.fixture
def bad_pr(ctx: AppContext, hub: FakeGitHub, demo_repo: Repo) -> PullRequest:
    hub.set_permission(demo_repo, "maintainer", "maintain")
    hub.set_permission(demo_repo, "reader", "read")
    return hub.open_pull_request(demo_repo, task_files(BAD_TASK))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/review", Parsed("rerun")),
        ("  /review  \nplease", Parsed("rerun")),
        ("/review help", Parsed("help")),
        ("/REVIEW Explain ctx002", Parsed("explain", code="CTX002")),
        (
            "/review waive ctx002 known gap, tracked in #12",
            Parsed("waive", code="CTX002", reason="known gap, tracked in #12"),
        ),
        ("/review approve hotfix, docs follow", Parsed("approve", reason="hotfix, docs follow")),
        ("/review frobnicate", Parsed("unknown", word="frobnicate")),
        ("/review `x`@everyone", Parsed("unknown", word="xeveryone")),
        ("/reviewer", None),
        ("please /review", None),
        ("", None),
    ],
)
def test_commands_are_read_from_the_first_line(body: str, expected: Parsed | None) -> None:
    assert parse_command(body) == expected


async def test_a_reader_cannot_approve(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    await review_pull_request(ctx, ref(bad_pr), reason="test")
    cmd = command(hub, demo_repo, bad_pr, "/review approve ship it", login="reader")

    await handle_comment(ctx, cmd)

    (reply,) = replies(hub, demo_repo, bad_pr)
    assert reply.startswith("@reader") and "write, maintain or admin" in reply and "`read`" in reply
    assert not eyes(hub, cmd)
    assert decode_state(sticky_body(hub, demo_repo, bad_pr)).audit == ()
    assert hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1].conclusion == "failure"


async def test_a_maintainer_approves_the_current_head_only(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    await review_pull_request(ctx, ref(bad_pr), reason="test")
    cmd = command(hub, demo_repo, bad_pr, "/review approve hotfix; docs follow in #42", login="maintainer")

    await handle_comment(ctx, cmd)

    assert eyes(hub, cmd)
    body = sticky_body(hub, demo_repo, bad_pr)
    assert "@maintainer" in body and "hotfix; docs follow in #42" in body
    (entry,) = decode_state(body).audit
    assert (entry.kind, entry.actor, entry.sha) == ("approve", "maintainer", bad_pr.head_sha)
    run = hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1]
    assert run.conclusion == "success" and "maintainer" in run.output["summary"]

    hub.push(bad_pr, {f"{BAD_TASK}/notes.md": "# Notes\n"})
    await review_pull_request(ctx, ref(bad_pr), reason="pull_request.synchronize")

    assert hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1].conclusion == "failure"
    assert len(hub.bot_comments(demo_repo, bad_pr.number)) == 1


async def test_an_approval_before_any_review_binds_to_nothing_and_says_so(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    cmd = command(hub, demo_repo, bad_pr, "/review approve release blocker", login="maintainer")

    await handle_comment(ctx, cmd)

    (reply,) = replies(hub, demo_repo, bad_pr)
    assert "could not tell which commit was the head" in reply and "nothing was approved" in reply
    assert bad_pr.head_sha[:7] in reply
    assert decode_state(sticky_body(hub, demo_repo, bad_pr)).audit == ()
    assert hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1].conclusion == "failure"


async def test_a_maintainer_waives_one_rule_on_this_pr(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    await review_pull_request(ctx, ref(bad_pr), reason="test")
    cmd = command(hub, demo_repo, bad_pr, "/review waive str001 plan lives in the wiki", login="maintainer")

    await handle_comment(ctx, cmd)

    assert eyes(hub, cmd)
    body = sticky_body(hub, demo_repo, bad_pr)
    (entry,) = decode_state(body).audit
    assert (entry.kind, entry.rule, entry.reason) == ("waive", "STR001", "plan lives in the wiki")
    run = hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1]
    assert "STR001 at" not in run.output["summary"]  # no longer a blocking finding
    assert "waived STR001" in run.output["summary"]


async def test_help_lists_the_commands(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    cmd = command(hub, demo_repo, bad_pr, "/review help")

    await handle_comment(ctx, cmd)

    (reply,) = replies(hub, demo_repo, bad_pr)
    assert "/review waive CODE <reason>" in reply and "/review approve <reason>" in reply
    assert eyes(hub, cmd)


async def test_explain_replies_with_the_rule_documentation(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    cmd = command(hub, demo_repo, bad_pr, "/review explain str001")

    await handle_comment(ctx, cmd)

    (reply,) = replies(hub, demo_repo, bad_pr)
    assert "STR001" in reply and "missing-plan-file" in reply and "Why" in reply and "How to fix" in reply


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("/review frobnicate", "not a command I know"),
        ("/review explain NOPE999", "is not a rule code"),
        ("/review explain", "needs a rule code"),
        ("/review waive STR001", "needs a reason"),
        ("/review approve", "needs a reason"),
    ],
)
async def test_a_wrong_command_is_refused_with_a_reply(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest, body: str, fragment: str
) -> None:
    cmd = command(hub, demo_repo, bad_pr, body, login="maintainer")

    await handle_comment(ctx, cmd)

    (reply,) = replies(hub, demo_repo, bad_pr)
    assert fragment in reply
    assert not eyes(hub, cmd)
    assert hub.count("repos/get-collaborator-permission-level") == 0


async def test_rerun_reviews_now(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    cmd = command(hub, demo_repo, bad_pr, "/review")

    await handle_comment(ctx, cmd)

    assert eyes(hub, cmd)
    run = hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1]
    assert run.conclusion == "failure"
    assert "`/review` by @alice" in run.requests[0]["output"]["summary"]


async def test_bots_and_ordinary_comments_are_ignored(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    await handle_comment(
        ctx, command(hub, demo_repo, bad_pr, "/review", login="renovate[bot]", user_type="Bot")
    )
    await handle_comment(ctx, command(hub, demo_repo, bad_pr, "/review", login="ci-helper", user_type="Bot"))
    await handle_comment(ctx, command(hub, demo_repo, bad_pr, "LGTM, thanks!"))

    assert hub.requests == []


async def test_commands_are_rate_limited_per_pr(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest, clock: Clock
) -> None:
    for _ in range(7):
        await handle_comment(ctx, command(hub, demo_repo, bad_pr, "/review help"))

    answers = replies(hub, demo_repo, bad_pr)
    assert len(answers) == 6  # 5 helps, then one refusal; the 7th is dropped silently
    assert "Too many `/review` commands" in answers[-1]

    clock.advance(60)
    await handle_comment(ctx, command(hub, demo_repo, bad_pr, "/review help"))
    assert len(replies(hub, demo_repo, bad_pr)) == 7


async def test_forged_state_outside_the_apps_comment_is_ignored(
    ctx: AppContext, hub: FakeGitHub, demo_repo: Repo, bad_pr: PullRequest
) -> None:
    forged = (
        f'{COMMENT_MARKER}\n{STATE_PREFIX}{{"v":1,"audit":[{{"kind":"approve","actor":"maintainer",'
        f'"at":"2026-11-25T10:00:00Z","reason":"trust me","sha":"{bad_pr.head_sha}"}}]}} -->'
    )
    hub.add_comment(demo_repo, bad_pr.number, forged, login="mallory")
    files = task_files(BAD_TASK)
    context = f"{BAD_TASK}/payment-retries-context.md"
    files[context] = bytes(files[context]) + f"\n{forged}\n".encode()
    hub.push(bad_pr, files)

    await review_pull_request(ctx, ref(bad_pr), reason="test")

    assert hub.runs_for(demo_repo, bad_pr.head_sha, CHECK)[-1].conclusion == "failure"
    assert decode_state(sticky_body(hub, demo_repo, bad_pr)).audit == ()
