"""What ``devdocs-review action`` reads from GitHub Actions: the standard environment of a step
and the Action's inputs, checked once; any problem is an :class:`ActionError` with a one-line
reason (exit code 2).

Standard (set by the runner): ``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``, ``GITHUB_REPOSITORY``,
``GITHUB_API_URL``, ``GITHUB_SERVER_URL``, ``GITHUB_RUN_ID``, ``GITHUB_STEP_SUMMARY``,
``GITHUB_OUTPUT``. The token: ``GITHUB_TOKEN`` (``action.yml`` sets it from the ``github-token``
input, the workflow's token by default). Inputs (``action.yml`` passes each as an environment
variable, never into the shell's text): ``DEVDOCS_CHECK_NAME``, ``DEVDOCS_HTML_REPORT``,
``DEVDOCS_SARIF_FILE``; the command's options override them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_CHECK_NAME = "devdocs-review"
REQUIRED = ("GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_TOKEN")
# The Action's inputs as action.yml passes them (input name -> environment variable).
INPUT_ENV = {
    "github-token": "GITHUB_TOKEN",
    "check-name": "DEVDOCS_CHECK_NAME",
    "html-report": "DEVDOCS_HTML_REPORT",
    "sarif-file": "DEVDOCS_SARIF_FILE",
}
MAX_CHECK_NAME = 100


class ActionError(Exception):
    """The Action cannot run; ``str(error)`` is one line saying why (exit code 2)."""


@dataclass(frozen=True, slots=True)
class ActionSettings:
    """The review's settings in a workflow (``ReviewSettings`` and ``TokenSettings``)."""

    token: SecretStr
    github_api_url: str = DEFAULT_API_URL
    check_name: str = DEFAULT_CHECK_NAME
    github_timeout_seconds: float = 20.0
    review_budget_seconds: float = 30.0
    worker_max_attempts: int = 1  # no queue retries a workflow step: the first failure is final

    @property
    def webhook_secret(self) -> SecretStr:
        return SecretStr("")  # the Action receives no webhooks

    @property
    def private_key(self) -> SecretStr:
        """The Action's only credential is the token: error texts are scrubbed of it, as they are
        of the App's private key."""
        return self.token


@dataclass(frozen=True, slots=True)
class ActionEnv:
    event_name: str
    event_path: Path
    repository: str  # owner/name
    settings: ActionSettings
    server_url: str = DEFAULT_SERVER_URL
    run_id: str | None = None
    step_summary: Path | None = None
    output: Path | None = None
    html_report: Path | None = None
    sarif_file: Path | None = None

    @property
    def run_url(self) -> str | None:
        """This workflow run's page (its artifacts are listed there)."""
        if not self.run_id:
            return None
        return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"


def read_env(environ: Mapping[str, str], *, check_name: str | None = None, html_report: str | None = None,
             sarif_file: str | None = None) -> ActionEnv:
    """The Actions environment of this step; *check_name*, *html_report* and *sarif_file* (the
    command's options) override the inputs' variables."""
    missing = [name for name in REQUIRED if not environ.get(name, "").strip()]
    if missing:
        hint = " (pass `github-token`, or set `env: GITHUB_TOKEN: ${{ github.token }}`)" \
            if missing == ["GITHUB_TOKEN"] else " (is this running in a GitHub Actions step?)"
        raise ActionError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set{hint}")
    repository = environ["GITHUB_REPOSITORY"].strip()
    owner, _, name = repository.partition("/")
    if not owner or not name or "/" in name:
        raise ActionError(f"GITHUB_REPOSITORY must be owner/name, got {repository!r}")
    name_of_check = (check_name if check_name is not None else environ.get("DEVDOCS_CHECK_NAME", "")).strip()
    if len(name_of_check) > MAX_CHECK_NAME:
        raise ActionError(f"check-name is {len(name_of_check)} characters long (at most {MAX_CHECK_NAME})")
    settings = ActionSettings(
        token=SecretStr(environ["GITHUB_TOKEN"].strip()),
        github_api_url=_url(environ, "GITHUB_API_URL", DEFAULT_API_URL),
        check_name=name_of_check or DEFAULT_CHECK_NAME,
    )
    return ActionEnv(
        event_name=environ["GITHUB_EVENT_NAME"].strip(),
        event_path=Path(environ["GITHUB_EVENT_PATH"]),
        repository=repository,
        settings=settings,
        server_url=_url(environ, "GITHUB_SERVER_URL", DEFAULT_SERVER_URL),
        run_id=environ.get("GITHUB_RUN_ID") or None,
        step_summary=_path(environ.get("GITHUB_STEP_SUMMARY")),
        output=_path(environ.get("GITHUB_OUTPUT")),
        html_report=_path(html_report if html_report is not None else environ.get("DEVDOCS_HTML_REPORT")),
        sarif_file=_path(sarif_file if sarif_file is not None else environ.get("DEVDOCS_SARIF_FILE")),
    )


def _url(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ActionError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _path(value: str | None) -> Path | None:
    return Path(value.strip()) if value and value.strip() else None
