"""DOC061 unfilled-template-section."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, Section, TaskDocs
from rules.core.phases import in_later_section_at, quoted_some
from rules.core.rule import Rule, RuleContext
from rules.core.text import strip_comments
from rules.story._fresh import in_role_category

# A line that only promises content: "_Technical approach to be defined_", "*To be populated during
# implementation*", "TBD", "Coming soon"; the same in the teams' other languages.
_PLACEHOLDER_LINE_RE = re.compile(
    r"(?i)^[\s>*_-]*+(?:[^\W\d_][\w/ -]{0,40}\s)?"
    r"(?:to be (?:defined|determined|identified|populated|filled(?: in)?|added|documented|written|decided"
    r"|confirmed|completed|updated)|tbd|tba|coming soon|not yet (?:defined|written|filled|documented)"
    r"|추후 작성|작성 예정|待定|待补充|未定|記入予定|por definir|do uzupełnienia|do ustalenia)"
    r"(?:\s+(?:during|after|when|once|later|in|by)\b[^.\n]*)?[.!…]*[\s*_)]*$"
)
_NEEDLES = ("to be ", "tbd", "tba", "coming soon", "not yet ", "추후 작성", "작성 예정", "待定", "待补充", "未定",
            "記入予定", "por definir", "do uzupełnienia", "do ustalenia")
_MAX_BODY_LINES = 3  # a longer body has content beside its placeholder
MANY = 3  # from this many unfilled sections the file is an unfilled template (medium)


class UnfilledTemplateSection(Rule):
    """A section of a task document still holds only its template's placeholder:
    ``## Technical Approach`` over ``_Technical approach to be defined_``, ``## Key Decisions`` over
    ``*To be populated during implementation*``.

    A section counts when every line of its own body (up to the next heading; blank lines and rules
    aside, at most three lines) is a placeholder sentence: "… to be defined / determined / identified
    / populated / filled in / added / documented / decided", ``TBD``, ``TBA``, "Coming soon", "not
    yet written", or the same in the teams' other languages (``추후 작성``, ``待定``, ``未定``, ``por
    definir``, ``do uzupełnienia``); outside code. Sections under a heading for later work ("Future
    Enhancements") are left alone. One finding per file, at the first such section, naming every
    other; medium when three or more sections of the file are unfilled (the file is still the
    template), low otherwise. Reported in the category of the file (structure for a supporting file
    whose name gives it no role).

    Why: a generated template's headings promise content the folder does not have. The plan looks
    complete at a glance, every rule that asks "is there a Timeline section?" is satisfied, and the
    reader finds the decisions, dependencies or approach nowhere.

    Bad:
        ## Technical Approach

        _Technical approach to be defined_

    Good:
        ## Technical Approach

        Subcommands edit `state.json` through the existing store; `reorder` rewrites the phase order.
    """

    code = "DOC061"
    name = "unfilled-template-section"
    category = Category.STRUCTURE  # scored in the category of the file holding the sections (a plan: plan)
    severity = Severity.LOW
    rationale = "A template heading over a placeholder promises content the folder does not have."
    fix = "Write what was decided or done under each such heading, or delete the headings the work does not need."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            unfilled = list(_unfilled(doc))
            if not unfilled:
                continue
            first = unfilled[0][1]
            titles = quoted_some([section.title for section, _line in unfilled], 40, shown=4)
            count = f"{len(unfilled)} sections" if len(unfilled) > 1 else "A section"
            verb = "hold" if len(unfilled) > 1 else "holds"
            shown = strip_comments(doc.line_text(first)).strip(" _*")
            message = f"{count} of {doc.name} still {verb} only the template's placeholder ({shown!r}): {titles}."
            severity = Severity.MEDIUM if len(unfilled) >= MANY else Severity.LOW
            finding = self.finding(task, doc, first, message, key="unfilled-template", severity=severity,
                                   effort_minutes=min(30, 5 * len(unfilled)),
                                   related=[(doc, line) for _section, line in unfilled[1:]])
            yield in_role_category(finding, doc)


def _unfilled(doc: Document) -> Iterator[tuple[Section, int]]:
    """(section, its placeholder's first line) of each section whose own body is only placeholders."""
    starts = [section.line for section in doc.sections]
    seen: set[int] = set()
    for line in doc.lines_containing(_NEEDLES):  # the cheap question first: most files hold none
        index = doc.section_index(line)
        if index is None or index in seen:
            continue
        seen.add(index)
        section = doc.sections[index]
        end = starts[index + 1] - 1 if index + 1 < len(starts) else doc.line_count
        body = [n for n in range(section.line + 1, end + 1) if _content(doc.line_text(n))]
        if not body or len(body) > _MAX_BODY_LINES or any(n in doc.code_lines for n in body):
            continue
        if all(_PLACEHOLDER_LINE_RE.match(strip_comments(doc.line_text(n))) for n in body) \
                and not in_later_section_at(doc, index):
            yield section, body[0]


def _content(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and stripped.strip("-*_ ") != "" and not stripped.startswith("<!--")
