"""What a secret looks like: one :class:`Detector` per shape, most specific first.

Each detector's pattern names the secret's own characters as group ``v``; masking replaces
exactly those (``ghp_****``, ``postgresql://app:****@db``, ``password: ****``) and keeps the rest
of the match, so a reader still sees what was there. The detector's judge decides whether a match
is a secret worth reporting, an illustration that is masked but not reported (a password on
``db.example.com``), or no secret at all (``${TOKEN}``: None). What counts as a stand-in is
decided in rules/core/placeholders.py.

Speed and safety: every repetition is bounded and no two quantifiers compete for the same
characters, so a pathological 200 KB line costs linear time; a detector runs only on lines that
hold one of its ``needles`` (lower-case substrings) and every word of its ``context``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from rules.core.placeholders import (
    is_documentation_host,
    is_literal_secret,
    is_placeholder,
    is_random_token,
    is_reference,
    is_strong_secret,
    is_token_shaped,
    looks_random,
)

KIND_LABELS: dict[str, str] = {
    "private-key": "Private key",
    "sentry-dsn": "Sentry DSN",
    "slack-webhook": "Slack webhook URL",
    "discord-webhook": "Discord webhook URL",
    "credential-url": "Credential URL",
    "url-token": "Token in a URL",
    "jwt": "JSON Web Token",
    "github-token": "GitHub token",
    "gitlab-token": "GitLab token",
    "npm-token": "npm token",
    "pypi-token": "PyPI token",
    "sendgrid-key": "SendGrid API key",
    "huggingface-token": "Hugging Face token",
    "twilio-key": "Twilio API key or account SID",
    "anthropic-key": "Anthropic API key",
    "openai-key": "OpenAI API key",
    "stripe-key": "Stripe secret key",
    "google-api-key": "Google API key",
    "google-oauth-secret": "Google OAuth client secret",
    "aws-access-key-id": "AWS access key id",
    "aws-secret-key": "AWS secret access key",
    "azure-storage-key": "Azure storage or service bus key",
    "slack-token": "Slack token",
    "vendor-token": "API token",
    "bearer-token": "Bearer token",
    "basic-auth": "Basic authorization header",
    "cli-password": "Password on a command line",
    "netrc": ".netrc credentials",
    "password-assignment": "Password or secret assignment",
    "key-variable": "API key in a *_KEY variable",
}


class Verdict(NamedTuple):
    """A judge's decision on one match: ``line[start:end]`` is the secret itself."""

    reportable: bool
    start: int
    end: int


Judge = Callable[[re.Match[str]], "Verdict | None"]


@dataclass(frozen=True, slots=True)
class Detector:
    kind: str
    needles: tuple[str, ...]  # lower-case; the pattern runs only when one occurs in the lowered line
    pattern: re.Pattern[str]
    judge: Judge
    context: tuple[str, ...] = ()  # lower-case words the line must hold as well (``login``)
    hint: re.Pattern[str] | None = None  # instead of needles: a cheap search over the lowered line
    rescan: bool = False  # after a rejected match, look for another one inside it ("password: `X=…`")

    def wanted(self, lowered: str) -> bool:
        """Worth running on a line whose lower-cased text is *lowered*."""
        if self.hint is not None:
            found = self.hint.search(lowered) is not None
        else:
            found = any(needle in lowered for needle in self.needles)
        return found and all(word in lowered for word in self.context)


def _value(match: re.Match[str], reportable: bool) -> Verdict:
    return Verdict(reportable, match.start("v"), match.end("v"))


# --- judges -------------------------------------------------------------------------------------


def _token(match: re.Match[str]) -> Verdict | None:
    """A token with a recognisable prefix: masked when token-shaped, reported unless a sample."""
    body = match.group("v")
    return _value(match, is_random_token(body)) if is_token_shaped(body) else None


def _fixed(match: re.Match[str]) -> Verdict | None:
    """A value whose surroundings already say it is a secret (a webhook path, a DSN key)."""
    value = match.group("v")
    return None if is_reference(value) else _value(match, not is_placeholder(value))


