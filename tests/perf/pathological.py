"""Pathological Markdown and a per-stage timer, shared by tests/perf and bench/pathological.py.

Every input is built at a requested size from a short recipe (a long run of one character, an
unclosed construct repeated, deep nesting, a huge table, many headings, many short lines, ...), so
the same catalogue serves the bounded test suite (a few sizes) and the benchmark (200 KB).

:func:`time_stages` feeds one document to the engine the way :func:`rules.api.review`
does — discovery and parsing, the review's redactor, then every rule on its own through
``run_rules`` (which redacts each finding with it), then waivers, strengths and scaffolds — and
returns the seconds each stage took, so a slow stage is named.
"""

from __future__ import annotations

import datetime as dt
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rules.api import build_rules, review
from rules.core import insights
from rules.core.config import ReviewConfig
from rules.core.discovery import Snapshot, discover
from rules.core.engine import apply_waivers, run_rules
from rules.core.model import TaskDocs
from rules.core.parse import markdown_parser
from rules.core.redactor import Redactor
from rules.core.rule import RuleContext
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 11, 25)
ROLES = ("plan", "context", "tasks", "all")  # "all": the same text as plan, context and tasks at once
PER = 200_000  # bounds and figures are per 200 KB of input


@dataclass(frozen=True, slots=True)
class Case:
    """A named recipe for pathological Markdown of about *size* characters."""

    name: str
    build: Callable[[int], str]

    def text(self, size: int) -> str:
        return self.build(size)


