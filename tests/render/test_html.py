"""The HTML report: escaping of every doc-supplied field, page structure, severity groups,
exemplar bars, scaffolds, delta, determinism and size. (The real-browser checks are in
test_html_browser.py.)"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from rules.core.finding import Category, Severity
from rules.core.report import Comparison, Review, Scaffold
from rules.render.audit import AuditEntry
from rules.render.html import CSP, render_html
from tests.render.factories import (
    SECRET,
    TOKEN,
    big_review,
    comparison_for,
    finding,
    link,
    review,
    rich_task,
    task_report,
)

PAYLOAD = "<img src=x onerror=alert(1)>\"'><svg onload=alert(2)>&amp;<script>x()</script>"
SHA = "f" * 40


class Page(HTMLParser):
    """Every element and attribute of a page, and its text, as the browser's tokenizer sees them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and (cls is None or cls in a.get("class", "").split())]

    @property
    def joined(self) -> str:
        return "".join(self.text)


def _hostile_review() -> Review:
    """A review in which every string a doc (or a doc's file name) can supply carries PAYLOAD."""
    task = f"dev/active/{PAYLOAD}"
    bad = finding("TSK004", severity=Severity.CRITICAL, task=task, path=f"{task}/x-{PAYLOAD}.md", line=3,
                  message=f"msg {PAYLOAD} and `{PAYLOAD}`", fix=f"fix {PAYLOAD} `code {PAYLOAD}`", key="a",
                  name=f"name-{PAYLOAD}")
    waived = finding("CTX002", task=task, path=f"{task}/ctx.md", message=f"waived {PAYLOAD}", key="w",
                     waived=True, reason=f"reason {PAYLOAD}")
    report = task_report("x", [bad, waived], strengths=[f"strength {PAYLOAD}"],
                         scaffolds=[Scaffold(f"title {PAYLOAD}", f"{task}/plan.md", f"# body\n{PAYLOAD}\n")])
    comparison = Comparison(f"dev/archive/{PAYLOAD}", 97, "A+", ((Category.TASKS, 10, 90),))
    report = replace(report, name=f"name {PAYLOAD}", path=task, comparison=comparison, grade=f"G{PAYLOAD}")
    subject = review(report, notes=[f"note {PAYLOAD}"], head_sha=SHA)
    gate = replace(subject.gate, reasons=(*subject.gate.reasons, f"reason {PAYLOAD}"))
    return replace(subject, gate=gate, grade=f"R{PAYLOAD}")


def _hostile_audit() -> list[AuditEntry]:
    return [AuditEntry("waive", f"eve{PAYLOAD}", f"2026-01-15{PAYLOAD}", f"why {PAYLOAD}", rule="CTX002"),
            AuditEntry("approve", "mallory", "2026-01-15T11:00:00Z", f"ok {PAYLOAD}", sha=SHA)]


def test_no_doc_supplied_string_becomes_markup() -> None:
    out = render_html(_hostile_review(), audit=_hostile_audit(), link=link, title=f"t{PAYLOAD}")
    page = Page(out)

    tags = {tag for tag, _ in page.tags}
    assert not tags & {"img", "script", "iframe", "object", "embed", "link", "base", "form"}
    assert [a for t, a in page.tags if t == "svg" and "onload" in a] == []
    assert [(t, k) for t, a in page.tags for k in a if k.startswith("on")] == []
    assert all(a["href"].startswith(("#", "https://")) for a in page.all("a"))
    # every field is there, as text: name, path, message, fix, rule name, strength, note, reason,
    # scaffold title and body, exemplar, waiver reason, audit actor/time/reason, grade, title
    for label in ("name ", "msg ", "fix ", "name-", "strength ", "note ", "reason ", "title ", "# body\n",
                  "waived ", "eve", "2026-01-15", "why ", "ok ", "dev/archive/", "G", "R", "t"):
        assert f"{label}{PAYLOAD}" in page.joined, label
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&gt;&lt;svg onload=alert(2)&gt;&amp;amp;" in out


