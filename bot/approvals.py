"""Approvals and waivers bind to what their author saw: the head SHA when the comment was written.

GitHub binds a pull-request review to the ``commit_id`` it was written on; a ``/review approve``
comment carries no commit, only its ``created_at``, and the job that handles it may run after
further pushes. So the App keeps a push timeline and reads the head at comment time from it:

- the head timeline in the sticky comment's state (``bot/sticky_state.py``): every time the App
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
from bot.sticky_state import HeadSeen, StickyState
from rules.render.audit import AuditEntry


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
