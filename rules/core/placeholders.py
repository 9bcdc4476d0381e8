"""What is *not* a secret or a real host: references, templates, masks, samples, prose and code.

Decided here once, used by secret redaction (rules/core/redact.py) and by the infrastructure
exposure rule (rules/security). The decisions, each tested in tests/core/test_redact.py:

* References are not secrets: ``${DB_PASSWORD}``, ``$TOKEN``, ``{{ secrets.X }}``, ``%(pw)s``,
  an upper-case variable name (``DB_PASSWORD``), code (``process.env.X``, ``z.string()``,
  ``hashedPassword``).
* Templates and masks are not secrets: ``<password>``, ``[token]``, ``***``, ``xxxx``, ``...``,
  anything containing ``example``/``placeholder``/``redacted``/``changeme`` (AWS's documented
  ``AKIAIOSFODNN7EXAMPLE``), ``your-…``/``your_…``.
* Values made only of placeholder and well-known default words are not secrets: ``changeme``,
  ``password``, ``postgres``, ``mysecretpassword``, ``test-test``; neither are keyboard and
  alphabet runs (``abcdefg``, ``123456``, ``qwerty``) or very repetitive strings (``aaaa…``).
* Everything else shaped like a credential is a secret, weak or not: ``hunter2``, ``Password123!``.
"""

from __future__ import annotations

import functools
import re

_VOCABULARY = frozenset({
    "your", "my", "the", "a", "an", "our", "db", "database", "app", "application", "service", "user",
    "username", "admin", "administrator", "root", "postgres", "postgresql", "pg", "mysql", "mongo",
    "mongodb", "redis", "rabbit", "rabbitmq", "guest", "test", "testing", "tester", "dev", "development",
    "local", "localhost", "demo", "default", "secret", "secrets", "password", "passwords", "passwd",
    "pass", "pwd", "token", "tokens", "key", "keys", "api", "access", "auth", "here", "goes", "put",
    "insert", "enter", "example", "sample", "placeholder", "change", "changeme", "me", "this", "that",
    "dummy", "redacted", "hidden", "masked", "value", "string", "str", "text", "none", "null", "nil",
    "undefined", "true", "false", "yes", "no", "required", "optional", "empty", "foo", "bar", "baz",
    "qux", "new", "old", "some", "strong", "super", "very", "long", "random", "generated", "real",
    "actual", "prod", "production", "staging", "dead", "beef", "cafe", "babe", "bad", "feed", "face",
    "food",
})
_MAX_WORD = max(map(len, _VOCABULARY))
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "9876543210", "qwertyuiop", "asdfghjkl")
_TEMPLATE_RE = re.compile(
    r"^(?:<[^<>]*>|\[[^\[\]]*\]|\{\{.*\}\}|\$\{.*\}|\$\(.*\)|%\(?\w*\)?s|\{[^{}]*\}|\$\w+(?::\w+)?)$"
)
_ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# A member access in code: "process.env.API_KEY", "cfg?.env?.TOKEN", "req.headers['x-token']".
_MEMBER_RE = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\?\.|\.)[A-Za-z_$][\w$]*|\[[^\[\]\s]{1,80}\])+(?:\([^()]{0,80}\))?")
_MASK_CHARS_RE = re.compile(r"^[*xX.•…_#\-]{3,}$")
_MASK_MARKS = ("xxxx", "****", "...", "…", "<", ">")
_PLACEHOLDER_WORDS = ("example", "placeholder", "redacted", "changeme", "your_", "your-")

_CODE_REF_RE = re.compile(
    r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$"  # process.env.API_KEY, settings.db.password
    r"|^[A-Za-z_$][\w$.]*\("  # os.getenv(…), z.string()
    r"|://|^[~./]|\.(?:json|ya?ml|pem|key|txt|env)$"  # URLs, paths, file names
)
_DURATION_RE = re.compile(
    r"(?i)^\d+(?:\.\d+)?[- ]?(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$"
)
_VARIABLE_RE = re.compile(r"[A-Za-z_$][\w$]*")
_CREDENTIAL_WORD_RE = re.compile(r"(?i)pass|pwd|secret|token|key")
_SLUG_RE = re.compile(r"[a-z]+(?:[-_][a-z]+)+")
_DIGIT_RUN_RE = re.compile(r"[0-9]+")

_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_SUBDOMAINS = tuple("." + domain for domain in _RESERVED_DOMAINS)
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
_TEMPLATE_HOSTS = frozenset({"host", "hostname", "server", "your-server", "yourserver", "remote", "myserver",
                             "my-server", "ip", "server-ip", "your-host", "domain", "localhost"})


