"""``/review`` commands in PR comments (first line only).

``/review`` re-runs, ``/review help`` lists the commands, ``/review explain CODE`` shows a rule's
documentation; ``/review waive CODE <reason>`` and ``/review approve <reason>`` need write,
maintain or admin permission. A waiver suppresses one rule on this PR; an approval passes the gate
for the current head SHA only (a new push re-gates). Both are recorded, with who, when and why, in
the sticky comment's hidden state (see ``bot/review.py``) and shown in the comment and check run.

Bots and edited comments are ignored (the web side passes only ``created`` comments). An accepted
command gets a 👀 reaction; a refused one a reply saying why. At most a few commands per PR per
minute: an in-memory token bucket per process (each replica limits on its own).
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from typing import Literal

from bot.context import AppContext
from bot.github import GitHubPort, PullRequestRef, RepoRef
from bot.review import TITLE, find_sticky, is_valid_entry, now_stamp, run_review, strip_state, write_sticky
from rules.registry import RULES_BY_CODE
from rules.render.audit import AuditEntry
from rules.render.markdown import COMMENT_MARKER

log = logging.getLogger(__name__)

MAX_REASON_CHARS = 500

Verb = Literal["rerun", "help", "explain", "waive", "approve", "unknown"]

HELP = """**devdocs-review commands** (on the first line of a pull-request comment):

| Command | What it does | Who |
|---|---|---|
| `/review` | Re-run the review now | anyone |
| `/review help` | Show this list | anyone |
| `/review explain CODE` | What a rule checks, why it matters, how to fix it | anyone |
| `/review waive CODE <reason>` | Suppress one rule on this pull request | write, maintain, admin |
| `/review approve <reason>` | Pass the gate for this commit only (a push re-gates) | write, maintain, admin |

Waivers and approvals are recorded with who, when and why in the review comment and the check run.
"""


@dataclass(frozen=True, slots=True)
class CommentCommand:
    repo: RepoRef
    pr_number: int
    comment_id: int
    author: str
    author_type: str
    body: str


@dataclass(frozen=True, slots=True)
class Parsed:
    verb: Verb
    code: str | None = None
    reason: str = ""
    word: str = ""  # the unknown sub-command, for the refusal


def _token(text: str) -> str:
    """A user-typed word made safe to quote back (no backticks, mentions or markup; bounded)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "", text)[:40]


def parse_command(body: str) -> Parsed | None:
    """The command on the first line of *body*, or ``None`` when it is not a ``/review`` command."""
    lines = body.strip().splitlines()
    match = re.fullmatch(r"/review(?:\s+(.*))?", lines[0].strip() if lines else "", flags=re.IGNORECASE)
    if match is None:
        return None
    rest = (match.group(1) or "").strip()
    if not rest:
        return Parsed("rerun")
    word, _, args = rest.partition(" ")
    verb = word.lower()
    args = args.strip()
    if verb == "help":
        return Parsed("help")
    if verb == "explain":
        return Parsed("explain", code=_token(args.split()[0]).upper() or None if args else None)
    if verb == "waive":
        code, _, reason = args.partition(" ")
        return Parsed("waive", code=_token(code).upper() or None, reason=reason.strip())
    if verb == "approve":
        return Parsed("approve", reason=args)
    return Parsed("unknown", word=_token(word) or "?")


def is_bot(author: str, author_type: str) -> bool:
    return author_type.lower() == "bot" or author.lower().endswith("[bot]")


def refusal(parsed: Parsed) -> str | None:
    """Why a syntactically wrong command is refused, or ``None`` (pure)."""
    if parsed.verb == "unknown":
        return f"`/review {parsed.word}` is not a command I know. Comment `/review help` for the list."
    if parsed.verb in ("explain", "waive") and not parsed.code:
        return f"`/review {parsed.verb}` needs a rule code, e.g. `/review {parsed.verb} CTX002`."
    if parsed.code and parsed.code not in RULES_BY_CODE:
        return f"`{parsed.code}` is not a rule code. `devdocs-review rules` lists them."
    if parsed.verb in ("waive", "approve") and not parsed.reason:
        example = "waive CTX002 <reason>" if parsed.verb == "waive" else "approve <reason>"
        return f"`/review {parsed.verb}` needs a reason, e.g. `/review {example}`; it goes in the audit."
    return None


