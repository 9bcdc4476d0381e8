"""Next-steps lists and the phases a folder reports complete (DOC006, DOC018).

DOC006 reports a next step that starts a phase already complete, in its "Next Steps" section;
DOC018 reports the items of any next-steps / remaining-work list that name work the folder reports
done, and leaves alone every section DOC006 reports (:func:`done_step`).
"""

from __future__ import annotations

import re

from rules.core.model import Document, Section, Status, TaskDocs
from rules.core.phases import PHASE_WORDS
from rules.core.story import core_documents, file_statements
from rules.core.text import fold

NEXT_STEPS_RE = re.compile(r"^(?:immediate )?next (?:steps?|actions?|tasks?)(?: immediate| for .*)?$"
                           r"|^immediate (?:next )?(?:steps|actions)$|^(?:quick )?resume(?: here)?$|^handoff$")
# "1. Start Phase 1 (repo setup)", "- Begin Phase 2", "- [ ] Proceed to Phase 3"
_START_PART_RE = re.compile(
    r"^\s*+(?:[-*+]|\d{1,3}[.)])\s++(?:\[ \]\s++)?[*_]*+(?:start|begin|kick off|work on|implement|continue with"
    r"|proceed (?:to|with))\s++(?:the\s++)?(?:phase|stage|sprint|milestone)\s*+([0-9]{1,3}(?:\.[0-9]{1,3})?[a-z]?)\b"
)
_PHASE_WORDS = frozenset(PHASE_WORDS)

# A phase tracker's line opens with the phase it tracks: "- Phase 0 — Spine: **DONE**", "| Phase 2 | ✅ |".
_TRACKER_LINE_RE = re.compile(r"^\s*+(?:[-*+]\s++|\|\s*+)?[*_]*+(?:phase|stage|sprint|milestone)\s*+[0-9]")
Done = dict[str, tuple[Document, int]]  # phase id ("1A") → where the folder reports it complete


def done_phases(task: TaskDocs) -> Done:
    """Phase ids the folder reports complete (status lines, ✅ COMPLETE phase headings, a phase
    tracker's line opening with the phase: ``- Phase 0 — Spine: **DONE**``), with where."""
    done: Done = {}
    for doc in core_documents(task):
        for statement in file_statements(doc):
            for part in statement.done_parts:
                done.setdefault(part, (doc, statement.line))
        for mark in doc.statuses:
            if mark.status is Status.COMPLETE and not (mark.in_heading or mark.in_checkbox) and len(mark.item_ids) == 1:
                kind, _, part = mark.item_ids[0].partition(" ")
                if kind.lower() in _PHASE_WORDS and part and _TRACKER_LINE_RE.match(fold(mark.text)):
                    done.setdefault(part.upper(), (doc, mark.line))
        for section in doc.sections:
            if section.status is Status.COMPLETE:
                for ident in section.item_ids:
                    kind, _, part = ident.partition(" ")
                    if kind.lower() in _PHASE_WORDS and part:
                        done.setdefault(part.upper(), (doc, section.line))
    return done


def done_step(doc: Document, section: Section, done: Done) -> tuple[int, str] | None:
    """The first step of a next-steps section that starts a phase already reported complete."""
    for number in range(section.line + 1, section.end_line + 1):
        step = _START_PART_RE.match(fold(doc.line_text(number)))
        if step and number not in doc.code_lines and step.group(1).upper() in done:
            return number, step.group(1).upper()
    return None


def reported_by_doc006(doc: Document, section: Section, done: Done) -> bool:
    """DOC006 reports this section (a next-steps heading whose steps start a phase already complete)."""
    return (bool(done) and NEXT_STEPS_RE.match(heading_key(section)) is not None
            and done_step(doc, section, done) is not None)


def heading_key(section: Section) -> str:
    """The title's key without trailing dashes or resume hints: ``next session — resume here``."""
    return re.sub(r"\s+", " ", section.key).strip()
