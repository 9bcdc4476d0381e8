"""The block pass skips markdown-it's normalize step: split_lines and parse_document do its work."""

from __future__ import annotations

import logging

import pytest
from markdown_it import MarkdownIt

from rules.core.model import Role
from rules.core.parse import _BLOCKS, parse_document, split_lines

_WITH_NORMALIZE = MarkdownIt("commonmark", {"tasklists": True}).enable("table").disable("inline")


@pytest.mark.parametrize("source", [
    "# Plan\r\n\r\n- [ ] one\r\n- [x] two\r\n",
    "a\0b\n- [ ] x\0y\n",
    "# T\r\rtext\rmore\n\n```\ncode\0\n```\n",
    "| a | b |\n|---|---|\n| 1\0 | 2 |\r\n",
])
def test_block_tokens_are_those_of_markdown_its_own_normalize(source: str) -> None:
    text, _lines = split_lines(source)
    ours = [(t.type, t.content, t.map, t.meta) for t in _BLOCKS.parse(text.replace("\0", "\ufffd"), {})]
    theirs = [(t.type, t.content, t.map, t.meta) for t in _WITH_NORMALIZE.parse(source, {})]
    assert ours == theirs


def test_a_nul_in_a_checkbox_reads_as_the_replacement_character() -> None:
    doc = parse_document("dev/active/t/t-tasks.md", "# Tasks\n\n- [ ] fix\0it\n", Role.TASKS)
    assert [item.text for item in doc.items] == ["fix\ufffdit"]


_EVERY_BLOCK = """# Title

Setext heading
==============

> a quote
> - [ ] in a list

1. one
   - [x] two

    indented code

```sh
fenced
```

<!-- a comment -->
<div>html</div>

***

[ref]: https://example.com "title"

| a | b |
|---|---|
| 1 | 2 |
paragraph
"""


def test_the_block_rules_without_debug_calls_tokenize_as_markdown_its_own() -> None:
    theirs = [(t.type, t.content, t.map, t.meta, t.info, t.markup) for t in _WITH_NORMALIZE.parse(_EVERY_BLOCK, {})]
    ours = [(t.type, t.content, t.map, t.meta, t.info, t.markup) for t in _BLOCKS.parse(_EVERY_BLOCK, {})]
    assert ours == theirs


def test_only_the_engines_block_parser_is_silenced(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="markdown_it"):
        _BLOCKS.parse("# quiet\n", {})
        assert not caplog.records
        _WITH_NORMALIZE.parse("# heard\n", {})
    assert any("entering heading" in r.getMessage() for r in caplog.records)
