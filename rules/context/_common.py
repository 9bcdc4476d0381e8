"""Heading synonyms shared by the context rules (matched on ``Section.key``, see rules/core/sections.py)."""

from __future__ import annotations

import re

from rules.core.model import Document, normalise_title
from rules.core.sections import find_heading, preamble_labels, synonyms

STATE = synonyms(
    "current (?:state|status|situation|progress|focus|phase|work)", "session progress", "progress", "status",
    "where we are", "state of play", "handoff notes?", "snapshot", "(?:implementation|progress) summary",
    "what s done", "done so far", "(?:completed|finished) work", "work (?:completed|done)", "accomplished",
    "현재 상태", "진행 상황", "진행 상태", "진행 현황", "현황", "(?:구현|작업|완료) 상태",
)
NEXT = synonyms(
    r"next (?:\w+ )?steps?", "next actions?", "todo next", "quick resume", "resum(?:e|ing)", "next session",
    "up next", "what s next", "handoff", "hand off", "remaining (?:work|tasks|items|checks|steps)", "todo", "to do",
    "action items", "follow ups?", "다음 단계", "다음 작업", "남은 (?:작업|항목|검증)", "빠른 재개",
    r"재개 (?:지침|방법|가이드)", r"下一步\S*", r"快速恢复\S*", r"恢复指南\S*",
)


def has_section(doc: Document, pattern: re.Pattern[str], *, min_words: int = 1) -> bool:
    """A heading matching *pattern*, or a ``Label: value`` line before the first section whose
    value has at least *min_words* words (``Next steps: deploy, then rerun the lag test``)."""
    if find_heading(doc, pattern) is not None:
        return True
    return any(pattern.search(normalise_title(label)) and len(value.split()) >= min_words
               for _line, label, value in preamble_labels(doc))