def _literal(match: re.Match[str]) -> Verdict | None:
    """A command-line or ``.netrc`` password: reported when it is a literal credential."""
    value = match.group("v")
    return _value(match, True) if is_literal_secret(value, quoted=True) else None


def _credential_url(match: re.Match[str]) -> Verdict | None:
    password, host = match.group("v"), match.group("host").split(":", 1)[0]
    if is_reference(password):
        return None
    # https://a:b@…, user:pass@host, app:s3cret@db.example.com: illustrations, masked but not reported
    real = len(password) >= 6 and not is_placeholder(password) and not is_documentation_host(host)
    return _value(match, real)


def _url_user(match: re.Match[str]) -> Verdict | None:
    """``https://<token>@host``: a token-shaped user name is a credential."""
    user = match.group("v")
    if not is_token_shaped(user) or "." in user.strip("."):
        return None  # a name, or an e-mail-like user
    return _value(match, is_random_token(user) and not is_documentation_host(match.group("host")))


def _query(match: re.Match[str]) -> Verdict | None:
    value = match.group("v")
    if is_reference(value) or not is_token_shaped(value):
        return None
    return _value(match, is_random_token(value) and len(value) >= 12)


def _assignment(match: re.Match[str]) -> Verdict | None:
    """``password: …`` / ``API_TOKEN=…`` / ``**Secret:** …`` with a literal value."""
    quote = match.group("q") or ""
    value, end = match.group("v"), match.end("v")
    env = match.group("sep").strip() == "=" and bool(_ENV_KEY.fullmatch(match.group("key")))
    if is_reference(value) or _REFERENCE_HEAD.match(value):
        return None  # already masked or a reference: "sk-proj-****", "${TOKEN}@github.com"
    key, sep = match.group("key"), match.group("sep").strip()
    if key.lower() == "pass" and sep in ":|" and (key == "PASS" or (sep == "|" and not is_strong_secret(value))):
        return None  # a test verdict: "| ✅ Pass | SHA-256 |", "| PASS | target=0 |", "**Gate PASS**: S4/S5"
    if not quote and _INNER_ASSIGNMENT.match(value):
        return None  # the value is itself an assignment (code or a setting): report that one if it is a secret
    if not quote:
        value = value.rstrip(".,;)*`'\"")  # "`", "**", ")", a closing quote after the value stay in the text
        end = match.start("v") + len(value)
        after = _NEXT_TEXT.search(match.string, match.end("v"))
        shell = match.group("sep").strip() == "="  # KEY=value in a shell line or a .env file
        if after and not shell and not match.string.startswith(_COMMENTS, after.start()) \
                and not is_strong_secret(value):
            return None  # prose: "token: 15-minute expiry"; but "set password: Hunter2Xyz!Qw on…" is one
    if quote and _INNER_ASSIGNMENT.match(value):
        return None  # the quoted text is itself an assignment: report that one
    if not is_literal_secret(value, quoted=bool(quote) or env, environment=env):
        return None
    return Verdict(True, match.start("v"), end)


def _key_variable(match: re.Match[str]) -> Verdict | None:
    """``FAL_KEY=3f9e2a71-…`` / ``MAPS_KEY: `AbC…``: an environment variable named ``*_KEY`` holding a
    random value of 16+ characters. Keys that are no credential (``VAPID_PUBLIC_KEY``,
    ``PRIMARY_KEY``, ``SORT_KEY``) and stand-ins (``<your-key>``, ``your_fal_api_key``) are not."""
    if _NOT_A_CREDENTIAL_KEY.search(match.group("key")):
        return None
    value = match.group("v").rstrip(".:")
    if len(value) < 16 or not is_random_token(value) or not is_literal_secret(value, quoted=True):
        return None
    if not looks_random(value):
        return None  # words with a number ("mock-notifications-key-1"), not a random value
    return Verdict(True, match.start("v"), match.start("v") + len(value))


def _phrase(match: re.Match[str]) -> Verdict | None:
    """``password Hunter2Xyz!Qw`` / ``the password is …``: a strong value after the word itself."""
    value = match.group("v").rstrip(".,;)*`")
    if not is_strong_secret(value) or not is_literal_secret(value, quoted=True):
        return None
    return Verdict(True, match.start("v"), match.start("v") + len(value))


