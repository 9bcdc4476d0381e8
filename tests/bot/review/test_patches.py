"""A changed doc rebuilt from the patch GitHub sends with the file list: exact bytes or nothing."""

from __future__ import annotations

import pytest

from bot.review.patches import git_blob_sha, rebuild
from tests.fakegithub.server import text_patch

PLAN = b"# Search - Plan\n\n## Executive Summary\n\nIndex the docs.\n\n## Risks\n\n- Slow\n"


def test_the_blob_id_is_gits() -> None:
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_an_added_doc_is_its_added_lines() -> None:
    patch = "@@ -0,0 +1,3 @@\n+# T - Tasks\n+\n+- [ ] Do it"

    assert rebuild(patch, b"", git_blob_sha(b"# T - Tasks\n\n- [ ] Do it\n")) == b"# T - Tasks\n\n- [ ] Do it\n"


def test_a_modified_doc_is_the_patch_applied_to_its_old_bytes() -> None:
    old = PLAN + b"".join(b"\nStep %d.\n" % i for i in range(10))
    new = old.replace(b"Index the docs.", b"Index the docs nightly.") + b"- Costly\n"
    patch = text_patch(old, new)  # GitHub's format, as the fake GitHub sends it
    assert patch is not None and patch.count("@@ -") == 2

    assert rebuild(patch, old, git_blob_sha(new)) == new


def test_a_doc_without_a_final_newline_keeps_it_that_way() -> None:
    patch = "@@ -0,0 +1,2 @@\n+# T\n+no newline\n\\ No newline at end of file"

    assert rebuild(patch, b"", git_blob_sha(b"# T\nno newline")) == b"# T\nno newline"


@pytest.mark.parametrize(
    ("patch", "old", "new", "why"),
    [
        ("@@ -0,0 +1,1 @@\n+# T", b"", b"# T\n\nThe rest.\n", "GitHub cut the patch short"),
        ("@@ -1,1 +1,1 @@\n-# Other\n+# T", PLAN, b"# T\n", "the old bytes are not the merge base's"),
        ("@@ -1,2 +1,2 @@\n # T\r\n-a\r\n+b\r", b"# T\r\na\r\n", b"# T\r\nb\r\n", "CRLF line ends: fetched instead"),
        ("not a patch", b"", b"# T\n", "unreadable"),
        ("@@ -0,0 +1,1 @@\n+x", b"\xff\xfe", b"x\n", "old bytes that are not UTF-8"),
    ],
)
def test_anything_short_of_the_exact_file_is_none(patch: str, old: bytes, new: bytes, why: str) -> None:
    assert rebuild(patch, old, git_blob_sha(new)) is None, why
