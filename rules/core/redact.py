"""Secret detection and redaction, shared by the security rules and every renderer.

``redact(text)`` masks every secret it recognises (``postgresql://user:****@host``); renderers
run it over their whole output as a last line of defence, so a secret found in a doc never
reaches a comment, a check run, JSON, SARIF, a terminal or a log. ``find_secrets(line)`` and
``scan_lines(lines)`` tell the security rules what is there, each match carrying its redacted form.

What does *not* count as a secret (``${DB_PASSWORD}``, ``<password>``, ``***``, ``changeme``,
``AKIAIOSFODNN7EXAMPLE``, ``postgresql://user:pass@host``) is decided in rules/core/placeholders.py.

Speed: one combined pre-filter regex per line; the detectors run only on lines it hits.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from rules.core.placeholders import (
    is_documentation_host,
    is_literal_secret,
    is_placeholder,
    is_random_token,
    is_reference,
    is_token_shaped,
)

MASK = "****"

KIND_LABELS: dict[str, str] = {
    "private-key": "Private key",
    "sentry-dsn": "Sentry DSN",
    "slack-webhook": "Slack webhook URL",
    "discord-webhook": "Discord webhook URL",
    "credential-url": "Credential URL",
    "jwt": "JSON Web Token",
    "github-token": "GitHub token",
    "anthropic-key": "Anthropic API key",
    "openai-key": "OpenAI API key",
    "stripe-key": "Stripe secret key",
    "google-api-key": "Google API key",
    "aws-access-key-id": "AWS access key id",
    "aws-secret-key": "AWS secret access key",
    "slack-token": "Slack token",
    "bearer-token": "Bearer token",
    "password-assignment": "Password or secret assignment",
}


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret on one line: ``line[start:end]`` is replaced by ``redacted`` when masking.

    ``reportable`` is False for illustrations (``postgresql://user:pass@host``, AWS's ``…EXAMPLE``
    key, a password on ``db.example.com``): redaction masks them anyway, rules do not report them.
    """

    kind: str  # a key of KIND_LABELS
    start: int
    end: int
    redacted: str
    reportable: bool = True

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def excerpt(self) -> str:
        """``redacted`` without Markdown emphasis, code marks or trailing punctuation: for messages."""
        text = re.sub(r"\*\*|__|`", "", self.redacted.replace(MASK, "\0")).rstrip(".,;)*_ ")
        return text.replace("\0", MASK)


# --- detectors ----------------------------------------------------------------------------------

# (redacted text, reportable), or None when the match is no secret at all (a reference, a mask)
_Mask = Callable[[re.Match[str]], "tuple[str, bool] | None"]


@dataclass(frozen=True, slots=True)
class _Detector:
    kind: str
    needles: tuple[str, ...]  # lower-case; the pattern runs only when one occurs in the lowered line
    pattern: re.Pattern[str]
    mask: _Mask


def _prefix_mask(group: str = "p") -> _Mask:
    """``ghp_****``: keep the recognisable prefix, mask the rest (unless it is a placeholder)."""

    def mask(match: re.Match[str]) -> tuple[str, bool] | None:
        body = match.group(0)[len(match.group(group)):]
        return (match.group(group) + MASK, is_random_token(body)) if is_token_shaped(body) else None

    return mask


def _fixed_mask(text: str) -> _Mask:
    def mask(match: re.Match[str]) -> tuple[str, bool] | None:
        value = match.group("v")
        return None if is_reference(value) else (text, not is_placeholder(value))

    return mask


def _credential_url(match: re.Match[str]) -> tuple[str, bool] | None:
    password, host = match.group("pw"), match.group("host").split(":", 1)[0]
    if is_reference(password):
        return None
    # https://a:b@…, user:pass@host, app:s3cret@db.example.com: illustrations, masked but not reported
    real = len(password) >= 6 and not is_placeholder(password) and not is_documentation_host(host)
    return f"{match.group('scheme')}{match.group('user')}:{MASK}@{match.group('host')}", real


def _sentry(match: re.Match[str]) -> tuple[str, bool] | None:
    return f"{match.group('scheme')}{MASK}@{match.group('host')}", True


