"""Test and verification tasks: which checkboxes test, verify or validate work."""

from __future__ import annotations

import re

from rules.core.model import CheckItem, Document
from rules.core.phases import ancestors

# A task that tests or verifies: the words in English, and "test" / "verification" in Korean.
VERIFY_RE = re.compile(
    r"(?i)\b(?:tests?|testing|tested|verify|verified|verification|validate[sd]?|validation|qa|e2e|end-to-end"
    r"|smoke|regression|manual(?:ly)? check)\b|테스트|검증"
)
_CODE_RE = re.compile(r"`[^`\n]*`")
_WORD_RE = re.compile(r"\S+")  # whole words, each read once: linear on a long line without a slash


def _without_code_or_paths(text: str) -> str:
    """*text* without code spans and words holding a slash ("/api/validate-x" names an endpoint, not a check)."""
    return _WORD_RE.sub(lambda m: " " if "/" in m.group() else m.group(), _CODE_RE.sub(" ", text))


def is_verification(doc: Document, item: CheckItem) -> bool:
    """A checkbox that tests or verifies, by its own words or a heading above it (``### Testing``)."""
    if VERIFY_RE.search(_without_code_or_paths(item.text)):
        return True
    return any(VERIFY_RE.search(s.title) for s in ancestors(doc, item.section))
