"""The parser inline-parses only the text the model reads, and not text without inline markup;
the model is the same as with every inline token parsed."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.core import parse
from rules.core.model import Role

INLINE_BITS = st.sampled_from([
    "# ", "## Phase 1: ", "### ", "- [ ] ", "- [x] ", "  - [ ] ", "1. [ ] ", "| a | b |\n|---|---|\n", "| ",
    " |", "\n", "\n\n", "> ", "```\n", "    ", "word ", "**bold** ", "_em_ ", "`code` ", "\\*", "\\|", "&amp;",
    "&copy;", "&#35;", "[link](../x.md)", "![img](y.png)", "[ref][r1]", "[r1]: ../r1.md\n", "<https://e.com>",
    "<br>", "<!-- note -->", "<!--", "-->", "<", "[", "]", "(", ")", "✅ ", "COMPLETE", "(2h)", "Phase 3",
    "  \n", "\t", "~~x~~", "a:b", " # ", "\u00a0", "$", "=", "+", "^", "{", "}", "'", '"', "é", "\u2028",
])
DOCS = st.lists(st.one_of(INLINE_BITS, st.text(max_size=12)), max_size=50).map("".join)


def _everything_inline_parsed(monkeypatch: pytest.MonkeyPatch, text: str) -> parse.Document:
    with monkeypatch.context() as patched:
        patched.setattr(parse, "_may_hold_markup", lambda token: True)
        patched.setattr(parse, "_INLINE_MARKUP", re.compile(""))  # matches any text: parse it all
        return parse.parse_document("dev/active/t/t-tasks.md", text, Role.TASKS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(text=DOCS)
def test_skipping_paragraphs_and_plain_text_changes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                       text: str) -> None:
    lazy = parse.parse_document("dev/active/t/t-tasks.md", text, Role.TASKS)

    assert lazy == _everything_inline_parsed(monkeypatch, text)


def test_escapes_and_entities_in_headings_items_and_cells_stay_text() -> None:
    text = ("## Phase 1: A \\* B &amp; C\n\n- [ ] Ship &copy; \\[x\\]\n\n"
            "| Risk \\| one | Mitigation |\n|---|---|\n| a | b |\n")

    doc = parse.parse_document("dev/active/t/t-plan.md", text, Role.PLAN)

    assert doc.sections[0].title == "Phase 1: A * B & C"
    assert doc.items[0].text == "Ship © [x]"
    assert doc.tables[0].header == ("Risk | one", "Mitigation")


def test_links_and_comments_in_plain_paragraphs_are_still_found() -> None:
    text = "Intro with [a link](../a.md) and <!-- note -->.\n\nSee [b][r].\n\n[r]: ../b.md\n"

    doc = parse.parse_document("dev/active/t/t-plan.md", text, Role.PLAN)

    assert [(link.target, link.line) for link in doc.links] == [("../a.md", 1), ("../b.md", 3)]
    assert doc.comments == ((1, "<!-- note -->"),)


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.characters(blacklist_characters="\n\\`*_[!<&\r\x00"), max_size=40))  # NUL, CR: normalised before
def test_text_without_inline_markup_is_one_text_token(text: str) -> None:
    tokens = parse._MD.parseInline(text)

    children = tokens[0].children or [] if tokens else []
    assert "".join(c.content for c in children if c.type == "text") == text
    assert all(c.type == "text" for c in children)
