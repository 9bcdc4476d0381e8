"""DOC020 number-claim-contradicts-itself."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.numbers import Kind, NumberClaim, claims, prose
from rules.core.rule import Rule, RuleContext

# "all", "every", "100%" or "fully" claimed before a ratio that is not whole, with nothing between
# them that could change the subject (another number, a clause break, a contrast).
_ALL_RE = re.compile(r"(?i)\b(?:all|every|fully)\b|(?<![\d.])100[ ]?%")
_BREAK_RE = re.compile(r"(?i)[\d;|.!?]|\b(?:but|except|excluding|other|others|remaining|overall|some|most|only)\b"
                       r"|,|—|–| - ")
# A label's words before its "fully" / "all": "**Routes** Fully Working:" (not "All tests pass:").
_LABEL_LEAD_RE = re.compile(r"(?:^|\n)[\s>*_+-]*(?:\d+[.)]\s*)?(?:\[[ xX]\]\s*)?[*_]*[^\W\d_][\w'-]*[*_]*\s+[^:\n]*$")
_OF_RE = re.compile(r"\d{1,5}(?:\.\d)?(?:[ ]?/[ ]?|[ ]of[ ])\d{1,5}[ ]of\b", re.IGNORECASE)
_DONE = frozenset({"completed", "complete", "done", "finished", "closed", "resolved"})
_LEFT = frozenset({"remaining", "left", "pending", "open", "outstanding", "todo"})
# "10 skills (7 project-specific + 3 generic)": an explicit sum. A comma list ("20 tests (3 flaky,
# 2 skipped)") may name subsets rather than a partition, and is not summed.
_BREAKDOWN_RE = re.compile(r"[ ]?(?:[a-z]{1,12}[ ])?\(([^()\n]{3,120})\)", re.IGNORECASE)
_PART_SPLIT = re.compile(r"\+")
_OTHER_SEPARATOR = re.compile(r"[,;]|[ ](?:and|or|of|with|plus)[ ]")
_LABELLED_PART = re.compile(r"^[ ]*(?:[A-Za-z][\w -]{0,20}:[ ]*)?(\d{1,5})[ ]*$")
_COUNTED_PART = re.compile(r"^[ ]*(\d{1,5})[ ]+([a-z][a-z-]{0,24})(?:[ ]+([a-z][a-z-]{0,24}))?[ ]*$", re.IGNORECASE)
_PASS = frozenset({"passed", "passing", "pass", "passes"})
_FAIL = frozenset({"failures", "failing", "failed", "fails", "failure"})
# outcomes besides pass and fail: with one of them on the line the gap may be theirs
_OTHER_OUTCOME_RE = re.compile(r"(?i)\b(?:skip\w*|pending|xfail\w*|errors?|errored|ignored|flaky|todo|timed?[ -]?out"
                               r"|disabled|excluded|not run|deselected)\b")
_COUNTED = re.compile(r"(?i)^(?:tasks?|items?|steps?|tests?|checks?|issues?|files?|endpoints?|subtasks?|todos?)$")


class NumberClaimContradictsItself(Rule):
    """A line's numbers contradict its own words: "all" with a partial count, parts that miss the
    total, or a box ticked over a target its note says was missed.

    Four tight shapes on one line: a ticked box whose own note says its target was missed
    ("[x] Reach 80% coverage (77% achieved, nearly met the target)"); "all tests pass (480/500)"
    or "100% complete (7/9)", where the word says everything and the ratio right after it says not;
    "60 tasks (25 completed, 60 remaining)", where done and remaining do not add up to the total they
    break down; and "10 skills (7 specific + 4 generic)", an explicit sum that misses the count it
    explains. A comma list in parentheses ("20 tests (3 flaky, 2 skipped)") may name subsets, and is not summed.
    Also a pass ratio followed by a failure count that does not cover the gap ("724/750 tests passed,
    4 remaining failures"), when the line names no other outcome (skipped, pending, errors) for the rest.

    Why: the line is a summary a reader trusts without recounting. When its own numbers disagree,
    one of them is stale or wishful, and the reader cannot tell which.

    Bad:
        - [x] All integration tests pass (46/50)
        - [x] Reach the coverage target (77%, nearly met 80%)
        **Tasks:** 40 tasks (18 completed, 30 remaining)
        **Skills:** 10 skills (7 specific + 4 generic)

    Good:
        - [ ] Integration tests pass (46/50; 4 flaky, tracked in TASK-9)
        **Tasks:** 40 tasks (18 completed, 22 remaining)
        **Skills:** 11 skills (7 specific + 4 generic)
    """

    code = "DOC020"
    name = "number-claim-contradicts-itself"
    category = Category.CONSISTENCY
    severity = Severity.MEDIUM
    rationale = "A summary line whose own numbers disagree misleads every reader who trusts it without recounting."
    fix = "Recount and correct the figure (or the word 'all') so the line agrees with itself."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            by_line: dict[int, list[NumberClaim]] = {}
            for claim in claims(doc):
                by_line.setdefault(claim.line, []).append(claim)
            for line, found in by_line.items():
                problem = (_partial_all(doc, found) or _parts_miss_total(found) or _breakdown(doc, found)
                           or _failures_unaccounted(doc, found))
                if problem:
                    yield self.finding(task, doc, line, problem, key=problem[:80])
            for item in doc.items:
                if item.checked and line_not_met(item.text):
                    yield self.finding(task, doc, item.line, f"{item.text[:80]!r} is ticked, but its own note says the "
                                       "target was not met.", key=f"unmet:{item.text[:60]}")


# "(77% achieved, nearly met 80% target)", "goal missed", "short of the target": a box's own note
# saying its target was not reached.
_UNMET_RE = re.compile(r"(?i)\b(?:nearly|almost|not|partially|never)\s+(?:yet\s+)?(?:met|reached|achieved|hit)\b"
                       r"|\bmissed\b|\bfell\s+short\b|\bshort\s+of\b|\bbelow\s+(?:the\s+)?(?:target|goal)\b")
_TARGET_RE = re.compile(r"(?i)\b(?:target|goal|threshold)\b")


def line_not_met(text: str) -> bool:
    """The text names a target and says it was not met."""
    return _TARGET_RE.search(text) is not None and _UNMET_RE.search(text) is not None


def _partial_all(doc: Document, found: list[NumberClaim]) -> str | None:
    text = ""
    for claim in found:
        if claim.kind is not Kind.RATIO or claim.table or not claim.total or claim.value >= claim.total:
            continue
        text = text or prose(doc.line_text(found[0].line))  # read only for a line with a partial ratio
        head = text[max(0, claim.column - 60): claim.column]
        if _OF_RE.match(text, claim.column):
            continue  # "3/4 of the regions" is a share of something, not a count of it
        words = list(_ALL_RE.finditer(head))
        if not words:
            continue
        between = head[words[-1].end():]
        if _BREAK_RE.search(between.replace("(", " ").replace("*", " ")):
            continue
        if ":" in between and _LABEL_LEAD_RE.search(head[: words[-1].start()]):
            continue  # "Routes Fully Working: 7/35": the label names the routes counted, not all of them
        said = words[-1].group(0)
        share = 100 * claim.value / claim.total
        return (f"The line says {said!r} but its own count is {claim.value:g}/{claim.total:g} "
                f"({share:.0f}%).")
    return None


def _parts_miss_total(found: list[NumberClaim]) -> str | None:
    counts = [c for c in found if c.kind is Kind.COUNT and not c.table]
    totals = [c for c in counts if _COUNTED.match(c.head or "-")]
    done = [c for c in counts if c.subject[0] in _DONE]
    left = [c for c in counts if c.subject[0] in _LEFT]
    if len(totals) != 1 or len(done) != 1 or len(left) != 1:
        return None
    total, d, r = totals[0], done[0], left[0]
    if not total.column < min(d.column, r.column):
        return None
    approx = total.approx or d.approx or r.approx
    slack = max(1.0, 0.1 * total.value) if approx else 0.0
    if abs(d.value + r.value - total.value) <= slack:
        return None
    return (f"{d.value:g} {d.subject[0]} + {r.value:g} {r.subject[0]} = {d.value + r.value:g}, "
            f"not the {total.value:g} {total.head} this line states.")


def _failures_unaccounted(doc: Document, found: list[NumberClaim]) -> str | None:
    """ "724/750 tests passed … 4 failures": the tests that did not pass are not the failures named,
    and the line names no other outcome (skipped, pending, errors) that could hold the rest."""
    passed = [c for c in found if c.kind is Kind.RATIO and c.total and not c.table and _PASS.intersection(c.subject)]
    failed = [c for c in found if c.kind is Kind.COUNT and not c.table and not c.approx
              and _FAIL.intersection(c.subject[:2])]
    if len(passed) != 1 or len(failed) != 1 or passed[0].approx or passed[0].column > failed[0].column:
        return None
    ratio, failures = passed[0], failed[0]
    missing = (ratio.total or 0) - ratio.value
    if missing == failures.value or missing < failures.value or _OTHER_OUTCOME_RE.search(doc.line_text(ratio.line)):
        return None
    return (f"{ratio.value:g} of {ratio.total:g} passed leaves {missing:g} not passing, but the line names "
            f"{failures.value:g} {failures.head or 'failing'}; {missing - failures.value:g} are not accounted for.")


def _breakdown(doc: Document, found: list[NumberClaim]) -> str | None:
    """A count summed in the parentheses right after it ("10 skills (7 + 4)"), the sum not matching."""
    text = ""
    for total in found:
        if total.kind is not Kind.COUNT or total.table or total.approx or not total.head:
            continue
        text = text or prose(doc.line_text(found[0].line))
        end = text.find(total.head, total.column) + len(total.head)
        match = _BREAKDOWN_RE.match(text, end)
        parts = _parts(match.group(1), total.head) if match and not _OTHER_SEPARATOR.search(match.group(1)) else None
        if parts is None or len(parts) < 2 or sum(parts) == total.value:
            continue
        shown = " + ".join(str(p) for p in parts)
        return f"The breakdown of {total.value:g} {total.head} adds up to {shown} = {sum(parts)}."
    return None


def _parts(inside: str, noun: str) -> list[int] | None:
    """The numbers of a breakdown, or None when any part is not a plain count of the same thing."""
    parts: list[int] = []
    for piece in _PART_SPLIT.split(inside):
        labelled, counted = _LABELLED_PART.match(piece), _COUNTED_PART.match(piece)
        if labelled:
            parts.append(int(labelled.group(1)))
        elif counted:
            last = (counted.group(3) or counted.group(2)).lower()
            if last.endswith("s") and last.rstrip("s") != noun.rstrip("s") and counted.group(3):
                return None  # "16 files (7 insertions, 2 deletions)": other units
            if counted.group(3) is None and last.endswith("s") and last != noun and len(last) > 3 and \
                    last not in _DONE | _LEFT:
                return None
            parts.append(int(counted.group(1)))
        else:
            return None
    return parts