def _basic(match: re.Match[str]) -> Verdict | None:
    """``Authorization: Basic <base64 of user:password>``: reported unless the password is a stand-in."""
    value = match.group("v")
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return _fixed(match)
    password = decoded.partition(":")[2]
    return _value(match, len(password) >= 6 and not is_placeholder(password))


def _netrc(match: re.Match[str]) -> Verdict | None:
    return _literal(match) if _NETRC_LINE.match(match.string) else None


# *_KEY variables that hold no credential: public halves, database and cache keys, identifiers
_NOT_A_CREDENTIAL_KEY = re.compile(r"PUBLIC|PUBLISHABLE|PRIMARY|FOREIGN|SORT|PARTITION|CACHE|IDEMPOTENCY|"
                                   r"LOOKUP|ROUTING|SHORTCUT|HOT_?KEY|SSH_KEY_PATH|_ID_KEY")
_NEXT_TEXT = re.compile(r"\S")  # what follows a bare value on its line
_INNER_ASSIGNMENT = re.compile(r"[A-Za-z_][\w.-]{0,64}\s*[=:]\s*[^=\s]")
_COMMENTS = ("#", "//", "<!--", "}", ",", "|")  # …may end the statement, but prose may not
_NETRC_LINE = re.compile(r"(?i)[ \t]{0,16}(?:machine|default|password|login)[ \t]")
_REFERENCE_HEAD = re.compile(r"\$\{[^}]{1,100}\}|\$\([^)]{1,100}\)|\{\{[^}]{1,100}\}\}|<[^>]{1,100}>")
_ENV_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,100}")  # DB_PASSWORD=…: an environment line

# --- patterns -----------------------------------------------------------------------------------

_ASSIGNMENT_KEY = (
    r"(?<![\w$.-])(?:[A-Za-z0-9]{1,24}[_.-]){0,4}(?:[A-Za-z0-9]{0,12}(?:password|passwd|passphrase|secret|"
    r"token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key)|pass|pwd)(?![A-Za-z0-9_])"
)
_SEPARATOR = r"[ \t]{0,8}(?::=|=>|[:=|])[ \t*_]{0,8}"  # "=", ": ", ":** ", " | " (a table row)
_URL_SCHEME = r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}://"
_URL_USER = r"[^\s:/@?#'\"<>`]{0,64}"
_URL_PASSWORD = r"[^\s@/?#'\"<>`]{1,128}"
_URL_HOST = r"[^\s/?#'\"<>`:@]{1,253}(?::\d{1,5})?"
_CLI_VALUE = r"(?P<q>[\"']?)(?P<v>[^\s\"'`]{1,256})"
_QUERY_KEYS = (
    r"access_token|accesstoken|auth_token|api_key|apikey|api-key|token|secret|client_secret|password|"
    r"sig|signature|x-amz-signature|x-goog-signature|key|code_verifier"
)

