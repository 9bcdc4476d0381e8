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
_CODE_OR_PATH_RE = re.compile(r"`[^`\n]*`|\S*/\S*")  # "/api/validate-x" names an endpoint, not a check


def is_verification(doc: Document, item: CheckItem) -> bool:
    """A checkbox that tests or verifies, by its own words or a heading above it (``### Testing``)."""
    if VERIFY_RE.search(_CODE_OR_PATH_RE.sub(" ", item.text)):
        return True
    return any(VERIFY_RE.search(s.title) for s in ancestors(doc, item.section))
