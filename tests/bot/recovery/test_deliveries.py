"""Recovery of failed webhook deliveries against the fake GitHub: what is redelivered, what is not,
and the bounds (pages, redeliveries, GitHub requests) of one run."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.github.values import HookDelivery
from bot.jobs.memory import MemoryQueue
from bot.jobs.queue import Delivery
from bot.metrics import Metrics
from bot.recovery.deliveries import GuidHistory, group_by_guid, verdict
from bot.recovery.run import recover
from bot.review.context import AppContext
from tests.bot.recovery.support import failed, succeeded
from tests.bot.support import START, Clock
from tests.fakegithub import FakeGitHub

LIST = "apps/list-webhook-deliveries"
REDELIVER = "apps/redeliver-webhook-delivery"


def attempt(delivery_id: int, guid: str, minutes_ago: float, status_code: int, *, redelivery: bool = False,
            event: str = "pull_request", action: str | None = "opened") -> HookDelivery:
    status = "OK" if 200 <= status_code < 300 else "failed"
    return HookDelivery(delivery_id, guid, START - timedelta(minutes=minutes_ago), redelivery, status,
                        status_code, event, action)


def handles_everything(event: str, action: str | None) -> bool:
    return True


# -- the decision, pure ------------------------------------------------------------------------


def test_attempts_are_grouped_by_guid_newest_first_and_the_oldest_event_comes_first() -> None:
    histories = group_by_guid([attempt(4, "b", 1, 503), attempt(3, "a", 2, 503, redelivery=True),
                               attempt(2, "b", 5, 0), attempt(1, "a", 9, 502)])

    assert [(h.guid, [a.id for a in h.attempts]) for h in histories] == [("a", [3, 1]), ("b", [4, 2])]
    assert histories[0].redeliveries == 1


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        ([attempt(1, "g", 5, 503)], "redeliver"),
        ([attempt(1, "g", 5, 0)], "redeliver"),  # GitHub got no answer at all
        ([attempt(2, "g", 1, 202, redelivery=True), attempt(1, "g", 5, 503)], "succeeded"),
        ([attempt(2, "g", 1, 502, redelivery=True), attempt(1, "g", 5, 200)], "succeeded"),
        ([attempt(1, "g", 5, 413)], "refused"),  # our receiver refused that payload; it would again
        ([attempt(1, "g", 5, 401)], "refused"),
        ([attempt(i, "g", i, 503, redelivery=i < 4) for i in range(1, 5)], "gave_up"),
    ],
)
def test_which_guids_deserve_a_redelivery(attempts: list[HookDelivery], expected: str) -> None:
    (history,) = group_by_guid(attempts)

    assert verdict(history, handles_everything) == expected


def test_events_the_app_does_not_handle_are_not_redelivered() -> None:
    from bot.recovery.deliveries import handled_by_router

    history = GuidHistory("g", (attempt(1, "g", 5, 503, event="installation", action="created"),))
    handled = GuidHistory("g", (attempt(1, "g", 5, 503, event="issue_comment", action="created"),))

    assert verdict(history, handled_by_router) == "unhandled"
    assert verdict(handled, handled_by_router) == "redeliver"


# -- against the fake GitHub -------------------------------------------------------------------


async def test_a_failed_delivery_is_redelivered_once(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue
) -> None:
    failed(hub, "guid-lost", clock, minutes_ago=40, status_code=0)
    latest = failed(hub, "guid-lost", clock, minutes_ago=35)  # GitHub's own attempts, both failed
    metrics = Metrics()

    report = await recover(ctx, queue, now=clock(), metrics=metrics)
    again = await recover(ctx, queue, now=clock() + timedelta(minutes=10))

    assert hub.redelivered == [latest["id"]]  # once, the latest attempt
    assert report.redelivered == ["guid-lost"]
    assert again.redelivered == [] and again.skipped["succeeded"] == 1  # the redelivery got through
    assert hub.count(REDELIVER) == 1
    assert all(r.auth == "jwt" for r in hub.requests if r.operation_id in (LIST, REDELIVER))
    assert b"devdocs_recovery_redeliveries_total 1.0" in metrics.render()


async def test_a_delivery_whose_later_attempt_succeeded_is_not_redelivered(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue
) -> None:
    failed(hub, "guid-saved", clock, minutes_ago=50)
    succeeded(hub, "guid-saved", clock, minutes_ago=20, redelivery=True)  # someone pressed Redeliver

    report = await recover(ctx, queue, now=clock())

    assert hub.redelivered == []
    assert report.skipped["succeeded"] == 1


async def test_a_guid_the_queue_already_accepted_is_not_redelivered(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue, caplog: pytest.LogCaptureFixture
) -> None:
    failed(hub, "guid-in-queue", clock)  # GitHub timed out, but we had made it durable
    await queue.submit(Delivery("guid-in-queue", "pull_request", b"{}", received_at=0.0))

    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(ctx, queue, now=clock())

    assert hub.redelivered == []
    assert report.skipped["accepted"] == 1
    assert "failed delivery not redelivered (accepted)" in caplog.text


async def test_only_deliveries_within_the_window_are_looked_at(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue
) -> None:
    failed(hub, "guid-ancient", clock, minutes_ago=4 * 24 * 60)
    failed(hub, "guid-recent", clock, minutes_ago=10)

    report = await recover(ctx, queue, now=clock(), window=timedelta(days=3))

    assert report.redelivered == ["guid-recent"]
    assert (report.listed, report.listing_stopped) == (1, "since")


async def test_failed_deliveries_are_redelivered_oldest_first_up_to_the_bound(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue
) -> None:
    for minute in range(5):
        failed(hub, f"guid-{minute}", clock, minutes_ago=60 - minute)

    report = await recover(ctx, queue, now=clock(), max_redeliveries=3)

    assert report.redelivered == ["guid-0", "guid-1", "guid-2"]
    assert report.skipped["max_redeliveries"] == 2
    assert hub.count(REDELIVER) == 3


async def test_listing_stops_at_max_pages_and_says_so(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(250):
        succeeded(hub, f"guid-{n}", clock, minutes_ago=300 - n)

    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(ctx, queue, now=clock(), max_pages=2)

    assert (report.pages, report.listed, report.listing_stopped) == (2, 200, "max_pages")
    assert hub.count(LIST) == 2
    assert [r.query.get("cursor") is None for r in hub.requests if r.operation_id == LIST] == [True, False]
    assert "stopped listing deliveries at the max_pages bound after 2 page(s)" in caplog.text


async def test_one_run_never_sends_more_than_max_calls_requests(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(150):
        failed(hub, f"guid-{n}", clock, minutes_ago=300 - n)  # 2 pages, 150 GUIDs to redeliver

    with caplog.at_level(logging.INFO, logger="bot.recovery"):
        report = await recover(ctx, queue, now=clock(), max_calls=5, max_redeliveries=50)

    assert hub.count(LIST) == 2 and hub.count(REDELIVER) == 3
    assert len(hub.requests) == 5
    assert (report.requests, report.budget_exhausted, len(report.redelivered)) == (5, True, 3)
    summary = [r for r in caplog.records if r.getMessage().startswith("recovery: 3 redelivered")]
    assert summary and summary[0].levelno == logging.WARNING
    assert "5 GitHub request(s) of 5" in summary[0].getMessage()


async def test_a_github_error_is_reported_and_the_run_goes_on(
    ctx: AppContext, hub: FakeGitHub, clock: Clock, queue: MemoryQueue
) -> None:
    failed(hub, "guid-a", clock, minutes_ago=20)
    failed(hub, "guid-b", clock, minutes_ago=10)
    hub.fail(404, operation_id=REDELIVER)  # e.g. the attempt aged out of GitHub's history meanwhile

    report = await recover(ctx, queue, now=clock())

    assert report.redelivered == ["guid-b"]
    assert len(report.errors) == 1 and "404" in report.errors[0]
