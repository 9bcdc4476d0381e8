"""Structured, scrubbed logging: one JSON object per line.

- :func:`bind` adds fields (delivery id, event, repo, PR, SHA) to every line logged inside it,
  through a contextvar, so they follow the delivery across awaits.
- :class:`Scrubber` masks the webhook secret, the App's private key, GitHub tokens, bearer
  credentials, JWTs and anything :func:`rules.core.redact.redact` recognises. :class:`ScrubFilter`
  applies it to every record before any handler formats it (uvicorn's included).
- Payload bodies are never logged: log the delivery id, and the fields you bound.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, TextIO

from rules.core.redact import redact

MASK = "****"
CONTEXT_FIELDS = ("delivery_id", "event", "action", "repo", "pr", "sha", "worker", "attempt")

_context: ContextVar[Mapping[str, object] | None] = ContextVar("devdocs_log_context", default=None)

_PATTERNS = (
    # a whole PEM block, whatever its type
    re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.S),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{16,}"),  # GitHub tokens: ghs_ (installation), ghp_, gho_, ...
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bv1\.[0-9a-f]{40}\b"),  # legacy installation token format
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),  # a JWT (the App's)
)
_AUTH_SCHEME = re.compile(  # Authorization header values: any Bearer value, token-shaped others
    r"\b(Bearer)(\s+)[^\s\"',;]+|\b(token|Basic)(\s+)[A-Za-z0-9+/=_.-]{16,}", re.I
)
QUIET_LOGGERS = ("httpx", "httpcore")
_MIN_LITERAL = 4  # shorter "secrets" would mask ordinary text; settings reject blank ones
# Short texts recur on every line (event, action, repo, "delivery queued (coalesce key o/r#12)"):
# their scrubbed form is remembered, so a delivery's log line costs about one scrub, not five.
_CACHE_TEXT_MAX = 256
_CACHE_ENTRIES = 4096


def bind(**fields: object) -> contextlib.AbstractContextManager[None]:
    """Add *fields* to every log line written inside the ``with`` block (None values are dropped)."""
    return _bound({k: v for k, v in fields.items() if v is not None})


@contextlib.contextmanager
def _bound(fields: Mapping[str, object]) -> Iterator[None]:
    token = _context.set({**current_context(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> Mapping[str, object]:
    return _context.get() or {}


class Scrubber:
    """Masks known secret values and secret-shaped strings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        literals: set[str] = set()
        for secret in secrets:
            literals.update(_literal_forms(secret))
        # longest first, so a secret containing another is masked whole
        self._literals = sorted((s for s in literals if len(s) >= _MIN_LITERAL), key=len, reverse=True)
        self._known: dict[str, str] = {}  # short text -> its scrubbed form (a pure function of it)

    def scrub(self, text: str) -> str:
        if len(text) > _CACHE_TEXT_MAX:
            return self._scrub(text)
        scrubbed = self._known.get(text)
        if scrubbed is None:
            scrubbed = self._scrub(text)
            if len(self._known) >= _CACHE_ENTRIES:
                self._known.clear()
            self._known[text] = scrubbed
        return scrubbed

    def _scrub(self, text: str) -> str:
        for literal in self._literals:
            if literal in text:
                text = text.replace(literal, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(MASK, text)
        text = _AUTH_SCHEME.sub(_mask_credential, text)
        return redact(text)


def _mask_credential(match: re.Match[str]) -> str:
    scheme, space = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"{scheme}{space}{MASK}"


def _literal_forms(secret: str) -> set[str]:
    """The secret itself, its JSON-escaped form, and (for a PEM key) each line of its body."""
    forms = {secret, json.dumps(secret)[1:-1]}
    if "-----BEGIN" in secret:
        forms.update(line.strip() for line in secret.splitlines() if "-----" not in line)
    return {form for form in forms if form.strip()}


class ScrubFilter(logging.Filter):
    """Renders each record's message and traceback, scrubbed, before any handler sees it."""

    def __init__(self, scrubber: Scrubber) -> None:
        super().__init__()
        self._scrubber = scrubber

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._scrubber.scrub(_message(record))
        record.args = None
        if record.exc_info:
            record.exc_text = self._scrubber.scrub(_format_exception(record))
            record.exc_info = None  # the text above replaces it; the raw one may hold secrets
        elif record.exc_text:
            record.exc_text = self._scrubber.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrubber.scrub(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", <bound context>, "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": _message(record),
        }
        entry.update({k: v for k, v in getattr(record, "context", {}).items() if k not in entry})
        if record.exc_info and not record.exc_text:
            record.exc_text = _format_exception(record)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class ContextFilter(logging.Filter):
    """Copies the bound context onto the record (before scrubbing, so it is scrubbed too)."""

    def __init__(self, scrubber: Scrubber) -> None:
        super().__init__()
        self._scrubber = scrubber

    def filter(self, record: logging.LogRecord) -> bool:
        record.context = {k: self._scrub_value(v) for k, v in current_context().items()}
        return True

    def _scrub_value(self, value: object) -> object:
        return self._scrubber.scrub(value) if isinstance(value, str) else value


def configure_logging(
    *, level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Route every logger (uvicorn's too) to one JSON handler on *stream* (default stderr)."""
    scrubber = Scrubber(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter(scrubber))
    handler.addFilter(ScrubFilter(scrubber))
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name in QUIET_LOGGERS:  # one INFO line per HTTP request: only when debugging
        logging.getLogger(name).setLevel(level if level == "DEBUG" else "WARNING")
    return handler


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except (TypeError, ValueError):  # a bad %-format in a log call must not lose the line
        return f"{record.msg!s} {record.args!r}"


def _format_exception(record: logging.LogRecord) -> str:
    if not record.exc_info or record.exc_info[0] is None:
        return ""
    return "".join(traceback.format_exception(*record.exc_info)).rstrip()


def _timestamp(created: float) -> str:
    seconds = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{seconds}.{int(created % 1 * 1000):03d}Z"
