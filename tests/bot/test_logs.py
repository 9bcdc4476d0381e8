"""Logs: one JSON object per line, with the bound delivery fields, and never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.logs import Scrubber, bind, configure_logging
from tests.bot.websupport import SECRET, rsa_pem

INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
PERSONAL_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
LEGACY_TOKEN = "v1.0123456789abcdef0123456789abcdef01234567"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjQyNDIsImlhdCI6MX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    out = io.StringIO()
    configure_logging(level="DEBUG", secrets=[SECRET, rsa_pem()], stream=out)
    yield out
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_is_one_json_object_with_the_bound_fields(stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test")

    with bind(delivery_id="d-1", event="pull_request", repo="o/r", pr=12, sha="abc123"):
        log.info("review %s", "started")
    log.warning("outside")

    first, second = lines(stream)
    assert first["msg"] == "review started"
    assert (first["delivery_id"], first["event"], first["repo"], first["pr"], first["sha"]) == (
        "d-1", "pull_request", "o/r", 12, "abc123"
    )
    assert first["level"] == "INFO" and first["logger"] == "bot.test" and first["ts"].endswith("Z")
    assert "delivery_id" not in second


def test_nested_bindings_add_and_unwind(stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test")

    with bind(delivery_id="d-1"):
        with bind(pr=3, sha=None):
            log.info("inner")
        log.info("outer")

    inner, outer = lines(stream)
    assert inner["delivery_id"] == "d-1" and inner["pr"] == 3 and "sha" not in inner
    assert "pr" not in outer


@pytest.mark.parametrize(
    "secret",
    [SECRET, INSTALLATION_TOKEN, PERSONAL_TOKEN, LEGACY_TOKEN, JWT, "postgresql://app:s3cr3tpass@db/x"],
)
def test_secrets_never_reach_a_log_line(stream: io.StringIO, secret: str) -> None:
    log = logging.getLogger("bot.test")

    with bind(delivery_id="d-1", repo=f"leak {secret}"):
        log.info("message %s", secret)
        log.info(f"f-string {secret}")
        try:
            raise RuntimeError(f"GitHub said: Authorization: Bearer {secret}")
        except RuntimeError:
            log.exception("failed with %r", {"token": secret})

    text = stream.getvalue()
    assert secret not in text
    assert json.dumps(secret)[1:-1] not in text
    assert "****" in text
    assert len(lines(stream)) == 3


def test_the_private_key_never_reaches_a_log_line(stream: io.StringIO) -> None:
    pem = rsa_pem()
    body_line = pem.splitlines()[5]

    logging.getLogger("bot.test").error("key was %s and a piece %s", pem, body_line)

    text = stream.getvalue()
    assert "PRIVATE KEY" not in text
    assert body_line not in text


def test_bearer_and_token_authorization_values_are_masked() -> None:
    scrubber = Scrubber()

    assert scrubber.scrub("Authorization: Bearer abc.def") == "Authorization: Bearer ****"
    assert scrubber.scrub("Authorization: token 0123456789abcdef0123") == "Authorization: token ****"
    assert scrubber.scrub("installation token cached for 3600 s") == "installation token cached for 3600 s"


def test_a_text_seen_before_is_masked_again_and_long_texts_too() -> None:
    scrubber = Scrubber([SECRET])
    short = f"delivery for o/r#1 with {SECRET}"
    long = f"{'x' * 300} {PERSONAL_TOKEN}"

    assert [scrubber.scrub(short) for _ in range(3)] == ["delivery for o/r#1 with ****"] * 3
    assert [scrubber.scrub(long) for _ in range(2)] == [f"{'x' * 300} ****"] * 2
    assert scrubber.scrub("o/r#1") == "o/r#1"


def test_uvicorn_loggers_go_through_the_same_scrubbed_handler(stream: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").error("startup with %s", SECRET)

    (line,) = lines(stream)
    assert line["logger"] == "uvicorn.error"
    assert SECRET not in line["msg"]


def test_a_bad_format_call_still_logs_a_line(stream: io.StringIO) -> None:
    logging.getLogger("bot.test").info("%d items", "not a number")

    (line,) = lines(stream)
    assert "items" in line["msg"]


@pytest.mark.parametrize(("line", "value"), [
    ("running curl -u deploy:IIbASeEVtmC1 https://api.acme-corp.io", "IIbASeEVtmC1"),
    ("fetch https://api.acme-corp.io/v1?access_token=VZ5kloXPFh3Qe9vE failed", "VZ5kloXPFh3Qe9vE"),
    ("config AccountKey=V3XM4Z4U2htVAZDVxGm5frKvHxBj3OIgKfdvGHnaZox= rejected", "V3XM4Z4U2htVAZDVxGm5"),
    ("doc said set password: Hunter2Xyz!Qw on the replica", "Hunter2Xyz!Qw"),
])
def test_every_shape_the_detectors_know_is_masked_in_logs(stream: io.StringIO, line: str, value: str) -> None:
    logging.getLogger("bot.test").warning("%s", line)

    assert value not in stream.getvalue() and "****" in stream.getvalue()
