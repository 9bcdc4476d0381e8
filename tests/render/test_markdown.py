"""The sticky comment / review memo: structure, escaping, delta, audit and the size budget."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from rules.core.finding import Severity
from rules.render.audit import AuditEntry
from rules.render.markdown import COMMENT_MARKER, render_markdown
from tests.render.factories import (
    big_review,
    comparison_for,
    finding,
    link,
    review,
    rich_task,
    task_report,
)

SHA = "f" * 40


def _blocking() -> AuditEntry:
    return AuditEntry("approve", "maintainer", "2026-01-15T10:00:00Z", "hotfix, docs follow in #12", sha=SHA)


def test_memo_starts_with_the_marker_and_has_it_exactly_once() -> None:
    quoted = finding(message=f"Doc quotes {COMMENT_MARKER} and `{COMMENT_MARKER}` verbatim.", key="q")
    memo = render_markdown(review(task_report("auth", [quoted])))

    assert memo.startswith(COMMENT_MARKER + "\n")
    assert memo.count(COMMENT_MARKER) == 1


def test_headline_shows_grade_score_and_arrow_only_with_a_base() -> None:
    head = review(task_report("auth", [finding(severity=Severity.LOW, key="a")]))
    base = review(task_report("auth", [finding(severity=Severity.HIGH, key="b")]))

    without = render_markdown(head).splitlines()[1]
    better = render_markdown(head, base=base).splitlines()[1]
    worse = render_markdown(base, base=head).splitlines()[1]

    assert without == f"## 📋 devdocs-review: {head.grade} ({head.score}/100)"
    assert better == f"{without} ▲{head.score - base.score} vs base"
    assert worse.endswith(f"▼{head.score - base.score} vs base")
    assert render_markdown(head, base=head).splitlines()[1].endswith("±0 vs base")


def test_gate_shows_pass_or_fail_with_its_reasons() -> None:
    passed = render_markdown(review(task_report("auth")))
    failed = render_markdown(review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL)])))

    assert "**Gate: ✅ passed** — overall score 100 meets the minimum of 80" in passed
    assert "**Gate: ❌ failed**" in failed
    assert "- 1 unwaived critical finding(s): STR001 at dev/active/auth/auth-tasks.md:1" in failed


def test_executive_summary_is_two_lines_naming_state_and_blockers() -> None:
    memo = render_markdown(review(rich_task("auth"), rich_task("billing", count=3)))

    summary = [line for line in memo.splitlines() if line.startswith("> ") and "✂️" not in line]

    assert len(summary) == 2
    assert summary[0].startswith("> 2 tasks reviewed, from **")
    assert summary[1].startswith("> Blocking: ")


def test_memo_has_strengths_gaps_scorecard_findings_checklist_exemplar_and_scaffolds() -> None:
    memo = render_markdown(review(rich_task("auth")), link=link)

    assert "- ✅ Session log with dates and commits" in memo
    assert "### ❌ Critical gaps" in memo
    assert f"[`dev/active/auth/auth-tasks.md:3`](https://github.com/acme/app/blob/{SHA}/dev/active/auth/" \
           "auth-tasks.md#L3)" in memo
    assert "| Task | Score | Grade | Open findings | Fix effort |" in memo
    assert "| Category | Score | Grade | Open findings |" in memo
    assert "**🔴 Critical (" in memo and "**🟠 High (" in memo
    assert re.search(r"^- \[ \] .+ · ~\d+ min$", memo, re.MULTILINE)
    assert re.search(r"^\*\*Total: ~\d+ h( \d+ min)?\*\* for \d+ fixes\.$", memo, re.MULTILINE)
    assert "| Aspect | this task | exemplar | better |" in memo
    assert "<summary>📄 Scaffold: tasks checklist → <code>dev/active/auth/auth-tasks.md</code>" in memo
    assert "````markdown\n# auth — Tasks\n" in memo


def test_footer_stamp_names_engine_rules_config_head_and_date() -> None:
    memo = render_markdown(review(task_report("auth"), head_sha=SHA))

    assert memo.rstrip().splitlines()[-1] == (
        f"<sub>📋 devdocs-review · engine 0.1.0 · rules 9-abcdef12 · config cafe1234 · head {SHA} · "
        "reviewed 2026-01-15</sub>")


def test_base_marks_new_and_lists_fixed_findings() -> None:
    kept = finding("TSK004", key="kept")
    base = review(task_report("auth", [kept, finding("CTX001", key="gone", message="Context is stale.")]))
    head = review(task_report("auth", [kept, finding("PLN001", key="new", message="No risks section.")]))

    memo = render_markdown(head, base=base)

    assert "🆕 1 new · ⏳ 1 still open · ✅ 1 fixed" in memo
    assert "- ~~**CTX001**~~" in memo and "Context is stale." in memo
    assert "<summary>⏳ Still open (1)</summary>" in memo
    assert re.search(r"^- 🆕 `auth-tasks.md:1` 🟡 \*\*PLN001\*\*", memo, re.MULTILINE)
    assert not re.search(r"^- 🆕 .*\*\*TSK004\*\*", memo, re.MULTILINE)
    assert "| vs base |" in memo.replace("Fix effort | vs base |", "| vs base |")


def test_waived_findings_and_audit_show_who_when_and_why() -> None:
    waived = finding("CTX002", key="w", waived=True, reason="context rewritten next sprint")
    head = review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL), waived]), head_sha=SHA)
    audit = [AuditEntry("waive", "alice", "2026-01-14T09:00:00Z", "migration | in flight", rule="CTX002"),
             _blocking()]

    memo = render_markdown(head, audit=audit)

    assert "### 🙈 Waived findings (1)" in memo and "*Reason:* context rewritten next sprint" in memo
    assert "| 2026-01-14T09:00:00Z | `@alice` | waived CTX002 | migration \\| in flight |" in memo
    assert "| `@maintainer` | approved fffffff (gate override) |" in memo
    assert "**Gate: ❌ failed** — ✅ overridden by approval\n" in memo
    assert "An approval by `@maintainer` overrides the gate for this commit." in memo


def test_an_approval_for_another_commit_does_not_override() -> None:
    head = review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL)]), head_sha="1" * 40)

    memo = render_markdown(head, audit=[_blocking()])

    assert "overridden" not in memo and "(gate override)" not in memo


def test_doc_derived_text_cannot_break_tables_html_or_markup() -> None:
    message = "Heading '</details><script>x</script> | a | b' [x](javascript:1) *boom*"
    nasty = finding(message=message, key="n")
    memo = render_markdown(review(task_report("we|ird<name>", [nasty])))

    assert "<script>" not in memo and "</details><script>" not in memo
    assert "&lt;/details&gt;&lt;script&gt;" in memo
    assert "| we\\|ird&lt;name&gt; |" in memo
    assert "\\[x\\](javascript:1) \\*boom\\*" in memo
    assert memo.count("<details") == memo.count("</details>")


def test_five_task_pr_keeps_only_the_first_section_open() -> None:
    memo = render_markdown(review(*(rich_task(f"task-{n}", count=4) for n in range(5))))

    assert memo.count("<details open>") == 1
    assert memo.index("<details open>") < memo.index("<b>task-0</b>") < memo.index("<b>task-1</b>")


def test_long_task_collapses_its_lower_severity_groups() -> None:
    memo = render_markdown(review(rich_task("auth", count=40)))

    assert "<details>\n<summary>🟡 Medium (" in memo
    assert "**🔴 Critical (" in memo


def _assert_well_formed(memo: str) -> None:
    assert memo.count("<details") == memo.count("</details>")
    assert memo.count("<summary>") == memo.count("</summary>")
    assert len(re.findall(r"^````", memo, re.MULTILINE)) % 2 == 0
    for line in memo.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


@pytest.mark.parametrize("max_chars", [65536, 40_000, 12_000, 3_000, 1_000])
def test_big_review_fits_the_budget_and_says_what_was_left_out(max_chars: int) -> None:
    big = big_review()
    assert len(big.tasks) == 5 and len(big.findings) > 500

    memo = render_markdown(big, link=link, max_chars=max_chars)

    assert len(memo) <= max_chars
    assert memo.startswith(COMMENT_MARKER) and memo.count(COMMENT_MARKER) == 1
    last = memo.rstrip().splitlines()[-1]
    assert last.startswith(f"> ✂️ **Shortened to fit {max_chars:,} characters.** Left out: ".replace(",", " "))
    assert "ready-to-paste scaffold" in last
    _assert_well_formed(memo)


def test_degrades_scaffolds_first_then_low_findings_then_lists() -> None:
    full = render_markdown(big_review(per_task=8), max_chars=10**6)
    size = len(full)

    no_scaffolds = render_markdown(big_review(per_task=8), max_chars=size - 1)
    no_low = render_markdown(big_review(per_task=8), max_chars=len(no_scaffolds) - 400)

    assert "Shortened" not in full and "```` markdown" not in full and "Scaffold:" in full
    assert "Scaffold:" not in no_scaffolds and "🔵 **TSK" in no_scaffolds
    assert "Scaffold:" not in no_low and "🔵 **TSK" not in no_low and "🟡 **TSK" in no_low
    assert "low/info findings and their checklist items" in no_low


def test_small_review_is_not_shortened() -> None:
    memo = render_markdown(review(rich_task("auth")))

    assert "Shortened" not in memo
    assert memo.endswith("</sub>\n")


def test_rendering_is_deterministic() -> None:
    first = render_markdown(big_review(), link=link, base=big_review(per_task=60), audit=[_blocking()])
    second = render_markdown(big_review(), link=link, base=big_review(per_task=60), audit=[_blocking()])

    assert first == second


def test_nothing_to_review_says_so_without_a_grade() -> None:
    memo = render_markdown(review(notes=["no planning task found under dev/active"]))

    assert memo.splitlines()[1] == "## 📋 devdocs-review: nothing to review"
    assert "**Gate: ✅ passed** — nothing to review, so nothing blocks the merge" in memo
    assert "> ℹ️ no planning task found under dev/active" in memo
    assert "/100" not in memo and "A+" not in memo and "Scorecard" not in memo


def test_exemplar_row_says_which_side_is_better() -> None:
    task = task_report("auth", [finding(severity=Severity.HIGH, key="x")])
    memo = render_markdown(review(replace(task, comparison=comparison_for(task))))

    assert "| Tasks | 70 | 80 | exemplar |" in memo
    assert "| Structure | 100 | 100 | = |" in memo
