"""Terminal text: headline, gate, scorecard, findings lines, checklist total, colours."""

from __future__ import annotations

import re

from rules.core.finding import Severity
from rules.render.text import render_text
from tests.render.factories import finding, review, rich_task, task_report


def test_text_has_headline_gate_scorecard_findings_and_total() -> None:
    text = render_text(review(rich_task("auth")))

    lines = text.splitlines()
    assert re.fullmatch(r"devdocs-review: \S+ \(\d+/100\)   gate FAILED", lines[0])
    assert "  overall score" in text
    assert re.search(r"^  plan\s+\d+  \S+$", text, re.MULTILINE)
    assert "  dev/active/auth/auth-tasks.md:3  CRITICAL  TSK001  Problem number 0 in auth" in text
    assert "      fix: Add an estimate such as `(30 min)` to each open task. (~5 min)" in text
    assert re.search(r"^  checklist: \d+ fixes, ~\d+ h( \d+ min)?$", text, re.MULTILINE)
    assert "  exemplar      94  A   dev/archive/payments" in text
    assert lines[-1].startswith("engine 0.1.0 · rules 9-abcdef12")


def test_colour_only_when_asked() -> None:
    subject = review(task_report("auth", [finding(severity=Severity.CRITICAL)]))

    assert "\x1b[" not in render_text(subject)
    assert "\x1b[1;31mCRITICAL" in render_text(subject, color=True)


def test_doc_text_cannot_smuggle_terminal_escapes() -> None:
    sneaky = finding(message="Heading \x1b[2J\x1b]0;pwned\x07 cleared", key="s")

    text = render_text(review(task_report("auth", [sneaky])), color=True)

    assert "\x1b[2J" not in text and "\x07" not in text


def test_waived_findings_are_listed_with_reasons() -> None:
    waived = finding("CTX002", key="w", waived=True, reason="rewritten next sprint")

    text = render_text(review(task_report("auth", [waived])))

    assert "waived (1):" in text and "CTX002" in text and "— rewritten next sprint" in text
    assert "  no open findings" in text
