"""The fake GitHub's ASGI app: every request is validated against the OpenAPI description and
authenticated like GitHub would (401 without a valid ``Authorization``, 422 for an invalid body,
404 for an unknown route or an inaccessible repository), then served from :class:`FakeGitHub`.
A workflow token (``FakeGitHub.issue_workflow_token``) acts as the ``github-actions`` app: its
comments are ``github-actions[bot]``'s, its check runs ``github-actions``'; a read-only one gets
403 "Resource not accessible by integration" for any write, as a fork PR's token does.

Injected faults (``FakeGitHub.fail``) answer after validation and authentication, with their
status, headers (``Retry-After``, ``x-ratelimit-*``) and an optional delay.

A few control routes under ``/_fake/`` (not GitHub's) let a test drive a fake that runs in another
process: ``POST /_fake/scenario``, ``POST /_fake/faults``, ``GET /_fake/requests``, ``GET /_fake/state``.
"""

from __future__ import annotations

import asyncio
import base64
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakegithub.openapi import GHES_PREFIX, validator
from tests.fakegithub.state import (
    ACTIONS_SLUG,
    BOT_TYPE,
    CheckRun,
    FakeGitHub,
    IssueComment,
    PullRequest,
    Recorded,
    Repo,
    tree_entries,
    tree_sha,
)

MAX_COMMENT_CHARS = 65_536
APP_OPERATIONS = frozenset(
    {
        "apps/get-authenticated",
        "apps/create-installation-access-token",
        "apps/list-webhook-deliveries",
        "apps/get-webhook-delivery",
        "apps/redeliver-webhook-delivery",
    }
)
RAW_MEDIA = "application/vnd.github.raw"
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
ROLE_PERMISSION = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}


class HTTPError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        self.status = status
        self.body = {"message": message, "documentation_url": "https://docs.github.com/rest", **extra}


@dataclass
class Call:
    """One validated, authenticated request as a handler sees it."""

    hub: FakeGitHub
    method: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    accept: str
    base_url: str
    path: str
    installation_id: int | None
    app_slug: str  # whose app the credential acts as: its comments are "<slug>[bot]"'s

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    def repo(self) -> Repo:
        repo = self.hub.repos.get(f"{self.params['owner']}/{self.params['repo']}")
        if repo is None or repo.installation_id != self.installation_id:
            raise HTTPError(404, "Not Found")
        return repo

    def int_param(self, name: str) -> int:
        return int(self.params[name])


Reply = tuple[int, Any, dict[str, str]]
Handler = Callable[[Call], Reply]


