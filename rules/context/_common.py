"""Heading synonyms shared by the context rules (matched on ``Section.key``, see rules/core/sections.py)."""

from __future__ import annotations

import re

from rules.core.model import Document, normalise_title
from rules.core.sections import find_heading, preamble_labels, synonyms
from rules.core.vocabulary import CURRENT_STATE_HEADINGS

# "Status" and "Progress" name the work's state, unless a domain noun follows: "Status Codes", "Order
# Status Field", "Progress Bar", "Deployment Status Calculation Logic" describe the product, "Status
# Updates" how the team reports.
_NOT_STATE = (r"(?! (?:updates?|reports?|reporting|meetings?|codes?|fields?|columns?|enums?|badges?|bars?|pages?"
              r"|endpoints?|transitions?|values?|flags?|messages?|icons?|labels?|types?|mappings?|indicators?"
              r"|components?|spinners?|rings?|events?|callbacks?|tracking system|calculations?|computation|logic"
              r"|models?|schemas?|machines?|handling|api|sync|propagation|polling|display|ui)(?:\s|$))")
STATE = synonyms(
    "current (?:state|status|situation|progress|focus|phase|work)", "session progress", f"progress{_NOT_STATE}",
    f"status{_NOT_STATE}",
    "where we are", "state of play", "handoff notes?", "snapshot", "(?:implementation|progress) summary",
    "what s done", "done so far", "(?:completed|finished) work", "work (?:completed|done)", "accomplished",
    *CURRENT_STATE_HEADINGS,
)


def has_section(doc: Document, pattern: re.Pattern[str], *, min_words: int = 1) -> bool:
    """A heading matching *pattern*, or a ``Label: value`` line before the first section whose
    value has at least *min_words* words (``Next steps: deploy, then rerun the lag test``)."""
    if find_heading(doc, pattern) is not None:
        return True
    return any(pattern.search(normalise_title(label)) and len(value.split()) >= min_words
               for _line, label, value in preamble_labels(doc))
