"""The App's sticky comment on a pull request: found by its marker and author, edited in place.

The comment ends with hidden JSON (``state.py``): waivers, approvals, the head timeline and the
findings each review showed. It is read from the App's own comment only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.github.errors import NotFound
from bot.github.port import GitHubPort
from bot.github.values import Comment, RepoRef
from bot.review.context import AppContext
from bot.review.state import StickyState, compose_body, decode_state
from rules.render.markdown import COMMENT_MARKER

log = logging.getLogger(__name__)

TITLE = "devdocs-review"


def now_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Sticky:
    comment: Comment | None
    state: StickyState = field(default_factory=StickyState)


def is_sticky(comment: Comment, login: str) -> bool:
    return comment.author_login == login and COMMENT_MARKER in comment.body


async def find_sticky(ctx: AppContext, gh: GitHubPort, repo: RepoRef, number: int) -> Sticky:
    """The App's own marked comment (the oldest, if a race ever made two) and its state."""
    login = (await ctx.app(gh)).bot_login
    key = (repo.full_name, number)
    cached = ctx.cache.sticky_ids.get(key)
    comment = await gh.get_issue_comment(repo, cached) if cached else None
    if comment is None or not is_sticky(comment, login):
        ctx.cache.sticky_ids.pop(key)
        mine = [c for c in await gh.list_issue_comments(repo, number) if is_sticky(c, login)]
        comment = min(mine, key=lambda c: c.id) if mine else None
    if comment is None:
        return Sticky(None)
    ctx.cache.sticky_ids.put(key, comment.id)
    return Sticky(comment, decode_state(comment.body))


async def write_sticky(ctx: AppContext, gh: GitHubPort, repo: RepoRef, number: int, sticky: Sticky,
                       markdown: str, state: StickyState | None = None) -> Comment:
    """Edit the sticky comment in place (skipped when unchanged), or create it the first time."""
    body = compose_body(markdown, sticky.state if state is None else state)
    if sticky.comment is not None and sticky.comment.body == body:
        return sticky.comment
    comment = None
    if sticky.comment is not None:
        try:
            comment = await gh.update_issue_comment(repo, sticky.comment.id, body)
        except NotFound:  # deleted by someone since we found it: post it afresh
            log.info("sticky comment %s disappeared; posting a new one", sticky.comment.id)
    if comment is None:
        comment = await gh.create_issue_comment(repo, number, body)
    ctx.cache.sticky_ids.put((repo.full_name, number), comment.id)
    return comment
