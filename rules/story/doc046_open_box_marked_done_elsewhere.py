"""DOC046 open-box-marked-done-elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import is_legend_item, short
from rules.core.rule import Rule, RuleContext
from rules.core.text import clip, strip_comments

_DONE_MARK_RE = re.compile("[✅✔☑]")
# A line that also says "not" done, or carries an open mark, is not a plain claim of done.
_OPEN_CUE_RE = re.compile(r"[⏳🔄🟡🚧⛔🚫⬜❌⚠]|(?i:\b(?:not|no|pending|todo|blocked|partial(?:ly)?|except|but)\b)")
_NOT_WORD_RE = re.compile(r"[^\w\s]+")
_MIN_WORDS = 2
_MIN_CHARS = 8
_MAX_WORDS = 16  # a box longer than this is compared on its first 16 words


class OpenBoxMarkedDoneElsewhere(Rule):
    """A file marks something done with a check mark in the very words of one of its own open boxes.

    Reads every document of the task, review notes and reports included. An open box (``- [ ]
    Ready to merge``, at least two words, not a legend entry) is compared with the file's other
    lines outside code: a line carrying ``✅`` / ``✔`` whose text starts with the box's words
    (``✅ Ready to merge — clean implementation``) claims the very thing the box leaves open.
    Lines that also say "not", "pending", "but" or carry an open mark (``⏳``, ``❌``, ``⚠️``) are
    not claims of done. Language does not matter: the words are the file's own.

    Why: a summary that says "✅ ready to merge" above a recommendation whose "ready to merge" box
    is unticked (another option ticked instead) gives two verdicts. A reader who stops at the
    summary acts on the one the author did not choose.

    Bad:
        ## Summary
        ✅ Ready to merge — small, clean change.
        ## Recommendation
        - [ ] Ready to merge
        - [x] Needs minor fixes

    Good:
        ## Summary
        Needs minor fixes — one missing label, otherwise clean.
        ## Recommendation
        - [ ] Ready to merge
        - [x] Needs minor fixes
    """

    code = "DOC046"
    name = "open-box-marked-done-elsewhere"
    category = Category.CONSISTENCY
    severity = Severity.LOW
    rationale = "A check mark and an open box for the same words give the reader two answers."
    fix = "Make the two agree: tick the box, or change the line that marks it done."
    effort_minutes = 3

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            boxes = _open_boxes(doc)
            if not boxes:
                continue
            for line, words, box_line in _claims(doc, boxes):
                message = (f"{short(doc.line_text(line))!r} marks {words!r} done, but the box for it at "
                           f"{doc.name}:{box_line} is still open.")
                yield self.finding(task, doc, line, message, key=f"{doc.name}:{words[:60]}",
                                   related=[(doc, box_line)])


def _words(text: str) -> str:
    cleaned = _NOT_WORD_RE.sub(" ", strip_comments(clip(text)).replace("_", " "))
    return " ".join(cleaned.lower().split())


def _open_boxes(doc: Document) -> dict[str, int]:
    """The open boxes' words (first box wins) of two words or more, legend entries left out."""
    found: dict[str, int] = {}
    for item in doc.items:
        if item.checked or is_legend_item(doc, item):
            continue
        words = " ".join(_words(item.text).split(" ")[:_MAX_WORDS])
        if len(words) >= _MIN_CHARS and words.count(" ") + 1 >= _MIN_WORDS:
            found.setdefault(words, item.line)
    return found


def _claims(doc: Document, boxes: dict[str, int]) -> Iterator[tuple[int, str, int]]:
    """(line, words, box line) for each line outside boxes and code that marks a box's words done."""
    box_lines = {item.line for item in doc.items}
    for number, raw in enumerate(doc.lines, start=1):
        if number in box_lines or number in doc.code_lines or not _DONE_MARK_RE.search(raw, 0, 4096):
            continue
        text = clip(raw)
        if _OPEN_CUE_RE.search(text):
            continue
        tokens = _words(text).split(" ", _MAX_WORDS)[:_MAX_WORDS]
        heads = (" ".join(tokens[:count]) for count in range(len(tokens), _MIN_WORDS - 1, -1))
        words = next((head for head in heads if head in boxes), None)  # the longest box the line opens with
        if words is not None:
            yield number, words, boxes[words]
