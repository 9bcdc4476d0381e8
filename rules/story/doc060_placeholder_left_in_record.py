"""DOC060 placeholder-left-in-record."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import in_later_section_at
from rules.core.rule import Rule, RuleContext
from rules.core.story import core_documents, story
from rules.core.text import CODE_SPAN_RE, clip, more_such_lines
from rules.story._common import begun_boxes, finished_as, quote
from rules.story._fresh import in_role_category

# A value not yet written: TBD / TBA, "XX%" or "X.X", "???", "[TODO]", "<fill in>". Upper-case TBD/XX
# only: "xx" in prose is a word part or a mask.
_PLACEHOLDER_RE = re.compile(
    r"(?<![\w.%/-])(?:TBD|TBA|XX+%|XX+(?=\s*(?:ms|s|h|hours?|min|tests?|items?)\b)|X\.X+|\?\?\?+"
    r"|\[(?i:todo|tbd|fill in|to fill)\]|<(?i:todo|tbd|fill in|to fill)>)(?![\w/])"
)
_NEEDLES = ("tbd", "tba", "xx", "x.x", "???", "[todo]", "<todo>", "fill in", "to fill")


class PlaceholderLeftInRecord(Rule):
    """A record of the work still holds a placeholder where its result belongs: ``Actual vs
    Estimated: TBD`` in a finished task, a ticked box whose result reads ``H1 is the main cause
    (XX%)``.

    Placeholders: ``TBD``, ``TBA``, ``XX%`` (or ``XX`` before a unit), ``X.X``, ``???``, ``[TODO]``,
    ``<fill in>``; outside code and code spans. In a finished task (archived, declared done, every box
    ticked) every line of the plan, context and tasks counts, except under a heading for later work
    ("Future Enhancements", "Backlog"); in a task under way only ticked boxes and the lines nested
    under them, once three boxes are ticked: an open box's TBD is a question still open. One finding
    per task, at the first such line, naming the others.

    Why: the placeholder was a promise to write the result down. Once the work is done, a TBD
    reads as "never measured" or "never decided", and the reader cannot tell which.

    Bad:
        dev/archive/blog/blog-tasks.md:  - Actual vs Estimated: TBD

    Good:
        dev/archive/blog/blog-tasks.md:  - Actual vs Estimated: 14 h against 12 h (the map took two more)
    """

    code = "DOC060"
    name = "placeholder-left-in-record"
    category = Category.CONSISTENCY  # scored in the category of the file holding the first one
    severity = Severity.LOW
    rationale = "A TBD left in the record of finished work reads as never measured or never decided."
    fix = "Write the result (or say it was not measured and why) in place of the placeholder."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        if (done := finished_as(task, story(task))) is not None:
            how = f"the task is {done}"
            places = [(doc, n) for doc in core_documents(task) for n in _placeholder_lines(doc, _outside_later(doc))]
        else:
            tasks, ticked = task.tasks, begun_boxes(task)
            if tasks is None or not ticked:
                return
            how = "its box is ticked"
            lines = {n for item in ticked for n in item.lines}
            places = [(tasks, n) for n in _placeholder_lines(tasks, lines.__contains__)]
        if not places:
            return
        doc, number = places[0]
        also = more_such_lines(len(places) - 1)
        message = (f"{quote(doc.line_text(number))} still holds a placeholder where a result belongs{also}, "
                   f"but {how}.")
        finding = self.finding(task, doc, number, message, key="placeholder",
                               related=[(other, n) for other, n in places[1:10]])
        yield in_role_category(finding, doc)


def _outside_later(doc: Document) -> Callable[[int], bool]:
    """Lines not under a heading for later work ("Future Enhancements", "Backlog")."""
    return lambda number: not in_later_section_at(doc, doc.section_index(number))


def _placeholder_lines(doc: Document, keep: Callable[[int], bool]) -> Iterator[int]:
    for number in doc.lines_containing(_NEEDLES):
        if number in doc.code_lines or not keep(number):
            continue
        if _PLACEHOLDER_RE.search(CODE_SPAN_RE.sub(" ", clip(doc.line_text(number)))):
            yield number