def test_attributes_are_quoted_and_escaped() -> None:
    """Doc text reaches attributes too (the file path in a location's title): quotes cannot end them."""
    out = render_html(_hostile_review())

    titles = Page(out).all("span", "loc")
    assert titles and all(PAYLOAD in a["title"] for a in titles)
    assert 'title="dev/active/&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&gt;' in out


def test_a_link_builder_is_only_trusted_with_http_urls() -> None:
    subject = review(task_report("auth", [finding(key="a")]))

    linked = render_html(subject, link=link)
    hostile = render_html(subject, link=lambda path, line: f"javascript:alert('{path}:{line}')")

    assert 'href="https://github.com/acme/app/blob/' in linked and 'rel="noopener noreferrer"' in linked
    assert "javascript:" not in hostile and "auth-tasks.md:1" in hostile


def test_secrets_are_redacted_everywhere() -> None:
    subject = review(rich_task("auth", secret=True))
    subject = replace(subject, notes=(f"note with {TOKEN}",))

    out = render_html(subject, audit=[AuditEntry("waive", "a", "t", f"rotated {TOKEN}", rule="SEC001")])

    assert SECRET not in out and TOKEN not in out and "R4nd0mT0k3n" not in out
    assert "postgresql://admin:****@db.internal:5432" in out


def test_the_page_is_self_contained_with_a_strict_policy() -> None:
    out = render_html(review(rich_task("auth"), rich_task("billing", count=3)), link=link)
    page = Page(out)

    assert out.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    csp = [a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [CSP] and "default-src 'none'" in CSP and "script-src" not in CSP
    assert not re.search(r"\b(src|srcset|action|formaction|xlink:href)=", out)
    assert "url(" not in out and "@import" not in out and "<script" not in out
    assert [a["href"] for a in page.all("a") if not a["href"].startswith("#")] == [
        a["href"] for a in page.all("a", "loc")]  # the only external links: file:line on GitHub


def test_structure_landmarks_headings_and_one_section_per_task() -> None:
    subject = review(rich_task("auth"), rich_task("billing", count=3))
    page = Page(render_html(subject))

    assert [t for t, _ in page.tags if t in ("header", "main", "footer")][:2] == ["header", "main"]
    assert len(page.all("h1")) == 1 and len(page.all("main")) == 1 and len(page.all("footer")) == 1
    sections = [a["id"] for a in page.all("section", "task")]
    assert sections == ["task-1", "task-2"]
    assert [a["href"] for a in page.all("a") if a["href"].startswith("#task")] == ["#task-1", "#task-2"]
    assert all(a.get("aria-labelledby") for a in page.all("section"))


def test_headline_and_gate_show_grade_score_reasons_and_change() -> None:
    failing = review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL, key="c")]))
    base = review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL, key="c"),
                                       finding(severity=Severity.HIGH, category=Category.CONTEXT, key="h")]))

    page = Page(render_html(failing, base=base))
    text = page.joined

    assert f"Grade {failing.grade} · {failing.score}/100▲{failing.score - base.score} vs base" in text
    assert "Gate failed" in text and "needs 80/100 · blocks on critical findings" in text
    assert all(reason in text for reason in failing.gate.reasons)
    assert "Gate passed" in Page(render_html(review(task_report("auth")))).joined


def test_an_approval_overrides_the_failed_gate_for_its_head() -> None:
    failing = review(task_report("auth", [finding("STR001", severity=Severity.CRITICAL)]), head_sha=SHA)
    approval = AuditEntry("approve", "maintainer", "2026-01-15T10:00:00Z", "hotfix", sha=SHA)

    text = Page(render_html(failing, audit=[approval])).joined

    assert "Gate overridden by approval" in text and "Approved by @maintainer" in text
    assert "approved fffffff (gate override)" in text