def _head_mask(match: re.Match[str]) -> tuple[str, bool] | None:
    value = match.group("v")
    if is_reference(value):
        return None
    return f"{match.group('head')}{MASK}{match.group('q') or ''}", not is_placeholder(value)


def _assignment(match: re.Match[str]) -> tuple[str, bool] | None:
    quote = match.group("q") or ""
    value = trailing = match.group("v")
    if not quote:
        value = value.rstrip(".,;)*`")
        trailing = trailing[len(value):]  # "`", "**", ")" after the value stay in the text
        after = _NEXT_TEXT.search(match.string, match.end("v"))
        shell = match.group("sep") == "="  # KEY=value in a shell line or a .env file
        if after and not shell and not match.string.startswith(_COMMENTS, after.start()):
            return None  # prose: "token: 15-minute expiry"
    if quote and _INNER_ASSIGNMENT.match(value):
        return None  # the quoted text is itself an assignment: report that one
    if not is_literal_secret(value, quoted=bool(quote)):
        return None
    return f"{match.group('head')}{MASK}{quote or trailing}", True


_NEXT_TEXT = re.compile(r"\S")  # what follows a bare value on its line
_INNER_ASSIGNMENT = re.compile(r"[A-Za-z_][\w.-]{0,64}\s*[=:]\s*[^=\s]")
_COMMENTS = ("#", "//", "<!--", "}", ",", "|")  # …may end the statement, but prose may not

# Every repetition is bounded, so a pathological 1 MB line costs linear time.
_ASSIGNMENT_KEY = (
    r"(?<![\w$.-])(?:[A-Za-z0-9]{1,24}[_.-]){0,4}(?:[A-Za-z0-9]{0,12}(?:password|passwd|passphrase|secret|"
    r"token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key)|pass|pwd)(?![A-Za-z0-9_])"
)
_SEPARATOR = r"[ \t]{0,8}(?::=|=>|[:=|])[ \t*_]{0,8}"  # "=", ": ", ":** ", " | " (a table row)
_URL_USER = r"[^\s:/@?#'\"<>`]{0,64}"
_URL_PASSWORD = r"[^\s@/?#'\"<>`]{1,128}"
_URL_HOST = r"[^\s/?#'\"<>`:@]{1,253}(?::\d{1,5})?"


def _token(kind: str, needles: tuple[str, ...], pattern: str) -> _Detector:
    """A detector for a token with a recognisable prefix (group ``p``), masked as ``<prefix>****``."""
    return _Detector(kind, needles, re.compile(pattern), _prefix_mask())


