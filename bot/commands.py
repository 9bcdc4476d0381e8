"""``/review`` commands in PR comments (first line only).

``/review`` re-runs, ``/review help`` lists the commands, ``/review explain CODE`` shows a rule's
documentation; ``/review waive …`` and ``/review approve <reason>`` need write, maintain or admin
permission, and bind to what their author saw (``bot/approvals.py``): the head SHA when the comment
was written.

- ``/review approve <reason>`` passes the gate for that SHA only (unless
  ``gate.approval_survives_push``); a push after it needs a new approval.
- ``/review waive CODE <reason>`` waives the CODE findings the review of that SHA showed, by
  fingerprint: a finding that appears later (a secret pushed afterwards) is not covered.
- ``/review waive <fingerprint> <reason>`` waives one finding.
- ``/review waive CODE --all <reason>`` waives the rule on this PR, later findings included;
  refused for security rules.

When the timeline cannot prove which head the author saw, nothing is recorded and the reply says
so. Records live, with who, when and why, in the sticky comment's hidden state
(``bot/sticky_state.py``) and are shown in the comment and check run.

Bots and edited comments are ignored (the web side passes only ``created`` comments). An accepted
command gets a 👀 reaction; a refused one a reply saying why. At most a few commands per PR per
minute: an in-memory token bucket per process (each replica limits on its own).
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.approvals import Binding, bind, check_run_sightings, comment_moment
from bot.context import AppContext
from bot.github.port import GitHubPort
from bot.github.values import PullRequestRef, RepoRef
from bot.review import TITLE, bot_login, find_sticky, now_stamp, run_review, write_sticky
from bot.sticky_state import MAX_WAIVED_FINDINGS, Record, StickyState, is_security_rule, is_valid_entry, strip_state
from rules.registry import RULES_BY_CODE
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
FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True, slots=True)
class CommentCommand:
    repo: RepoRef
    pr_number: int
    comment_id: int
    author: str
    author_type: str
    body: str
    created_at: datetime | None = None  # None: read from GitHub when a command needs it
    received_at: float | None = None  # when the App received the comment's delivery (epoch s, its clock)


@dataclass(frozen=True, slots=True)
class Parsed:
    verb: Verb
    code: str | None = None
    reason: str = ""
    word: str = ""  # the unknown sub-command, for the refusal
    fingerprint: str | None = None  # waive: one finding
    rule_wide: bool = False  # waive CODE --all


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
        return _parse_waive(args)
    if verb == "approve":
        return Parsed("approve", reason=args)
    return Parsed("unknown", word=_token(word) or "?")


def _parse_waive(args: str) -> Parsed:
    target, _, rest = args.partition(" ")
    rest = rest.strip()
    rule_wide = rest == "--all" or rest.startswith("--all ")
    reason = rest[len("--all"):].strip() if rule_wide else rest
    if FINGERPRINT.fullmatch(target.lower()):
        return Parsed("waive", fingerprint=target.lower(), reason=reason, rule_wide=rule_wide)
    return Parsed("waive", code=_token(target).upper() or None, reason=reason, rule_wide=rule_wide)


def is_bot(author: str, author_type: str) -> bool:
    return author_type.lower() == "bot" or author.lower().endswith("[bot]")


def refusal(parsed: Parsed) -> str | None:
    """Why a syntactically wrong command is refused, or ``None`` (pure)."""
    if parsed.verb == "unknown":
        return f"`/review {parsed.word}` is not a command I know. Comment `/review help` for the list."
    if parsed.verb in ("explain", "waive") and not (parsed.code or parsed.fingerprint):
        return f"`/review {parsed.verb}` needs a rule code, e.g. `/review {parsed.verb} CTX002`."
    if parsed.code and parsed.code not in RULES_BY_CODE:
        return f"`{parsed.code}` is not a rule code. `devdocs-review rules` lists them."
    if parsed.rule_wide and parsed.fingerprint:
        return "`--all` waives a whole rule; name the rule code, not a finding's fingerprint."
    if parsed.rule_wide and parsed.code and is_security_rule(parsed.code):
        return (f"`{parsed.code}` is a security rule: a rule-wide waiver would also hide secrets pushed later. "
                f"Waive the findings you have seen instead: `/review waive {parsed.code} <reason>`.")
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
            answer = await bound_command(ctx, gh, cmd, parsed, pr)
            if answer:
                await reply(gh, cmd, answer)
        command = "/review" if parsed.verb == "rerun" else f"/review {parsed.verb}"
        await run_review(ctx, gh, pr, reason=f"`{command}` by @{cmd.author}")


async def bound_command(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, parsed: Parsed,
                        pr: PullRequestRef) -> str | None:
    """Record an approval or waiver for the head *cmd*'s author saw; the reply to post, if any."""
    sticky = await find_sticky(ctx, gh, pr.repo, pr.number)
    binding = await binding_of(ctx, gh, cmd, pr, sticky.state)
    if binding is None or binding.seen is None:
        return (f"I could not tell which commit was the head when you wrote this (no review or check run of "
                f"mine on this pull request is older than your comment), so nothing was {_done(parsed)}. "
                f"The head is now `{pr.head_sha[:7]}`: once its review is posted, comment "
                f"`/review {parsed.verb} …` again.")
    entry, note = _entry(ctx, cmd, parsed, binding, sticky.state)
    if entry is not None:
        await record(ctx, gh, pr, entry)
    return note


