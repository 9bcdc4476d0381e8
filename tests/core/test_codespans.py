"""The code-span fast path of the parser gives the text markdown-it's inline parser gives."""

from __future__ import annotations

import random

import pytest
from markdown_it.token import Token

from rules.core._codespans import code_span_text
from rules.core.parse import _plain, markdown_parser


def _markdown_it(src: str) -> str:
    token = Token("inline", "", 0, content=src)
    token.children = markdown_parser().inline.parse(src, markdown_parser(), {}, [])
    return _plain(token)


@pytest.mark.parametrize("src", [
    "Run `npm test` first",
    "`a` and `b`",
    "``code with ` inside``",
    "`unclosed and `` other",
    "``` `` ` ``",
    "` padded `",
    "`  `",
    "` \u00a0x\u00a0 `",
    "a ``b` c` d``",
    "`` ` `` then ``x``` y",
])
def test_code_spans_read_as_markdown_it_reads_them(src: str) -> None:
    assert code_span_text(src).strip() == _markdown_it(src)


def test_random_backtick_texts_agree_with_markdown_it() -> None:
    rng = random.Random(10)
    pieces = ["`", "`", "``", "```", "a", " ", "\u00a0", "\u3000", "é", "x y", "\t", ":"]
    for _ in range(3000):
        src = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 20))).strip()
        assert code_span_text(src).strip() == _markdown_it(src), src


def test_long_unmatched_runs_stay_linear() -> None:
    src = "".join("`" * (n % 50 + 1) + " x " for n in range(4000))
    assert code_span_text(src).strip() == _markdown_it(src)
