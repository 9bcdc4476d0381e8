"""The App's settings: ``DEVDOCS_*`` environment variables, read once at start-up.

Nothing here reads the environment at import time: ``serve`` calls :func:`load_settings` and hands
the result to ``create_app``; tests build :class:`Settings` directly. A missing or malformed
setting raises :class:`SettingsError` whose message is one line naming the variable.

``DEVDOCS_QUEUE_URL`` defaults to ``sqlite:///./devdocs-queue.db``: a durable SQLite file in the
working directory, so an acknowledged delivery survives a restart with no server to run
(``memory://`` keeps deliveries in the process only, for tests). The ``*_SECONDS`` and
``*_ATTEMPTS`` tuning settings rarely need changing; the fault tests shorten them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

ENV_PREFIX = "DEVDOCS_"
MIB = 1024 * 1024
# GitHub never delivers a payload over 25 MB; a pull_request payload is typically 20-30 KB. 5 MiB
# leaves room for huge PR bodies while bounding what one unauthenticated request can make us buffer.
DEFAULT_MAX_BODY_BYTES = 5 * MIB
GITHUB_MAX_PAYLOAD_BYTES = 25 * MIB
QUEUE_SCHEMES = ("memory", "sqlite", "redis", "rediss")
DEFAULT_QUEUE_URL = "sqlite:///./devdocs-queue.db"  # relative to the working directory
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


_environment: ContextVar[Mapping[str, str] | None] = ContextVar("devdocs_settings_env", default=None)


class SettingsError(Exception):
    """A setting is missing or malformed; ``str(error)`` is one line that names it."""


class Settings(BaseSettings):
    """The App's configuration. Field ``x`` is read from ``DEVDOCS_X``."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    app_id: int = Field(gt=0)
    private_key: SecretStr  # PEM text; DEVDOCS_PRIVATE_KEY_FILE is read into it at load
    private_key_file: Path | None = None
    webhook_secret: SecretStr
    github_api_url: str = "https://api.github.com"
    check_name: str = "devdocs-review"
    queue_url: str = DEFAULT_QUEUE_URL
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0, le=GITHUB_MAX_PAYLOAD_BYTES)
    log_level: str = "INFO"
    # Tuning: how long one GitHub response may take, and how workers hold and retry jobs.
    github_timeout_seconds: float = Field(default=20.0, gt=0)  # read/write timeout of one request
    # A claim's lease, renewed every third of it while the job runs; a job whose worker died on
    # another host returns after it (on this host, at once: bot/jobs/owner.py).
    worker_lease_seconds: float = Field(default=30.0, gt=0)
    worker_max_attempts: int = Field(default=5, gt=0)  # runs of a job before it is given up
    worker_retry_seconds: float = Field(default=2.0, gt=0)  # backoff before the 2nd run; doubles
    worker_concurrency: int = Field(default=4, gt=0)  # jobs in flight per worker process (I/O-bound)
    # Reviews (bot/jobs/engine_pool.py): processes per worker process (0: a thread, no hard stop), and
    # each review's time budget; a process still running past budget + grace is killed.
    review_processes: int = Field(default=2, ge=0, le=64)
    review_budget_seconds: float = Field(default=30.0, gt=0)
    review_grace_seconds: float = Field(default=10.0, gt=0)
    # Recovery (bot/recovery/): seconds between runs in each worker process; 0 disables it.
    recovery_interval: float = Field(default=600.0, ge=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then ``DEVDOCS_*`` variables of the environment being loaded."""
        return (init_settings, _EnvironmentSource(settings_cls))

    @model_validator(mode="before")
    @classmethod
    def _resolve_private_key(cls, values: Any) -> Any:
        """Exactly one of the key text or the key file; either must hold an RSA PEM private key."""
        if not isinstance(values, dict):
            return values
        text = values.get("private_key")
        path = values.get("private_key_file")
        if text and path:
            raise ValueError(f"set only one of {ENV_PREFIX}PRIVATE_KEY and {ENV_PREFIX}PRIVATE_KEY_FILE")
        if not text and not path:
            raise ValueError(f"{ENV_PREFIX}PRIVATE_KEY or {ENV_PREFIX}PRIVATE_KEY_FILE is required")
        var = f"{ENV_PREFIX}PRIVATE_KEY_FILE" if path else f"{ENV_PREFIX}PRIVATE_KEY"
        pem = _read_key_file(Path(path)) if path else _unescape_newlines(_secret_text(text))
        problem = pem_problem(pem)
        if problem:
            raise ValueError(f"{var} {problem}")
        return {**values, "private_key": pem}

    @field_validator("webhook_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is required")
        return value

    @field_validator("github_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as https://api.github.com")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("check_name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("queue_url")
    @classmethod
    def _queue_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in QUEUE_SCHEMES:
            raise ValueError(f"must start with one of {', '.join(s + '://' for s in QUEUE_SCHEMES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from *env* (default: the process environment), or raise SettingsError."""
    token = _environment.set(os.environ if env is None else env)
    try:
        return Settings()  # type: ignore[call-arg]  # required values come from the environment source
    except ValidationError as error:
        raise SettingsError(describe(error.errors(include_input=False)[0])) from None
    finally:
        _environment.reset(token)


class _EnvironmentSource(PydanticBaseSettingsSource):
    """``DEVDOCS_*`` values from the mapping :func:`load_settings` is reading (else os.environ)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._environment().get(ENV_PREFIX + field_name.upper()), field_name, False

    def __call__(self) -> dict[str, Any]:
        env = self._environment()
        return {name: env[var] for name, var in env_names().items() if var in env}

    @staticmethod
    def _environment() -> Mapping[str, str]:
        return _environment.get() or os.environ


def env_names() -> dict[str, str]:
    """Field name -> environment variable name."""
    return {name: ENV_PREFIX + name.upper() for name in Settings.model_fields}


def describe(error: ErrorDetails) -> str:
    """One line naming the variable; never echoes the value (it may be a secret)."""
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    detail = str(ctx["error"]) if error["type"] == "value_error" and "error" in ctx else None
    if not loc:  # model-level validator: its message already names the variables
        return detail or error["msg"]
    var = ENV_PREFIX + str(loc[0]).upper()
    if error["type"] == "missing":
        return f"{var} is required"
    if detail is not None:
        return f"{var} {detail}"
    if error["type"] == "greater_than" and Settings.model_fields[str(loc[0])].annotation is float:
        return f"{var} must be a positive number"
    return f"{var} {_TYPE_MESSAGES.get(error['type'], 'is malformed: ' + error['msg'].lower())}"


_TYPE_MESSAGES = {
    "int_parsing": "must be an integer",
    "int_type": "must be an integer",
    "float_parsing": "must be a number",
    "greater_than": "must be a positive integer",
    "greater_than_equal": "must not be negative",
    "less_than_equal": f"must be at most {GITHUB_MAX_PAYLOAD_BYTES} (GitHub's payload limit)",
    "string_type": "must be text",
    "path_type": "must be a file path",
}


def pem_problem(pem: str) -> str | None:
    """Why *pem* is not usable as a GitHub App key, or None."""
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return "is not a PEM private key"
    if not isinstance(key, RSAPrivateKey):
        return "is not an RSA private key (GitHub App keys are RSA)"
    return None


def _secret_text(value: object) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def _unescape_newlines(pem: str) -> str:
    """Accept a key pasted on one line with literal ``\\n`` (a common .env and Docker habit)."""
    return pem.replace("\\n", "\n") if "\n" not in pem.strip() else pem


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
        raise ValueError(f"{ENV_PREFIX}PRIVATE_KEY_FILE cannot be read ({path}: {reason})") from None
