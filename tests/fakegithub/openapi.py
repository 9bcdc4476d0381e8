"""Validate requests against GitHub's REST OpenAPI description (the pruned subset we use).

Shared by the fake GitHub server (it rejects invalid requests like GitHub would) and the respx
adapter tests (an invalid request fails the test). The description is a vendored copy of
``../shared/github/github-rest-subset.openapi.json`` (from npm ``@octokit/openapi`` 23.0.2, MIT).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_FILE = Path(__file__).with_name("github-rest-subset.openapi.json")
SPEC_HOST = "https://api.github.com"
GHES_PREFIX = "/api/v3"
_CONTENTS_MARK = "/contents/"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What validation found: the operation (if the route exists), its path parameters, errors."""

    operation_id: str | None
    path_params: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.operation_id is not None and not self.errors


@dataclass
class _Request:
    method: str
    path: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    host_url: str = SPEC_HOST


class Validator:
    """Thread-safe wrapper around openapi-core for the GitHub subset."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._api = OpenAPI.from_dict(spec)
        self._finder = APICallPathFinder(self._api.spec, base_url=None)
        self._lock = threading.Lock()

    def validate(
        self,
        method: str,
        raw_path: str,
        query: str = "",
        body: bytes | None = None,
        content_type: str = "application/json",
    ) -> Outcome:
        """*raw_path*: the percent-encoded path as sent (a GHES ``/api/v3`` prefix is removed)."""
        path = spec_path(raw_path)
        try:
            found = self._finder.find(method.lower(), SPEC_HOST + path)
        except PathError as error:
            return Outcome(None, errors=(str(error),))
        operation_id = str(found.operation["operationId"])
        params = {k: unquote(str(v)) for k, v in found.path_result.variables.items()}
        request = _Request(
            method.lower(),
            path,
            RequestParameters(
                query=ImmutableMultiDict(parse_qsl(query, keep_blank_values=True)), header=Headers()
            ),
            body if body else None,
            content_type.split(";")[0].strip().lower() if body else "",
        )
        with self._lock:  # openapi-core's caches are not documented as thread-safe
            result = self._api.unmarshal_apicall_request(request)
        errors = tuple(_describe(e) for e in result.errors)
        return Outcome(operation_id, params, errors)


def spec_path(raw_path: str) -> str:
    """The path as the description expects it: no GHES prefix, a contents path in one segment."""
    path = raw_path
    if path.startswith(GHES_PREFIX + "/"):
        path = path[len(GHES_PREFIX) :]
    if path.startswith("/repos/") and _CONTENTS_MARK in path:
        head, _, rest = path.partition(_CONTENTS_MARK)
        if head.count("/") == 3:  # /repos/{owner}/{repo}
            path = head + _CONTENTS_MARK + quote(unquote(rest), safe="")
    return path


def _describe(error: Exception) -> str:
    cause = error.__cause__ or error.__context__
    details = getattr(error, "schema_errors", None) or ()
    parts = [str(error)] + [getattr(d, "message", str(d)) for d in details]
    if cause is not None and not details:
        parts.append(str(cause))
    return " | ".join(parts)[:2000]


@lru_cache(maxsize=1)
def validator() -> Validator:
    return Validator(json.loads(SPEC_FILE.read_text(encoding="utf-8")))
