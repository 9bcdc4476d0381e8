"""The authenticated githubkit clients: the App's (one per process, a pooled one per job), and a
plain token's (the GitHub Action's workflow token).

githubkit signs a JWT for ``/app`` routes and exchanges it for installation tokens, each cached
until shortly before it expires (``MemCacheStrategy``: this App's tokens, nobody else's), so every
job of a process reuses them. The Action has no App key: :func:`github_for_token` sends the
workflow's ``GITHUB_TOKEN`` as it is (``TokenAuthStrategy``), never a JWT. Timeouts are explicit
(``DEVDOCS_GITHUB_TIMEOUT_SECONDS`` to read or write, 5 s to connect) and one TLS context is
shared by every client of the process.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
from githubkit import AppAuthStrategy, GitHub, TokenAuthStrategy
from githubkit.auth.base import BaseAuthStrategy
from githubkit.cache import MemCacheStrategy
from pydantic import SecretStr

from bot.github.client import GithubkitAppPort, GithubkitPort, GitHubMetrics, Sleep
from bot.github.port import AppPort, AppPortFactory, GitHubPort, PortFactory
from bot.github.retry import RetryPolicy

USER_AGENT = "devdocs-review"
CONNECT_TIMEOUT = 5.0  # seconds; reads and writes wait ``github_timeout_seconds`` (default 20)


class EndpointSettings(Protocol):
    """Where GitHub's API is, and how long one request may take."""

    @property
    def github_api_url(self) -> str: ...
    @property
    def github_timeout_seconds(self) -> float: ...


class GitHubSettings(EndpointSettings, Protocol):
    """The settings the App's adapter reads (``bot.entry.settings.Settings`` provides them)."""

    @property
    def app_id(self) -> int: ...
    @property
    def private_key(self) -> SecretStr: ...


class TokenSettings(EndpointSettings, Protocol):
    """What :func:`github_for_token` reads (``bot.action.env.ActionSettings`` provides them)."""

    @property
    def token(self) -> SecretStr: ...


def timeout_for(settings: EndpointSettings) -> httpx.Timeout:
    """Read and write time out after ``github_timeout_seconds``; connecting after 5 s at most."""
    seconds = settings.github_timeout_seconds
    return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT, seconds), pool=10.0)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The TLS context every client of this process shares, with httpx's own choice of CAs
    (``SSL_CERT_FILE``, ``SSL_CERT_DIR`` or certifi). Left to httpx, each job's client would build
    its own and load the whole CA bundle again: ~40 ms of CPU per review, a third of a worker's."""
    return httpx.create_ssl_context()


def _app_client(settings: GitHubSettings, timeout: httpx.Timeout,
                transport: httpx.AsyncBaseTransport | None) -> GitHub[Any]:
    auth = AppAuthStrategy(settings.app_id, settings.private_key.get_secret_value())
    return _client(auth, settings.github_api_url, timeout, transport)


def _client(auth: BaseAuthStrategy, base_url: str, timeout: httpx.Timeout,
            transport: httpx.AsyncBaseTransport | None) -> GitHub[Any]:
    return GitHub(
        auth,
        base_url=base_url,
        user_agent=USER_AGENT,
        timeout=timeout,
        ssl_verify=_tls_context(),
        cache_strategy=MemCacheStrategy(),  # the JWT and installation tokens of this process, nobody else's
        http_cache=False,
        auto_retry=False,
        async_transport=transport,
    )


def github_for_installation(
    settings: GitHubSettings,
    *,
    timeout: httpx.Timeout | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    metrics: GitHubMetrics | None = None,
) -> PortFactory:
    """One App-level client (its token cache shared by every job); one pooled client per job.

    ``transport`` lets tests run the fake GitHub in-process (``httpx.ASGITransport``).
    """
    app_github = _app_client(settings, timeout or timeout_for(settings), transport)

    @asynccontextmanager
    async def for_installation(installation_id: int) -> AsyncIterator[GitHubPort]:
        installation = app_github.with_auth(app_github.auth.as_installation(installation_id))
        async with installation as gh:
            yield GithubkitPort(gh, policy=policy, sleep=sleep, metrics=metrics)

    return for_installation


def github_for_app(
    settings: GitHubSettings,
    *,
    timeout: httpx.Timeout | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    metrics: GitHubMetrics | None = None,
) -> AppPortFactory:
    """The App acting as itself: every request carries a JWT signed with its private key."""
    app_github = _app_client(settings, timeout or timeout_for(settings), transport)

    @asynccontextmanager
    async def for_app() -> AsyncIterator[AppPort]:
        async with app_github.with_auth(app_github.auth) as gh:
            yield GithubkitAppPort(gh, policy=policy, sleep=sleep, metrics=metrics)

    return for_app


def github_for_token(
    settings: TokenSettings,
    *,
    timeout: httpx.Timeout | None = None,
    policy: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    metrics: GitHubMetrics | None = None,
) -> PortFactory:
    """A port acting with one plain token (a workflow's ``GITHUB_TOKEN``): ``Authorization: token
    …`` on every request, no JWT and no token exchange. The factory's installation id is ignored:
    the token already names what it may touch."""
    auth = TokenAuthStrategy(settings.token.get_secret_value())
    token_github = _client(auth, settings.github_api_url, timeout or timeout_for(settings), transport)

    @asynccontextmanager
    async def for_token(_installation_id: int) -> AsyncIterator[GitHubPort]:
        async with token_github.with_auth(token_github.auth) as gh:
            yield GithubkitPort(gh, policy=policy, sleep=sleep, metrics=metrics)

    return for_token
