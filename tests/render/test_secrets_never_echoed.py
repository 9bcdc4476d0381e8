"""Meta-test (issue 8): a secret found in a doc never appears in any output, whichever rule quotes
it and wherever it sits in the doc.

The fixture is generated: every secret of SEEDS is written into one task of its own at every
position of POSITIONS (headings, phase headings, list and checkbox items, table cells, bold
labels, code spans and blocks, link text and URL, blocker and status lines, the session log, a
waiver reason, and task lines long enough for a rule to cut them short inside the secret). Every
registered rule runs on it (strict: a crash fails the test), then every renderer: text (plain and
coloured), Markdown (whole and shrunk), JSON, SARIF, the check run (title, summary, text and each
annotation), the HTML report, and the comparison with a base review. A canary word beside each seeded secret
proves the position was quoted somewhere; the secret itself must never be.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Callable, Iterator

import pytest

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.report import Review
from rules.core.rule import Rule, RuleContext
from rules.render.audit import AuditEntry
from rules.render.check import render_check
from rules.render.html import render_html
from rules.render.json import render_json
from rules.render.markdown import render_markdown
from rules.render.sarif import render_sarif
from rules.render.text import render_text
from tests.core.test_redactor import strings

TODAY = dt.date(2026, 1, 15)
HEAD = "c" * 40
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJRNHZMbTJSIiwidHMiOjE3Nn0.x9VqTm2Lk8Rz4Wp7Yc1Nb6Hd3Gf0Js5A"
SENTRY_KEY = "b8b660840c11c6ffa9b58bf0498b812d"
AZURE_KEY = "nubuDbh4ITjNqEVQs0fzGdjaNtEU7xvOdLMfxM1YvSOmqFiQmA5eJyQ90igFSNWEnz91eO9joovm4gfnvE0rGR=="

# (name, how the doc writes it, the secret value itself: what must never be shown)
SEEDS = [
    ("assignment", "password: Hunter2Xyz!Qw", "Hunter2Xyz!Qw"),
    ("bold-label", "**Password:** Zq8vLm2Rt7", "Zq8vLm2Rt7"),
    ("pwd", "pwd: Qm2Lx9Vt4Zp8", "Qm2Lx9Vt4Zp8"),
    ("credential-url", "postgresql://app:Rb4Tn8Wq2Zx9@db.internal.acme-corp.io:5432/app", "Rb4Tn8Wq2Zx9"),
    ("github", "ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB", "26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB"),
    ("gitlab", "glpat-kJyGX1qwRKlpGGiFqudV", "kJyGX1qwRKlpGGiFqudV"),
    ("slack", "xoxb-68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ",
     "68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ"),
    ("openai", "sk-proj-m1yVsoMQfIqMa5EjYq90IGfsnweNZ91Eo9JOOVM4GFNVe0Rg",
     "m1yVsoMQfIqMa5EjYq90IGfsnweNZ91Eo9JOOVM4GFNVe0Rg"),
    ("aws", "AKIABLEUHQXR22EPPW24", "BLEUHQXR22EPPW24"),
    ("jwt", JWT, JWT[3:]),
    ("sentry", f"https://{SENTRY_KEY}@o123.ingest.de.sentry.io/456", SENTRY_KEY),
    ("curl", "curl -u deploy:IIbASeEVtmC1 https://api.acme-corp.io/v1", "IIbASeEVtmC1"),
    ("mysql", "mysql -h db -u root -pWq2ZxRb4Tn8Y shop", "Wq2ZxRb4Tn8Y"),
    ("env", "PGPASSWORD=Tq4mB8vLz2xQ", "Tq4mB8vLz2xQ"),
    ("netrc", "machine api.acme-corp.io login deploy password Lx9Vt4Zp8Rk7", "Lx9Vt4Zp8Rk7"),
    ("azure", f"AccountKey={AZURE_KEY}", AZURE_KEY),
    ("query", "https://api.acme-corp.io/v1/items?access_token=VZ5kloXPFh3Qe9vE", "VZ5kloXPFh3Qe9vE"),
    ("bearer", "Authorization: Bearer Rk7Qm2Lx9Vt4Zp8Wn1Bc3Hf5Ds0", "Rk7Qm2Lx9Vt4Zp8Wn1Bc3Hf5Ds0"),
]

# (position, file role, Markdown with {s}: the secret as written, {c}: a canary word)
POSITIONS = [
    ("phase-heading", "plan", "## Phase 1: {c} {s} on the replica\n\nDo it.\n"),
    ("list-item", "plan", "## Phase 2: Rollout (2 days)\n\n**Goal:** ship it. ✅ COMPLETE\n\n- {c} {s}\n"),
    ("table-cell", "plan", "## Risks\n\n| Risk | Mitigation |\n|---|---|\n| {c} {s} | |\n"),
    ("plan-heading", "plan", "## Known risks\n\n### Risk 1: {c} {s}\n\nThe replica may lag behind.\n"),
    ("bold-label", "context", "**{c}:** {s}\n"),
    ("status-line", "context", "**Status:** 95% complete ({c} {s})\n"),
    ("blocker-line", "context", "Blocked on {c} until ops rotates {s} today.\n"),
    ("code-span", "context", "Run `{c} {s}` to connect.\n"),
    ("code-block", "context", "```bash\n# {c}\n{s}\n```\n"),
    ("link", "context", "See [{c} {s}](./missing-{c}.md) and <https://wiki.acme-corp.io/{c}>.\n"),
    ("session-log", "context", "## Session Log\n\n- 2026-01-10: {c} tried {s} against staging\n"),
    ("waiver", "context", '<!-- devdocs-review-disable CTX004 reason="{c} {s}" -->\n'),
    ("id-context", "context", "- ✅ COMPLETE: AUTH-7 {c} {s}\n"),
    ("context-heading", "context", "## {c} {s}\n\n" + "- a line of detail\n" * 151),
    ("tasks-phase", "tasks", "## Phase 1: {c} {s}\n\n- [ ] Do the first step\n"),
    ("checkbox", "tasks", "## Phase 2: Verify ✅ COMPLETE\n\n- [ ] {c} {s} on the replica\n- [x] done\n"),
    ("id-tasks", "tasks", "## Phase 3: Auth\n\n- [ ] AUTH-7 {c} {s} (PENDING)\n"),
    ("empty-phase", "tasks", "## Phase 4: {c} {s}\n\nOnly prose here.\n"),
    *((f"cut-{pad}", "tasks", f"## Phase {5 + pad // 10}: Long lines\n\n- [ ] {{c}} {'x' * pad} {{s}} then more\n")
      for pad in range(10, 60, 7)),
]
QUOTED = {"link", "phase-heading", "table-cell", "plan-heading", "status-line", "blocker-line", "waiver", "id-context",
          "context-heading", "tasks-phase", "checkbox", "id-tasks", "empty-phase",
          *(position for position, *_rest in POSITIONS if position.startswith("cut-"))}


def _task_files(index: int, written: str) -> dict[str, bytes]:
    folder = f"dev/active/leak-{index}"
    parts: dict[str, list[str]] = {
        "plan": [f"# Leak {index} - Plan\n\n## Overview\nMove the replica.\n"],
        "context": [f"# Leak {index} - Context\n\nLast Updated: 2026-01-10\n\n## Notes\n"],
        "tasks": [f"# Leak {index} - Tasks\n"],
    }
    for position, role, template in POSITIONS:
        parts[role].append("\n" + template.format(s=written, c=canary(index, position)))
    return {f"{folder}/leak-{index}-{role}.md": "".join(text).encode() for role, text in parts.items()}


def canary(index: int, position: str) -> str:
    return f"canary{index}{re.sub(r'[^a-z0-9]', '', position)}"


def _snapshot(drop: str | None = None) -> Snapshot:
    files: dict[str, bytes] = {}
    for index, (_name, written, _value) in enumerate(SEEDS):
        files.update(_task_files(index, written))
    archived = {path.replace("dev/active/leak-0", "dev/archive/old-leak"): data
                for path, data in files.items() if path.startswith("dev/active/leak-0/")}
    files.update(archived)
    if drop is not None:  # the base: one line fewer, so the delta has fixed and new findings
        files = {path: data.replace(drop.encode(), b"") for path, data in files.items()}
    return Snapshot(files)


@pytest.fixture(scope="module")
def head() -> Review:
    return review(_snapshot(), today=TODAY, strict=True, head_sha=HEAD,
                  extra_waivers={"TSK004": f"accepted; old creds {SEEDS[0][1]} rotated"})


@pytest.fixture(scope="module")
def outputs(head: Review) -> dict[str, str]:
    base = review(_snapshot(drop="Blocked on"), today=TODAY, strict=True)
    audit = [AuditEntry("waive", "alice", "2026-01-14T10:00:00Z", f"fine, see {SEEDS[4][1]}", rule="TSK004")]
    renders: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(head),
        "text-color": lambda: render_text(head, color=True),
        "markdown": lambda: render_markdown(head, base=base, audit=audit, max_chars=10_000_000),
        "markdown-comment": lambda: render_markdown(head, base=base, audit=audit),
        "markdown-small": lambda: render_markdown(head, max_chars=6_000),
        "json": lambda: render_json(head, base=base),
        "sarif": lambda: render_sarif(head),
        "check": lambda: _check_text(head, base, audit),
        "html": lambda: render_html(head, base=base, audit=audit),
    }
    return {name: render() for name, render in renders.items()}


def _check_text(head: Review, base: Review, audit: list[AuditEntry]) -> str:
    output = render_check(head, base=base, audit=audit, max_annotations=10_000)
    notes = [f"{a.path}\n{a.title}\n{a.message}\n{a.raw_details}" for a in output.annotations]
    return "\n".join((output.title, output.summary, output.text, *notes))


def leaks(value: str, text: str) -> list[str]:
    """How *value* shows in *text*: as written (any case), or as its letters and digits (escaped,
    split, re-cased), or as a run of seven or more of them (cut short)."""
    return _Haystack(text).leaks(value)


class _Haystack:
    """An output in the forms a value could hide in, computed once for all the values."""

    def __init__(self, text: str) -> None:
        forms = (text, html.unescape(text))
        self.lowered = [form.lower() for form in forms]
        self.canonical = [_canonical(form) for form in forms]

    def leaks(self, value: str) -> list[str]:
        found = []
        canon = _canonical(value)
        runs = [canon[i:i + 7] for i in range(len(canon) - 6)]
        for lowered, canonical in zip(self.lowered, self.canonical, strict=True):
            if value.lower() in lowered:
                found.append("as written")
            if canon in canonical:
                found.append("letters and digits")
            elif any(run in canonical for run in runs):
                found.append("a run of seven")
        return found


def _canonical(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


@pytest.mark.parametrize("fmt", ["text", "text-color", "markdown", "markdown-comment", "markdown-small", "json",
                                 "sarif", "check", "html"])
def test_no_secret_value_appears_in_any_output(outputs: dict[str, str], fmt: str) -> None:
    out = _Haystack(outputs[fmt])

    leaked = {name: how for name, _written, value in SEEDS if (how := out.leaks(value))}

    assert leaked == {}


def test_every_secret_is_detected_and_every_position_is_quoted(head: Review, outputs: dict[str, str]) -> None:
    everything = "\n".join(outputs.values())
    secrets = [f for task in (*head.tasks, *head.others) for f in (*task.findings, *task.waived) if f.rule == "SEC001"]

    unseen = [name for index, (name, *_rest) in enumerate(SEEDS)
              if not any(f.task == f"dev/active/leak-{index}" for f in secrets)]
    quoted = {position for position, *_rest in POSITIONS
              if any(canary(index, position) in everything for index in range(len(SEEDS)))}

    assert unseen == []
    assert quoted >= QUOTED  # the positions some rule quotes from, each seen at least once


def test_the_meta_test_would_see_a_leak() -> None:
    """Guard against a blind checker: the raw value, an escaped one and a cut one are all seen."""
    value = "Hunter2Xyz!Qw"

    assert leaks(value, "phase hunter2xyz qw")
    assert leaks(value, "Hunter2Xyz\\!Qw")
    assert leaks(value, "first: 'set password: Hunter2Xy…'")
    assert not leaks(value, "first: 'set password: ****…'")


class _QuotingCrash(Rule):
    """A rule that crashes with the raw line in its exception message (a plausible bug).

    Why: tests the crash log. Bad: n/a. Good: n/a.
    """

    code = "TST999"
    name = "quoting-crash"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "test"
    fix = "test"
    effort_minutes = 0

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.context
        if doc is not None:
            raise ValueError(f"cannot parse {doc.lines[-1]!r}")
        yield from ()


def test_a_crashing_rule_logs_its_traceback_without_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    files = {"dev/active/a/a-context.md": b"# A\n\nLast Updated: 2026-01-10\n\nset password: Hunter2Xyz!Qw now\n"}

    with caplog.at_level(logging.ERROR, logger="rules.core.engine"):
        result = review(Snapshot(files), today=TODAY, rules=[_QuotingCrash()])

    assert [f.rule for f in result.tasks[0].findings] == ["BOT000"]
    assert "TST999 crashed" in caplog.text and "ValueError" in caplog.text
    assert "Hunter2Xyz" not in caplog.text and "password: ****" in caplog.text


@pytest.mark.parametrize("focus", [None, ["dev/active/no-such-task"]], ids=["reviewed", "nothing-to-review"])
def test_no_string_of_the_review_itself_holds_a_secret(focus: list[str] | None) -> None:
    result = review(_snapshot(), today=TODAY, strict=True, focus=focus)

    text = _Haystack("\n".join(strings(result)))

    assert result.others or result.tasks
    assert {name: how for name, _written, value in SEEDS if (how := text.leaks(value))} == {}

