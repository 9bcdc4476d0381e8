"""Properties every format shares: secrets never appear, same input gives the same bytes, and a
real engine review renders in every format (JSON and SARIF valid against their schemas)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from rules.api import review as run_review
from rules.core.discovery import Snapshot
from rules.core.report import Review
from rules.render.audit import AuditEntry
from rules.render.check import render_check
from rules.render.html import render_html
from rules.render.json import render_json
from rules.render.markdown import COMMENT_MARKER, render_markdown
from rules.render.sarif import render_sarif
from rules.render.text import render_text
from tests.render.factories import SECRET, TOKEN, big_review, link, review, rich_task

ROOT = Path(__file__).parents[2]
CREDENTIAL = "hunter2-very-secret"


def _check_text(subject: Review) -> str:
    output = render_check(subject, link=link, audit=[_audit_with_secret()])
    notes = "\n".join(f"{a.title}\n{a.message}\n{a.raw_details}" for a in output.annotations)
    return "\n".join((output.title, output.summary, output.text, notes))


def _audit_with_secret() -> AuditEntry:
    return AuditEntry("waive", "alice", "2026-01-15T10:00:00Z", f"rotated {TOKEN} already", rule="SEC001")


FORMATS: dict[str, Callable[[Review], str]] = {
    "markdown": lambda r: render_markdown(r, link=link, audit=[_audit_with_secret()]),
    "markdown-small": lambda r: render_markdown(r, max_chars=4000),
    "check": _check_text,
    "json": render_json,
    "sarif": render_sarif,
    "text": render_text,
    "text-color": lambda r: render_text(r, color=True),
    "html": lambda r: render_html(r, link=link, audit=[_audit_with_secret()]),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_planted_secret_never_appears(fmt: str) -> None:
    subject = review(rich_task("auth", secret=True), rich_task("billing", count=3))

    out = FORMATS[fmt](subject)

    assert SECRET not in out and TOKEN not in out
    assert "s3cr" not in out and "R4nd0mT0k3n" not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_input_gives_the_same_bytes(fmt: str) -> None:
    assert FORMATS[fmt](big_review()).encode() == FORMATS[fmt](big_review()).encode()


def _engine_review() -> Review:
    files = {
        "dev/active/auth/auth-context.md": (
            "# Auth - Context\n\nLast Updated: 2026-01-10\n\n## Current state\n"
            f"DB: postgresql://app:{CREDENTIAL}@db.prod.example.com:5432/auth\n"
        ).encode(),
        "dev/active/auth/auth-tasks.md": (
            f"# Auth - Tasks\n\n## Phase 1 | login <b> via postgresql://app:{CREDENTIAL}@db.example.com/a\n"
            "- [x] Done\n- [ ] Open\n"
        ).encode(),
        "dev/active/billing/billing-plan.md": b"# Billing - Plan\n\n## Overview\nMove billing to Stripe.\n",
        "dev/active/billing/billing-context.md": b"# Billing - Context\n\nLast Updated: 2026-01-10\n",
        "dev/active/billing/billing-tasks.md": b"# Billing - Tasks\n\n- [ ] Wire webhooks (30 min)\n",
    }
    waivers = {"CTX004": f"agreed in chat; creds postgresql://ops:{CREDENTIAL}@db.example.com/x are fine"}
    return run_review(Snapshot(files), today=dt.date(2026, 1, 15), head_sha="b" * 40, extra_waivers=waivers)


@pytest.fixture(scope="module")
def engine_review() -> Review:
    return _engine_review()


def _validator(path: Path) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")),
                                           format_checker=jsonschema.FormatChecker())


def test_engine_review_renders_in_every_format(engine_review: Review) -> None:
    assert engine_review.findings, "the engine found nothing in deliberately weak docs"
    reason = engine_review.waived[0].waiver_reason if engine_review.waived else None
    assert reason is not None and "ops:****@" in reason  # redacted at the source

    outputs = {fmt: render(engine_review) for fmt, render in FORMATS.items()}

    assert all(CREDENTIAL not in out for out in outputs.values())
    assert outputs["markdown"].count(COMMENT_MARKER) == 1
    _validator(ROOT / "rules" / "data" / "review.schema.json").validate(json.loads(outputs["json"]))
    _validator(ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").validate(json.loads(outputs["sarif"]))
    assert all(f.path in outputs["markdown"] or f.path.rsplit("/", 1)[-1] in outputs["markdown"]
               for f in engine_review.findings)


def test_engine_review_against_its_own_base_has_nothing_new(engine_review: Review) -> None:
    memo = render_markdown(engine_review, base=_engine_review())

    assert f"🆕 0 new · ⏳ {len(engine_review.findings)} still open · ✅ 0 fixed" in memo
    assert "±0 vs base" in memo.splitlines()[1]


def test_output_does_not_depend_on_the_hash_seed() -> None:
    """Set or dict ordering must not leak into the bytes: render in two interpreters."""
    script = (
        "import hashlib\n"
        "from tests.render.factories import big_review, link\n"
        "from rules.render.markdown import render_markdown\n"
        "from rules.render.json import render_json\n"
        "from rules.render.sarif import render_sarif\n"
        "from rules.render.html import render_html\n"
        "head, base = big_review(per_task=30), big_review(per_task=20)\n"
        "out = render_markdown(head, base=base, link=link) + render_json(head, base=base)\n"
        "out += render_sarif(head) + render_html(head, base=base, link=link)\n"
        "print(hashlib.sha256(out.encode()).hexdigest())\n"
    )
    digests = {
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }

    assert len(digests) == 1 and len(digests.pop().strip()) == 64


def test_nothing_to_review_is_neutral_in_every_format() -> None:
    """A repository without an active task has no score: not 'A+ (100/100)' anywhere."""
    subject = run_review(Snapshot({"dev/archive/old/old-plan.md": b"# Old - Plan\n"}), today=dt.date(2026, 1, 15))

    outputs = {fmt: render(subject) for fmt, render in FORMATS.items()}

    assert (subject.status, subject.score, subject.grade, subject.gate.passed) == ("nothing_to_review", None,
                                                                                    None, True)
    assert all("100/100" not in out and "A+" not in out for out in outputs.values())
    assert all("nothing to review" in outputs[fmt].lower() for fmt in ("markdown", "check", "text", "json"))
    data = json.loads(outputs["json"])
    _validator(ROOT / "rules" / "data" / "review.schema.json").validate(data)
    assert (data["status"], data["score"], data["grade"], data["tasks"]) == ("nothing_to_review", None, None, [])
    assert data["notes"] == ["no planning task found under dev/active"]
    sarif = json.loads(outputs["sarif"])
    _validator(ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").validate(sarif)
    assert sarif["runs"][0]["results"] == [] and sarif["runs"][0]["properties"]["status"] == "nothing_to_review"
    assert render_check(subject).conclusion == "success"


def test_the_schema_ties_a_null_score_to_nothing_to_review(engine_review: Review) -> None:
    validator = _validator(ROOT / "rules" / "data" / "review.schema.json")
    graded = json.loads(render_json(engine_review))

    assert not validator.is_valid({**graded, "score": None})
    assert not validator.is_valid({**graded, "status": "nothing_to_review"})