async def binding_of(ctx: AppContext, gh: GitHubPort, cmd: CommentCommand, pr: PullRequestRef,
                     state: StickyState) -> Binding | None:
    """The head when *cmd* was written, from the sticky timeline and our check runs on the head."""
    created = cmd.created_at
    if created is None:
        comment = await gh.get_issue_comment(cmd.repo, cmd.comment_id)
        created = comment.created_at if comment is not None else None
    if created is None:
        return None
    await bot_login(ctx, gh)
    slug = ctx.cache.app.slug if ctx.cache.app else None
    sightings = await check_run_sightings(gh, pr, ctx.settings.check_name, slug)
    return bind(comment_moment(created, cmd.received_at), pr, state, sightings)


def _done(parsed: Parsed) -> str:
    return "approved" if parsed.verb == "approve" else "waived"


def _entry(ctx: AppContext, cmd: CommentCommand, parsed: Parsed, binding: Binding,
           state: StickyState) -> tuple[Record | None, str | None]:
    """The record to keep and the reply to post."""
    assert binding.seen is not None
    reason = " ".join(parsed.reason.split())[:MAX_REASON_CHARS]
    at, seen, now = now_stamp(ctx.clock()), binding.seen[:7], binding.current[:7]
    if parsed.verb == "approve":
        entry = Record("approve", cmd.author, at, reason, sha=binding.seen)
        if binding.is_current:
            return entry, None  # the re-review's comment and check run say "approved by @x at abc1234"
        return entry, (f"approved by @{cmd.author} at `{seen}`, the head when you commented. The pull request has "
                       f"moved on to `{now}` since, which this approval does not cover: review it and comment "
                       "`/review approve <reason>` again.")
    if parsed.rule_wide:
        assert parsed.code is not None
        return Record("waive", cmd.author, at, reason, rule=parsed.code, sha=binding.current, scope="rule"), None
    return _findings_waiver(cmd, parsed, binding, state, at, reason)


def _findings_waiver(cmd: CommentCommand, parsed: Parsed, binding: Binding, state: StickyState, at: str,
                     reason: str) -> tuple[Record | None, str | None]:
    """A waiver of the findings named by fingerprint, or of a rule's findings in the review of the
    head the author saw (and the reply listing them)."""
    assert binding.seen is not None
    seen = binding.seen[:7]
    if parsed.fingerprint is not None:
        shown = next((s for s in reversed(state.shown) if s.rule_of(parsed.fingerprint)), None)
        rule = shown.rule_of(parsed.fingerprint) if shown is not None else None
        if shown is None or rule is None:
            return None, (f"no finding with fingerprint `{parsed.fingerprint}` is in a review I posted on this "
                          "pull request; nothing was waived.")
        fingerprints: tuple[str, ...] = (parsed.fingerprint,)
        sha = shown.sha
    else:
        assert parsed.code is not None
        review = state.shown_at(binding.seen)
        if review is None:
            return None, (f"no review of `{seen}` (the head when you commented) was posted, so there are no "
                          f"{parsed.code} findings you could have seen; nothing was waived.")
        rule, fingerprints, sha = parsed.code, review.findings.get(parsed.code, ()), review.sha
        if not fingerprints:
            return None, f"the review of `{seen}` has no {parsed.code} finding; nothing was waived."
    entry = Record("waive", cmd.author, at, reason, rule=rule, sha=sha, scope="findings",
                   fingerprints=fingerprints[:MAX_WAIVED_FINDINGS])
    listed = ", ".join(f"`{fp}`" for fp in entry.fingerprints[:10]) + (" …" if len(entry.fingerprints) > 10 else "")
    return entry, (f"waived {len(entry.fingerprints)} {rule} finding(s) seen at `{sha[:7]}`: {listed}. A {rule} "
                   "finding that appears later is not covered by this waiver.")


async def record(ctx: AppContext, gh: GitHubPort, pr: PullRequestRef, entry: Record) -> None:
    """Persist *entry* in the sticky comment's state before the re-review reads it (and note the
    head *pr* was fetched at as seen now)."""
    if not is_valid_entry(entry):
        raise ValueError(f"refusing to record an invalid audit entry by {entry.actor!r}")
    async with ctx.cache.pr_lock(pr.key):
        sticky = await find_sticky(ctx, gh, pr.repo, pr.number)
        if sticky.comment is not None:
            markdown = strip_state(sticky.comment.body)
        else:
            markdown = (f"{COMMENT_MARKER}\n## 📋 {TITLE}\n\nRecorded: {entry.audit_entry().action} by @{entry.actor}. "
                        f"Reviewing `{pr.head_sha[:7]}`…\n")
        state = sticky.state.add(entry).saw_head(pr.head_sha, ctx.clock().timestamp())
        await write_sticky(ctx, gh, pr.repo, pr.number, sticky, markdown, state)


async def reply(gh: GitHubPort, cmd: CommentCommand, text: str) -> None:
    await gh.create_issue_comment(cmd.repo, cmd.pr_number, f"@{cmd.author} {text}")
