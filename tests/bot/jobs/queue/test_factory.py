"""open_queue(url): every backend by URL, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.jobs.factory import open_queue
from bot.jobs.sqlite.queue import SqliteQueue


async def test_memory_url_opens_the_in_process_queue() -> None:
    memory = pytest.importorskip("bot.jobs.memory")

    queue = open_queue("memory://")

    assert isinstance(queue, memory.MemoryQueue)


@pytest.mark.parametrize("relative", [False, True])
async def test_sqlite_url_opens_the_file_after_three_slashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("data/queue.db") if relative else tmp_path / "abs" / "queue.db"

    queue = open_queue(f"sqlite:///{path}?synchronous=normal&max_attempts=3&busy_timeout=2.5")
    try:
        assert isinstance(queue, SqliteQueue)
        assert (queue.path, queue.options.synchronous, queue.options.max_attempts) == (path, "NORMAL", 3)
        assert queue.options.busy_timeout == 2.5
        assert (tmp_path / path).exists()
    finally:
        await queue.close()


async def test_redis_url_keeps_its_own_options_and_passes_the_rest_to_redis_py() -> None:
    from bot.jobs.redis.queue import RedisQueue

    queue = open_queue("redis://:s3cret@127.0.0.1:6399/2?prefix=app1&idle_timeout=45&consumer=web-1&socket_timeout=5")

    assert isinstance(queue, RedisQueue)
    assert (queue.options.prefix, queue.options.idle_timeout, queue.consumer) == ("app1", 45.0, "web-1")
    assert queue.keys.stream == "app1:deliveries"
    kwargs = queue.broker.connection_pool.connection_kwargs
    assert (kwargs["db"], kwargs["port"], kwargs["password"], kwargs["socket_timeout"]) == (
        2,
        6399,
        "s3cret",
        5.0,
    )


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("postgres://db/queue", "unknown scheme 'postgres'"),
        ("queue.db", "unknown scheme ''"),
        ("memory://somewhere", "memory:// takes no host"),
        ("sqlite://host/queue.db", "a SQLite URL has no host"),
        ("sqlite:///", "names no database file"),
        ("sqlite:///data/", "names no database file"),
        ("sqlite:///q.db?synchronous=off", "synchronous='off'; expected full or normal"),
        ("sqlite:///q.db?journal=delete", "unknown option(s) journal"),
        ("sqlite:///q.db?max_attempts=three", "max_attempts='three' is not a number"),
        ("sqlite:///q.db?max_attempts=0", "max_attempts='0' must be positive"),
        ("sqlite:///q.db?max_attempts=1&max_attempts=2", "option 'max_attempts' is given twice"),
        ("redis://", "names no Redis host"),
        ("redis://127.0.0.1:70000/0", "Port out of range"),
        ("redis://127.0.0.1:6379/queue", "the path must be a database number"),
        ("redis://127.0.0.1/0?idle_timeout=soon", "idle_timeout='soon' is not a number"),
    ],
)
def test_a_bad_url_is_refused_with_a_line_naming_the_problem(
    url: str, complaint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(ValueError, match="queue URL") as refused:
        open_queue(url)

    assert complaint in str(refused.value)
    assert not list(tmp_path.iterdir())  # nothing was created on the way to the error


def test_a_password_never_appears_in_the_error() -> None:
    with pytest.raises(ValueError) as refused:
        open_queue("redis://:hunter2@127.0.0.1:6379/0?idle_timeout=-1")

    assert "hunter2" not in str(refused.value)
    assert ":***@" in str(refused.value)
