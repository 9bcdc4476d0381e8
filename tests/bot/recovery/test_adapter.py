"""The App-level operations of the githubkit adapter under respx, every request validated against
GitHub's OpenAPI description: listing deliveries by cursor within bounds, redelivering one,
reading a check run, and the request budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.entry.settings import Settings
from bot.github.budget import RequestBudget, spending
from bot.github.connect import github_for_app, github_for_installation
from bot.github.errors import BudgetExhausted, GitHubUnavailable
from bot.github.port import AppPortFactory
from bot.github.retry import RetryPolicy
from tests.bot.github.test_client import API, REPO, ValidatedGitHub, recorded
from tests.bot.github.test_client import github as github  # the fixture: every request valid
from tests.bot.support import AppKeys, Sleeps, make_settings
from tests.bot.websupport import rsa_pem
from tests.fakegithub import FakeGitHub

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
JWT_PREFIX = "Bearer eyJ"


def item(delivery_id: int, guid: str, minutes_ago: float, status_code: int = 202,
         **extra: Any) -> dict[str, Any]:
    return {
        "id": delivery_id, "guid": guid,
        "delivered_at": (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "redelivery": False, "duration": 0.1, "status": "OK" if status_code < 300 else "Invalid HTTP",
        "status_code": status_code, "event": "pull_request", "action": "opened", "installation_id": 7,
        "repository_id": 1, **extra,
    }


def page(items: list[dict[str, Any]], next_cursor: str | None = None) -> httpx.Response:
    headers = {}
    if next_cursor:
        headers["link"] = f'<{API}/app/hook/deliveries?per_page=2&cursor={next_cursor}>; rel="next"'
    return httpx.Response(200, json=items, headers=headers)


@pytest.fixture
def settings() -> Settings:
    return make_settings(AppKeys(rsa_pem(), ""), FakeGitHub(), API)


@pytest.fixture
def app_port(settings: Settings) -> AppPortFactory:
    return github_for_app(settings, sleep=Sleeps(), policy=RetryPolicy(attempts=3))


async def test_deliveries_are_listed_page_by_page_with_the_cursor_github_links(
    github: ValidatedGitHub, app_port: AppPortFactory
) -> None:
    github.on("GET", "/app/hook/deliveries",
              page([item(5, "e", 1), item(4, "d", 2)], "v1_3"),
              page([item(3, "c", 3), item(2, "b", 4)], "v1_1"),
              page([item(1, "a", 5)]))

    async with app_port() as gh:
        listing = await gh.list_hook_deliveries(since=NOW - timedelta(days=3), max_pages=10, per_page=2)

    assert [d.id for d in listing.deliveries] == [5, 4, 3, 2, 1]
    assert (listing.pages, listing.stopped) == (3, "end")
    calls = github.calls("GET", "/app/hook/deliveries")
    assert [c.url.params.get("cursor") for c in calls] == [None, "v1_3", "v1_1"]
    assert all(c.headers["authorization"].startswith(JWT_PREFIX) for c in calls)  # the App's JWT
    first = listing.deliveries[0]
    assert (first.guid, first.status_code, first.event, first.action, first.succeeded) == (
        "e", 202, "pull_request", "opened", True)
    assert first.delivered_at == NOW - timedelta(minutes=1)


async def test_listing_stops_at_the_first_delivery_older_than_since(
    github: ValidatedGitHub, app_port: AppPortFactory
) -> None:
    github.on("GET", "/app/hook/deliveries",
              page([item(5, "e", 10), item(4, "d", 30)], "v1_3"),
              page([item(3, "c", 70), item(2, "b", 80)], "v1_1"))

    async with app_port() as gh:
        listing = await gh.list_hook_deliveries(since=NOW - timedelta(hours=1), max_pages=10)

    assert [d.id for d in listing.deliveries] == [5, 4]
    assert (listing.pages, listing.stopped) == (2, "since")


async def test_listing_stops_at_max_pages(github: ValidatedGitHub, app_port: AppPortFactory) -> None:
    github.on("GET", "/app/hook/deliveries", page([item(5, "e", 1)], "v1_4"), page([item(4, "d", 2)], "v1_3"))

    async with app_port() as gh:
        listing = await gh.list_hook_deliveries(since=NOW - timedelta(days=3), max_pages=2)

    assert (listing.pages, listing.stopped, len(listing.deliveries)) == (2, "max_pages", 2)
    assert len(github.calls("GET", "/app/hook/deliveries")) == 2


async def test_listing_returns_what_it_read_when_the_budget_runs_out(
    github: ValidatedGitHub, app_port: AppPortFactory
) -> None:
    github.on("GET", "/app/hook/deliveries", page([item(5, "e", 1)], "v1_4"), page([item(4, "d", 2)], "v1_3"))
    budget = RequestBudget(1)

    async with app_port() as gh:
        with spending(budget):
            listing = await gh.list_hook_deliveries(since=NOW - timedelta(days=3), max_pages=10)

    assert (listing.pages, listing.stopped, [d.id for d in listing.deliveries]) == (1, "budget", [5])
    assert budget.used == 1
    assert len(github.calls("GET", "/app/hook/deliveries")) == 1


async def test_a_redelivery_is_one_post_and_never_retried_after_a_5xx(
    github: ValidatedGitHub, app_port: AppPortFactory
) -> None:
    github.on("POST", r"/app/hook/deliveries/\d+/attempts",
              httpx.Response(202, json={}), httpx.Response(502, json={"message": "bad gateway"}))

    async with app_port() as gh:
        await gh.redeliver_hook_delivery(12345678)
        with pytest.raises(GitHubUnavailable):
            await gh.redeliver_hook_delivery(12345679)

    calls = github.calls("POST", r"/app/hook/deliveries/\d+/attempts")
    assert [c.url.path for c in calls] == ["/app/hook/deliveries/12345678/attempts",
                                           "/app/hook/deliveries/12345679/attempts"]
    assert calls[0].headers["authorization"].startswith(JWT_PREFIX)


async def test_retries_are_charged_to_the_budget_too(github: ValidatedGitHub, settings: Settings) -> None:
    github.on("GET", r"/repos/octocat/Hello-World/check-runs/4",
              httpx.Response(502, json={}), httpx.Response(502, json={}), httpx.Response(200, json={}))
    factory = github_for_installation(settings, sleep=Sleeps(), policy=RetryPolicy(attempts=4))
    budget = RequestBudget(2)

    async with factory(REPO.installation_id) as gh:
        with spending(budget), pytest.raises(BudgetExhausted):
            await gh.get_check_run(REPO, 4)

    assert budget.used == 2
    assert len(github.calls("GET", r"/repos/octocat/Hello-World/check-runs/4")) == 2


async def test_a_check_run_is_read_and_a_missing_one_is_none(
    github: ValidatedGitHub, settings: Settings
) -> None:
    runs = r"/repos/octocat/Hello-World/check-runs"
    github.on("GET", rf"{runs}/4", httpx.Response(200, json=recorded("check-run")))
    github.on("GET", rf"{runs}/5", httpx.Response(404, json={"message": "Not Found"}))
    factory = github_for_installation(settings, sleep=Sleeps())

    async with factory(REPO.installation_id) as gh:
        run = await gh.get_check_run(REPO, 4)
        gone = await gh.get_check_run(REPO, 5)

    assert run is not None and (run.id, run.status, run.conclusion) == (4, "completed", "neutral")
    assert gone is None
    call = github.calls("GET", r"/repos/octocat/Hello-World/check-runs/4")[0]
    assert call.headers["authorization"].startswith("token ghs_")  # an installation token