def _run(unit: str, prefix: str = "") -> Callable[[int], str]:
    """One line: *prefix* then *unit* repeated (a 200 KB line of digits, of ``<!--``, ...)."""
    return lambda size: prefix + unit * max(1, (size - len(prefix)) // len(unit))


def _lines(unit: str, prefix: str = "", width: int = 80) -> Callable[[int], str]:
    """Many lines, each *prefix* then *unit* repeated up to about *width* characters."""
    line = prefix + unit * max(1, (width - len(prefix)) // len(unit)) + "\n"
    return lambda size: line * max(1, size // len(line))


def _repeat(block: str) -> Callable[[int], str]:
    """*block* (a few lines) repeated; ``{n}`` in it is numbered 1, 2, 3, ..."""
    def build(size: int) -> str:
        parts, total, n = [], 0, 1
        while total < size:
            piece = block.replace("{n}", str(n))
            parts.append(piece)
            total += len(piece)
            n += 1
        return "".join(parts)
    return build


def _nested(open_: str, close: str = "", middle: str = "x") -> Callable[[int], str]:
    """``open_ * depth + middle + close * depth`` on one line (brackets, emphasis, HTML)."""
    return lambda size: (lambda depth: open_ * depth + middle + close * depth)(
        max(1, size // max(1, len(open_) + len(close))))


def _deeper(step: str, item: str) -> Callable[[int], str]:
    """Lines that nest one level deeper each: ``step * i + item`` (lists, blockquotes)."""
    def build(size: int) -> str:
        parts, total, depth = [], 0, 0
        while total < size:
            line = step * depth + item + "\n"
            parts.append(line)
            total += len(line)
            depth += 1
        return "".join(parts)
    return build


def _table(columns: int) -> Callable[[int], str]:
    header = "| " + " | ".join(f"Risk {c}" if c == 0 else f"Col {c}" for c in range(columns)) + " |\n"
    separator = "|" + "---|" * columns + "\n"
    row = "| " + " | ".join(["cell"] * columns) + " |\n"
    return lambda size: header + separator + row * max(1, (size - len(header) - len(separator)) // len(row))


# Units repeated in one long line and in many lines: every ASCII punctuation character, digits,
# blanks, and the openers of constructs left unclosed.
_CHARS = [*string.punctuation, "1", "0123456789", " ", "\t", "a", "a "]
_UNCLOSED = ["<!--", "<!-- x ", "```", "~~~", "[", "![", "[a](", "(", "**", "__", "`", "<", "<a href=",
             "<details>", "&#", "\\", "~~", "1 ", "1/", "1 h ", "1-", "a-", "A-1 ", "Phase ", "- ", "1. ",
             "| ", "|-", "http://", "a@b.", "✅", "COMPLETE ", "status: ", "x: ", "-->"]
# Line openers the rules treat specially, each followed by a long run.
PREFIXES = ["Last Updated: ", "- [ ] ", "- [x] ", "## Phase 1: ", "### Risk 1: ", "Mitigation: ",
             "**Status:** ", "| a | ", "> ", "1. ", "Effort: ", "Progress: ", "Blocked: ", "Next steps: ",
             "word ",
             # labels the later rules read (DOC023's remaining effort, DOC048's focus, DOC063's progress,
             # the story's status section, the other languages' status labels)
             "Status: ", "Current focus: ", "Remaining effort: ", "Total: ", "Estimate: ", "Coverage: ",
             "## Status\n\n", "상태: ", "进度: "]
_PREFIX_RUNS = ["<!--", "1", " ", "-", "(", "[", "*", "|", "a ", "1 ", "`"]


def cases() -> list[Case]:
    """The whole catalogue (about 250 inputs)."""
    found: list[Case] = []
    for unit in [*_CHARS, *_UNCLOSED]:
        found.append(Case(f"line of {unit!r}", _run(unit)))
        found.append(Case(f"lines of {unit!r}", _lines(unit)))
    for prefix in PREFIXES:
        for unit in _PREFIX_RUNS:
            found.append(Case(f"{prefix!r} + line of {unit!r}", _run(unit, prefix)))
        found.append(Case(f"lines of {prefix!r} + '<!--'", _lines("<!--", prefix)))
    found += [
        Case("nested blockquotes", _deeper(">", " x")),
        Case("nested lists", _deeper("  ", "- x")),
        Case("nested checkboxes", _deeper("  ", "- [ ] x")),
        Case("nested ordered lists", _deeper("   ", "1. x")),
        Case("one blockquote of depth n", _run(">")),
        Case("nested brackets", _nested("[", "]")),
        Case("nested links", _nested("[", "](x)")),
        Case("nested parentheses", _nested("(", ")")),
        Case("nested emphasis", _nested("*", "*")),
        Case("nested details", _nested("<details>", "</details>")),
        Case("headings of every level", _repeat("# h{n}\n## h{n}\n### h{n}\n#### h{n}\n##### h{n}\n###### h{n}\n")),
        Case("many headings", _repeat("## Phase {n}: step\n")),
        Case("many headings with bodies", _repeat("## Phase {n}: step ✅\n- [ ] task {n} (2h)\nText.\n")),
        Case("many risk headings", _repeat("### Risk {n}: outage\nLikelihood: high\n")),
        Case("many empty headings", _repeat("#\n")),
        Case("setext headings", _repeat("Title {n}\n===\n")),
        Case("huge table", _table(3)),
        Case("wide table", lambda size: _table(max(2, size // 20))(size // 3)),
        Case("table of delimiters", _lines("|---", width=400)),
        Case("many short lines", _repeat("x\n")),
        Case("many blank lines", _repeat("\n")),
        Case("many checkboxes", _repeat("- [ ] Task {n}\n")),
        Case("many done checkboxes", _repeat("- [x] CRITICAL-{n} done ✅ (30 min)\n")),
        Case("many status lines", _repeat("CRITICAL-{n}: COMPLETE\nCRITICAL-{n}: PENDING\n")),
        Case("many progress claims", _repeat("Progress: {n}/1000 complete ({n}%)\n")),
        Case("many dates", _repeat("Last Updated: 2026-01-{n}\n")),
        Case("many links", _repeat("[doc {n}](../x/{n}.md) ")),
        Case("many link lines", _repeat("- [doc {n}](../../x/y/{n}.md)\n")),
        Case("many code fences", _repeat("```\ncode {n}\n```\n")),
        Case("many comments", _repeat("<!-- note {n} -->\n")),
        Case("many waivers", _repeat('<!-- devdocs-review-disable CTX00{n} reason="x" until=2020-01-01 -->\n')),
        Case("duplicated paragraphs", _repeat("This paragraph is long enough to count as a duplicate of another.\n\n")),
        Case("many distinct paragraphs", _repeat("Paragraph number {n} says something long enough to count here.\n\n")),
        Case("many one-word lines", _repeat("word{n}\n")),
        Case("many secrets", _repeat("password: Hunter{n}Xyz!Qw\n")),
        Case("many hostnames", _repeat("db{n}.internal.example.com 10.0.{n}.1\n")),
        Case("many risks", _repeat("- Risk {n}: data loss\n")),
        Case("many phases in prose", _repeat("Phase {n} depends on Phase {n} and Stage {n}.\n")),
        Case("many phases with tables", _repeat("- [x] one box\n## Phase {n}\n| a |\n|---|\n| x |\n")),
        Case("many phases with estimates", _repeat("## Phase {n}: step (2h)\n- Phase {n}: 3 days\n")),
        Case("many phases with steps and boxes", _repeat(
            "## Phase {n}: step\n**Deliverables:**\n1. Build part {n}\n2. Test part {n}\n3. Ship\n"
            "- [x] Build part {n}\n")),
        Case("many changed files", lambda size: "**Status:** ✅ COMPLETE\n## Files Modified\n" + _repeat(
            "- `src/m{n}/f{n}.ts` - changed handler {n}\n  - detail {n}\n- [x] task {n}\n")(size)),
        Case("files to create over ticked boxes", lambda size: "### Files to Create\n" + _repeat(
            "- [x] `a/{n}.py` `b/{n}.py`\n")(size)),
        Case("many announcing list items", _repeat("- the following {n} files:\n")),
        Case("many status legends", _repeat("## Legend\n- [x] done\n- [ ] Phase 1 - {n}% done\n")),
        Case("many lists with totals", _repeat("- a: {n}h\n- b: 2h\n**Total:** 4 hours\n\n")),
        Case("many numeric claims", _repeat("all {n}/99 tests, 9 tasks (1 completed, 2 remaining), 7 files (1 + 2)\n")),
        Case("many risk sections", _repeat("## Risks\n| Risk | Mitigation |\n|---|---|\n| r{n} | |\n- risk {n}\n")),
        Case("nested risk sections",
             _repeat("## Risks {n}\n### Risk {n}: x\n- item\nMitigation: y\n#### Risk {n}.1\n")),
        Case("risk bullets and labels", lambda size: "## Risks\n" + _repeat("- risk {n}\nMitigation: y\n")(size)),
        Case("finished story: criteria, blockers, handoffs", lambda size: "**Status:** ✅ COMPLETE\n" + _repeat(
            "**Acceptance criteria:**\n- [ ] c{n}\n## Quick Resume\n1. step {n}\n- **Blocker:** quota {n}\n"
            "Blockers: none\nNext update: after Phase {n} completion\n- [x] parent {n}\n  - [ ] child {n}\n")(size)),
        Case("next steps over done boxes", lambda size: (_NEXT_STEPS * 10 + _repeat(
            "- [x] Write the parser for exports a{n} b{n}\n")(size))[:max(size, 1)]),
        Case("status labels of part lists", lambda size: "**Status:** Phase 1" + ", 2" * (size // 3) + " complete"),
        Case("one id, many statuses", _repeat("CRITICAL-1 ✅ COMPLETE\n- [ ] CRITICAL-1 ⏳ PENDING\n")),
        Case("many ids on one line", lambda size: _repeat("CRITICAL-{n} ")(size).replace("\n", "") + " ✅"),
        Case("many addresses on one line", lambda size: _repeat("52.1.{n}.3 ")(size)),
        Case("many ssh targets", _repeat("ssh root@52.1.2.{n} ")),
        Case("long link target", lambda size: "[a](" + "a/" * (size // 2) + "x.md)"),
        Case("deep link target", lambda size: "[a](" + "../" * (size // 3) + "x.md)"),
        Case("waivers on one line", _repeat('<!-- devdocs-review-disable CTX001 reason="x" -->')),
        Case("bare waivers in one comment", lambda size: "<!--" + "devdocs-review-disable " * (size // 23)),
        Case("heading of status words", lambda size: "## Phase 1 (" + "DONE " * (size // 5)),
        Case("phase heading of words", lambda size: "## Phase 1 " + "- x " * (size // 4)),
        Case("one paragraph of words", _repeat("word{n} ")),
        Case("many task headings with status lines", _repeat("### Task {n}\n- Status: COMPLETE\n")),
        Case("many dated headings under one stamp", lambda size: "**Last Updated:** 2020-01-01\n" + _repeat(
            "### 2026-01-09 — session {n}\n")(size)),
        Case("many relative times", _repeat("- Yesterday: step {n}; started 2 hours ago\n")),
        Case("many spelled-out counts", _repeat("The service gets three endpoints:\n- a{n}\n")),
        Case("line of spelled-out numbers", _run("two ")),
        *(Case(f"many {word!r} headings", _repeat(f"## {word} {{n}}\n- item {{n}}\n")) for word in _HEADINGS),
    ]
    return found


# Ten next-steps lists of fifty items, each an enumeration of nine entries (DOC018's most work per item).
_NEXT_STEPS = "## Next Steps\n" + "".join(
    f"- Write the parser for exports (a{n}, b{n}, c{n}, d{n}, e{n}, f{n}, g{n}, h{n}, i{n})\n" for n in range(50))
_HEADINGS = ["Risk", "Phase", "Stage", "Status", "Progress", "Session Log", "Decisions", "Next Steps",
             "Blockers", "Lessons Learned", "Success Metrics", "Timeline", "Dependencies",
             "Acceptance Criteria", "Current State", "Overview", "Mitigation"]


def copies(role: str) -> int:
    """How many files hold the text in *role*: figures are per 200 KB of all of them."""
    return 3 if role == "all" else 1


def documents(text: str, role: str) -> dict[str, bytes]:
    """A snapshot's files holding *text* in *role* (``all``: as plan, context and tasks)."""
    data = text.encode("utf-8", "surrogatepass")
    roles = ("plan", "context", "tasks") if role == "all" else (role,)
    return {f"dev/active/t/t-{r}.md": data for r in roles}


def time_stages(text: str, role: str, *, config: ReviewConfig | None = None,
                markdown_it: bool = False, whole: bool = False) -> dict[str, float]:
    """Seconds each engine stage takes on *text* in *role*: ``parse`` (discovery and parsing),
    ``redactor`` (collecting the secret values every output is masked with), every rule code,
    ``waivers``, ``strengths``, ``scaffolds``. With *markdown_it*, also ``markdown-it``: a plain
    markdown-it parse of the same documents (the library's own share of ``parse``); with *whole*,
    also ``review``: :func:`rules.api.review` from end to end."""
    config = config or ReviewConfig()
    snapshot = Snapshot(documents(text, role))
    timings: dict[str, float] = {}
    if markdown_it:
        start = time.perf_counter()
        for _ in range(copies(role)):
            markdown_parser().parse(text)
        timings["markdown-it"] = time.perf_counter() - start
    if whole:
        start = time.perf_counter()
        review(snapshot, today=TODAY, config=config, strict=True)
        timings["review"] = time.perf_counter() - start
    start = time.perf_counter()
    tasks = discover(snapshot, active_roots=config.roots, archive_roots=config.archive_roots,
                     max_bytes=config.limits.max_file_bytes)
    timings["parse"] = time.perf_counter() - start
    start = time.perf_counter()
    redactor = Redactor.for_documents(doc for task in tasks for doc in task.documents)
    timings["redactor"] = time.perf_counter() - start
    ctx = RuleContext(today=TODAY, tasks=tuple(tasks), repo_paths=snapshot.all_paths(),
                      active_roots=config.roots, known_codes=frozenset(RULES_BY_CODE))
    for task in tasks:
        for stage, seconds in _task_stages(task, ctx, config, redactor):
            timings[stage] = timings.get(stage, 0.0) + seconds
    return timings


def _task_stages(task: TaskDocs, ctx: RuleContext, config: ReviewConfig,
                 redactor: Redactor) -> Iterator[tuple[str, float]]:
    findings = []
    for rule in build_rules(config):
        start = time.perf_counter()
        findings += run_rules(task, [rule], ctx, strict=True, redactor=redactor)
        yield rule.code, time.perf_counter() - start
    start = time.perf_counter()
    active = apply_waivers(task, findings, today=ctx.today, extra={})
    yield "waivers", time.perf_counter() - start
    start = time.perf_counter()
    insights.strengths(task, active, ctx)
    yield "strengths", time.perf_counter() - start
    start = time.perf_counter()
    insights.scaffolds(task, active, today=ctx.today)
    yield "scaffolds", time.perf_counter() - start