def test_findings_are_grouped_by_severity_most_severe_first() -> None:
    task = rich_task("auth", count=10)
    out = render_html(review(task))
    groups = re.findall(r'<details class="sev-group sev-(\w+)"( open)?>(.*?)</details>', out, re.S)

    present = [s.label for s in sorted(Severity, reverse=True) if any(f.severity is s for f in task.findings)]
    assert [label for label, _, _ in groups] == present
    for label, _, body in groups:
        expected = [f.rule for f in task.findings if f.severity.label == label]
        assert re.findall(r'<li class="finding sev-(\w+)">', body) == [label] * len(expected)
        assert re.findall(r'<span class="rule-code">(\w+)</span><span class="f-name">', body) == expected


def test_a_long_task_collapses_its_low_and_info_groups() -> None:
    out = render_html(review(rich_task("auth", count=40)))

    opened = dict(re.findall(r'<details class="sev-group sev-(\w+)"( open)?>', out))
    assert opened == {"critical": " open", "high": " open", "medium": " open", "low": "", "info": ""}


def test_each_finding_shows_location_message_fix_and_effort() -> None:
    one = finding("CTX003", severity=Severity.HIGH, category=Category.CONTEXT, line=7, key="k",
                  message="Context has no current-state section.", fix="Add a `## Current State` section.",
                  effort=15)
    out = render_html(review(task_report("auth", [one])))

    assert "<code>auth-tasks.md:7</code>" in out  # relative to the task folder
    assert "Context has no current-state section." in out
    assert "<span class=\"label\">Fix:</span> Add a <code>## Current State</code> section." in out
    assert "· ~15 min" in out


def test_checklist_groups_fixes_and_totals_the_effort() -> None:
    same_fix = [finding(line=n, key=str(n), effort=10) for n in range(1, 7)]
    other = finding("PLN001", severity=Severity.HIGH, category=Category.PLAN, key="p", fix="Add a plan.", effort=60)
    out = render_html(review(task_report("auth", [*same_fix, other])))

    items = re.findall(r'<ul class="checklist">(.*?)</ul>', out, re.S)[0]
    assert items.count('<input type="checkbox">') == 2
    assert "+2 more" in items and "~1 h" in items
    assert "~2 h for 2 fixes" in out  # 6 x 10 min + 60 min


def test_scaffolds_are_collapsed_and_keep_their_lines() -> None:
    scaffold = Scaffold("Add `## Risks`", "dev/active/auth/auth-plan.md", "## Risks\n\n| risk | mitigation |\n")
    out = render_html(review(task_report("auth", [finding()], scaffolds=[scaffold])))

    block = re.findall(r'<details class="scaffold">(.*?)</details>', out, re.S)
    assert len(block) == 1 and "open" not in out.split('<details class="scaffold"', 1)[1][:2]
    assert "<summary>Add <code>## Risks</code> → <code>dev/active/auth/auth-plan.md</code></summary>" in block[0]
    assert "<pre><code>## Risks\n\n| risk | mitigation |</code></pre>" in block[0]


def _chart(out: str, index: int = 1) -> str:
    charts: list[str] = re.findall(r'<figure class="chart">(.*?)</figure>', out, re.S)
    return charts[index - 1]


def test_chart_has_a_bar_per_category_and_the_exemplars_beside_them() -> None:
    base = task_report("auth", [finding(severity=Severity.HIGH, key="h")])
    task = task_report("auth", [finding(severity=Severity.HIGH, key="h")], comparison=comparison_for(base, 94))
    chart = _chart(render_html(review(task)))

    assert 'role="img"' in chart and 'aria-labelledby="task-1-ct task-1-cd"' in chart
    assert "<title id=\"task-1-ct\">Scorecard of auth by category, beside the exemplar dev/archive/payments" in chart
    widths = [float(w) for w in re.findall(r'class="fill band-\w" x="98" y="\d+" width="([\d.]+)"', chart)]
    assert widths == pytest.approx([c.score * 2.4 for c in task.categories] + [task.score * 2.4], abs=0.05)
    exemplar = [float(w) for w in re.findall(r'class="ex" x="98" y="\d+" width="([\d.]+)"', chart)]
    assert exemplar == pytest.approx([min(100, c.score + 10) * 2.4 for c in task.categories] + [94 * 2.4], abs=0.05)
    assert "Tasks 70 (C), exemplar 80" in chart  # the text alternative names every value


