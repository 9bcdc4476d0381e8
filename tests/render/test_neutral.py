"""Comment hygiene (issue 12): text quoted from docs never pings people, links issues or breaks the
comment's markup (rules/render/neutral.py).

GitHub's pipeline is Markdown → HTML → filters on the text nodes outside code (mentions,
references, autolinks). The checks below follow it: the rendered comment is parsed with markdown-it
(CommonMark with tables and raw HTML, as GitHub does), turned into HTML, and the text outside
``<code>``/``<pre>`` is searched with GitHub's patterns for mentions and references.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.review.state import StickyState, compose_body, decode_state
from rules.api import review as engine_review
from rules.core.discovery import Snapshot
from rules.core.finding import Category, Severity
from rules.core.report import Review, Scaffold
from rules.render.audit import AuditEntry
from rules.render.check import render_check
from rules.render.markdown import COMMENT_MARKER, render_markdown
from rules.render.neutral import ZWJ, clip, clip_bytes, code, defuse, escape, fenced, html
from tests.render.factories import finding, review, task_report

MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
STATE_PREFIX = "<!-- devdocs-review:state "

# GitHub's patterns, on text outside code: @user / @org/team, #42 / owner/repo#42, GH-42, and issue
# URLs (autolinked only when a valid domain follows the scheme).
LIVE = re.compile(
    r"(?<![A-Za-z0-9_])@[A-Za-z0-9]|#[0-9]|\bGH-[0-9]"
    r"|(?:https?://|www\.)[A-Za-z0-9][\w.-]*/\S+/(?:issues|pull|discussions)/[0-9]", re.I
)


class _Text(HTMLParser):
    """Text nodes outside <code> and <pre>, entities decoded (what GitHub's filters see)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag in ("code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag in ("code", "pre") and self.depth > 0

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def live_references(markdown: str) -> list[str]:
    parser = _Text()
    parser.feed(MD.render(markdown))
    return LIVE.findall("\n".join(parser.parts))


def structure(markdown: str) -> list[tuple[object, ...]]:
    """Headings, lists, tables (rows and cells), paragraphs, HTML blocks by their tags, and the
    inline HTML, emphasis and links: everything but the text and the code spans."""
    shape: list[tuple[object, ...]] = []
    for token in MD.parse(markdown):
        if token.type == "inline":
            shape.append(tuple(c.content if c.type == "html_inline" else c.type for c in token.children or ()
                               if c.type not in ("text", "code_inline", "softbreak")))
        elif token.type == "html_block":
            shape.append(("html_block", *re.findall(r"</?[A-Za-z][^\s>/]*|<!--", token.content)))
        else:
            shape.append((token.type, token.tag, token.nesting))
    return shape


# --- the neutraliser's pieces --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "inert"), [
    ("ask @alice to review #42", f"ask @{ZWJ}alice to review #{ZWJ}42"),
    ("ping @acme/platform-team", f"ping @{ZWJ}acme/platform-team"),
    ("see acme/app#7 and GH-12", f"see acme/app#{ZWJ}7 and GH-{ZWJ}12"),
    ("https://github.com/acme/app/issues/9", f"https://{ZWJ}github.com/acme/app/issues/9"),
    ("mail ops@acme-corp.io about task #a1", "mail ops@acme-corp.io about task #a1"),  # no mention, no number
    ("<!-- devdocs-review:sticky -->", f"<!-- devdocs-review{ZWJ}:sticky -->"),
])
def test_defuse_breaks_mentions_references_and_markers_invisibly(text: str, inert: str) -> None:
    assert defuse(text) == inert
    assert defuse(text).replace(ZWJ, "") == text


def test_a_task_line_from_the_issue_neither_pings_nor_links() -> None:
    item = escape("- [ ] ask @alice to review #42")

    assert live_references(f"- {item}\n") == []
    assert "@" in MD.render(f"- {item}\n") and "42" in MD.render(f"- {item}\n")  # still shown


@pytest.mark.parametrize("text", ["</details>", "<details><summary>x</summary>", "<!-- hidden", "-->", "<b>bold</b>",
                                  "<img src=x onerror=alert(1)>", "a | b | c", "`code` and ``` fence"])
def test_html_pipes_and_backticks_stay_text(text: str) -> None:
    row = f"| {escape(text, cell=True)} | {code(text, cell=True)} |"
    table = f"| a | b |\n|---|---|\n{row}\n"

    tokens = MD.parse(table)

    assert [t.type for t in tokens if t.type in ("td_open", "html_block")] == ["td_open", "td_open"]
    assert not [c for t in tokens if t.type == "inline" for c in t.children or () if c.type == "html_inline"]


def test_a_code_span_cannot_be_closed_early() -> None:
    span = code("a `` b ``` c")

    assert [t.type for t in MD.parseInline(span)[0].children or ()] == ["code_inline"]


def test_html_escapes_and_defuses_text_for_elements() -> None:
    assert html("<b>@bob</b> & #3") == f"&lt;b&gt;@{ZWJ}bob&lt;/b&gt; &amp; #{ZWJ}3"


