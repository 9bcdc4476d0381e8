"""``/review`` command syntax (pure): a PR comment's first line → :class:`Parsed`, and why a
malformed command is refused. ``commands.py`` acts on what this reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.github.values import RepoRef
from bot.review.state import is_security_rule
from rules.registry import RULES_BY_CODE

Verb = Literal["rerun", "help", "explain", "waive", "approve", "unknown"]
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
