"""What the App remembers about one pull request: hidden JSON at the end of its own sticky comment
(no database), read from the App's own comment only, validated, and written back on every edit.

Format 2 (``{"v": 2, ...}``)::

    audit    waivers and approvals: kind, actor, at, reason, and
             - approve: ``sha``, the head when the approval was written;
             - waive: ``rule``; ``scope`` "findings" with the ``fingerprints`` it covers (what the
               maintainer saw), "rule" (rule-wide, ``--all``; never for security rules), or
               "retired" (an old rule-wide waiver of a security rule: kept for the record, not
               applied); ``sha``: the head the waived findings were seen at.
    heads    the head timeline: ``{sha, at}``, a SHA seen as the pull request's head at epoch
             ``at`` (the App confirmed it just before writing), earliest first, one per run.
    shown    the findings the last few published reviews showed, by head SHA: ``{sha, at,
             findings: {RULE: [fingerprint, ...]}}``; ``/review waive RULE`` takes its fingerprints
             from the review of the head the maintainer saw.

Format 1 (``{"v": 1, "audit": [...]}``) is still read: approvals keep their SHA; a waiver becomes
rule-wide, as it was, except for security rules, whose old rule-wide waivers are retired (a secret
pushed after a waiver was never seen by whoever waived).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.github.values import MAX_COMMENT_CHARS
from rules.core.engine import ExtraWaivers
from rules.core.finding import Category
from rules.core.report import Review
from rules.registry import RULES_BY_CODE
from rules.render.audit import AuditEntry
from rules.render.markdown import COMMENT_MARKER

log = logging.getLogger(__name__)

MAX_AUDIT_ENTRIES = 50
MAX_HEADS = 30
MAX_SHOWN = 3  # reviews (head SHAs) whose findings are remembered
MAX_SHOWN_FINDINGS = 200
MAX_WAIVED_FINDINGS = 100
STATE_PREFIX = "<!-- devdocs-review:state "
STATE_SUFFIX = " -->"
_DEFUSED_STATE = "<!-- devdocs-review: state "

Scope = Literal["findings", "rule", "retired"]
Login = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")]
Stamp = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,64}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}\d{3}$")]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
Epoch = Annotated[float, Field(ge=0, le=1e11)]


def is_security_rule(code: str) -> bool:
    rule = RULES_BY_CODE.get(code)
    return rule is not None and rule.category is Category.SECURITY


# -- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """One waiver or approval (see the module doc)."""

    kind: Literal["waive", "approve"]
    actor: str
    at: str
    reason: str
    rule: str | None = None
    sha: str | None = None
    scope: Scope | None = None  # waivers only
    fingerprints: tuple[str, ...] = ()

    def audit_entry(self) -> AuditEntry:
        """As the renderers show it (who, when, what, why)."""
        reason = self.reason
        if self.scope == "findings":
            reason += f" — {len(self.fingerprints)} finding(s)" + (f" seen at {self.sha[:7]}" if self.sha else "")
        elif self.scope == "rule":
            reason += " — rule-wide"
        elif self.scope == "retired":
            reason += " — old rule-wide waiver of a security rule; no longer applied"
        return AuditEntry(self.kind, self.actor, self.at, reason, rule=self.rule, sha=self.sha)


@dataclass(frozen=True, slots=True)
class HeadSeen:
    sha: str
    at: float  # epoch seconds


@dataclass(frozen=True, slots=True)
class Shown:
    sha: str
    at: float
    findings: Mapping[str, tuple[str, ...]]  # rule -> fingerprints

    def rule_of(self, fingerprint: str) -> str | None:
        return next((rule for rule, fps in self.findings.items() if fingerprint in fps), None)


@dataclass(frozen=True, slots=True)
class StickyState:
    audit: tuple[Record, ...] = ()
    heads: tuple[HeadSeen, ...] = ()
    shown: tuple[Shown, ...] = ()

    def waivers(self) -> ExtraWaivers:
        """The engine's PR-level waivers; the latest waiver of a finding or rule wins."""
        findings: dict[str, str] = {}
        rules: dict[str, str] = {}
        for entry in sorted(self.audit, key=lambda e: e.at):
            if entry.kind != "waive" or not entry.rule:
                continue
            reason = f"{entry.reason} (waived by @{entry.actor})"
            if entry.scope == "findings":
                findings.update(dict.fromkeys(entry.fingerprints, reason))
            elif entry.scope == "rule" and not is_security_rule(entry.rule):
                rules[entry.rule] = reason
        return ExtraWaivers(findings=findings, rules=rules)

    def audit_entries(self) -> tuple[AuditEntry, ...]:
        return tuple(entry.audit_entry() for entry in self.audit)

    def add(self, entry: Record) -> StickyState:
        return replace(self, audit=(*self.audit, entry)[-MAX_AUDIT_ENTRIES:])

    def saw_head(self, sha: str, at: float) -> StickyState:
        """Note that *sha* was the head at *at*; a run of the same SHA keeps its earliest sighting."""
        merged: list[HeadSeen] = []
        for seen in sorted((*self.heads, HeadSeen(sha, round(at, 3))), key=lambda h: h.at):
            if not merged or merged[-1].sha != seen.sha:
                merged.append(seen)
        return replace(self, heads=tuple(merged[-MAX_HEADS:]))

    def showed(self, review: Review, at: float) -> StickyState:
        """Remember the findings *review* (of its head SHA) showed, for ``/review waive RULE``."""
        sha = review.stamp.head_sha
        if not sha:
            return self
        by_rule: dict[str, list[str]] = {}
        for finding in [*review.findings, *review.waived][:MAX_SHOWN_FINDINGS]:
            by_rule.setdefault(finding.rule, []).append(finding.fingerprint)
        shown = Shown(sha, round(at, 3), {rule: tuple(dict.fromkeys(fps)) for rule, fps in by_rule.items()})
        return replace(self, shown=(*(s for s in self.shown if s.sha != sha), shown)[-MAX_SHOWN:])

    def shown_at(self, sha: str) -> Shown | None:
        return next((s for s in self.shown if s.sha == sha), None)


