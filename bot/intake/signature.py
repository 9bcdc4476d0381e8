"""GitHub's webhook signature: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>``."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="


def signature_for(secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends for *body*."""
    return SIGNATURE_PREFIX + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """Constant-time check of *header* against the HMAC of the raw *body*.

    The ``sha256=`` prefix is required: a bare digest (or githubkit's SHA-1 fallback) is refused.
    """
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = signature_for(secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.encode("latin-1", "replace"))
