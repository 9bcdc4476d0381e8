"""GitHub's JSON to the port's values, leniently, and the port's values to request bodies (pure).

githubkit's strict generated models reject partial and newer payloads, so responses are read as
plain JSON here and only the fields the App needs are required.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from bot.github.values import (
    ChangedFile,
    CheckAnnotation,
    CheckRunOutput,
    CheckRunRef,
    CheckRunUpdate,
    Comment,
    HookDelivery,
    PullRequestRef,
    RepoRef,
    Tree,
    TreeEntry,
    github_timestamp,
)


def parse_pull_request(repo: RepoRef, data: Mapping[str, Any]) -> PullRequestRef:
    head = data.get("head") or {}
    base = data.get("base") or {}
    head_repo = head.get("repo") or None
    return PullRequestRef(
        repo=repo,
        number=int(data["number"]),
        head_sha=str(head["sha"]),
        base_sha=str(base["sha"]),
        base_ref=str(base.get("ref") or ""),
        head_repo_full_name=str(head_repo["full_name"]) if head_repo else None,
        draft=bool(data.get("draft") or False),
        html_url=str(data.get("html_url") or ""),
        state=str(data.get("state") or "open"),
    )


def parse_changed_file(data: Mapping[str, Any]) -> ChangedFile:
    status = str(data.get("status") or "modified")
    sha = data.get("sha")
    return ChangedFile(
        path=str(data["filename"]),
        status=status,
        blob_sha=str(sha) if sha and status != "removed" else None,
        previous_path=data.get("previous_filename"),
        patch=patch if isinstance(patch := data.get("patch"), str) else None,
    )


def parse_tree(data: Mapping[str, Any]) -> Tree:
    entries = tuple(
        TreeEntry(str(e["path"]), str(e.get("mode") or ""), str(e.get("type") or "blob"), str(e["sha"]),
                  int(e["size"]) if e.get("size") is not None else None)
        for e in data.get("tree") or ()
    )
    return Tree(str(data.get("sha") or ""), entries, bool(data.get("truncated") or False))


def parse_comment(data: Mapping[str, Any]) -> Comment:
    user = data.get("user") or {}
    return Comment(
        id=int(data["id"]),
        body=str(data.get("body") or ""),
        author_login=str(user.get("login") or ""),
        author_type=str(user.get("type") or ""),
        html_url=str(data.get("html_url") or ""),
        created_at=_optional_timestamp(data.get("created_at")),
    )


def parse_check_run(data: Mapping[str, Any]) -> CheckRunRef:
    app = data.get("app") or {}
    return CheckRunRef(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        head_sha=str(data.get("head_sha") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
        html_url=str(data.get("html_url") or ""),
        app_slug=app.get("slug"),
        started_at=_optional_timestamp(data.get("started_at")),
    )


def _optional_timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return parse_timestamp(str(value))
    except ValueError:
        return None


def parse_hook_delivery(data: Mapping[str, Any]) -> HookDelivery:
    action = data.get("action")
    return HookDelivery(
        id=int(data["id"]),
        guid=str(data.get("guid") or ""),
        delivered_at=parse_timestamp(str(data["delivered_at"])),
        redelivery=bool(data.get("redelivery") or False),
        status=str(data.get("status") or ""),
        status_code=int(data.get("status_code") or 0),
        event=str(data.get("event") or ""),
        action=str(action) if action else None,
        installation_id=_optional_int(data.get("installation_id")),
        repository_id=_optional_int(data.get("repository_id")),
    )


def parse_timestamp(value: str) -> datetime:
    """GitHub's ISO 8601 timestamps (``...Z`` or an offset) as aware UTC datetimes."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def next_cursor(response: httpx.Response) -> str | None:
    """The ``cursor`` of the ``Link: <…?cursor=…>; rel="next"`` header, if there is a next page."""
    link = response.links.get("next")
    if not link or not link.get("url"):
        return None
    values = parse_qs(urlsplit(link["url"]).query).get("cursor")
    return values[0] if values else None


def _optional_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def raw_or_base64(response: httpx.Response) -> bytes:
    """Bytes of a raw-media response; decodes the JSON form if a server ignored the raw media type."""
    content_type = response.headers.get("content-type", "")
    if "json" in content_type and "raw" not in content_type:
        data = response.json()
        if isinstance(data, dict) and data.get("encoding") == "base64":
            return base64.b64decode(str(data.get("content") or ""))
    return response.content


def output_json(output: CheckRunOutput, annotations: Sequence[CheckAnnotation]) -> dict[str, Any]:
    body: dict[str, Any] = {"title": output.title, "summary": output.summary}
    if output.text:
        body["text"] = output.text
    if annotations:
        body["annotations"] = [annotation_json(a) for a in annotations]
    return body


def annotation_json(annotation: CheckAnnotation) -> dict[str, Any]:
    body: dict[str, Any] = {
        "path": annotation.path,
        "start_line": annotation.start_line,
        "end_line": annotation.end_line,
        "annotation_level": annotation.annotation_level,
        "message": annotation.message,
    }
    if annotation.title:
        body["title"] = annotation.title
    if annotation.raw_details:
        body["raw_details"] = annotation.raw_details
    return body


def update_json(update: CheckRunUpdate, annotations: Sequence[CheckAnnotation]) -> dict[str, Any]:
    body: dict[str, Any] = dict(update.extra)
    if update.status:
        body["status"] = update.status
    if update.conclusion:
        body["conclusion"] = update.conclusion
    if update.completed_at:
        body["completed_at"] = github_timestamp(update.completed_at)
    if update.details_url:
        body["details_url"] = update.details_url
    if update.output:
        body["output"] = output_json(update.output, annotations)
    return body
