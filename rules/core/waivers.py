"""In-document waivers: ``<!-- devdocs-review-disable CODE reason="…" until=YYYY-MM-DD -->``.

A waiver suppresses one rule (or several, comma-separated) for the file it stands in. The report
lists waived findings with their reason; a waiver without a reason or past its date does not
apply and is itself reported (rule WVR001).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rules.core.model import Document
from rules.core.text import LineCounter

_WAIVER_RE = re.compile(
    r"devdocs-review-disable\s+(?P<codes>[A-Za-z]{3}\d{3}(?:\s*,\s*[A-Za-z]{3}\d{3})*)(?P<rest>.*?)(?:-->|$)",
    re.DOTALL,
)
_REASON_RE = re.compile(r"""reason\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_UNTIL_RE = re.compile(r"until\s*=\s*(?P<until>\S+)")


@dataclass(frozen=True, slots=True)
class Waiver:
    codes: tuple[str, ...]
    path: str
    line: int
    reason: str | None
    until: dt.date | None
    until_raw: str | None

    def problem(self, today: dt.date) -> str | None:
        """Why this waiver does not apply, or None when it does."""
        if not self.reason or not self.reason.strip():
            return "has no reason=\"…\"; a waiver must say why"
        if self.until_raw is not None and self.until is None:
            return f"has an unreadable until={self.until_raw!r} (use YYYY-MM-DD)"
        if self.until is not None and self.until < today:
            return f"expired on {self.until.isoformat()}"
        return None


def find_waivers(doc: Document) -> tuple[Waiver, ...]:
    waivers = []
    for line, comment in doc.comments:
        lines = LineCounter(comment)
        for match in _WAIVER_RE.finditer(comment):
            codes = tuple(c.strip().upper() for c in match.group("codes").split(","))
            rest = match.group("rest")
            reason_match = _REASON_RE.search(rest)
            reason = (reason_match.group("dq") or reason_match.group("sq") or "") if reason_match else None
            until_match = _UNTIL_RE.search(rest)
            until_raw = until_match.group("until").strip("\"'") if until_match else None
            until = _date(until_raw) if until_raw else None
            waivers.append(Waiver(codes, doc.path, line + lines.before(match.start()), reason, until, until_raw))
    return tuple(waivers)


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None