# Tokens with a recognisable prefix: (kind, needles, pattern with the secret body as group v).
_TOKENS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("jwt", ("eyj",),
     r"(?<![A-Za-z0-9_-])eyJ(?P<v>[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024})"),
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     r"(?<![A-Za-z0-9_])(?:gh[pousr]_|github_pat_)(?P<v>[A-Za-z0-9_]{22,255})\b"),
    ("gitlab-token", ("glpat-", "gldt-", "glptt-", "glrt-", "gloas-", "glsoat-", "glcbt-", "glimt-", "glagent-",
                      "glffct-", "glft-", "gr1348941"),
     r"(?<![A-Za-z0-9_.-])(?:gl(?:pat|dt|ptt|rt|oas|soat|cbt|imt|agent|ffct|ft)-|GR1348941)(?P<v>[A-Za-z0-9_.-]{20,300})"),
    ("npm-token", ("npm_",), r"\bnpm_(?P<v>[A-Za-z0-9]{36})\b"),
    ("pypi-token", ("pypi-",), r"\bpypi-(?P<v>AgE[A-Za-z0-9_-]{50,300})"),
    ("sendgrid-key", ("sg.",), r"\bSG\.(?P<v>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])"),
    ("huggingface-token", ("hf_", "api_org_"), r"\b(?:hf_|api_org_)(?P<v>[A-Za-z0-9]{34,40})\b"),
    ("anthropic-key", ("sk-ant-",), r"(?<![A-Za-z0-9_-])sk-ant-(?P<v>[A-Za-z0-9_-]{20,255})"),
    ("openai-key", ("sk-",), r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?(?!ant-)(?P<v>[A-Za-z0-9_-]{20,255})"),
    ("stripe-key", ("k_live_", "k_test_", "whsec_"), r"\b(?:[sr]k_(?:live|test)_|whsec_)(?P<v>[A-Za-z0-9]{16,255})\b"),
    ("google-api-key", ("aiza",), r"\bAIza(?P<v>[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"),
    ("google-oauth-secret", ("gocspx-",), r"\bGOCSPX-(?P<v>[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])"),
    ("aws-access-key-id", ("akia", "asia"), r"\bA[SK]IA(?P<v>[A-Z0-9]{16})\b"),
    ("slack-token", ("xox", "xapp-"),
     r"(?<![A-Za-z0-9-])(?:xox[a-z]-|xoxe\.xox[a-z]-|xapp-)(?P<v>[A-Za-z0-9-]{10,255})"),
    ("vendor-token", ("shpat_", "shpss_", "shpca_", "shppa_", "dop_v1_", "doo_v1_", "dor_v1_", "hvs.", "hvb.",
                      "dapi", "glc_", "glsa_", "lin_api_", "pmak-", "dp.pt.", "gsk_", "nrak-", "sbp_",
                      "age-secret-key-1", "sk_secret_", "sb_secret_"),
     r"(?<![A-Za-z0-9_+/-])(?:shp(?:at|ss|ca|pa)_|do[opr]_v1_|hv[sb]\.|dapi|glc_|glsa_|lin_api_|PMAK-|dp\.pt\.|gsk_|NRAK-|sbp_|"
     r"AGE-SECRET-KEY-1|sb_secret_)(?P<v>[A-Za-z0-9_+/-]{20,300}={0,2})"),
)

_PHRASE_WORDS = r"(?:password|passwd|passphrase)"