def test_a_fenced_block_outlasts_any_fence_inside_it() -> None:
    block = fenced("```\n</details>\n````\n<!-- devdocs-review:state {} -->", "markdown")

    tokens = MD.parse(block)

    assert [t.type for t in tokens] == ["fence"]
    assert STATE_PREFIX not in block


def test_clipping_respects_github_limits() -> None:
    assert len(clip("x" * 300, 255)) == 255
    assert len(clip_bytes("é" * 40_000, 65_536).encode()) <= 65_536


# --- the whole comment, with random doc strings ---------------------------------------------------

FRAGMENTS = [
    "@alice", "@acme/platform-team", "@a-b", "#1", "#42", "acme/app#7", "GH-12", "gh-3",
    "https://github.com/acme/app/issues/9", "https://ghe.acme-corp.io/acme/app/pull/4",
    "<details>", "</details>", "<summary>x</summary>", "<!--", "-->", "<!-- note -->", "<b>", "</b>",
    "<br>", "<sub>", "|", "||", "`", "``", "```", "````", "*", "**", "_", "~~", "[x](y)", "\\", "&#64;",
    "&amp;", "<", ">", COMMENT_MARKER, STATE_PREFIX + '{"v":1,"audit":[]} -->', "#### heading", "---",
    "- [ ] item", "> quote", "1. one", "\n", "\r\n", "\t", " ",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text("abc xyz0123", max_size=6)),
                   min_size=1, max_size=12).map(lambda parts: "note " + "".join(parts))


def _review_with(text: str, name: str) -> tuple[Review, list[AuditEntry]]:
    findings = [
        finding("TSK004", message=f"Open task {text!r} has no estimate.", fix=f"Estimate {text}", line=3),
        finding("SEC002", severity=Severity.HIGH, category=Category.SECURITY, message=text, fix=text, line=5),
        finding("CTX002", severity=Severity.LOW, category=Category.CONTEXT, message=text, waived=True, reason=text),
    ]
    task = task_report(name, findings, strengths=(text,), scaffolds=(Scaffold(text, f"dev/active/{name}/x.md", text),))
    other = task_report("billing", [finding("PLN001", task="dev/active/billing", message=text)])
    subject = review(task, other, head_sha="a" * 40, notes=(text,))
    gate = dataclasses.replace(subject.gate, reasons=(text, *subject.gate.reasons))
    subject = dataclasses.replace(subject, gate=gate)
    return subject, [AuditEntry("waive", "alice", "2026-01-14T09:00:00Z", text, rule="CTX002")]


def _outputs(text: str) -> dict[str, str]:
    name = re.sub(r"[/\s]", "-", text)[:40] or "x"
    subject, audit = _review_with(text, name)
    check = render_check(subject, audit=audit)
    return {
        "comment": render_markdown(subject, audit=audit, max_chars=10_000_000),
        "check summary": check.summary,
        "check text": check.text,
        "annotations": "\n".join(f"{a.title}\n{a.message}" for a in check.annotations),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_doc_text_never_pings_links_or_changes_the_comment_structure(text: str) -> None:
    outputs = _outputs(text)
    harmless = _outputs("harmless words")

    for name in ("comment", "check summary", "check text"):
        assert live_references(outputs[name]) == [], name
        assert structure(outputs[name]) == structure(harmless[name]), name
    assert LIVE.findall(outputs["annotations"]) == []
    assert outputs["comment"].count(COMMENT_MARKER) == 1 and outputs["comment"].startswith(COMMENT_MARKER)
    assert STATE_PREFIX not in outputs["comment"]


def test_the_harmless_baseline_has_the_blocks_the_structure_test_compares() -> None:
    shape = structure(_outputs("harmless words")["comment"])

    assert ("table_open", "table", 1) in shape and ("heading_open", "h3", 1) in shape
    assert any(entry[:2] == ("html_block", "<details") for entry in shape)


def test_a_doc_cannot_forge_the_comments_state_or_ping_through_the_engine() -> None:
    forged = (f'{STATE_PREFIX}{{"v":1,"audit":[{{"kind":"approve","actor":"mallory","at":"2026-01-14T09:00:00Z",'
              f'"reason":"trust me","sha":"{"a" * 40}"}}]}} -->')
    files = {
        "dev/active/pay/pay-plan.md": f"# Pay - Plan\n\n## Overview\nx\n\n## Phase 1: {forged} @alice #42\n\nDo.\n",
        "dev/active/pay/pay-tasks.md": f"# Pay - Tasks\n\n## Phase 1: ✅ COMPLETE\n\n- [ ] ask @alice, #42 {forged}\n",
    }
    subject = engine_review(Snapshot({k: v.encode() for k, v in files.items()}), today=dt.date(2026, 1, 15),
                            head_sha="a" * 40)

    comment = render_markdown(subject)

    assert "@alice" in comment.replace(ZWJ, "") and "Scaffold" in comment  # quoted, scaffolds included
    assert live_references(comment) == []
    assert decode_state(compose_body(comment, StickyState())).audit == ()
