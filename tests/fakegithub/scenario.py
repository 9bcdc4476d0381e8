"""Build fake state from JSON, for a fake GitHub running in another process (``POST /_fake/scenario``).

```json
{"app": {"id": 4242, "slug": "devdocs-review", "public_key": "-----BEGIN PUBLIC KEY-----..."},
 "repos": [{"owner": "o", "name": "r", "installation_id": 1, "files": {"path": "text"},
            "collaborators": {"alice": "maintain"},
            "pulls": [{"files": {"path": "text"}, "remove": [], "draft": false, "fork": "someone/r"}],
            "comments": [{"number": 1, "body": "/review", "login": "alice", "type": "User"}]}],
 "push": [{"repo": "o/r", "number": 1, "files": {"path": "text"}, "remove": []}]}
```
Calling it again adds to the existing state (repositories are reused by name).
"""

from __future__ import annotations

from typing import Any

from tests.fakegithub.state import FakeGitHub, Repo


def load_scenario(hub: FakeGitHub, spec: dict[str, Any]) -> dict[str, Any]:
    app = spec.get("app") or {}
    hub.app_id = int(app.get("id", hub.app_id))
    hub.app_slug = str(app.get("slug", hub.app_slug))
    hub.app_public_key = app.get("public_key", hub.app_public_key)
    result: dict[str, Any] = {"repos": {}}
    for repo_spec in spec.get("repos") or ():
        repo = _repo(hub, repo_spec)
        pulls = {}
        for pr_spec in repo_spec.get("pulls") or ():
            pr = hub.open_pull_request(
                repo,
                pr_spec.get("files") or {},
                remove=tuple(pr_spec.get("remove") or ()),
                fork=pr_spec.get("fork"),
                draft=bool(pr_spec.get("draft")),
                number=pr_spec.get("number"),
            )
            pulls[pr.number] = {"head_sha": pr.head_sha, "base_sha": pr.base_sha}
        for comment in repo_spec.get("comments") or ():
            made = hub.add_comment(
                repo,
                int(comment["number"]),
                comment["body"],
                login=comment.get("login", "octocat"),
                user_type=comment.get("type", "User"),
            )
            pulls.setdefault(int(comment["number"]), {}).setdefault("comments", []).append(made.id)
        result["repos"][repo.full_name] = {"pulls": pulls, "default_sha": repo.branches[repo.default_branch]}
    for push in spec.get("push") or ():
        pr = hub.repos[push["repo"]].pulls[int(push["number"])]
        sha = hub.push(pr, push.get("files") or {}, remove=tuple(push.get("remove") or ()))
        result.setdefault("pushed", []).append({"repo": push["repo"], "number": pr.number, "head_sha": sha})
    return result


def _repo(hub: FakeGitHub, spec: dict[str, Any]) -> Repo:
    name = f"{spec['owner']}/{spec['name']}"
    repo = hub.repos.get(name)
    if repo is None:
        repo = hub.add_repo(
            spec["owner"],
            spec["name"],
            installation_id=int(spec.get("installation_id", 1)),
            files=spec.get("files"),
            private=bool(spec.get("private", False)),
        )
    elif spec.get("files"):
        repo.commit(spec["files"], branch=repo.default_branch)
    for login, role in (spec.get("collaborators") or {}).items():
        hub.set_permission(repo, login, role)
    return repo