def test_chart_without_an_exemplar_has_no_thin_bars_and_says_why() -> None:
    chart = _chart(render_html(review(task_report("auth", [finding()]))))

    assert 'class="ex"' not in chart and "legend" not in chart
    assert "No other task in the repository to compare with." in chart


def test_a_missing_file_shows_as_an_outlined_empty_bar() -> None:
    from rules.core.model import Role

    task = task_report("auth", [finding("STR001", severity=Severity.CRITICAL, category=Category.PLAN)],
                       missing=[Role.PLAN])
    out = render_html(review(task))

    assert _chart(out).count('class="missing"') == 1
    plan = task.categories[1]
    assert f"Plan {plan.score} ({plan.grade}, file missing)" in _chart(out)
    assert '<dt>Plan</dt><dd><span class="file-missing">missing</span></dd>' in out


def test_delta_lists_new_still_open_and_fixed() -> None:
    kept, gone, added = (finding(key=k, message=f"finding {k}") for k in ("kept", "gone", "added"))
    head = review(task_report("auth", [kept, added]))
    base = review(task_report("auth", [kept, gone]))

    out = render_html(head, base=base, link=link)
    section = re.findall(r'<section class="card" aria-labelledby="delta-h">(.*?)</section>', out, re.S)[0]

    assert "1 new · 1 still open · 1 fixed" in section
    assert "finding added" in section.split("<h3>New</h3>")[1].split("</ul>")[0]
    assert "<s>TSK004</s> finding gone" in section
    assert out.count('<span class="tag new">new</span>') == 1
    assert "Since the base branch" not in render_html(head)


def test_notes_are_shown_and_an_empty_review_still_renders() -> None:
    empty = review(notes=["No planning docs under dev/active: nothing to review."])

    page = Page(render_html(empty))

    assert "No planning docs under dev/active: nothing to review." in page.joined
    assert "Nothing to review" in page.joined and "Grade" not in page.joined  # no score, no ring
    assert page.all("section", "task") == [] and page.all("table") == [] and page.all("svg") == []


def test_waived_findings_and_audit_are_listed() -> None:
    waived = finding("CTX002", key="w", waived=True, reason="kept until cut-over")
    out = render_html(review(task_report("auth", [finding(key="a"), waived])),
                      audit=[AuditEntry("waive", "alice", "2026-01-15T10:00:00Z", "agreed", rule="CTX002")])
    text = Page(out).joined

    assert "Waived findings (1)" in text and "kept until cut-over" in text
    assert "@alice" in text and "waived CTX002" in text and "agreed" in text


def test_same_input_gives_the_same_bytes() -> None:
    assert render_html(big_review(), base=big_review(per_task=20), link=link) == render_html(
        big_review(), base=big_review(per_task=20), link=link)


def test_a_big_review_renders_every_finding_in_linear_size() -> None:
    small, large = big_review(per_task=30), big_review(per_task=120)

    small_out, large_out = render_html(small), render_html(large)

    assert large_out.count('<li class="finding ') == len(large.findings) == 5 * 120 + 1  # + the planted secret
    per_finding = (len(large_out) - len(small_out)) / (len(large.findings) - len(small.findings))
    assert per_finding < 1_500  # bytes per extra finding: list entry, checklist share, no blow-up
    assert len(large_out) < 1_500_000


@pytest.mark.parametrize("score,band", [(100, "a"), (90, "a"), (89, "b"), (80, "b"), (75, "c"), (60, "d"), (0, "f")])
def test_colour_bands_follow_the_score_not_the_grade_names(score: int, band: str) -> None:
    from rules.render.html import band as band_of

    assert band_of(score) == band
