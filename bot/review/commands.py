"""``/review`` commands in PR comments (first line only).

``/review`` re-runs, ``/review help`` lists the commands, ``/review explain CODE`` shows a rule's
documentation; ``/review waive …`` and ``/review approve <reason>`` need write, maintain or admin
permission, and bind to what their author saw (``approvals.py``): the head SHA when the comment
was written.

- ``/review approve <reason>`` passes the gate for that SHA only (unless
  ``gate.approval_survives_push``); a push after it needs a new approval.
- ``/review waive CODE <reason>`` waives the CODE findings the review of that SHA showed, by
  fingerprint: a finding that appears later (a secret pushed afterwards) is not covered.
- ``/review waive <fingerprint> <reason>`` waives one finding.
- ``/review waive CODE --all <reason>`` waives the rule on this PR, later findings included;
  refused for security rules.

When the timeline cannot prove which head the author saw, nothing is recorded and the reply says
so. Records live, with who, when and why, in the sticky comment's hidden state (``state.py``) and
are shown in the comment and check run. ``syntax.py`` reads a comment into a command.

Bots and edited comments are ignored (the web side passes only ``created`` comments). An accepted
command gets a 👀 reaction; a refused one a reply saying why. At most a few commands per PR per
minute: an in-memory token bucket per process (each replica limits on its own).
"""

from __future__ import annotations

import inspect
import logging

from bot.github.port import GitHubPort
from bot.review.approvals import bound_command
from bot.review.context import AppContext
from bot.review.flow import run_review
from bot.review.syntax import CommentCommand, Parsed, is_bot, parse_command, refusal
from rules.registry import RULES_BY_CODE

log = logging.getLogger(__name__)

HELP = """**devdocs-review commands** (on the first line of a pull-request comment):

| Command | What it does | Who |
|---|---|---|
| `/review` | Re-run the review now | anyone |
| `/review help` | Show this list | anyone |
| `/review explain CODE` | What a rule checks, why it matters, how to fix it | anyone |
| `/review waive CODE <reason>` | Waive the CODE findings of the review you saw | write, maintain, admin |
| `/review waive FINGERPRINT <reason>` | Waive one finding, by its 16-character fingerprint | write, maintain, admin |
| `/review waive CODE --all <reason>` | Waive the rule on this PR, later findings too | write, maintain, admin |
| `/review approve <reason>` | Pass the gate for the commit you saw | write, maintain, admin |

Waivers and approvals bind to the head commit when the comment was written: an approval does not
cover a later push (comment again), and a waiver covers the findings that review showed, never one
that appears later (a secret pushed afterwards). `--all` is refused for security rules (SEC001,
SEC002). Fingerprints are listed in the reply to a waiver and in the JSON and SARIF reports. Each
waiver and approval is recorded with who, when and why in the review comment and the check run.
"""


def explain(code: str) -> str:
    """A rule's documentation for a reply (pure)."""
    rule = RULES_BY_CODE[code]
    doc = inspect.cleandoc(rule.__doc__ or "").strip()
    return (f"### {rule.code} · `{rule.name}`\n\n"
            f"**Category:** {rule.category.value} · **Default severity:** {rule.severity.label}\n\n"
            f"{doc}\n\n**Why it matters:** {rule.rationale}\n\n**How to fix:** {rule.fix}\n")


async def handle_comment(ctx: AppContext, cmd: CommentCommand, *, attempt: int = 1) -> None:
    """Act on a ``/review`` command in a newly created PR comment (*attempt*: as for
    :func:`~bot.review.flow.run_review`)."""
    if is_bot(cmd.author, cmd.author_type):
        return
    parsed = parse_command(cmd.body)
    if parsed is None:
        return
    async with ctx.github_for_installation(cmd.repo.installation_id) as gh:
        await dispatch(ctx, gh, cmd, parsed, attempt=attempt)


async def dispatch(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, parsed: Parsed, *,
                   attempt: int = 1) -> None:
    bucket = ctx.limiter.bucket((cmd.repo.full_name, cmd.pr_number), ctx.clock())
    if not bucket.take(ctx.clock()):
        if bucket.refusals == 1:  # answer the first refusal only: a flood must not get a flood back
            await reply(gh, cmd, f"Too many `/review` commands on this pull request; try again in "
                                 f"{bucket.seconds_until_next()} s.")
        return
    problem = refusal(parsed)
    if problem is None and parsed.verb in ("waive", "approve"):
        problem = await permission_problem(gh, cmd)
    if problem is not None:
        await reply(gh, cmd, problem)
        return
    await gh.add_reaction(cmd.repo, cmd.comment_id, "eyes")
    await act(ctx, gh, cmd, parsed, attempt=attempt)


async def permission_problem(gh: GitHubPort, cmd: CommentCommand) -> str | None:
    permission = await gh.get_collaborator_permission(cmd.repo, cmd.author)
    if permission.can_write:
        return None
    role = permission.role_name or permission.permission
    return (f"Only people with write, maintain or admin access can waive rules or approve; you have "
            f"`{role}` access to {cmd.repo.full_name}.")


async def act(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, parsed: Parsed, *, attempt: int = 1) -> None:
    if parsed.verb == "help":
        await reply(gh, cmd, HELP)
    elif parsed.verb == "explain":
        assert parsed.code is not None
        await reply(gh, cmd, explain(parsed.code))
    else:
        pr = await gh.get_pull_request(cmd.repo, cmd.pr_number)
        if parsed.verb in ("waive", "approve"):
            answer = await bound_command(ctx, gh, cmd, parsed, pr)
            if answer:
                await reply(gh, cmd, answer)
        command = "/review" if parsed.verb == "rerun" else f"/review {parsed.verb}"
        await run_review(ctx, gh, pr, reason=f"`{command}` by @{cmd.author}", attempt=attempt)


async def reply(gh: GitHubPort, cmd: CommentCommand, text: str) -> None:
    await gh.create_issue_comment(cmd.repo, cmd.pr_number, f"@{cmd.author} {text}")
