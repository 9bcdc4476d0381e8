"""``open_queue(url)``: the one place that turns ``DEVDOCS_QUEUE_URL`` into a :class:`DeliveryQueue`.

=================================================  ========================================================
``memory://``                                      in-process, lost on restart (tests)
``sqlite:///queue.db``                             embedded file, relative to the working directory
``sqlite:////var/lib/devdocs/queue.db``            embedded file, absolute path (four slashes)
``redis://host:6379/0``                            Redis Streams via taskiq-redis (``rediss://`` for TLS)
=================================================  ========================================================

SQLite paths follow SQLAlchemy's convention: everything after ``sqlite:///`` is the path as
written, so ``f"sqlite:///{path}"`` works for both relative and absolute ``path``.

Options ride in the query string and are checked here, so a typo stops start-up with one line:

- sqlite: ``synchronous=full|normal``, ``busy_timeout=<seconds>``, ``max_attempts=<n>``
- redis: ``prefix=<key prefix>``, ``idle_timeout=<seconds>``, ``max_attempts=<n>``,
  ``block=<seconds>``, ``claim_wait=<seconds>``, ``consumer=<name>``; any other parameter is
  passed on to redis-py (``socket_timeout``, ``health_check_interval``, …).

Backends are imported lazily: ``memory`` and ``sqlite`` need nothing beyond the standard library,
``redis`` needs the ``redis`` extra (taskiq, taskiq-redis, redis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from bot.jobs.queue import DeliveryQueue
    from bot.jobs.sqlite.store import Synchronous

N = TypeVar("N", int, float)

SCHEMES = ("memory", "sqlite", "redis", "rediss")
_SQLITE_PREFIX = "sqlite:///"


def open_queue(url: str) -> DeliveryQueue:
    """Open the queue *url* names; raise ``ValueError`` naming what is wrong with it."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "memory":
        return _open_memory(url)
    if scheme == "sqlite":
        return _open_sqlite(url)
    if scheme in ("redis", "rediss"):
        return _open_redis(url)
    expected = ", ".join(f"{name}://" for name in SCHEMES)
    raise ValueError(f"queue URL {_safe(url)!r}: unknown scheme {scheme!r}; expected one of {expected}")


def _open_memory(url: str) -> DeliveryQueue:
    parts = urlsplit(url)
    if parts.netloc or parts.path or parts.query:
        raise ValueError(f"queue URL {url!r}: memory:// takes no host, path or options")
    from bot.jobs.memory import MemoryQueue

    return MemoryQueue()


def _open_sqlite(url: str) -> DeliveryQueue:
    from bot.jobs.sqlite.queue import SqliteQueue
    from bot.jobs.sqlite.store import SqliteOptions

    if not url.lower().startswith(_SQLITE_PREFIX):
        raise ValueError(
            f"queue URL {url!r}: a SQLite URL has no host; write sqlite:///relative/queue.db "
            "or sqlite:////absolute/queue.db"
        )
    path, _, query = url[len(_SQLITE_PREFIX) :].partition("?")
    if not path or path.endswith("/"):
        raise ValueError(f"queue URL {url!r}: names no database file (sqlite:///queue.db)")
    params = _params(url, query)
    defaults = SqliteOptions()
    options = SqliteOptions(
        synchronous=_synchronous(url, params),
        busy_timeout=_number(url, params, "busy_timeout", float, defaults.busy_timeout),
        max_attempts=_number(url, params, "max_attempts", int, defaults.max_attempts),
    )
    _reject_unknown(url, params)
    return SqliteQueue(path, options)


def _open_redis(url: str) -> DeliveryQueue:
    try:
        from bot.jobs.redis.keys import RedisOptions
        from bot.jobs.redis.queue import RedisQueue
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ValueError(
            f"queue URL {_safe(url)!r} needs the redis extra: pip install 'devdocs-review[redis]' ({exc})"
        ) from exc
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"queue URL {_safe(url)!r}: names no Redis host (redis://host:6379/0)")
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise ValueError(f"queue URL {_safe(url)!r}: {exc}") from exc
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ValueError(f"queue URL {_safe(url)!r}: the path must be a database number (/0), not {db!r}")
    params = _params(url, parts.query)
    defaults = RedisOptions()
    options = RedisOptions(
        prefix=params.pop("prefix", defaults.prefix) or defaults.prefix,
        idle_timeout=_number(url, params, "idle_timeout", float, defaults.idle_timeout),
        max_attempts=_number(url, params, "max_attempts", int, defaults.max_attempts),
        block_seconds=_number(url, params, "block", float, defaults.block_seconds),
        claim_wait=_number(url, params, "claim_wait", float, defaults.claim_wait),
        consumer=params.pop("consumer", None) or None,
    )
    redis_url = parts._replace(query=urlencode(params)).geturl()  # the rest is redis-py's
    return RedisQueue(redis_url, options)


# -- query-string helpers ------------------------------------------------------------------------


def _params(url: str, query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if name in params:
            raise ValueError(f"queue URL {_safe(url)!r}: option {name!r} is given twice")
        params[name] = value
    return params


def _number(url: str, params: dict[str, str], name: str, kind: Callable[[str], N], default: N) -> N:
    if name not in params:
        return default
    raw = params.pop(name)
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"queue URL {_safe(url)!r}: option {name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"queue URL {_safe(url)!r}: option {name}={raw!r} must be positive")
    return value


def _synchronous(url: str, params: dict[str, str]) -> Synchronous:
    raw = params.pop("synchronous", "full")
    if raw.lower() == "full":
        return "FULL"
    if raw.lower() == "normal":
        return "NORMAL"
    raise ValueError(f"queue URL {url!r}: option synchronous={raw!r}; expected full or normal")


def _reject_unknown(url: str, params: Mapping[str, str]) -> None:
    if params:
        raise ValueError(f"queue URL {_safe(url)!r}: unknown option(s) {', '.join(sorted(params))}")


def _safe(url: str) -> str:
    """*url* with any password masked, fit for an error message or a log line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
