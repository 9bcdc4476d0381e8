"""SEC001 secret-in-doc."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, field_validator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.redact import KIND_LABELS, document_matches, scan_lines, secret_key
from rules.core.rule import Rule, RuleContext

MAX_LISTED = 200  # secrets listed one by one per file; a file with more is a dump, reported as one more
MIN_RECURRING = 8  # a secret's value this long is looked for on every other line of the folder


class SecretInDocOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ignore_kinds: tuple[str, ...] = ()  # e.g. ["jwt"] when only public anon keys appear

    @field_validator("ignore_kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(kinds) - set(KIND_LABELS))
        if unknown:
            raise ValueError(f"unknown secret kind(s) {unknown}; known: {', '.join(KIND_LABELS)}")
        return kinds


class SecretInDoc(Rule):
    """A credential is written in a planning doc: a token, a key, a password or a URL carrying one.

    Found on every line, code blocks included: credential URLs (``postgresql://user:pass@host``)
    and tokens as URL user names (``https://<token>@host``) or in query strings (``?access_token=``,
    ``api_key=``, SAS ``sig=``), Sentry DSNs (every region, self-hosted), GitHub / GitLab / Slack /
    npm / PyPI / SendGrid / Hugging Face / Twilio / OpenAI / Anthropic / Stripe / Google / Vault
    and other prefixed tokens, AWS access key ids and secret keys, Azure storage and service bus
    keys (``AccountKey=``), JWTs, bearer and basic authorization headers, private key blocks, Slack
    and Discord webhooks, passwords on command lines (``curl -u user:pass``, ``mysql -pPASS``,
    ``docker login -p``, ``--password``), ``.netrc`` lines, ``PGPASSWORD=`` / ``*_SECRET=`` /
    ``*_TOKEN=`` environment lines, random values in ``*_KEY=`` variables (``FAL_KEY=3f9e…``), and
    ``password:`` / ``secret=`` / ``api_key:`` / ``token:``
    assignments with a literal value — followed by prose too when the value looks random
    (``## Phase 1: set password: Hunter2Xyz!Qw on the replica``). References and stand-ins are not
    secrets: ``${DB_PASSWORD}``, ``$TOKEN``, ``<password>``, ``***``, ``your-password``,
    ``changeme``, ``DB_PASSWORD`` (a variable name), AWS's documented ``…EXAMPLE`` keys, passwords
    on documentation hosts (``db.example.com``). The finding shows the secret redacted
    (``postgresql://app:****@db:5432``); the value never appears in any output: the engine masks
    every value found here wherever another rule quotes it. A value found once is looked for on every
    other line of the folder: one finding per value lists every place. A file holding more than 200 secrets
    (a pasted dump) lists the first 200 and one finding for the rest.

    Why: planning docs are committed, reviewed in pull requests, copied into agent prompts and
    kept in git history forever. A secret in them is a leaked secret: removing the line does not
    un-leak it, only rotating the credential does.

    Bad:
        ## Session log
        Connected with `postgresql://app:Zq8vLm2Rt7@db.internal.acme-corp.io:5432/app`.

    Good:
        ## Session log
        Connected with `$DATABASE_URL` (stored in the team vault, entry "app-db").

    Options:
        ignore_kinds: secret kinds not to report, e.g. ``["jwt"]`` (see ``KIND_LABELS``).
    """

    code = "SEC001"
    name = "secret-in-doc"
    category = Category.SECURITY
    severity = Severity.CRITICAL
    rationale = "A secret committed to a doc is leaked: it lives in git history and every copy of the doc."
    fix = "Rotate the credential now, then replace it with a reference (`$DATABASE_URL`, vault entry name)."
    effort_minutes = 20
    Options = SecretInDocOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        ignored = frozenset(self.options.ignore_kinds)
        seen: dict[str, tuple[str, str]] = {}  # a value found -> (its key, the message of its first place)
        reported: set[tuple[str, int, str]] = set()  # (path, line, value) of each place reported
        for doc in task.documents:
            listed = 0
            unlisted: list[int] = []
            for line, match in scan_lines(doc.lines, document_matches(doc)):
                if match.kind in ignored:
                    continue
                if listed == MAX_LISTED:
                    unlisted.append(line)  # not fingerprinted: the iterated hash is the costly part
                    continue
                listed += 1
                # the same secret again (here or in another file) has the same key: the engine makes
                # all its places one finding (rules/core/grouping.py)
                key = secret_key(match.kind, doc.lines[line - 1][match.start : match.end])
                message = f"{match.label} written in the document: {match.excerpt!r}."
                reported.add((doc.path, line, match.value))
                if len(match.value) >= MIN_RECURRING and len(seen) < MAX_LISTED:
                    key, message = seen.setdefault(match.value, (key, message))  # one finding for one value
                yield self.finding(task, doc, line, message, key=key)
            if unlisted:
                message = (
                    f"{len(unlisted)} more secrets in this file after the first {MAX_LISTED} "
                    f"(lines {unlisted[0]}-{unlisted[-1]}) are not listed one by one."
                )
                yield self.finding(task, doc, unlisted[0], message, key="more-secrets")
        yield from self._recurring(task, seen, reported)

    def _recurring(self, task: TaskDocs, seen: dict[str, tuple[str, str]],
                   reported: set[tuple[str, int, str]]) -> Iterator[Finding]:
        """The value of a secret found once, again on a line no detector reads as one (``FAL key
        configured: `3f9e…```): the same leak in one more place. Same key and message as the first
        place: the engine makes them one finding listing every place (rules/core/grouping.py)."""
        if not seen:
            return
        values = re.compile("|".join(rf"(?<![A-Za-z0-9]){re.escape(v)}(?![A-Za-z0-9])"
                                     for v in sorted(seen, key=len, reverse=True)))
        for doc in task.documents:
            for index, text in enumerate(doc.lines):
                for value in dict.fromkeys(found.group() for found in values.finditer(text)):
                    if (doc.path, index + 1, value) not in reported:
                        key, message = seen[value]
                        yield self.finding(task, doc, index + 1, message, key=key)
