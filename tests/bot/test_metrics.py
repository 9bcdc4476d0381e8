"""/metrics: Prometheus text from a per-app registry."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics.render().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_each_app_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()

    first.delivery_received()

    assert samples(first)[("devdocs_deliveries_received_total", ())] == 1
    assert samples(second)[("devdocs_deliveries_received_total", ())] == 0


def test_the_documented_series_are_exposed() -> None:
    metrics = Metrics()

    metrics.delivery_accepted("pull_request")
    metrics.delivery_rejected("signature")
    metrics.delivery_ignored("issues")
    metrics.delivery_duplicate("pull_request")
    metrics.set_queue_depth(3)
    metrics.job_finished("pull_request", "completed", seconds=0.2, latency=1.5)
    metrics.review_completed("failure")
    metrics.github_request("get", 200)
    metrics.github_request("post", "error")
    metrics.github_retry("rate_limit")
    found = samples(metrics)

    assert found[("devdocs_deliveries_accepted_total", (("event", "pull_request"),))] == 1
    assert found[("devdocs_deliveries_rejected_total", (("reason", "signature"),))] == 1
    assert found[("devdocs_deliveries_ignored_total", (("event", "issues"),))] == 1
    assert found[("devdocs_deliveries_duplicate_total", (("event", "pull_request"),))] == 1
    assert found[("devdocs_queue_depth", ())] == 3
    assert found[("devdocs_jobs_total", (("event", "pull_request"), ("outcome", "completed")))] == 1
    assert found[("devdocs_job_latency_seconds_count", (("event", "pull_request"),))] == 1
    assert found[("devdocs_job_duration_seconds_count", (("event", "pull_request"),))] == 1
    assert found[("devdocs_reviews_total", (("conclusion", "failure"),))] == 1
    assert found[("devdocs_github_requests_total", (("method", "GET"), ("status", "200")))] == 1
    assert found[("devdocs_github_requests_total", (("method", "POST"), ("status", "error")))] == 1
    assert found[("devdocs_github_retries_total", (("reason", "rate_limit"),))] == 1


def test_a_retried_attempt_has_no_end_to_end_latency_yet() -> None:
    metrics = Metrics()

    metrics.job_finished("pull_request", "retried", seconds=0.1)

    assert ("devdocs_job_latency_seconds_count", (("event", "pull_request"),)) not in samples(metrics)