def is_reference(value: str) -> bool:
    """A value that points elsewhere or is already masked: ``${X}``, ``$X``, ``<x>``, ``DB_PASSWORD``,
    ``***``, ``xxxx``, ``...``. Redaction leaves these alone; everything else shaped like a secret
    is masked, illustrations included (masking an example costs nothing)."""
    value = value.strip().strip("\"'`")
    lowered = value.lower()
    if not value or _TEMPLATE_RE.match(value) or _ENV_NAME_RE.match(value) or _MASK_CHARS_RE.match(value):
        return True
    # an expression over a name: "!!JWT_SECRET", "NEW_JWT]", "req.headers['x-token']", "cfg?.env?.TOKEN"
    bare = value.lstrip("!&*\\").rstrip("/])},;")
    if bare != value and bare and (_ENV_NAME_RE.match(bare) or _TEMPLATE_RE.match(bare)
                                   or (("?." in bare or "[" in bare) and _MEMBER_RE.fullmatch(bare))):
        return True
    if ("?." in value or "[" in value) and _MEMBER_RE.fullmatch(value):
        return True  # (a plain dotted name may be a token: "SG.xxxx.yyyy"; is_literal_secret reads those)
    return any(mark in lowered for mark in _MASK_MARKS)


@functools.lru_cache(maxsize=4096)
def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret rather than being one (see the module doc)."""
    value = value.strip().strip("\"'`")
    lowered = value.lower()
    if is_reference(value) or any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if len(value) >= 12 and len(set(lowered)) < 6:
        return True  # ghp_aaaaaaaa…, sk-000000…: no real key is that repetitive
    if len(lowered) >= 4 and any(lowered in run for run in _RUNS):
        return True  # abcdefg, 123456, qwerty
    return _made_of_vocabulary(re.sub(r"[\W_]+", "", lowered))  # "new_password/", "{secret}": words only


def _made_of_vocabulary(word: str) -> bool:
    """``mysecretpassword`` → my + secret + password: every piece a placeholder word."""
    if not word.isalpha():
        return False
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            if reachable[start] and word[start:end] in _VOCABULARY:
                reachable[end] = True
                break
    return reachable[-1]


def is_token_shaped(body: str) -> bool:
    """A token body (after its ``ghp_``-style prefix) with letters and digits, not a reference:
    worth masking, even when it is only an example."""
    return any(c.isdigit() for c in body) and any(c.isalpha() for c in body) and not is_reference(body)


def is_random_token(body: str) -> bool:
    """A token body that is worth reporting: token-shaped and not a placeholder or sample."""
    return is_token_shaped(body) and not is_placeholder(body)


@functools.lru_cache(maxsize=4096)
def is_literal_secret(value: str, *, quoted: bool, environment: bool = False) -> bool:
    """Is the right-hand side of ``password: …`` a literal credential (not prose, code or a stand-in)?

    Quoted values need a digit, a symbol, an upper-case letter or 12+ characters; bare values a
    letter plus a digit or symbol (``hunter2``), or mixed case and 10+ characters. In an
    environment line (*environment*: ``PGPASSWORD=hunter2Secret99``) a bare word is the value
    itself, never a variable (the shell reads a variable only after ``$``), so ``hunter2Secret99``
    is a secret there although ``password: accessToken`` names a variable.
    """
    if len(value) < 6 or any(c.isspace() for c in value) or is_placeholder(value):
        return False
    if _CODE_REF_RE.search(value) or _DURATION_RE.match(value) or _SLUG_RE.fullmatch(value):
        return False  # code, a path, "15-minute", "tls-cert"
    if not environment and _VARIABLE_RE.fullmatch(value) and _CREDENTIAL_WORD_RE.search(value):
        return False  # a variable: hashedPassword, accessToken
    if quoted:
        return not value.isalpha() or not value.islower() or len(value) >= 12
    has_letter = any(c.isalpha() for c in value)
    has_other = any(not c.isalpha() and c not in "-_." for c in value)
    mixed_case = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    return has_letter and (has_other or (mixed_case and len(value) >= 10))


def is_strong_secret(value: str) -> bool:
    """A value random enough to be a credential even when prose follows it on the line
    (``set password: Hunter2Xyz!Qw on the replica``): eight or more characters, mixed case or a
    symbol, and digits interleaved with letters (two digit runs, or a digit and a symbol).
    ``1Password``, ``OAuth2Client``, ``SHA-256``, ``v2.3.1-rc4`` and ``15-minute`` are not."""
    if len(value) < 8 or not any(c.isalpha() for c in value):
        return False
    symbol = any(not c.isalnum() and c not in "-_." for c in value)
    mixed_case = any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    digit_runs = len(_DIGIT_RUN_RE.findall(value))
    return (mixed_case or symbol) and (digit_runs >= 2 or (digit_runs == 1 and symbol))


def looks_random(value: str) -> bool:
    """A value with no words to read in it: a strong secret (:func:`is_strong_secret`), or digits in
    three or more runs among its letters (``3f9e2a71-5c4b-4d8e-…``). ``mock-notifications-key-1`` is not."""
    return is_strong_secret(value) or len(_DIGIT_RUN_RE.findall(value)) >= 3


def is_documentation_host(host: str) -> bool:
    """Reserved documentation names (RFC 2606/6761: ``example.com``, ``*.test``) and template hosts
    (``host``, ``<server>``, ``$HOST``, ``x.x.x.x``): what docs write when they mean "some host"."""
    host = host.lower().rstrip(".")
    if host in _TEMPLATE_HOSTS or host.startswith(("<", "$", "{", "[")) or "x.x" in host:
        return True
    if host in _RESERVED_DOMAINS or host.endswith(_RESERVED_SUBDOMAINS):
        return True
    return host.rsplit(".", 1)[-1] in _RESERVED_TLDS
