"""Approvals and waivers bind to what their author saw: the head SHA when the comment was written.

GitHub binds a pull-request review to the ``commit_id`` it was written on; a ``/review approve``
comment carries no commit, only its ``created_at``, and the job that handles it may run after
further pushes. So the App keeps a push timeline and reads the head at comment time from it:

- the head timeline in the sticky comment's state (``state.py``): every time the App
  writes its comment it notes the head it has just confirmed, with the time the App learnt of it
  (the receipt of the ``pull_request`` delivery that named it, else the time it read the head);
- the ``started_at`` of the App's own check runs on the current head (``GET
  /commits/{ref}/check-runs``): that commit was a head of the pull request by then (GitHub gives
  seconds; the next whole second is used, never an earlier one).

The head at comment time is the SHA of the latest sighting at or before the comment's moment
(:func:`comment_moment`: its delivery's receipt, bounded by ``created_at`` + 1 s since GitHub
truncates ``created_at`` to the second), so sightings and comments are ordered as GitHub sent them. When no
sighting precedes the comment, nothing is bound: the command is refused (fail safe), never
applied to the current head. A bound SHA that is not the current head is recorded for that SHA and
the author is told the pull request moved on.

With ``gate.approval_survives_push: true`` the latest approval on the pull request also covers
later heads; by default a push needs a new approval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.github.port import GitHubPort
from bot.github.values import PullRequestRef
from bot.review.context import AppContext
from bot.review.state import MAX_WAIVED_FINDINGS, HeadSeen, Record, StickyState, is_valid_entry, strip_state
from bot.review.sticky import TITLE, find_sticky, now_stamp, write_sticky
from bot.review.syntax import CommentCommand, Parsed
from rules.render.audit import AuditEntry
from rules.render.markdown import COMMENT_MARKER

MAX_REASON_CHARS = 500


@dataclass(frozen=True, slots=True)
class Binding:
    """The head at comment time (``seen``), if the timeline proves one, and the head now."""

    seen: str | None
    current: str

    @property
    def is_current(self) -> bool:
        return self.seen == self.current


def comment_moment(created_at: datetime, received_at: float | None) -> datetime:
    """When a comment was written, as finely as the App can tell.

    GitHub's ``created_at`` is truncated to the second, so the comment was written in
    ``[created_at, created_at + 1 s)``; its delivery reached the App at *received_at* (the App's
    clock, sub-second), no earlier than it was written. The earlier of ``created_at + 1 s`` and
    *received_at* bounds it from above; the App's sightings (receipt times of the deliveries that
    announced each head) compare with that in the order GitHub sent the events, so a review posted
    and approved within one second binds, and a push sent after the comment does not. Without a
    receipt time (the comment was read from the API) only ``created_at`` is certain.
    """
    if received_at is None:
        return created_at
    return min(created_at + timedelta(seconds=1), datetime.fromtimestamp(received_at, tz=UTC))


def head_at(moment: datetime, sightings: Sequence[HeadSeen]) -> str | None:
    """The SHA of the latest sighting at or before *moment*, if any."""
    cutoff = moment.timestamp()
    before = [s for s in sightings if s.at <= cutoff]
    return max(before, key=lambda s: s.at).sha if before else None


async def check_run_sightings(gh: GitHubPort, pr: PullRequestRef, check_name: str,
                              app_slug: str | None) -> list[HeadSeen]:
    """The current head as seen by the App's own check runs: when the first one started (rounded
    up to the next second, since GitHub keeps whole seconds)."""
    runs = await gh.list_check_runs(pr.repo, pr.head_sha, check_name=check_name)
    started = [run.started_at.timestamp() for run in runs
               if run.started_at is not None and run.app_slug in (None, app_slug)]
    return [HeadSeen(pr.head_sha, math.floor(min(started)) + 1.0)] if started else []


def bind(created_at: datetime, pr: PullRequestRef, state: StickyState,
         extra: Sequence[HeadSeen] = ()) -> Binding:
    """Which head the comment written at *created_at* saw (see the module doc)."""
    return Binding(head_at(created_at, (*state.heads, *extra)), pr.head_sha)


def active_approval(state: StickyState, head_sha: str, *, survives_push: bool) -> AuditEntry | None:
    """The approval that covers *head_sha*: one given for it, else (only when approvals survive
    pushes) the latest given on the pull request, shown as carried over."""
    approvals = [e for e in state.audit if e.kind == "approve" and e.sha]
    exact = [e for e in approvals if e.sha == head_sha]
    if exact:
        return max(exact, key=lambda e: e.at).audit_entry()
    if survives_push and approvals:
        latest = max(approvals, key=lambda e: e.at)
        assert latest.sha is not None
        return replace(latest.audit_entry(), sha=head_sha,
                       reason=f"{latest.reason} (approved at {latest.sha[:7]}; carried over to later pushes by "
                              "gate.approval_survives_push)")
    return None


def audit_to_render(state: StickyState, head_sha: str, *, survives_push: bool,
                    complete: bool) -> tuple[AuditEntry, ...]:
    """The audit as the renderers get it: they apply an approval recorded for the reviewed head,
    so a carried-over approval is shown for that head, and an incomplete review gets none."""
    entries = [e for e in state.audit_entries() if complete or not (e.kind == "approve" and e.sha == head_sha)]
    if not complete:
        return tuple(entries)
    carried = active_approval(state, head_sha, survives_push=survives_push)
    if carried is not None and carried not in entries:
        entries.append(carried)
    return tuple(entries)


# -- recording a command in the sticky state ---------------------------------------------------------


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
    slug = (await ctx.app(gh)).slug
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