def create_app(hub: FakeGitHub) -> Starlette:
    async def github(request: Request) -> Response:
        return await _serve(hub, request)

    routes = [
        Route("/_fake/requests", lambda r: _json(200, [asdict(x) for x in hub.requests]), methods=["GET"]),
        Route("/_fake/state", lambda r: _json(200, snapshot(hub)), methods=["GET"]),
        Route("/_fake/scenario", _scenario_route(hub), methods=["POST"]),
        Route("/_fake/faults", _faults_route(hub), methods=["POST"]),
        Route("/{path:path}", github, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.hub = hub
    return app


async def _serve(hub: FakeGitHub, request: Request) -> Response:
    raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0]
    query = request.url.query
    body = await request.body()
    outcome = validator().validate(
        request.method, raw_path, query, body, request.headers.get("content-type", "application/json")
    )
    base_url = str(request.base_url).rstrip("/") + (
        GHES_PREFIX if raw_path.startswith(GHES_PREFIX + "/") else ""
    )
    parsed_body = _parse_body(body)
    auth_kind: str | None = None
    try:
        if outcome.operation_id is None:
            raise HTTPError(404, "Not Found")
        if outcome.errors:
            raise HTTPError(422, "Invalid request.", errors=list(outcome.errors))
        auth_kind, installation_id = _authenticate(
            hub, request.headers.get("authorization"), outcome.operation_id, request.method
        )
        fault = _take_fault(hub, request.method, outcome.operation_id)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            status, payload, headers = (
                fault.status,
                fault.body or {"message": "injected fault"},
                fault.headers,
            )
        else:
            call = Call(
                hub,
                request.method,
                outcome.path_params,
                dict(parse_qsl(query)),
                parsed_body,
                request.headers.get("accept", ""),
                base_url,
                raw_path,
                installation_id,
                ACTIONS_SLUG if auth_kind == "workflow" else hub.app_slug,
            )
            with hub.lock:
                status, payload, headers = HANDLERS[outcome.operation_id](call)
    except HTTPError as error:
        status, payload, headers = error.status, error.body, {}
    _record(hub, request.method, raw_path, outcome.operation_id, query, parsed_body, status, auth_kind)
    return _response(status, payload, headers)


def _parse_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")


def _record(
    hub: FakeGitHub,
    method: str,
    path: str,
    operation_id: str | None,
    query: str,
    body: Any,
    status: int,
    auth: str | None,
) -> None:
    with hub.lock:
        hub.requests.append(Recorded(method, path, operation_id, dict(parse_qsl(query)), body, status, auth))


def _response(status: int, payload: Any, headers: dict[str, str]) -> Response:
    headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", **headers}
    if isinstance(payload, bytes):
        return Response(payload, status, headers=headers, media_type=RAW_MEDIA)
    if status == 204 or payload is None:
        return Response(None, status, headers=headers)
    return JSONResponse(payload, status, headers=headers)


def _json(status: int, payload: Any) -> Response:
    return JSONResponse(payload, status)


# --- authentication ---------------------------------------------------------------------------


def _authenticate(
    hub: FakeGitHub, header: str | None, operation_id: str, method: str = "GET"
) -> tuple[str, int | None]:
    scheme, _, credential = (header or "").partition(" ")
    if scheme.lower() not in ("bearer", "token") or not credential.strip():
        raise HTTPError(401, "Requires authentication")
    credential = credential.strip()
    workflow = hub.workflow_tokens.get(credential)
    if workflow is not None:
        if operation_id in APP_OPERATIONS:
            raise HTTPError(401, "A JSON web token is required to access this endpoint")
        if workflow.read_only and method.upper() != "GET":
            raise HTTPError(403, "Resource not accessible by integration")
        return "workflow", workflow.installation_id
    if credential.count(".") == 2 and scheme.lower() == "bearer":
        _verify_jwt(hub, credential)
        if operation_id not in APP_OPERATIONS:
            raise HTTPError(
                403, "A JSON web token cannot be used to access this resource; use an installation token"
            )
        return "jwt", None
    entry = hub.tokens.get(credential)
    if entry is None or entry[1] <= datetime.now(UTC):
        raise HTTPError(401, "Bad credentials")
    if operation_id in APP_OPERATIONS:
        raise HTTPError(401, "A JSON web token is required to access this endpoint")
    return "installation", entry[0]


def _verify_jwt(hub: FakeGitHub, token: str) -> None:
    try:
        if hub.app_public_key is None:
            claims = jwt.decode(token, options={"verify_signature": False})
        else:
            claims = jwt.decode(
                token,
                hub.app_public_key,
                algorithms=["RS256"],
                leeway=60,
                options={"require": ["iat", "exp", "iss"]},
            )
    except jwt.PyJWTError as error:
        raise HTTPError(401, f"A JSON web token could not be decoded ({type(error).__name__})") from None
    if str(claims.get("iss")) != str(hub.app_id):
        raise HTTPError(401, "'Issuer' claim ('iss') must be the App's id")


def _take_fault(hub: FakeGitHub, method: str, operation_id: str) -> Any:
    with hub.lock:
        for fault in hub.faults:
            if fault.times > 0 and fault.matches(method, operation_id):
                fault.times -= 1
                return fault
    return None


# --- handlers ---------------------------------------------------------------------------------


def get_app(call: Call) -> Reply:
    hub = call.hub
    return (
        200,
        {
            "id": hub.app_id,
            "slug": hub.app_slug,
            "name": hub.app_slug,
            "node_id": "A_1",
            "owner": {"login": "octo-org", "id": 1, "type": "Organization"},
            "permissions": {
                "checks": "write",
                "contents": "read",
                "pull_requests": "write",
                "issues": "write",
                "metadata": "read",
            },
            "events": ["pull_request", "issue_comment", "check_run", "check_suite"],
        },
        {},
    )


def create_token(call: Call) -> Reply:
    installation_id = call.int_param("installation_id")
    if installation_id not in call.hub.installations:
        raise HTTPError(404, "Not Found")
    token, expires = call.hub.issue_token(installation_id)
    return (
        201,
        {
            "token": token,
            "expires_at": call.hub.timestamp(expires),
            "permissions": {"checks": "write", "contents": "read"},
            "repository_selection": "all",
        },
        {},
    )


def list_deliveries(call: Call) -> Reply:
    """Newest first; ``cursor`` names the first delivery of the page (GitHub's are opaque)."""
    wanted = call.query.get("status")
    items = sorted(call.hub.deliveries, key=lambda d: (d["delivered_at"], d["id"]), reverse=True)
    if wanted is not None:
        items = [d for d in items if (200 <= d["status_code"] < 400) == (wanted == "success")]
    per_page = min(100, int(call.query.get("per_page") or 30))
    start = 0
    cursor = call.query.get("cursor")
    if cursor is not None:
        ids = [f"v1_{d['id']}" for d in items]
        if cursor not in ids:
            raise HTTPError(400, "Bad cursor")
        start = ids.index(cursor)
    page = items[start : start + per_page]
    headers = {}
    if start + per_page < len(items):
        query = {k: v for k, v in call.query.items() if k != "cursor"}
        query["cursor"] = f"v1_{items[start + per_page]['id']}"
        url = f"{call.base_url}{_unprefixed(call.path)}?{urlencode(query)}"
        headers["link"] = f'<{url}>; rel="next"'
    return 200, [dict(d) for d in page], headers


def get_delivery(call: Call) -> Reply:
    found = [d for d in call.hub.deliveries if str(d.get("id")) == call.params["delivery_id"]]
    if not found:
        raise HTTPError(404, "Not Found")
    return 200, found[0], {}


def redeliver(call: Call) -> Reply:
    _status, delivery, _headers = get_delivery(call)
    call.hub.redeliver(delivery)
    return 202, {}, {}


def get_repo_installation(call: Call) -> Reply:
    repo = call.hub.repos.get(f"{call.params['owner']}/{call.params['repo']}")
    if repo is None:
        raise HTTPError(404, "Not Found")
    return 200, {"id": repo.installation_id, "app_id": call.hub.app_id}, {}


def pull_json(pr: PullRequest) -> dict[str, Any]:
    repo = pr.repo
    head_repo = (
        None
        if pr.head_repo is None
        else {
            "full_name": pr.head_repo,
            "name": pr.head_repo.split("/")[1],
            "fork": pr.head_repo != repo.full_name,
        }
    )
    return {
        "url": f"https://api.github.com/repos/{repo.full_name}/pulls/{pr.number}",
        "id": pr.number * 1000 + 7,
        "number": pr.number,
        "state": pr.state,
        "draft": pr.draft,
        "title": pr.title,
        "user": {"login": pr.author, "type": "User"},
        "html_url": pr.html_url,
        "head": {
            "ref": pr.head_ref,
            "sha": pr.head_sha,
            "repo": head_repo,
            "label": f"{(pr.head_repo or 'unknown/x').split('/')[0]}:{pr.head_ref}",
        },
        "base": {
            "ref": pr.base_ref,
            "sha": pr.base_sha,
            "repo": {"full_name": repo.full_name, "name": repo.name, "fork": False},
        },
    }


def _pull(call: Call) -> PullRequest:
    pr = call.repo().pulls.get(call.int_param("pull_number"))
    if pr is None:
        raise HTTPError(404, "Not Found")
    return pr


def get_pull(call: Call) -> Reply:
    return 200, pull_json(_pull(call)), {}


def list_pulls(call: Call) -> Reply:
    state = call.query.get("state", "open")
    pulls = [pull_json(p) for p in call.repo().pulls.values() if state == "all" or p.state == state]
    return _page(call, pulls)


def list_pull_files(call: Call) -> Reply:
    pr = _pull(call)
    repo = pr.repo
    before = repo.commits[pr.merge_base_sha].files
    after = repo.commits[pr.head_sha].files
    files = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "modified"
        entry = {
            "sha": new or old,
            "filename": path,
            "status": status,
            "additions": 0,
            "deletions": 0,
            "changes": 0,
            "blob_url": f"https://github.com/{repo.full_name}/blob/{pr.head_sha}/{path}",
        }
        patch = text_patch(call.hub.blobs.get(old or ""), call.hub.blobs.get(new or ""))
        if patch is not None:
            entry["patch"] = patch
        files.append(entry)
    return _page(call, files)


def text_patch(old: bytes | None, new: bytes | None) -> str | None:
    """GitHub's ``patch`` of a changed file: the unified diff's hunks (3 lines of context, no
    ``---``/``+++`` lines, a ``\\ No newline at end of file`` marker where one applies); None for
    a file that is not UTF-8 text (GitHub sends no patch for binary files)."""
    try:
        before, after = (old or b"").decode("utf-8"), (new or b"").decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines: list[str] = []
    for line in list(difflib.unified_diff(_lines(before), _lines(after), n=3))[2:]:
        if line.endswith("\n"):
            lines.append(line[:-1])
        else:
            lines += [line, "\\ No newline at end of file"]
    return "\n".join(lines) or None


def _lines(text: str) -> list[str]:
    """Lines as git sees them: split after each ``\\n`` only."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def commit_pulls(call: Call) -> Reply:
    repo = call.repo()
    sha = call.params["commit_sha"]
    pulls = [pull_json(p) for p in repo.pulls.values() if p.head_sha == sha and p.state == "open"]
    return _page(call, pulls)


def get_content(call: Call) -> Reply:
    repo = call.repo()
    ref = call.query.get("ref") or repo.default_branch
    commit_sha = repo.branches.get(ref, ref)
    if commit_sha not in repo.commits:
        raise HTTPError(404, f"No commit found for the ref {ref}")
    path = call.params["path"]
    data = repo.file_at(commit_sha, path)
    if data is None:
        raise HTTPError(404, "Not Found")
    if "raw" in call.accept:
        return 200, data, {}
    blob = repo.commits[commit_sha].files[path]
    return (
        200,
        {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": blob,
            "content": base64.b64encode(data).decode(),
        },
        {},
    )


def get_tree(call: Call) -> Reply:
    repo = call.repo()
    found = call.hub.resolve_tree(repo, call.params["tree_sha"])
    if found is None:
        raise HTTPError(404, "Not Found")
    commit, folder = found
    recursive = call.query.get("recursive") not in (None, "", "0", "false")
    entries = tree_entries(commit, folder, recursive=recursive)
    for entry in entries:
        if entry["type"] == "blob":
            entry["size"] = len(call.hub.blobs[entry["sha"]])
    truncated = False
    limit = call.hub.tree_entry_limit
    if recursive and limit is not None and len(entries) > limit:
        entries, truncated = entries[:limit], True
    return 200, {"sha": tree_sha(commit, folder), "url": "", "tree": entries, "truncated": truncated}, {}


def get_blob(call: Call) -> Reply:
    call.repo()
    sha = call.params["file_sha"]
    data = call.hub.blobs.get(sha)
    if data is None:
        raise HTTPError(404, "Not Found")
    if "raw" in call.accept:
        return 200, data, {}
    return (
        200,
        {
            "sha": sha,
            "size": len(data),
            "encoding": "base64",
            "content": base64.b64encode(data).decode(),
            "url": "",
            "node_id": "B_1",
        },
        {},
    )


def comment_json(comment: IssueComment) -> dict[str, Any]:
    owner_repo = comment.repo
    return {
        "id": comment.id,
        "node_id": f"IC_{comment.id}",
        "body": comment.body,
        "user": {"login": comment.login, "type": comment.user_type, "id": abs(hash(comment.login)) % 10**8},
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "html_url": f"https://github.com/{owner_repo}/pull/{comment.issue_number}#issuecomment-{comment.id}",
        "issue_url": f"https://api.github.com/repos/{owner_repo}/issues/{comment.issue_number}",
        "author_association": "NONE" if comment.user_type == BOT_TYPE else "MEMBER",
        "reactions": {"total_count": len(comment.reactions)},
    }


def _issue_exists(call: Call) -> Repo:
    repo = call.repo()
    if call.int_param("issue_number") not in repo.pulls:
        raise HTTPError(404, "Not Found")
    return repo


def list_comments(call: Call) -> Reply:
    repo = _issue_exists(call)
    comments = [comment_json(c) for c in call.hub.comments_on(repo, call.int_param("issue_number"))]
    return _page(call, comments)


def _check_body_length(body: str) -> None:
    if len(body) > MAX_COMMENT_CHARS:
        raise HTTPError(
            422,
            "Validation Failed",
            errors=[
                {
                    "resource": "IssueComment",
                    "code": "custom",
                    "field": "body",
                    "message": "body is too long (maximum is 65536 characters)",
                }
            ],
        )


def create_comment(call: Call) -> Reply:
    repo = _issue_exists(call)
    body = str(call.body["body"])
    _check_body_length(body)
    comment = call.hub.add_comment(
        repo, call.int_param("issue_number"), body, login=call.bot_login, user_type=BOT_TYPE
    )
    return 201, comment_json(comment), {}


def _comment(call: Call) -> IssueComment:
    repo = call.repo()
    comment = call.hub.comments.get(call.int_param("comment_id"))
    if comment is None or comment.repo != repo.full_name:
        raise HTTPError(404, "Not Found")
    return comment


def get_comment(call: Call) -> Reply:
    return 200, comment_json(_comment(call)), {}


def update_comment(call: Call) -> Reply:
    comment = _comment(call)
    if comment.login != call.bot_login:
        raise HTTPError(403, "Resource not accessible by integration")
    body = str(call.body["body"])
    _check_body_length(body)
    comment.body = body
    comment.edits += 1
    comment.updated_at = call.hub.timestamp()
    return 200, comment_json(comment), {}


def delete_comment(call: Call) -> Reply:
    comment = _comment(call)
    del call.hub.comments[comment.id]
    return 204, None, {}


def add_reaction(call: Call) -> Reply:
    comment = _comment(call)
    content = str(call.body["content"])
    entry = (call.bot_login, content)
    status = 200 if entry in comment.reactions else 201
    if status == 201:
        comment.reactions.append(entry)
    return (
        status,
        {
            "id": next(call.hub.ids),
            "content": content,
            "user": {"login": call.bot_login, "type": BOT_TYPE},
        },
        {},
    )


def check_json(run: CheckRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "name": run.name,
        "head_sha": run.head_sha,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "details_url": run.details_url,
        "external_id": run.external_id,
        "html_url": f"https://github.com/{run.repo}/runs/{run.id}",
        "output": {**run.output, "annotations_count": len(run.annotations)},
        "app": {"slug": run.app_slug, "id": 4242},
        "pull_requests": [],
    }


def _apply_check_body(run: CheckRun, body: dict[str, Any], hub: FakeGitHub, *, creating: bool) -> None:
    run.requests.append(body)
    output = body.get("output")
    if output is not None and not creating and "title" not in output:
        raise HTTPError(422, "Invalid request.", errors=["output.title is required"])
    for key in ("name", "details_url", "external_id", "started_at", "completed_at"):
        if key in body:
            setattr(run, key, body[key])
    if "conclusion" in body:
        run.conclusion, run.status = body["conclusion"], "completed"
        run.completed_at = run.completed_at or hub.timestamp()
    elif "status" in body:
        if body["status"] == "completed":
            raise HTTPError(
                422, "Invalid request.", errors=["conclusion is required when status is completed"]
            )
        run.status = body["status"]
    if output is not None:
        run.output = {k: output[k] for k in ("title", "summary", "text") if k in output}
        run.annotations.extend(output.get("annotations") or [])


def create_check(call: Call) -> Reply:
    repo = call.repo()
    body = call.body
    if body["head_sha"] not in repo.commits:
        raise HTTPError(422, "No commit found for SHA: " + body["head_sha"])
    run = CheckRun(
        next(call.hub.ids),
        repo.full_name,
        body["name"],
        body["head_sha"],
        "queued",
        None,
        None,
        None,
        {},
        [],
        None,
        None,
        call.app_slug,
    )
    _apply_check_body(run, body, call.hub, creating=True)
    call.hub.check_runs[run.id] = run
    return 201, check_json(run), {}


def _run(call: Call) -> CheckRun:
    repo = call.repo()
    run = call.hub.check_runs.get(call.int_param("check_run_id"))
    if run is None or run.repo != repo.full_name:
        raise HTTPError(404, "Not Found")
    return run


def get_check(call: Call) -> Reply:
    return 200, check_json(_run(call)), {}


def update_check(call: Call) -> Reply:
    run = _run(call)
    _apply_check_body(run, call.body, call.hub, creating=False)
    return 200, check_json(run), {}


def list_checks(call: Call) -> Reply:
    repo = call.repo()
    ref = call.params["ref"]
    sha = repo.branches.get(ref, ref)
    name = call.query.get("check_name")
    runs = [check_json(r) for r in call.hub.runs_for(repo, sha, name)]
    runs.reverse()  # newest first, like GitHub
    status, page, headers = _page(call, runs)
    return status, {"total_count": len(runs), "check_runs": page}, headers


def permission(call: Call) -> Reply:
    repo = call.repo()
    login = call.params["username"]
    role = repo.collaborators.get(login)
    if role is None:
        if repo.private:
            raise HTTPError(404, f"{login} is not a user")
        role = "read"
    return (
        200,
        {
            "permission": ROLE_PERMISSION.get(role, "read"),
            "role_name": role,
            "user": {"login": login, "type": "User"},
        },
        {},
    )


def create_status(call: Call) -> Reply:
    call.repo()
    return 201, {"state": call.body["state"], "context": call.body.get("context", "default")}, {}


def _page(call: Call, items: list[Any]) -> Reply:
    per_page = int(call.query.get("per_page") or 30)
    page = int(call.query.get("page") or 1)
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    headers = {}
    last = max(1, -(-len(items) // per_page))
    if last > 1:
        query = {k: v for k, v in call.query.items() if k not in ("page",)}
        url = f"{call.base_url}{_unprefixed(call.path)}"
        links = []
        if page < last:
            links.append(f'<{url}?{urlencode({**query, "page": page + 1})}>; rel="next"')
        links.append(f'<{url}?{urlencode({**query, "page": last})}>; rel="last"')
        headers["link"] = ", ".join(links)
    return 200, chunk, headers


def _unprefixed(path: str) -> str:
    return path[len(GHES_PREFIX) :] if path.startswith(GHES_PREFIX + "/") else path


HANDLERS: dict[str, Handler] = {
    "apps/get-authenticated": get_app,
    "apps/create-installation-access-token": create_token,
    "apps/list-webhook-deliveries": list_deliveries,
    "apps/get-webhook-delivery": get_delivery,
    "apps/redeliver-webhook-delivery": redeliver,
    "apps/get-repo-installation": get_repo_installation,
    "pulls/list": list_pulls,
    "pulls/get": get_pull,
    "pulls/list-files": list_pull_files,
    "repos/list-pull-requests-associated-with-commit": commit_pulls,
    "repos/get-content": get_content,
    "git/get-tree": get_tree,
    "git/get-blob": get_blob,
    "issues/list-comments": list_comments,
    "issues/create-comment": create_comment,
    "issues/get-comment": get_comment,
    "issues/update-comment": update_comment,
    "issues/delete-comment": delete_comment,
    "reactions/create-for-issue-comment": add_reaction,
    "checks/create": create_check,
    "checks/get": get_check,
    "checks/update": update_check,
    "checks/list-for-ref": list_checks,
    "repos/get-collaborator-permission-level": permission,
    "repos/create-commit-status": create_status,
}


# --- control routes (for a fake in another process) ----------------------------------------


def snapshot(hub: FakeGitHub) -> dict[str, Any]:
    with hub.lock:
        return {
            "comments": [asdict(c) for c in hub.comments.values()],
            "check_runs": [asdict(r) for r in hub.check_runs.values()],
            "pulls": {
                name: {n: {"head_sha": p.head_sha, "base_sha": p.base_sha} for n, p in repo.pulls.items()}
                for name, repo in hub.repos.items()
            },
        }


def _scenario_route(hub: FakeGitHub) -> Callable[[Request], Any]:
    async def route(request: Request) -> Response:
        from tests.fakegithub.scenario import load_scenario

        with hub.lock:
            result = load_scenario(hub, await request.json())
        return JSONResponse(result, 201)

    return route


def _faults_route(hub: FakeGitHub) -> Callable[[Request], Any]:
    async def route(request: Request) -> Response:
        spec = await request.json()
        hub.fail(int(spec.pop("status")), **spec)
        return JSONResponse({"faults": len(hub.faults)}, 201)

    return route