DETECTORS: tuple[Detector, ...] = (
    Detector("sentry-dsn", ("@",), re.compile(
        r"https?://(?P<v>[0-9a-f]{32}(?::[0-9a-f]{32})?)@(?P<host>[\w.-]{1,253}(?::\d{1,5})?)"
        r"/(?:[\w.-]{1,64}/){0,4}\d{1,12}\b"), _fixed),
    Detector("slack-webhook", ("hooks.slack",), re.compile(
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{20,256})"), _fixed),
    Detector("discord-webhook", ("discord",), re.compile(
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/(?P<v>\d{1,24}/[\w-]{20,256})"), _fixed),
    Detector("credential-url", ("://",), re.compile(
        rf"{_URL_SCHEME}(?P<user>{_URL_USER}):(?P<v>{_URL_PASSWORD})@(?P<host>{_URL_HOST})"), _credential_url),
    *(Detector(kind, needles, re.compile(pattern), _token) for kind, needles, pattern in _TOKENS),
    Detector("twilio-key", (), re.compile(r"\b(?:SK|AC)(?P<v>[0-9a-fA-F]{32})\b"), _token,
             hint=re.compile(r"\b(?:sk|ac)[0-9a-f]{32}\b")),
    Detector("url-token", ("://",), re.compile(
        rf"(?<![A-Za-z0-9_~.%+-]){_URL_SCHEME}(?P<v>[A-Za-z0-9_~.%+-]{{16,256}})@(?P<host>{_URL_HOST})"), _url_user),
    Detector("url-token", ("token=", "key=", "sig=", "secret=", "password=", "signature=", "verifier="),
             re.compile(rf"(?i)[?&;](?:{_QUERY_KEYS})=(?P<v>[^\s&#'\"<>`?;]{{8,1024}})"), _query),
    Detector("aws-secret-key", ("secret",), re.compile(
        r"(?i)\b(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)[\"']?\s{0,8}[:=]"
        r"\s{0,8}[\"']?(?P<v>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"), _fixed),
    Detector("azure-storage-key", ("accountkey", "sharedaccesskey"), re.compile(
        r"(?i)\b(?:AccountKey|SharedAccessKey)[ \t]{0,4}=[ \t]{0,4}(?P<v>[A-Za-z0-9+/]{20,256}={0,2})"), _token),
    Detector("cli-password", ("curl",), re.compile(
        r"(?<![\w-])(?:-u[ \t]{0,8}|--user(?:=|[ \t]{1,8}))[\"']?[^\s:\"'/]{0,64}:"
        r"(?P<v>[^\s\"'`]{1,256})"), _literal),
    Detector("cli-password", ("mysql", "mariadb"), re.compile(
        r"(?<![\w-])-p[\"']?(?P<v>[^\s\"'`-][^\s\"'`]{0,255})"), _literal),
    Detector("cli-password", ("docker",), re.compile(rf"(?<![\w-])-p(?:=|[ \t]{{1,8}}){_CLI_VALUE}"),
             _literal, context=("login",)),
    Detector("cli-password", ("redis-cli",), re.compile(rf"(?<![\w-])-a[ \t]{{1,8}}{_CLI_VALUE}"), _literal),
    Detector("cli-password", ("--pass", "--token", "--api-key", "--apikey", "--secret", "--client-secret",
                              "--auth-token", "--access-token"), re.compile(
        r"(?<![\w-])--(?:password|passwd|pass|token|api-key|apikey|secret|client-secret|auth-token|access-token)"
        rf"(?:=|[ \t]{{1,8}}){_CLI_VALUE}"), _literal),
    Detector("netrc", ("password",), re.compile(
        r"(?<![\w-])password[ \t]{1,8}(?P<q>[\"']?)(?P<v>[^\s\"'`]{1,256})"), _netrc),
    Detector("bearer-token", ("bearer",), re.compile(
        r"\b[Bb]earer[ \t]{1,8}(?P<v>[A-Za-z0-9._~+/-]{20,2048}=*)"), _fixed),
    Detector("basic-auth", ("basic",), re.compile(
        r"(?i)\bauthorization[\"']?[ \t]{0,4}:[ \t]{0,4}[\"']?basic[ \t]{1,8}(?P<v>[A-Za-z0-9+/]{8,2048}={0,2})"),
        _basic),
    Detector("password-assignment", ("pass", "pwd", "secret", "token", "apikey", "api_key", "api-key",
                                     "access", "private_key", "private-key", "privatekey"), re.compile(
        rf"(?i)(?P<key>{_ASSIGNMENT_KEY})[*_\"'\]]{{0,3}}(?P<sep>{_SEPARATOR})(?P<q>[\"'`])?"
        r"(?P<v>(?(q)[^\"'`\n]{0,256}|[^\s,;|]{1,256}))(?(q)[\"'`])"), _assignment, rescan=True),
    Detector("key-variable", ("_key",), re.compile(
        r"(?<![\w$.-])(?P<key>[A-Z][A-Z0-9]{0,30}(?:_[A-Z0-9]{1,30}){0,4}_KEY)[`*\"']{0,3}[ \t]{0,8}[=:][ \t*]{0,8}"
        r"[\"'`]?(?P<v>[A-Za-z0-9_+/=.:-]{16,256})"), _key_variable),
    Detector("password-assignment", ("pass",), re.compile(
        rf"(?i)(?<![\w-]){_PHRASE_WORDS}[ \t]{{1,8}}(?:(?:is|to|was)[ \t]{{1,8}})?"
        r"(?P<q>[\"'`]?)(?P<v>[^\s\"'`]{8,256})"), _phrase, rescan=True),
)

# Lower-case literal anchors and hints of every detector: a line matching none of them holds no secret.
NEEDLES: tuple[str, ...] = tuple(dict.fromkeys(
    ("private key", *(needle for detector in DETECTORS for needle in detector.needles))))
HINTS: tuple[re.Pattern[str], ...] = tuple(d.hint for d in DETECTORS if d.hint is not None)
