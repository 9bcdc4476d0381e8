"""A changed doc's new bytes from the ``patch`` GitHub already sent with the PR's file list (pure).

``GET /pulls/{n}/files`` carries each text file's diff against the merge base. An added doc is
its ``+`` lines; a modified one is the diff applied to its old bytes, when the review has them
cached. The result is kept only if its git blob id equals the SHA GitHub gave for the file, so it
is the file, byte for byte, or nothing (the blob is then fetched as usual): a patch GitHub left
out or cut short, CRLF line ends, or a merge base other than the base commit all fall back.
"""

from __future__ import annotations

import hashlib

import whatthepatch


def git_blob_sha(data: bytes) -> str:
    """Git's blob id: ``sha1("blob <len>\\0" + data)``."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


def rebuild(patch: str, old: bytes, blob_sha: str) -> bytes | None:
    """The file *patch* turns *old* into, if its blob id is *blob_sha*; else None."""
    try:
        text = old.decode("utf-8")
        diff = next(iter(whatthepatch.parse_patch(patch)))
        lines = text.split("\n")[:-1] if text.endswith("\n") else (text.split("\n") if text else [])
        new = whatthepatch.apply_diff(diff, lines)
    except Exception:  # not text, not a patch we can read, or one that does not apply: fetch instead
        return None
    if new is None:
        return None
    body = "\n".join(new)
    for candidate in (body + "\n", body):  # the patch's "\ No newline at end of file" decides which
        data = candidate.encode("utf-8")
        if git_blob_sha(data) == blob_sha:
            return data
    return None