# -- the JSON models (anything else is rejected on read) ------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecordModel(_Strict):
    kind: Literal["waive", "approve"]
    actor: Login
    at: Stamp
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    rule: Code | None = None
    sha: Sha | None = None
    scope: Scope | None = None
    fingerprints: Annotated[tuple[Fingerprint, ...], Field(max_length=MAX_WAIVED_FINDINGS)] = ()

    @model_validator(mode="after")
    def _target(self) -> RecordModel:
        if self.kind == "waive" and not self.rule:
            raise ValueError("a waiver names a rule")
        if self.kind == "approve" and not self.sha:
            raise ValueError("an approval names a head SHA")
        if self.kind == "waive" and self.scope == "findings" and not self.fingerprints:
            raise ValueError("a waiver of findings names them")
        if self.kind == "waive" and self.scope == "rule" and self.rule and is_security_rule(self.rule):
            raise ValueError("security rules are never waived rule-wide")
        return self


class _HeadModel(_Strict):
    sha: Sha
    at: Epoch


class _ShownModel(_Strict):
    sha: Sha
    at: Epoch
    findings: dict[Code, Annotated[tuple[Fingerprint, ...], Field(max_length=MAX_SHOWN_FINDINGS)]]


class _StateV1(_Strict):
    v: Literal[1]
    audit: Annotated[list[RecordModel], Field(max_length=MAX_AUDIT_ENTRIES)]


class _StateV2(_Strict):
    v: Literal[2]
    audit: Annotated[list[RecordModel], Field(max_length=MAX_AUDIT_ENTRIES)] = []
    heads: Annotated[list[_HeadModel], Field(max_length=MAX_HEADS)] = []
    shown: Annotated[list[_ShownModel], Field(max_length=MAX_SHOWN)] = []


def _record(model: RecordModel) -> Record:
    return Record(**model.model_dump())


def _migrated(model: RecordModel) -> Record:
    """A format-1 entry: waivers were rule-wide; a security rule's is retired."""
    record = _record(model)
    if record.kind != "waive" or record.scope is not None:
        return record
    return replace(record, scope="retired" if record.rule and is_security_rule(record.rule) else "rule")


def is_valid_entry(entry: Record) -> bool:
    try:
        RecordModel.model_validate(_entry_json(entry))
    except ValidationError:
        return False
    return True


# -- encoding ----------------------------------------------------------------------------------------


def encode_state(state: StickyState) -> str:
    """The hidden block (empty when there is nothing to keep); ``<``/``>`` escaped so it cannot close
    early."""
    if not (state.audit or state.heads or state.shown):
        return ""
    data = {
        "v": 2,
        "audit": [_entry_json(e) for e in state.audit],
        "heads": [{"sha": h.sha, "at": h.at} for h in state.heads],
        "shown": [{"sha": s.sha, "at": s.at, "findings": {r: list(f) for r, f in s.findings.items()}}
                  for s in state.shown],
    }
    payload = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"\n{STATE_PREFIX}{payload}{STATE_SUFFIX}\n"


def _entry_json(entry: Record) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": entry.kind, "actor": entry.actor, "at": entry.at, "reason": entry.reason}
    for key in ("rule", "sha", "scope"):
        if getattr(entry, key) is not None:
            data[key] = getattr(entry, key)
    if entry.fingerprints:
        data["fingerprints"] = list(entry.fingerprints)
    return data


def decode_state(body: str) -> StickyState:
    """The state in the last block of *body* (either format); empty when there is none or it is invalid."""
    start = body.rfind(STATE_PREFIX)
    if start < 0:
        return StickyState()
    end = body.find(STATE_SUFFIX, start + len(STATE_PREFIX))
    if end < 0:
        return StickyState()
    raw = body[start + len(STATE_PREFIX):end]
    try:
        version = json.loads(raw).get("v")
        if version == 1:
            old = _StateV1.model_validate_json(raw)
            return StickyState(tuple(_migrated(e) for e in old.audit))
        state = _StateV2.model_validate_json(raw)
    except (ValidationError, ValueError, AttributeError) as error:
        count = error.error_count() if isinstance(error, ValidationError) else 1
        log.warning("ignoring an invalid state block in the sticky comment (%d errors)", count)
        return StickyState()
    return StickyState(
        tuple(_migrated(e) for e in state.audit),
        tuple(HeadSeen(h.sha, h.at) for h in state.heads),
        tuple(Shown(s.sha, s.at, dict(s.findings)) for s in state.shown),
    )


def strip_state(body: str) -> str:
    """*body* without its state block."""
    start = body.rfind(STATE_PREFIX)
    return (body[:start].rstrip() + "\n") if start >= 0 else body


def compose_body(markdown: str, state: StickyState) -> str:
    """Comment body = markdown (marker first, any quoted state defused) + the state block."""
    text = markdown.replace(STATE_PREFIX, _DEFUSED_STATE)
    if not text.startswith(COMMENT_MARKER):
        text = f"{COMMENT_MARKER}\n{text}"
    block = encode_state(state)
    room = MAX_COMMENT_CHARS - len(block)
    if len(text) > room:
        text = text[:room - 2] + "…\n"
    return text + block


def fingerprints_of(findings: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(findings))[:MAX_WAIVED_FINDINGS]
