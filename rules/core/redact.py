"""Secret detection and redaction, shared by the security rules and every renderer.

``redact(text)`` masks every secret it recognises (``postgresql://user:****@host``); renderers
run it over their whole output as a last line of defence, so a secret found in a doc never
reaches a comment, a check run, JSON, SARIF, a terminal or a log.
"""

from __future__ import annotations

import re

_CREDENTIAL_URL = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^\s:/@]+):(?P<secret>[^\s@/]+)@")


def redact(text: str) -> str:
    """Mask secrets in *text*, keeping enough context to recognise what was there."""
    return _CREDENTIAL_URL.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:****@", text)
