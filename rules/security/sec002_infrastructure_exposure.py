"""SEC002 infrastructure-exposure."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.redact import find_secrets
from rules.core.rule import Rule, RuleContext
from rules.security._exposure import NEEDLES, PATTERNS, Exposure, find_exposures

_MESSAGES = {
    "public-ip": "Public IP address {value!r} in the document.",
    "ssh-public-ip": "SSH target {value!r} names a public IP address.",
    "root-ssh": "SSH command logs in as root on {value!r}.",
    "production-host": "Production host {value!r} in the document.",
    "provider-endpoint": "Public endpoint of a managed service {value!r} in the document.",
    "connection-string": "Connection string to production host {value!r} in the document.",
}
_FIXES = {
    "root-ssh": "Replace the target with a placeholder (`<user>@<server>`); log in as a named user.",
}


class InfrastructureExposureOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_hosts: tuple[str, ...] = ()  # addresses or host names that are public on purpose


class InfrastructureExposure(Rule):
    """The doc names reachable infrastructure: a public IP, an SSH target or a production host.

    Reported: public IPv4 addresses, SSH/scp targets that log in as root or name a public IP,
    production hosts with a port, and connection strings to production databases. Private,
    loopback, link-local and documentation addresses (``10.0.0.5``, ``192.168.1.2``,
    ``203.0.113.7``), version numbers (``v1.2.3.4``), outline numbers (``### 2.1.3.4``), public
    resolvers (``8.8.8.8``), textbook samples (``1.2.3.4``) and reserved documentation domains
    (``db.prod.example.com``, ``*.test``) are not exposure. Production hosts are those with a
    ``prod``/``production`` label (``db.prod.acme-corp.io``, ``api-prod.acme-corp.io``) and
    managed providers' public endpoints (``*.proxy.rlwy.net``, ``*.rds.amazonaws.com``,
    ``*.mongodb.net``). A credential URL is SEC001's finding, not this rule's.

    Why: a planning doc is read by everyone with repository access, pasted into agent prompts and
    kept in history. A public address, a root login or a database endpoint tells an attacker
    exactly where to aim; only the credentials stand between them and production.

    Bad:
        - [x] Open the database proxy — `tramway.proxy.rlwy.net:41873`
        - [ ] Deploy: `ssh root@app-01.acme-corp.io`

    Good:
        - [x] Open the database proxy (host and port in the team vault, entry "prod-db")
        - [ ] Deploy: `ssh deploy@<app-server>` (see the runbook)

    Options:
        allowed_hosts: addresses or host names that are public on purpose (a status page, a
            public API) and should not be reported.
    """

    code = "SEC002"
    name = "infrastructure-exposure"
    category = Category.SECURITY
    severity = Severity.HIGH
    rationale = "Public addresses, root logins and production endpoints in docs show attackers where to aim."
    fix = "Replace the address with a placeholder (`<db-host>:<port>`) and keep the real value in the vault."
    effort_minutes = 10
    Options = InfrastructureExposureOptions

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        allowed = frozenset(host.lower() for host in self.options.allowed_hosts)
        for doc in task.documents:
            for number in doc.lines_containing(NEEDLES, PATTERNS):
                line = doc.lines[number - 1]
                for exposure in _reportable(line, allowed):
                    message = _MESSAGES[exposure.kind].format(value=exposure.value)
                    yield self.finding(
                        task,
                        doc,
                        number,
                        message,
                        key=f"{exposure.kind}:{exposure.value}",
                        fix=_FIXES.get(exposure.kind),
                    )


def _reportable(line: str, allowed: frozenset[str]) -> list[Exposure]:
    exposures = find_exposures(line)
    if not exposures:
        return []
    secrets = sorted(find_secrets(line), key=lambda s: s.start)  # a credential URL is SEC001's (critical)
    starts = [s.start for s in secrets]  # finding: do not report it twice
    reach = list(itertools.accumulate((s.end for s in secrets), max))  # furthest end of secrets[:i + 1]
    return [e for e in exposures if not _overlapped(e, starts, reach) and not _allowed(e.value, allowed)]


def _overlapped(exposure: Exposure, starts: list[int], reach: list[int]) -> bool:
    """A secret starting before the exposure ends reaches past its start."""
    before = bisect.bisect_left(starts, exposure.end)
    return before > 0 and reach[before - 1] > exposure.start


def _allowed(value: str, allowed: frozenset[str]) -> bool:
    host = value.rsplit("@", 1)[-1].split("://", 1)[-1].split(":", 1)[0].lower()
    return host in allowed or value.lower() in allowed
