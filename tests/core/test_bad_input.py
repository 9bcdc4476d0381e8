"""Bad input never crashes the review: each problem becomes a finding or a note, the rest goes on."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.api import review
from rules.core.discovery import Snapshot, decode
from rules.core.model import Role

TODAY = dt.date(2026, 1, 15)
GOOD_PLAN = b"# Auth - Plan\n\n## Overview\n\nShip login.\n"
TASK = "dev/active/auth"


def _review(name: str, data: bytes) -> list[str]:
    files = {f"{TASK}/auth-plan.md": GOOD_PLAN, f"{TASK}/{name}": data}
    result = review(Snapshot(files), today=TODAY, strict=True)
    return [f"{f.rule}:{f.path}" for f in result.findings]


def test_binary_file_is_reported_and_not_parsed() -> None:
    text, problems = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00", max_bytes=1024)

    assert text is None
    assert "binary" in problems[0]


def test_non_utf8_is_decoded_with_replacement_and_reported() -> None:
    text, problems = decode("Last Updated: 2026-01-10 caf\xe9\n".encode("latin-1"), max_bytes=1024)

    assert text is not None and "\ufffd" in text
    assert "not valid UTF-8" in problems[0] and "line 1" in problems[0]


def test_utf16_with_bom_is_read() -> None:
    text, problems = decode("# Título\n".encode("utf-16"), max_bytes=1024)

    assert text == "# Título\n"
    assert "UTF-16" in problems[0]


def test_oversized_file_is_refused_with_its_size() -> None:
    text, problems = decode(b"x" * 5_000_000, max_bytes=1_048_576)

    assert text is None
    assert "4.8 MB" in problems[0] and "1.0 MB" in problems[0]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("auth-context.md", b""),
        ("auth-context.md", b"\x00\x01\x02binary"),
        ("auth-context.md", b"Last Updated: 2026-01-10\n\xff broken\n"),
        ("auth-tasks.md", b"| a | b |\n|---|\n| 1 | 2 | 3 | 4 |\n|\n" * 50),
        ("auth-tasks.md", (b"> " * 500) + b"- [ ] deep\n"),
        ("auth-tasks.md", b"".join(b"  " * i + b"- [ ] item\n" for i in range(200))),
        ("auth-tasks.md", b"- [ ] task (2h)\n" * 10_000),
        ("auth-context.md", b"```\n" + b"password: x\n" * 1000),
        ("auth-tasks.md", b"#" * 10_000 + b"\n" + b"[" * 10_000 + b"\n"),
    ],
    ids=["empty", "binary", "bad-utf8", "broken-tables", "deep-quotes", "deep-lists", "10k-lines",
         "unclosed-fence", "pathological"],
)
def test_review_survives_bad_documents(name: str, data: bytes) -> None:
    findings = _review(name, data)

    assert isinstance(findings, list)


def test_unreadable_paths_from_the_shell_keep_the_rest_of_the_review() -> None:
    snapshot = Snapshot(
        {f"{TASK}/auth-plan.md": GOOD_PLAN},
        unreadable={f"{TASK}/auth-context.md": "symlink points outside the repository; not followed"},
    )

    result = review(snapshot, today=TODAY, strict=True)

    assert [t.path for t in result.tasks] == [TASK]
    assert result.tasks[0].file(Role.PLAN) == f"{TASK}/auth-plan.md"
    assert result.tasks[0].file(Role.CONTEXT) is None
