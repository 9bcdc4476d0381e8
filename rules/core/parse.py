"""Markdown text → :class:`Document`. The only module that imports markdown-it.

One pass over markdown-it's flat token stream builds sections, checkbox items, tables, links,
code blocks and comments; one pass over the raw lines (outside code blocks) finds statuses, ids,
estimates, dates and progress claims. Rules never see tokens.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from types import FunctionType

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from rules.core import extract
from rules.core._codespans import code_span_text
from rules.core.model import (
    CheckItem,
    CodeBlock,
    DateRef,
    Document,
    Estimate,
    Link,
    Progress,
    Role,
    Section,
    Status,
    StatusMark,
    Table,
    innermost_section,
)
from rules.core.text import clip

# `tasklists` is a core option since markdown-it-py 4.1: it sets list_item_open.meta["checked"]
# and strips the "[ ] " marker from the item text.
_MD = MarkdownIt("commonmark", {"tasklists": True}).enable("table")
# The same parser without its core "inline" step: inline parsing is about half of markdown-it's time
# and most of it is paragraph text the model never reads. The walk inline-parses (with _MD's own
# inline parser and the same env) only what it reads: headings, checkbox items and table cells,
# and any text that can hold a link or an HTML comment (a "[" or a "<"; no linkify in commonmark).
# Nor its "normalize" step: split_lines() has already turned every \r\n and \r into \n, so what is
# left of that step (a substitution over the whole text, of every newline by itself) is to replace
# NUL characters, which parse_document does with one str.replace. Nor "text_join", which joins the
# children of inline tokens: without the inline step there are none (_inline makes them later).
def _block_parser(*plugins: Callable[[MarkdownIt], None]) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"tasklists": True}).enable("table")
    for plugin in plugins:
        parser.use(plugin)
    return parser.disable(["inline", "normalize", "text_join"])


_BLOCKS = _block_parser()
# The same for a file that opens with YAML front matter (``---`` / ``key: value`` lines / ``---``):
# metadata, not a thematic break over a setext heading made of every key. Its lines stay plain lines
# of the file, so a ``last_updated:`` or ``status:`` key is read like any other labelled line. Only
# for front matter that looks like YAML (:func:`_front_matter`): the plugin would otherwise take
# everything between a document's opening rule and its next one, headings and all.
_BLOCKS_FRONT = _block_parser(front_matter_plugin)
_FENCE = ("---", "...")
_YAML_LINE_RE = re.compile(r"""^(?:\s.*|-(?:\s.*)?|[\w"'][\w .@/"'-]*:(?:\s.*)?)$""")
_MAX_FRONT_LINES = 200


class _Silent:
    """A logger whose ``debug`` does nothing, for :func:`_without_debug_calls`."""

    __slots__ = ()

    @staticmethod
    def debug(*_args: object) -> None:
        return None


def _without_debug_calls(parser: MarkdownIt) -> MarkdownIt:
    """*parser* with each block rule replaced by a copy of its function that calls :class:`_Silent`
    where the original calls its module's ``LOGGER``: markdown-it's block rules log a debug message
    on every try (about 15 per line, a sixth of the block pass even with debug logging off). The
    copies share code, defaults and closures with the originals, so they parse exactly as they do;
    only this parser uses them (markdown-it itself, and :data:`_MD`, are untouched)."""
    ruler = parser.block.ruler
    for rule in ruler.__rules__:
        fn = rule.fn
        if isinstance(fn, FunctionType) and isinstance(fn.__globals__.get("LOGGER"), logging.Logger):
            quiet = FunctionType(fn.__code__, {**fn.__globals__, "LOGGER": _Silent()}, fn.__name__,
                                 fn.__defaults__, fn.__closure__)
            quiet.__kwdefaults__ = fn.__kwdefaults__
            ruler.at(rule.name, quiet, {"alt": rule.alt})
    return parser


_without_debug_calls(_BLOCKS)
_without_debug_calls(_BLOCKS_FRONT)


def _front_matter(lines: tuple[str, ...]) -> bool:
    """The file opens with YAML front matter: a ``---`` line, then only ``key: value`` lines (list
    items, indented or blank lines; not ``# …``, a heading as often as a comment), then a ``---`` or
    ``...`` line."""
    if not lines or lines[0].rstrip() != "---":
        return False
    for line in lines[1:_MAX_FRONT_LINES]:
        if line.rstrip() in _FENCE:
            return True
        if line.strip() and not _YAML_LINE_RE.match(line):
            return False
    return False


def markdown_parser() -> MarkdownIt:
    """The parser configuration the engine uses (the benchmark's baseline parses with it too)."""
    return _MD


def parse_document(path: str, text: str, role: Role, *, problems: Sequence[str] = ()) -> Document:
    """Parse *text* once into the frozen model rules read."""
    text, lines = split_lines(text)
    builder = _Builder(lines)
    env: dict[str, object] = {}  # link reference definitions found by the block pass
    blocks = _BLOCKS_FRONT if _front_matter(lines) else _BLOCKS
    builder.walk(blocks.parse(text.replace("\0", "\ufffd"), env), env)  # as markdown-it's normalize
    builder.bare_items(env)
    scan = _scan_lines(text, lines, builder.code_lines, builder.heading_lines, builder.item_lines)
    sections = builder.finish_sections(scan)
    return Document(
        path=path,
        role=role,
        lines=lines,
        sections=sections,
        items=builder.finish_items(sections, scan),
        tables=builder.finish_tables(sections),
        links=tuple(builder.links),
        code_blocks=tuple(builder.code_blocks),
        statuses=tuple(scan.statuses),
        dates=tuple(scan.dates),
        progress=tuple(scan.progress),
        estimates=tuple(scan.estimates),
        comments=tuple(builder.comments),
        problems=tuple(problems),
        text=text,
    )


class _Builder:
    """Collects raw facts from the token stream; ``finish_*`` turn them into model values."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        self.headings: list[tuple[int, int, str]] = []  # (level, line, title)
        self.raw_items: list[tuple[str, bool, int, int, int]] = []  # text, checked, line, end, depth
        self.raw_tables: list[tuple[int, list[str], list[list[str]], list[int]]] = []
        self.links: list[Link] = []
        self.code_blocks: list[CodeBlock] = []
        self.comments: list[tuple[int, str]] = []
        self.code_lines: set[int] = set()
        self.heading_lines: set[int] = set()
        self.item_lines: set[int] = set()
        self.top_paragraphs: list[tuple[int, int]] = []  # (first, last line) outside lists and quotes

    def walk(self, tokens: list[Token], env: dict[str, object]) -> None:
        depth = quotes = 0
        pending_items: list[tuple[bool, int, int, int]] = []  # checked, line, end, depth
        table: tuple[int, list[str], list[list[str]], list[int]] | None = None
        row: list[str] | None = None
        heading: tuple[int, int] | None = None
        for token in tokens:
            kind = token.type
            if kind not in _WALKED:  # closing tags, list and cell openers, rules: nothing to note
                continue
            if kind == "inline":
                if heading is None and not pending_items and row is None:
                    if _may_hold_markup(token):
                        self._inline(token, env)  # a paragraph: only its links and comments are read
                    continue
                text = self._inline(token, env)
                if heading is not None:
                    level, line = heading
                    self.headings.append((level, line, text))
                    heading = None
                elif pending_items:
                    checked, line, end, item_depth = pending_items.pop()
                    self.raw_items.append((text, checked, line, end, item_depth))
                elif row is not None:
                    row.append(text)
            elif kind == "heading_open":
                line = _first_line(token)
                heading = (int(token.tag[1]), line)
                self.heading_lines.add(line)
            elif kind == "list_item_open":
                depth += 1
                if "checked" in token.meta:
                    line = _first_line(token)
                    end = token.map[1] if token.map else line
                    pending_items.append((bool(token.meta["checked"]), line, end, depth - 1))
                    self.item_lines.add(line)
            elif kind == "list_item_close":
                depth -= 1
            elif kind == "paragraph_open" and depth == 0 and quotes == 0 and token.map:
                self.top_paragraphs.append((token.map[0] + 1, token.map[1]))
            elif kind == "blockquote_open":
                quotes += 1
            elif kind == "blockquote_close":
                quotes -= 1
            elif kind in ("fence", "code_block"):
                self._code(token)
            elif kind == "html_block":
                if "<!--" in token.content:
                    self.comments.append((_first_line(token), token.content.strip()))
            elif kind == "table_open":
                table = (_first_line(token), [], [], [])
            elif kind == "tr_open" and table is not None:
                row = []
                if token.map:
                    table[3].append(token.map[0] + 1)
            elif kind == "tr_close" and table is not None and row is not None:
                if not table[1] and not table[2]:
                    table[1].extend(row)
                else:
                    table[2].append(row)
                row = None
            elif kind == "table_close" and table is not None:
                self.raw_tables.append(table)
                table = None

    def bare_items(self, env: dict[str, object]) -> None:
        """Checkbox lines written without a list marker (``[x] **Task 1.1** (30 min)``): GitHub shows
        them as text, but the file uses them as its checklist, so they are items (depth 0) running to
        the line before the next one or the end of their paragraph. Only lines that begin a paragraph
        line outside lists, quotes and code are read, so a list's ``- [ ]`` is never counted twice."""
        for first, last in self.top_paragraphs:
            starts = [(n, m) for n in range(first, last + 1) if (m := _BARE_CHECKBOX.match(self.lines[n - 1]))]
            for index, (line, match) in enumerate(starts):
                end = starts[index + 1][0] - 1 if index + 1 < len(starts) else last
                token = Token("inline", "", 0, content=clip(match.group(2)).strip(), map=[line - 1, line])
                text = self._inline(token, env)
                self.raw_items.append((text, match.group(1) != " ", line, end, 0))
                self.item_lines.add(line)

    def _inline(self, token: Token, env: dict[str, object]) -> str:
        """Inline-parse *token* (markdown-it's own inline parser, with the block pass's env), note its
        links, images and comments, and return its visible text. Text without any character an
        inline rule acts on is its own visible text: it is not parsed at all."""
        markup = _INLINE_MARKUP.search(token.content)
        if markup is None:
            return token.content.strip()
        if markup.group() == "`" and _MARKUP_BUT_CODE.search(token.content, markup.end()) is None:
            return code_span_text(token.content).strip()  # code spans only: no link, no comment
        token.children = _MD.inline.parse(token.content, _MD, env, [])
        line = _first_line(token)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                self.links.append(Link(text="", target=href, line=line))
            elif child.type == "image":
                self.links.append(Link(text=child.content, target=str(child.attrs.get("src", "")), line=line))
            elif child.type == "html_inline" and child.content.startswith("<!--"):
                self.comments.append((line, child.content))
        return _plain(token)

    def _code(self, token: Token) -> None:
        if not token.map:
            return
        start, end = token.map[0] + 1, token.map[1]
        self.code_lines.update(range(start, end + 1))
        self.code_blocks.append(CodeBlock(token.info.strip(), start, end, token.content))

    def finish_sections(self, scan: _Scan) -> tuple[Section, ...]:
        total = len(self.lines)
        sections: list[Section] = []
        stack: list[int] = []  # indices of open sections
        ends = [total] * len(self.headings)
        for index, (level, line, _title) in enumerate(self.headings):
            while stack and self.headings[stack[-1]][0] >= level:
                ends[stack.pop()] = line - 1
            stack.append(index)
        stack.clear()
        for index, (level, line, title) in enumerate(self.headings):
            while stack and self.headings[stack[-1]][0] >= level:
                stack.pop()
            parent = stack[-1] if stack else None
            stack.append(index)
            sections.append(
                Section(
                    title=title,
                    level=level,
                    line=line,
                    end_line=max(line, ends[index]),
                    parent=parent,
                    status=scan.line_status.get(line),
                    item_ids=scan.ids.get(line, ()),
                    estimates=scan.line_estimates.get(line, ()),
                )
            )
        return tuple(sections)

    def finish_items(self, sections: tuple[Section, ...], scan: _Scan) -> tuple[CheckItem, ...]:
        items = []
        for text, checked, line, end, depth in sorted(self.raw_items, key=lambda item: item[2]):
            spanned = range(line, line + text.count("\n") + 1)
            items.append(
                CheckItem(
                    text=text,
                    checked=checked,
                    line=line,
                    end_line=max(line, end),
                    depth=depth,
                    section=innermost_section(sections, line),
                    status=scan.line_status.get(line),
                    item_ids=scan.ids.get(line, ()),
                    estimates=tuple(e for n in spanned for e in scan.line_estimates.get(n, ())),
                )
            )
        return tuple(items)

    def finish_tables(self, sections: tuple[Section, ...]) -> tuple[Table, ...]:
        tables = []
        for line, header, rows, row_lines in self.raw_tables:
            tables.append(
                Table(
                    line=line,
                    header=tuple(header),
                    rows=tuple(tuple(r) for r in rows),
                    row_lines=tuple(row_lines[1 : 1 + len(rows)]),
                    section=innermost_section(sections, line),
                )
            )
        return tuple(tables)


class _Scan:
    """Per-line facts from one pass over the raw lines (code blocks skipped)."""

    __slots__ = ("dates", "estimates", "ids", "line_estimates", "line_status", "progress", "statuses")

    def __init__(self) -> None:
        self.statuses: list[StatusMark] = []
        self.dates: list[DateRef] = []
        self.progress: list[Progress] = []
        self.estimates: list[Estimate] = []
        self.line_status: dict[int, Status] = {}
        self.line_estimates: dict[int, tuple[Estimate, ...]] = {}
        self.ids: dict[int, tuple[str, ...]] = {}


def _scan_lines(text: str, lines: tuple[str, ...], code: set[int], headings: set[int], items: set[int]) -> _Scan:
    scan = _Scan()
    find_status, find_ids, find_date = extract.find_status, extract.find_ids, extract.find_date
    find_progress, find_estimates = extract.find_progress, extract.find_estimates
    marks = extract.legend_marks(lines, code) or None
    dated_heading: str | None = None  # "## Last Updated" waiting for the date on the line below
    for number, full in enumerate(lines, start=1):
        if number in code or not full:
            continue
        line = clip(full)  # a 200 KB line is data: its first few KB say all a reviewer reads
        if dated_heading is not None and number not in headings and (day := extract.parse_date(line)) is not None:
            scan.dates.append(DateRef(dated_heading, number, day, line.strip()))
        dated_heading = extract.heading_date_label(line) if number in headings else None
        structural = number in headings or number in items
        status = find_status(line, labelled=structural, marks=marks)
        ids: tuple[str, ...] = ()
        if status is not None or structural:
            ids = scan.ids[number] = find_ids(line)
        if status is not None:
            scan.line_status[number] = status
            scan.statuses.append(StatusMark(status, number, line.strip(), ids, number in headings, number in items))
        if (date := find_date(line, number)) is not None:
            scan.dates.append(date)
        if (claim := find_progress(line, number)) is not None:
            scan.progress.append(claim)
        if found := find_estimates(line, number):
            scan.line_estimates[number] = found
            scan.estimates.extend(found)
    return scan


def split_lines(text: str) -> tuple[str, tuple[str, ...]]:
    """Normalised text and its lines, split exactly where markdown-it splits (\\n, \\r\\n, \\r) —
    not on the form feeds and Unicode separators ``str.splitlines`` also splits on."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalised.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return normalised, tuple(lines)


# The token types walk() acts on; it skips every other one (about 40 % of the stream) at once.
_WALKED = frozenset({
    "inline", "heading_open", "list_item_open", "list_item_close", "paragraph_open", "blockquote_open",
    "blockquote_close", "fence", "code_block", "html_block", "table_open", "tr_open", "tr_close", "table_close",
})


def _first_line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


# A checkbox line without a list marker: "[x] **Task 1.1** (30 min)" (see _Builder.bare_items).
_BARE_CHECKBOX = re.compile(r"^ {0,3}\[([ xX])\][ \t]+(\S.*)$")

# The characters commonmark's inline rules act on (newline, escape, backticks, emphasis, link, image,
# autolink and HTML, entity); in text without them every rule passes and the text is one text token.
_INLINE_MARKUP = re.compile(r"[\n\\`*_\[!<&]")
_MARKUP_BUT_CODE = re.compile(r"[\n\\*_\[!<&]")  # the same without the backtick


def _may_hold_markup(token: Token) -> bool:
    """Whether an inline token's text can hold a link, an image or an HTML comment."""
    return "[" in token.content or "<" in token.content


def _plain(token: Token) -> str:
    """Visible text of an inline token: markup and HTML comments removed (``text_special`` is an
    escaped character or an entity: text, as markdown-it's text_join step would make it)."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()