def explain(code: str) -> str:
    """A rule's documentation for a reply (pure)."""
    rule = RULES_BY_CODE[code]
    doc = inspect.cleandoc(rule.__doc__ or "").strip()
    return (f"### {rule.code} · `{rule.name}`\n\n"
            f"**Category:** {rule.category.value} · **Default severity:** {rule.severity.label}\n\n"
            f"{doc}\n\n**Why it matters:** {rule.rationale}\n\n**How to fix:** {rule.fix}\n")


async def handle_comment(ctx: AppContext, cmd: CommentCommand) -> None:
    """Act on a ``/review`` command in a newly created PR comment."""
    if is_bot(cmd.author, cmd.author_type):
        return
    parsed = parse_command(cmd.body)
    if parsed is None:
        return
    async with ctx.github_for_installation(cmd.repo.installation_id) as gh:
        await dispatch(ctx, gh, cmd, parsed)


async def dispatch(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, parsed: Parsed) -> None:
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
    await act(ctx, gh, cmd, parsed)


async def permission_problem(gh: GitHubPort, cmd: CommentCommand) -> str | None:
    permission = await gh.get_collaborator_permission(cmd.repo, cmd.author)
    if permission.can_write:
        return None
    role = permission.role_name or permission.permission
    return (f"Only people with write, maintain or admin access can waive rules or approve; you have "
            f"`{role}` access to {cmd.repo.full_name}.")


async def act(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, parsed: Parsed) -> None:
    if parsed.verb == "help":
        await reply(gh, cmd, HELP)
    elif parsed.verb == "explain":
        assert parsed.code is not None
        await reply(gh, cmd, explain(parsed.code))
    else:
        pr = await gh.get_pull_request(cmd.repo, cmd.pr_number)
        if parsed.verb in ("waive", "approve"):
            await record(ctx, gh, pr, audit_entry(ctx, cmd, parsed, pr))
        command = "/review" if parsed.verb == "rerun" else f"/review {parsed.verb}"
        await run_review(ctx, gh, pr, reason=f"`{command}` by @{cmd.author}")


def audit_entry(ctx: AppContext, cmd: CommentCommand, parsed: Parsed, pr: PullRequestRef) -> AuditEntry:
    reason = " ".join(parsed.reason.split())[:MAX_REASON_CHARS]
    if parsed.verb == "waive":
        return AuditEntry("waive", cmd.author, now_stamp(ctx.clock()), reason, rule=parsed.code)
    return AuditEntry("approve", cmd.author, now_stamp(ctx.clock()), reason, sha=pr.head_sha)


async def record(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef, entry: AuditEntry) -> None:
    """Persist *entry* in the sticky comment's state before the re-review reads it."""
    if not is_valid_entry(entry):
        raise ValueError(f"refusing to record an invalid audit entry by {entry.actor!r}")
    async with ctx.cache.pr_lock(pr.key):
        sticky = await find_sticky(ctx, gh, pr.repo, pr.number)
        if sticky.comment is not None:
            markdown = strip_state(sticky.comment.body)
        else:
            markdown = (f"{COMMENT_MARKER}\n## 📋 {TITLE}\n\nRecorded: {entry.action} by @{entry.actor}. "
                        f"Reviewing `{pr.head_sha[:7]}`…\n")
        await write_sticky(ctx, gh, pr.repo, pr.number, sticky, markdown, sticky.state.add(entry))


async def reply(gh: GitHubPort, cmd: CommentCommand, text: str) -> None:
    await gh.create_issue_comment(cmd.repo, cmd.pr_number, f"@{cmd.author} {text}")
