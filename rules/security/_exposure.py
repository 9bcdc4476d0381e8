"""Infrastructure details on one line: public IPv4 addresses, SSH targets, production hosts.

Pure and cheap: one pre-filter search per line, details only on hits. What is *not* exposure is
decided here and tested in tests/core/test_redact.py's neighbour tests/rules/fixtures/SEC002:

* private, loopback, link-local, CGNAT, documentation (192.0.2/24, 198.51.100/24, 203.0.113/24),
  multicast and reserved addresses, ``0.0.0.0``;
* dotted numbers that are versions or outline numbers (``v1.2.3.4``, ``version 2.0.1.3``,
  ``1.2.3.4-beta``, ``pkg==1.2.3.4``, ``### 2.1.3.4 Title``);
* well-known public resolvers and textbook sample addresses (``8.8.8.8``, ``1.1.1.1``, ``1.2.3.4``);
* reserved documentation domains (``example.com``/``.net``/``.org``, ``*.example``, ``*.test``,
  ``*.invalid``, ``*.localhost``) and template hosts (``host``, ``<server>``, ``$HOST``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from rules.core.placeholders import is_documentation_host


@dataclass(frozen=True, slots=True)
class Exposure:
    kind: str  # public-ip, ssh-public-ip, root-ssh, production-host, provider-endpoint, connection-string
    start: int
    end: int
    value: str  # what the message quotes: the address, user@host or host:port


# What every finder needs on a line: the pre-filter over a whole document (see lines_containing).
NEEDLES = ("ssh", "scp", "sftp", "rsync", "://")
# Where an IPv4-like run or a :port can be (only ever asked whether there is one, and on which line).
# Each starts with its literal ('.' or ':'), so sre jumps from one to the next; the digit before the
# first dot is looked back at from there (a search for \d at every position is ~10x slower).
PATTERNS = (re.compile(r"\.(?<=\d\.)\d{1,3}\.\d{1,3}\.\d"), re.compile(r":\d\d"))
_SSH_HINT = re.compile("ssh|scp|sftp|rsync")
_URL_HINT = re.compile("://")
_IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w-]|\.\d)")
_VERSION_BEFORE_RE = re.compile(
    r"(?i)(?:\b(?:v|ver|version|release|build|rev|revision|section|step|task|phase|item|chapter|rule|oid)\.?"
    r"\s*[:=]?\s*|==|>=|<=|~=|!=|\^|~|§\s*)$"
)
# "Upgrade libfoo to 3.6.6.7", "bump from 4.1.0.7 to 4.1.0.12": a version word earlier on the line.
_VERSION_WORDS_RE = re.compile(r"(?i)\b(?:upgrad|updat|bump|patch|downgrad|roll|version|release|changelog|v8\b)")
_OUTLINE_MAX = 30  # the largest part of an outline number ("### 2.1.3.4")
_OUTLINE_BEFORE_RE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|>\s*)?(?:\*\*)?$")
_NOT_INFRASTRUCTURE = frozenset(
    {
        "1.1.1.1",
        "1.0.0.1",
        "8.8.8.8",
        "8.8.4.4",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        "1.2.3.4",
        "4.3.2.1",
        "5.6.7.8",
        "8.7.6.5",
    }
)
_SSH_RE = re.compile(
    r"\b(?:ssh|scp|sftp|rsync)\b[^|;&#\n]{0,120}?(?<![\w.-])(?P<user>[A-Za-z_][\w.-]{0,31})@"
    r"(?P<host>[A-Za-z0-9][\w.-]{0,252}[A-Za-z0-9]|\d{1,3}(?:\.\d{1,3}){3})"
)
_HOST_PORT_RE = re.compile(
    r"(?<![\w./-])(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z]{2,63}):(?P<port>\d{2,5})\b",
    re.IGNORECASE,
)
_CONNECTION_RE = re.compile(
    r"\b(?P<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|"
    r"clickhouse|cockroachdb)://(?:(?P<user>[^\s:@/]{1,64})@)?(?P<host>[A-Za-z0-9][\w.-]{0,252})"
    r"(?::(?P<port>\d{1,5}))?(?![\w.:@-])",
    re.IGNORECASE,
)
_PROD_LABEL_RE = re.compile(r"^(?:prod|production|prd)(?:\d+)?$|^(?:prod|production)-|-(?:prod|production|prd)$")
# Public endpoints of managed databases, caches and TCP proxies (a host here is reachable from anywhere).
_PROVIDER_SUFFIXES = (
    ".proxy.rlwy.net",
    ".rlwy.net",
    ".rds.amazonaws.com",
    ".cache.amazonaws.com",
    ".compute.amazonaws.com",
    ".supabase.co",
    ".supabase.com",
    ".neon.tech",
    ".render.com",
    ".mongodb.net",
    ".redis-cloud.com",
    ".redislabs.com",
    ".upstash.io",
    ".cockroachlabs.cloud",
    ".aivencloud.com",
    ".database.azure.com",
    ".database.windows.net",
    ".psdb.cloud",
    ".elephantsql.com",
    ".db.ondigitalocean.com",
    ".timeweb.cloud",
    ".cloudapp.azure.com",
    ".clever-cloud.com",
    ".scalingo.com",
    ".heroku.com",
)


def find_exposures(line: str) -> list[Exposure]:
    """Infrastructure details on *line*, left to right, never overlapping."""
    lowered = line.lower()
    if not any(n in lowered for n in NEEDLES) and not any(p.search(line) for p in PATTERNS):
        return []
    found: list[Exposure] = []  # by start, never overlapping: an earlier finder wins
    for finder, needed in (
        (_ssh_targets, _SSH_HINT),
        (_connection_strings, _URL_HINT),
        (_host_ports, PATTERNS[1]),
        (_public_ips, PATTERNS[0]),
    ):
        if needed.search(line):  # what every match of the finder holds: most lines skip most finders
            found = sorted(found + _clear_of(finder(line), found), key=_start)
    return found


def _clear_of(fresh: list[Exposure], found: list[Exposure]) -> list[Exposure]:
    """The exposures of *fresh* (by start, not overlapping each other) that overlap none of *found*
    (likewise): one pass over both, not a comparison of every pair (a line of 10 000 addresses)."""
    kept, index = [], 0
    for exposure in fresh:
        while index < len(found) and found[index].end <= exposure.start:
            index += 1
        if index == len(found) or found[index].start >= exposure.end:
            kept.append(exposure)
    return kept


def _start(exposure: Exposure) -> int:
    return exposure.start


def is_public_ipv4(text: str) -> bool:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    if not address.is_global or address.is_multicast or address.is_reserved or text in _NOT_INFRASTRUCTURE:
        return False
    return len(set(text.split("."))) > 1  # 4.4.4.4, 123.123.123.123: samples, not hosts


def host_kind(host: str) -> str | None:
    """``"provider-endpoint"`` for a managed provider's public endpoint (``*.proxy.rlwy.net``,
    ``*.rds.amazonaws.com``), ``"production-host"`` for a host with a production label
    (``db.prod.acme.io``, ``api-prod.acme.io``), else None."""
    host = host.lower().rstrip(".")
    if is_documentation_host(host):
        return None
    if host.endswith(_PROVIDER_SUFFIXES):
        return "provider-endpoint"
    if any(_PROD_LABEL_RE.search(label) for label in host.split(".")[:-1]):
        return "production-host"
    return None


def _public_ips(line: str) -> list[Exposure]:
    found = []
    for number, match in enumerate(_IPV4_RE.finditer(line)):
        address, start = match.group(), match.start()
        if not is_public_ipv4(address) or line[match.end() : match.end() + 1] == "/":
            continue  # not public, or a CIDR range rather than a host
        # Only the first address can follow an outline mark alone: later ones follow an address.
        if (
            _version_before(line, start)
            or (number == 0 and _OUTLINE_BEFORE_RE.match(line, 0, start) and _outline_like(address))
            or _VERSION_WORDS_RE.search(line[max(0, start - 60) : start])
        ):
            continue
        if re.match(r"[-+][A-Za-z]", line[match.end() : match.end() + 2]):
            continue  # 1.2.3.4-beta, 1.2.3.4+build
        found.append(Exposure("public-ip", match.start(), match.end(), address))
    return found


def _outline_like(address: str) -> bool:
    """Numbers an outline could use (``2.1.3.4``, ``12.3.1.20``): no part above 30. ``68.183.180.33``
    opening a line is an address (a command's continuation line), not section 68.183."""
    return all(int(part) <= _OUTLINE_MAX for part in address.split("."))


def _version_before(line: str, end: int) -> bool:
    """``_VERSION_BEFORE_RE.search(line[:end])``, searched only over the few characters such a
    match can span (a word, a colon and the blanks around it), not over the whole line once per
    address."""
    start = _blanks_before(line, end)
    if start > 0 and line[start - 1] in ":=":
        start = _blanks_before(line, start - 1)
    return _VERSION_BEFORE_RE.search(line, max(0, start - 10), end) is not None  # \b still sees line[start - 11]


def _blanks_before(line: str, end: int) -> int:
    """Where the run of whitespace that ends at *end* starts."""
    while end > 0 and line[end - 1].isspace():
        end -= 1
    return end


def _ssh_targets(line: str) -> list[Exposure]:
    found = []
    for match in _SSH_RE.finditer(line):
        user, host = match.group("user"), match.group("host")
        if is_documentation_host(host) or host.startswith("127."):
            continue
        value = f"{user}@{host}"
        start, end = match.start("user"), match.end("host")
        if is_public_ipv4(host):
            found.append(Exposure("ssh-public-ip", start, end, value))
        elif user == "root" and "." in host:
            found.append(Exposure("root-ssh", start, end, value))
        elif kind := host_kind(host):
            found.append(Exposure(kind, start, end, value))
    return found


def _host_ports(line: str) -> list[Exposure]:
    found = []
    for match in _HOST_PORT_RE.finditer(line):
        if kind := host_kind(match.group("host")):
            found.append(Exposure(kind, match.start(), match.end(), match.group()))
    return found


def _connection_strings(line: str) -> list[Exposure]:
    found = []
    for match in _CONNECTION_RE.finditer(line):
        host = match.group("host")
        if host_kind(host) or is_public_ipv4(host):
            found.append(Exposure("connection-string", match.start(), match.end(), match.group()))
    return found