_DETECTORS: tuple[_Detector, ...] = (
    _Detector("sentry-dsn", ("@",), re.compile(
        r"(?P<scheme>https?://)[0-9a-f]{32}(?::[0-9a-f]{32})?@(?P<host>[\w.-]{1,253}(?::\d{1,5})?/\d{1,12})\b"),
        _sentry),
    _Detector("slack-webhook", ("hooks.slack",), re.compile(
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{20,256})"),
        _fixed_mask(f"https://hooks.slack.com/services/{MASK}")),
    _Detector("discord-webhook", ("discord",), re.compile(
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/(?P<v>\d{1,24}/[\w-]{20,256})"),
        _fixed_mask(f"https://discord.com/api/webhooks/{MASK}")),
    _Detector("credential-url", ("://",), re.compile(
        rf"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]{{1,30}}://)(?P<user>{_URL_USER}):(?P<pw>{_URL_PASSWORD})@"
        rf"(?P<host>{_URL_HOST})"), _credential_url),
    _token("jwt", ("eyj",),
           r"(?P<p>eyJ)[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}"),
    _token("github-token", ("gh", "github_pat_"), r"\b(?P<p>gh[pousr]_|github_pat_)[A-Za-z0-9_]{22,255}\b"),
    _token("anthropic-key", ("sk-ant-",), r"\b(?P<p>sk-ant-)[A-Za-z0-9_-]{20,255}"),
    _token("openai-key", ("sk-",), r"\b(?P<p>sk-(?:proj-|svcacct-|admin-)?)(?!ant-)[A-Za-z0-9_-]{20,255}"),
    _token("stripe-key", ("k_live_", "k_test_"), r"\b(?P<p>[sr]k_(?:live|test)_)[A-Za-z0-9]{16,255}\b"),
    _token("google-api-key", ("aiza",), r"\b(?P<p>AIza)[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"),
    _token("aws-access-key-id", ("akia", "asia"), r"\b(?P<p>A[SK]IA)[A-Z0-9]{16}\b"),
    _Detector("aws-secret-key", ("secret",), re.compile(
        r"(?i)(?P<head>\b(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)[\"']?\s{0,8}[:=]"
        r"\s{0,8}(?P<q>[\"']?))(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"), _head_mask),
    _token("slack-token", ("xox",), r"\b(?P<p>xox[abprs]-)[A-Za-z0-9-]{10,255}"),
    _Detector("bearer-token", ("bearer",), re.compile(
        r"(?P<head>\b[Bb]earer[ \t]{1,8})(?P<q>)(?P<v>[A-Za-z0-9._~+/-]{20,2048}=*)"), _head_mask),
    _Detector("password-assignment", ("pass", "pwd", "secret", "token", "apikey", "api_key", "api-key",
                                      "access", "private_key", "private-key", "privatekey"), re.compile(
        rf"(?i)(?P<head>(?P<key>{_ASSIGNMENT_KEY})[*_\"'\]]{{0,3}}(?P<sep>{_SEPARATOR})(?P<q>[\"'`])?)"
        r"(?P<v>(?(q)[^\"'`\n]{0,256}|[^\s,;|]{1,256}))(?(q)[\"'`])"), _assignment),
)

_PRIVATE_KEY_RE = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY_RE = re.compile(r"^[\s\"'>|]*(?:[A-Za-z0-9+/=]*|[A-Za-z-]+: .*)[\s\"',]*$")

# Lower-case literal anchors of every detector above: a line holding none of them holds no secret.
_NEEDLES = ("://", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "akia", "asia", "xox", "sk-",
            "k_live_", "k_test_", "aiza", "eyj", "bearer", "pass", "pwd", "secret", "token", "private key",
            "api_key", "api-key", "apikey", "access_key", "access-key", "accesskey", "private_key",
            "private-key", "privatekey")


def lines_containing(lines: Sequence[str], needles: Sequence[str],
                     patterns: Sequence[re.Pattern[str]] = ()) -> list[int]:
    """0-based indices of the *lines* whose lower-cased text holds a needle or matches a pattern.

    A few C-speed searches over the whole text instead of a regex per line: the pre-filter that
    keeps the security rules far below markdown-it's parse time.
    """
    lowered = "\n".join(lines).lower()  # lower() never adds or removes a newline
    positions: list[int] = []
    for needle in needles:
        at = lowered.find(needle)
        while at >= 0:
            positions.append(at)
            at = lowered.find(needle, at + len(needle))
    for pattern in patterns:
        positions.extend(match.start() for match in pattern.finditer(lowered))
    if not positions:
        return []
    ends = list(itertools.accumulate(len(line) + 1 for line in lowered.split("\n")))
    return sorted({bisect.bisect_right(ends, position) for position in positions})


def _private_key(line: str) -> list[SecretMatch]:
    found = []
    for match in _PRIVATE_KEY_RE.finditer(line):
        label = match.group("label")
        end_marker = f"-----END {label}-----"
        close = line.find(end_marker, match.end())
        end = close + len(end_marker) if close >= 0 else len(line)
        found.append(SecretMatch("private-key", match.start(), end, _key_block(label)))
    return found


def _key_block(label: str) -> str:
    return f"-----BEGIN {label}----- {MASK} -----END {label}-----"


def find_secrets(line: str, *, illustrations: bool = False) -> list[SecretMatch]:
    """Secrets on one line, left to right, never overlapping (the more specific detector wins).

    With *illustrations*, also the matches that are masked but not reported (see SecretMatch).
    """
    lowered = line.lower()
    if not any(needle in lowered for needle in _NEEDLES):
        return []
    return _find(line, lowered, illustrations)


def _find(line: str, lowered: str, illustrations: bool) -> list[SecretMatch]:
    found = _private_key(line) if "PRIVATE KEY" in line else []
    taken = sorted((m.start, m.end) for m in found)
    for detector in _DETECTORS:
        if not any(needle in lowered for needle in detector.needles):
            continue
        position = 0
        while (match := detector.pattern.search(line, position)) is not None:
            start, end = match.span()
            at = bisect.bisect_left(taken, (start, end))
            claimed = (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end)
            masked = None if claimed else detector.mask(match)  # claimed: a more specific detector won
            if masked is None:
                position = start + 1  # look again inside: "password: `DB_PASSWORD=…`"
                continue
            found.append(SecretMatch(detector.kind, start, end, *masked))
            taken.insert(at, (start, end))  # an illustration claims its characters too
            position = max(end, start + 1)
    return sorted((m for m in found if illustrations or m.reportable), key=lambda m: m.start)


def scan_lines(lines: Sequence[str]) -> Iterator[tuple[int, SecretMatch]]:
    """Secrets in a whole document as ``(1-based line, match)``.

    A private key block is one match on its ``BEGIN`` line; its body lines are not scanned again,
    and a block whose body holds no key material (``...``) is a placeholder, not a secret.
    """
    resume = 0  # index of the first line after a private key body
    for index in lines_containing(lines, _NEEDLES):
        if index < resume:
            continue
        line, number = lines[index], index + 1
        for match in _find(line, line.lower(), illustrations=False):
            if _opens_block(line, match):
                resume = _block_end(lines, number)
                if _has_key_material(lines[number:resume]):
                    yield number, match
            elif match.kind != "private-key" or _has_key_material([line[match.start:match.end]]):
                yield number, match


def _opens_block(line: str, match: SecretMatch) -> bool:
    """A private key whose body continues on the next lines (no END marker on this one)."""
    return match.kind == "private-key" and "-----END" not in line[match.start:]


def _block_end(lines: Sequence[str], start: int) -> int:
    """Index just past a private key body that starts at index *start* (its END line included)."""
    index = start
    while index < len(lines):
        if "-----END" in lines[index]:
            return index + 1
        if not _KEY_BODY_RE.match(lines[index]):
            return index
        index += 1
    return index


def _has_key_material(body: Sequence[str]) -> bool:
    return any(re.search(r"[A-Za-z0-9+/]{16,}", line.replace("PRIVATE KEY", "")) for line in body)


def redact(text: str) -> str:
    """Mask secrets in *text*, keeping enough context to recognise what was there.

    Private key blocks collapse to ``-----BEGIN … PRIVATE KEY----- **** -----END … PRIVATE KEY-----``
    (placeholder bodies too: when in doubt, mask).
    """
    lines = text.split("\n")
    candidates = lines_containing(lines, _NEEDLES)
    if not candidates:
        return text
    out: list[str | None] = list(lines)  # None: a line inside a masked private key block
    resume = 0
    for index in candidates:
        if index < resume:
            continue
        matches = _find(lines[index], lines[index].lower(), illustrations=True)
        if matches:
            out[index] = _splice(lines[index], matches)
        if any(_opens_block(lines[index], m) for m in matches):
            resume = _block_end(lines, index + 1)  # the body and END line are part of the masked block
            out[index + 1 : resume] = [None] * (resume - index - 1)
    return "\n".join(line for line in out if line is not None)


def _splice(line: str, matches: Sequence[SecretMatch]) -> str:
    parts: list[str] = []
    position = 0
    for match in matches:
        parts += [line[position : match.start], match.redacted]
        position = match.end
    parts.append(line[position:])
    return "".join(parts)


def secret_key(kind: str, value: str) -> str:
    """A fingerprint key for a secret: a hash of its kind and a salted, iterated hash of its value.

    Never the value itself: fingerprints travel to places the doc does not (JSON reports, hidden
    comment markers, logs). PBKDF2 with a fixed salt keeps the key stable across runs while
    making a dictionary search against a published fingerprint slower than a plain hash.
    """
    kind_hash = hashlib.sha256(kind.encode()).hexdigest()[:8]
    value_hash = hashlib.pbkdf2_hmac("sha256", value.encode(), b"devdocs-review:secret", 2_000).hex()[:12]
    return f"{kind_hash}:{value_hash}"
